"""What counting responses in groups of at least k costs (docs/privacy.md): the release rule
(``rollups.release``) timed on generated rounds, pure Python, no database.

* a rebuild: 5,000 responses queued at once (``results_rebuild`` after a bulk load);
* each submission after it: one more response, and whatever may now go, in the submit's
  transaction under the round's rollup lock.

Run by ``make bench``; prints one line each.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collabassess.settings")

import django  # noqa: E402

django.setup()

from assessments import rollups  # noqa: E402

K = 5
TEAMS = 20
GROUPS = ["staff", "clinician", "manager", "patient", "carer", "voluntary", "commissioner", ""]
STRUCTURE = rollups.Structure(tuple((n, tuple(range(n * 10, n * 10 + 5))) for n in range(1, 9)))


def person(rng: random.Random) -> dict:
    key = rollups.cell_key(rng.randint(1, TEAMS), rng.choice(GROUPS))
    answers = {
        i: None if rng.random() < 0.1 else rng.randint(1, 5)
        for _, ids in STRUCTURE.characteristics
        for i in ids
    }
    cell = rollups.response_cell(STRUCTURE, answers, ["care"] if rng.random() < 0.6 else [])
    return rollups.waiting_entry(STRUCTURE, key, cell, {})


def main() -> None:
    rng = random.Random(3)
    snapshot, comments = rollups.empty(), {}
    waiting = [person(rng) for _ in range(5000)]
    started = time.perf_counter()
    waiting, _ = rollups.release(STRUCTURE, snapshot, comments, waiting, k=K)
    print(
        f"release, rebuild of 5,000 responses ({TEAMS} teams, {len(GROUPS)} groups, k={K}): "
        f"{time.perf_counter() - started:.2f} s; {rollups.counted(snapshot)} counted, "
        f"{len(waiting)} with parts still waiting"
    )
    times = []
    for _ in range(300):
        waiting.append(person(rng))
        started = time.perf_counter()
        waiting, _ = rollups.release(STRUCTURE, snapshot, comments, waiting, k=K)
        times.append(time.perf_counter() - started)
    times.sort()
    print(
        f"release, each of 300 submissions after it: median {1000 * times[150]:.2f} ms, "
        f"p99 {1000 * times[296]:.2f} ms ({len(waiting)} with parts waiting at the end)"
    )


if __name__ == "__main__":
    main()
