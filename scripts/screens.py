"""Screenshots of the partner's journey and the facilitator's results at 375 px and 1280 px, for
docs/screens/ (make screens).

Starts the app on its own SQLite database under var/screens/ (content and demo loaded), walks the
journey in Chromium (/usr/bin/chromium, through Playwright) as a partner would, then signs in as
the demo facilitator (load_demo prints a fresh password with DEBUG on) and opens the last closed
round's overview with all five teams on the radar, and its heatmap. Saves one JPEG per page and
width, then writes docs/screens/README.md listing them. The user's database is never touched.

Then the results shared back (issue 20), on the demo's first round, which had a consensus
workshop and whose results are shared: the collaboration's results as a partner who answered
that round sees them on a phone (375 px; one demo response is given a private link we know, in
the screens database only), a board link the facilitator makes on the sharing page (1280 px),
and the workshop's projector view as a shared screen shows it (1280 × 720, the screen only).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "screens"
OUT = ROOT / "docs" / "screens"
WIDTHS = (375, 1280)
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env() -> dict[str, str]:
    database = WORK / "screens.sqlite3"
    return {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "1",
        "SECRET_KEY": "screens",
    }


@dataclass
class Demo:
    invitation: str  # a team's invitation link of the open round
    password: str  # the demo facilitator's, printed by load_demo with DEBUG on
    results: str  # the last closed round's results overview (path)
    shared: str  # the private results link of a partner who answered the first round (path)
    sharing: str  # the first round's sharing page (path)
    workshop: str  # the first round's workshop page (path)


ROUND_OF_DEMO = (
    "from assessments.demo import DEMO_NAME; from assessments.models import Round; "
    "r = Round.objects.filter(collaboration__name=DEMO_NAME, status='closed')"
    ".order_by('-closes_on').first(); print(r.collaboration_id, r.pk)"
)
# The first round (a workshop, its results shared) and a private results link for one of its
# partners: demo responses keep no token anyone knows, so one is given a fresh one.
FIRST_ROUND_OF_DEMO = (
    "from assessments.demo import DEMO_NAME; "
    "from assessments.models import Response, Round, new_token, token_digest; "
    "r = Round.objects.filter(collaboration__name=DEMO_NAME).order_by('opens_on').first(); "
    "p = r.responses.filter(status='submitted').order_by('pk').first(); t = new_token(); "
    "Response.objects.filter(pk=p.pk).update(resume_digest=token_digest(t)); print(r.pk, t)"
)


def manage(*args: str) -> str:
    result = subprocess.run(  # noqa: S603 (our own manage.py)
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env(), capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args[:2])} failed:\n{result.stderr}")
    return result.stdout


def prepare(port: int) -> Demo:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    manage("migrate", "--no-input", "-v0")
    manage("load_content")
    printed = manage("load_demo", "--base-url", f"http://127.0.0.1:{port}")
    links = re.findall(r"http://127\.0\.0\.1:\d+/i/[\w-]+/", printed)
    password = re.search(r"password: (\S+)", printed)
    if not links or not password:
        sys.exit("load_demo printed no invitation link or no facilitator password")
    collaboration_id, round_id = manage("shell", "-c", ROUND_OF_DEMO).split()[-2:]
    first_id, token = manage("shell", "-c", FIRST_ROUND_OF_DEMO).split()[-2:]
    first = f"/facilitate/c/{collaboration_id}/rounds/{first_id}/"
    return Demo(
        invitation=links[0],
        password=password.group(1),
        results=f"/facilitate/c/{collaboration_id}/rounds/{round_id}/results/",
        shared=f"/resume/{token}/",
        sharing=f"{first}sharing/",
        workshop=f"{first}workshop/",
    )


def answer(page, value: str) -> None:
    for fieldset in page.locator("fieldset.item").all():
        fieldset.locator(f"input[value='{value}']").check()


def walk(browser, width: int, demo: Demo, port: int, shots: list) -> None:
    """The journey, then the facilitator's results, at one width: one screenshot per page."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()

    def shot(number: int, name: str, title: str, *, full_page: bool = True) -> None:
        page.wait_for_timeout(400)  # charts drawn
        path = OUT / f"{number:02d}-{name}-{width}.jpg"
        page.screenshot(path=str(path), full_page=full_page, type="jpeg", quality=55)
        shots.append((title, width, path.name))

    page.goto(demo.invitation)
    shot(1, "landing", "Landing page: the Start button on the first screen")
    page.get_by_role("button", name="Start the assessment").click()
    page.get_by_label("Clinician", exact=True).check()
    shot(2, "about", "About you: one stakeholder group, each with its hint")
    page.get_by_role("button", name="Save and continue").click()
    shot(3, "question", "A questionnaire page: plain-English lines, 44 px answers")
    for value in ["2", "4", "3", "5", "4", "2", "5", "3"]:
        answer(page, value)
        page.get_by_role("button", name="Save and continue").click()
    shot(4, "value", "How the collaboration creates value, with “I’m not sure”")
    page.get_by_role("button", name="Save and continue").click()
    shot(5, "check-answers", "Check your answers, with change links")
    page.get_by_role("button", name="Submit my answers").click()
    page.wait_for_url("**/respond/results/")
    shot(6, "results", "Your results: a short summary first, the rest folded by characteristic")
    page.goto(f"http://127.0.0.1:{port}/i/truncated-link/")
    shot(7, "not-found", "A truncated invitation link")
    page.goto(f"http://127.0.0.1:{port}/framework/")
    shot(8, "framework", "The framework page, folded")
    page.goto(f"http://127.0.0.1:{port}/accounts/login/")
    page.get_by_label("Username").fill("demo-facilitator")
    page.get_by_label("Password").fill(demo.password)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"http://127.0.0.1:{port}{demo.results}")
    keys = page.locator("form.team-toggles input[name=show]").evaluate_all(
        "inputs => inputs.map(input => input.value)"
    )
    page.goto(f"http://127.0.0.1:{port}{demo.results}?" + "&".join(f"show={k}" for k in keys))
    shot(9, "overview-five-teams", "Facilitator: a round's overview with five teams on the radar")
    page.goto(f"http://127.0.0.1:{port}{demo.results}heatmap/")
    shot(10, "heatmap", "Facilitator: the heatmap, a sequential scale with numbers and bands")
    if width == 1280:
        # A board link, made as the facilitator makes one, opened as the board would.
        page.goto(f"http://127.0.0.1:{port}{demo.sharing}")
        page.get_by_label("Who the link is for").fill("Riverside ICB board, March meeting")
        page.get_by_role("button", name="Make the link").click()
        page.wait_for_url(f"**{demo.sharing}")
        board = page.get_by_label("Board link for Riverside ICB board, March meeting")
        board_url = board.input_value()
        # The projector view as the shared screen shows it, on governance (7), which the room
        # agreed with a dissent (assessments/demo.py).
        page.set_viewport_size({"width": 1280, "height": 720})
        page.goto(f"http://127.0.0.1:{port}{demo.workshop}")
        page.get_by_role("link", name=re.compile(r"^7\. ")).click()
        page.wait_for_url("**/workshop/c/7/")
        shot(
            13,
            "projector",
            "Consensus workshop: the projector view, one characteristic (the screen, 1280 × 720)",
            full_page=False,
        )
        # The board link, in a browser that never signed in.
        context.close()
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        page.goto(board_url)
        shot(12, "board-link", "Board link: the collaboration’s results, with no sign-in")
    context.close()
    if width == 375:
        # A partner who answered the first round opens their private link on a phone.
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}{demo.shared}")
        page.wait_for_url("**/respond/results/")
        page.get_by_role("link", name="Your collaboration’s results").click()
        page.wait_for_url("**/respond/results/collaboration/")
        shot(
            11,
            "shared-results",
            "Results shared back: the collaboration’s results on a partner’s link, agreed "
            "scores beside the survey’s",
        )
        context.close()


