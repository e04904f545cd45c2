"""Remove each guarantee's guard, one at a time, and check that its tests fail.

A test that still passes with its guard removed proves nothing. Each patch under
``tests/mutations/`` removes the guard of one guarantee; its header names the tests that claim to
check it:

    Guarantee: exactly one of many concurrent submits stores the response
    Tests: tests/assessments/test_concurrency.py::test_50_concurrent_submissions_of_one_draft
    Database: postgresql

    diff --git a/assessments/services/respond.py b/assessments/services/respond.py
    ...

For each patch this script makes a throwaway ``git worktree`` of the commit checked out (HEAD:
commit first, uncommitted edits are not in it), applies the patch there, runs the tests and
expects them to FAIL; the worktree is then removed. The developer's own tree is never edited. A
patch that no longer applies is reported as a failure, so the patches move with the code.

    make mutate                                 # every patch (SQLite, and PostgreSQL where asked)
    .venv/bin/python scripts/mutate.py submit   # patches whose file name contains "submit"
    .venv/bin/python scripts/mutate.py --list

Exit status 0 when every mutation was caught, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATCHES = ROOT / "tests" / "mutations"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/collabassess"


@dataclass
class Mutation:
    path: Path
    guarantee: str
    tests: list[str]
    database: str | None

    @property
    def name(self) -> str:
        return self.path.stem


def read(path: Path) -> Mutation:
    header = path.read_text().split("\ndiff --git ", 1)[0]
    fields: dict[str, str] = {}
    for line in header.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() in {"Guarantee", "Tests", "Database"}:
            fields[key.strip()] = (fields.get(key.strip(), "") + " " + value).strip()
    if "Guarantee" not in fields or "Tests" not in fields:
        raise SystemExit(f"{path}: the header needs a 'Guarantee:' and a 'Tests:' line.")
    return Mutation(path, fields["Guarantee"], fields["Tests"].split(), fields.get("Database"))


def run(cmd: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - our own commands


def pytest(worktree: Path, tests: list[str], database: str | None) -> int:
    env = {**os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}
    env.pop("PYTEST_ADDOPTS", None)
    if database == "postgresql":
        env["DATABASE_URL"] = os.environ.get("MUTATE_DATABASE_URL", POSTGRES_URL)
    elif not (env.get("DATABASE_URL") or "").startswith("postgres"):
        env.pop("DATABASE_URL", None)
    (worktree / "var").mkdir(exist_ok=True)
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-p", "no:xdist"]
    result = run([*cmd, *tests], worktree, env)
    return result.returncode


class Worktree:
    """A detached worktree of HEAD in a temporary directory, removed on exit."""

    def __enter__(self) -> Path:
        self.path = Path(tempfile.mkdtemp(prefix="collabassess-mutant-")) / "tree"
        made = run(["git", "worktree", "add", "--detach", str(self.path), "HEAD"], ROOT)
        if made.returncode:
            raise SystemExit(f"git worktree add failed: {made.stderr}")
        axe = ROOT / "tests" / "browser" / "vendor"
        if axe.exists():  # fetched once by the Makefile, not committed
            (self.path / "tests" / "browser" / "vendor").symlink_to(axe)
        return self.path

    def __exit__(self, *exc) -> None:
        run(["git", "worktree", "remove", "--force", str(self.path)], ROOT)
        run(["git", "worktree", "prune"], ROOT)


def check(mutation: Mutation) -> tuple[bool, str]:
    with Worktree() as tree:
        baseline = pytest(tree, mutation.tests, mutation.database)
        if baseline != 0:
            return False, f"its tests fail before the patch (exit {baseline}): fix them first"
        applied = run(["git", "apply", str(mutation.path)], tree)
        if applied.returncode:
            return False, f"the patch no longer applies: {applied.stderr.strip()[:300]}"
        mutated = pytest(tree, mutation.tests, mutation.database)
    if mutated == 1:
        return True, "caught: its tests fail without the guard"
    if mutated == 0:
        return False, "SURVIVED: its tests pass without the guard"
    return False, f"pytest ended with exit {mutated} (an error, not a failing test)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="run the patches whose name contains any of these")
    parser.add_argument("--list", action="store_true", help="list the guarantees and stop")
    args = parser.parse_args()
    mutations = [read(path) for path in sorted(PATCHES.glob("*.patch"))]
    if args.names:
        mutations = [m for m in mutations if any(n in m.name for n in args.names)]
    if not mutations:
        print("No mutation matches.", file=sys.stderr)
        return 1
    if args.list:
        for m in mutations:
            where = f" [{m.database}]" if m.database else ""
            print(f"{m.name}{where}: {m.guarantee}")
        return 0
    failed = []
    for m in mutations:
        started = time.monotonic()
        ok, message = check(m)
        print(
            f"{'ok  ' if ok else 'FAIL'} {m.name} ({time.monotonic() - started:.0f} s): {message}"
        )
        print(f"     {m.guarantee}", flush=True)
        if not ok:
            failed.append(m.name)
    print(f"\n{len(mutations) - len(failed)} of {len(mutations)} mutations caught.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
