"""Example pages of the PDF reports, for docs/: the demo round's group report (pages 1 and 2) and
one demo partner's own results (page 1), as PNG.

Runs on its own SQLite database under var/reports/ (content and demo loaded; the user's database
is never touched), downloads both PDFs through the real views, prints how long each took, and
turns the pages into PNG with pdftoppm (poppler-utils). Usage: .venv/bin/python scripts/report_examples.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "reports"
DOCS = ROOT / "docs"
RESOLUTION = 80  # dpi: an A4 page of about 660 × 935 px, under 300 KB as PNG


def setup() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    database = WORK / "reports.sqlite3"
    database.unlink(missing_ok=True)
    os.environ.pop("REDIS_URL", None)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collabassess.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)
    with open(os.devnull, "w") as quiet:  # the demo's links and password: not needed here
        call_command("load_demo", "--base-url", "http://127.0.0.1:8000", stdout=quiet)


def download(client, url: str, name: str) -> Path:
    started = time.perf_counter()
    response = client.get(url, HTTP_HOST="127.0.0.1")
    seconds = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"] == "application/pdf"
    path = WORK / name
    path.write_bytes(response.content)
    print(f"{name}: {len(response.content) / 1024:.0f} KB in {seconds:.2f} s")
    return path


def pages(pdf: Path, numbers: list[int], targets: list[Path]) -> None:
    for number, target in zip(numbers, targets, strict=True):
        stem = WORK / f"{pdf.stem}-{number}"
        subprocess.run(  # noqa: S603
            [shutil.which("pdftoppm") or "pdftoppm", "-png", "-r", str(RESOLUTION), "-singlefile",
             "-f", str(number), "-l", str(number), str(pdf), str(stem)],
            check=True,
        )  # fmt: skip
        shutil.copyfile(stem.with_suffix(".png"), target)
        print(f"{target.relative_to(ROOT)}: {target.stat().st_size / 1024:.0f} KB")


def main() -> None:
    setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from assessments import respondent_session
    from assessments.models import Response, Round

    round = Round.objects.filter(snapshot__isnull=False).order_by("-opens_on").first()
    facilitator = get_user_model().objects.get(username="demo-facilitator")
    client = Client()
    client.force_login(facilitator)
    report = download(
        client,
        reverse("results_pdf", args=[round.collaboration_id, round.pk]),
        "round-report.pdf",
    )
    pages(report, [1, 2], [DOCS / "report-example-1.png", DOCS / "report-example-2.png"])

    # A partner whose answers give priorities and strengths both, seen from their own browser.
    partner = Client()
    response = (
        Response.objects.filter(round=round, status=Response.Status.SUBMITTED)
        .order_by("pk")
        .first()
    )
    session = partner.session
    respondent_session.finish(session, response)  # as submitting does: a new session key
    session.save()
    partner.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    personal = download(partner, reverse("respond_results_pdf"), "personal-report.pdf")
    pages(personal, [1], [DOCS / "personal-report-example.png"])


if __name__ == "__main__":
    main()