def main() -> int:
    port = free_port()
    demo = prepare(port)
    server = subprocess.Popen(  # noqa: S603 (our own manage.py)
        [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    shots: list[tuple[str, int, str]] = []
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        OUT.mkdir(parents=True, exist_ok=True)
        for old in OUT.glob("*.jpg"):
            old.unlink()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            for width in WIDTHS:
                walk(browser, width, demo, port, shots)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    lines = [
        "# The partner's journey and the facilitator's results, at 375 px and 1280 px",
        "",
        "Made by `make screens` (scripts/screens.py) on the demo data: rebuild them after changing",
        "a page of the journey. Each image is the whole page, except the projector view: the",
        "1280 × 720 screen the room sees. The pages of results shared back (issue 20) are at the",
        "one width each is mostly seen at.",
        "",
        "| page | 375 px | 1280 px |",
        "|---|---|---|",
    ]
    by_title: dict[str, dict[int, str]] = {}
    for title, width, name in sorted(shots, key=lambda shot: shot[2]):
        by_title.setdefault(title, {})[width] = name
    for title, files in by_title.items():
        cells = [f"[{files[w]}]({files[w]})" if w in files else "" for w in WIDTHS]
        lines.append(f"| {title} | {' | '.join(cells)} |")
    (OUT / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(shots)} screenshots in {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
