"""Board papers in two clicks: the two-page summary of a round beside the full report, and
tagged, accessible PDFs (PDF/UA-1) for every report.

The PDFs are read back with pypdf: their text, their page count, and their catalog (the
structure tree a screen reader follows, the language, the title). Personas as in
tests/conftest.py: Fred facilitates the Northshire Stroke Network, Vera views it, Oscar owns
another collaboration.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assessments import reports, scoring
from assessments.models import Action, Agreement, Round, Team, Workshop
from tests.assessments.results_data import submit, synthetic_snapshot
from tests.conftest import signed_in

LONG_WORDS = (
    "integrated neighbourhood teams sharing records across primary care community nursing "
    "social care and the voluntary sector so that people living with frailty stay well at home "
)


def summary_url(round):
    return reverse("results_summary_pdf", args=[round.collaboration_id, round.pk])


def pdf_of(response) -> PdfReader:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def text_of(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def page_texts(reader: PdfReader) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def teams(round) -> dict[str, Team]:
    return {t.name: t for t in Team.objects.filter(collaboration=round.collaboration)}


def earlier_round(collaboration, version, *, days=200, title="Spring round", status="closed"):
    today = timezone.localdate()
    return Round.objects.create(
        collaboration=collaboration,
        framework_version=version,
        title=title,
        opens_on=today - timedelta(days=days),
        closes_on=today + timedelta(days=30 if status == "open" else 30 - days),
        status=status,
    )


def workshop_of(round, agreements: dict[int, tuple[int | None, str, str]], participants=12):
    """A workshop on ``round`` with, per characteristic number, (score, reasoning, dissent)."""
    workshop = Workshop.objects.create(
        round=round, participants=participants, held_on=timezone.localdate()
    )
    for number, (score, reasoning, dissent) in agreements.items():
        Agreement.objects.create(
            workshop=workshop,
            characteristic_number=number,
            score=score,
            reasoning=reasoning,
            dissent=dissent,
        )
    return workshop


def action(round, title, *, due_in=None, number=1, status="planned", owner="", workshop=None):
    return Action.objects.create(
        collaboration=round.collaboration if round else workshop.round.collaboration,
        round=round,
        workshop=workshop,
        characteristic_number=number,
        title=title,
        owner=owner,
        due_on=None if due_in is None else timezone.localdate() + timedelta(days=due_in),
        status=status,
    )


def large_round(collaboration, open_round, content, *, team_count=12, responses=600):
    """The summary's worst case: 12 teams with headcounts, a previous round, a long purpose, a
    workshop agreeing all 8 characteristics with long reasoning and dissent, and many open
    actions with long titles and owners."""
    collaboration.purpose = (LONG_WORDS * 12).strip()
    collaboration.save(update_fields=["purpose"])
    for i in range(len(teams(open_round)), team_count):
        Team.objects.create(collaboration=collaboration, name=f"Partner organisation {i:02d}")
    all_teams = list(Team.objects.filter(collaboration=collaboration).order_by("pk"))
    Team.objects.filter(pk__in=[t.pk for t in all_teams]).update(headcount=80)
    previous = earlier_round(collaboration, content)
    synthetic_snapshot(previous, all_teams, responses, seed=2)
    synthetic_snapshot(open_round, all_teams, responses)
    workshop_of(
        open_round,
        {
            n: (None if n == 3 else 1 + n % 5, (LONG_WORDS * 6)[:1000], LONG_WORDS[:300])
            for n in range(1, 9)
        },
    )
    for i in range(10):
        action(
            open_round,
            f"Action {i:02d}: " + (LONG_WORDS * 2)[:185],
            due_in=i * 7,
            number=1 + i % 8,
            owner="Director of integrated care " + LONG_WORDS[:170],
        )


# --- The two-page summary -------------------------------------------------------------------------


def test_the_summary_fits_two_pages_for_a_large_round(
    collaboration, open_round, content, fred, captured
):
    large_round(collaboration, open_round, content)
    response = signed_in(fred).get(summary_url(open_round))
    assert response["Content-Disposition"] == (
        'attachment; filename="northshire-stroke-network-autumn-round-summary.pdf"'
    )
    reader = pdf_of(response)
    assert 1 <= len(reader.pages) <= 2
    first, second = page_texts(reader)
    # Page 1: the round, its purpose cut to fit, the headline scores of all 8 characteristics
    # with the previous round's; page 2: the agreed scores, three actions, the method.
    assert "Headline scores" in first and "8. Skills and capabilities" in first
    assert "Previous round" in first and "Spring round" in first
    assert "(shortened: the full report gives it whole)" in first
    assert "…" in first[: first.index("Round")]
    assert "What partners agreed" in second and "Top three actions" in second
    assert "How the figures are worked out" in second and "© Kaleidoscope" in second
    assert second.count("A minority view was recorded.") == 8
    assert "could not agree" in second
    shown = [f"Action {i:02d}" for i in range(10) if f"Action {i:02d}" in second]
    assert shown == ["Action 00", "Action 01", "Action 02"]  # the soonest due, three only
    assert "(3 of 10; the full report lists them all)" in second
    # Every one of the 12 teams' 80 people: 600 responses of 960.
    assert "a response rate of 63% of the 960 people in the headcounts of the 12 teams" in first


def test_the_summary_has_the_overviews_scores_the_previous_round_and_what_partners_agreed(
    collaboration, open_round, content, fred, captured
):
    by_name = teams(open_round)
    Team.objects.filter(name="Acute Trust").update(headcount=10)
    Team.objects.filter(name="Community Services").update(headcount=10)
    Team.objects.filter(name="Social Care").update(headcount=20)
    previous = earlier_round(collaboration, content, status=Round.Status.OPEN)
    for name, value in (("Acute Trust", 2), ("Community Services", 3), ("Social Care", 3)):
        for _ in range(5):
            submit(previous, team=by_name[name], group="clinician", value=value)
    Round.objects.filter(pk=previous.pk).update(
        status=Round.Status.CLOSED, closes_on=timezone.localdate() - timedelta(days=170)
    )
    for name, value in (("Acute Trust", 4), ("Community Services", 3), ("Social Care", 3)):
        for _ in range(5):
            submit(open_round, team=by_name[name], group="clinician", value=value)
    workshop = workshop_of(
        open_round,
        {
            2: (3, "The partners felt the scores undersell the new joint board.", ""),
            6: (None, "No shared measures yet.", "Two partners thought this a strength."),
        },
        participants=11,
    )
    action(open_round, "Agree three shared measures", due_in=30, number=6, owner="Board chair")
    action(None, "From the workshop: a data-sharing agreement", due_in=10, workshop=workshop)
    action(open_round, "Done already", due_in=5, status="done")
    action(previous, "An older round's action", due_in=1)

    client = signed_in(fred)
    overview = client.get(reverse("results_overview", args=[collaboration.pk, open_round.pk]))
    page = overview.content.decode()
    assert summary_url(open_round) in page
    assert "Two-page summary (PDF)" in page
    text = text_of(pdf_of(client.get(summary_url(open_round))))

    # The headline scores are the overview's, the previous round's beside them and the change
    # as printed: 2.00, 3.00, 3.00 then 4.00, 3.00, 3.00 give 2.67 then 3.33, +0.66 (not 0.67).
    for row in overview.context["chart_rows"]:
        name = f"{row.characteristic.number}. {row.characteristic.name}"
        score = str(scoring.shown(row.total.result.mean))
        assert re.search(rf"{re.escape(name)} {score} {row.total.band.title()} 2\.67 \+0\.66", text)
    assert "Previous round" in text and "Spring round" in text
    # What partners agreed, labelled, with the dissent said but not printed.
    label = f"Agreed in a workshop on {timezone.localdate():%-d %B %Y} by 11 people"
    assert label in text
    assert "The partners felt the scores undersell the new joint board." in text
    assert "No shared measures yet. A minority view was recorded." in text
    assert "Two partners thought this a strength" not in text
    assert "2 of 8 characteristics have an agreement" in text
    # The open actions raised from this round (its results or its workshop), soonest first; not
    # the done one, nor the previous round's.
    actions = text[text.index("Top three actions") : text.index("How the figures")]
    assert actions.index("a data-sharing agreement") < actions.index("Agree three shared")
    assert "Done already" not in actions and "older round" not in actions
    assert "Open actions raised from this round, the soonest due first (2 of 2)" in actions
    # The response rate from the count the figures use and the teams' headcounts: 15 of 40.
    assert "15 counted in the results" in text
    assert "a response rate of 38% of the 40 people in the headcounts of the 3 teams" in text
    # The method in one paragraph, and the publisher's credit.
    assert "How the figures are worked out" in text
    assert "No figure is shown about fewer than 5 people" in text
    assert "© Kaleidoscope Health & Care" in text


def test_the_full_report_gives_the_purpose_the_summary_shortens(
    collaboration, open_round, fred, captured
):
    collaboration.purpose = (LONG_WORDS * 4).strip() + " and the last words of the purpose."
    collaboration.save(update_fields=["purpose"])
    for _ in range(5):
        submit(open_round)
    client = signed_in(fred)
    summary = text_of(pdf_of(client.get(summary_url(open_round))))
    assert "the last words of the purpose" not in summary
    assert "(shortened: the full report gives it whole)" in summary
    report = reverse("results_pdf", args=[collaboration.pk, open_round.pk])
    assert "and the last words of the purpose." in text_of(pdf_of(client.get(report)))


def test_without_a_workshop_or_actions_from_the_round_the_summary_says_so(
    collaboration, open_round, content, fred, captured
):
    for _ in range(5):
        submit(open_round)
    older = earlier_round(collaboration, content)
    for i, due_in in enumerate((40, None, 3, 20, 9)):
        action(older, f"Older action {i}", due_in=due_in)
    text = text_of(pdf_of(signed_in(fred).get(summary_url(open_round))))
    assert "No workshop was held for this round" in text
    actions = text[text.index("Top three actions") : text.index("How the figures")]
    assert "No action has been raised from this round yet: the collaboration’s open actions" in (
        actions
    )
    shown = re.findall(r"Older action (\d)", actions)
    assert shown == ["2", "4", "3"]  # due in 3, 9 and 20 days; the undated one last, not shown
    # No headcounts recorded: no rate, and it says why.
    assert "no response rate: 3 of the 3 teams taking part have no headcount recorded" in text


def test_a_round_below_k_says_no_figures_and_no_number_leaks(
    collaboration, open_round, content, fred, captured
):
    Team.objects.filter(collaboration=collaboration).update(headcount=10)
    by_name = teams(open_round)
    for _ in range(4):
        submit(open_round, team=by_name["Acute Trust"], value=2)
    reader = pdf_of(signed_in(fred).get(summary_url(open_round)))
    assert len(reader.pages) == 2
    text = text_of(reader)
    assert "No figures yet" in text and "fewer than 5 so far: no figures yet" in text
    # No score (the bands' thresholds aside), no count and no rate.
    assert not re.search(r"\b\d\.\d\d\b", text.replace("3.00", "").replace("4.00", ""))
    for absent in ("Headline scores", "counted in the results, as of", "response rate of", "%"):
        assert absent not in text, absent
    assert "4" not in re.sub(r"\d+ \w+ \d{4}|4\.00", "", text)  # dates and a threshold only
    assert "data:image/svg+xml" not in captured[0]  # no chart at all


def test_a_viewer_downloads_it_and_another_collaborations_round_is_a_404(
    open_round, vera, oscar, anon_client, other_collaboration_round
):
    for _ in range(5):
        submit(open_round)
    assert pdf_of(signed_in(vera).get(summary_url(open_round)))
    assert signed_in(oscar).get(summary_url(open_round)).status_code == 404
    foreign = reverse(
        "results_summary_pdf", args=[other_collaboration_round.collaboration_id, open_round.pk]
    )
    assert signed_in(oscar).get(foreign).status_code == 404
    response = anon_client.get(summary_url(open_round))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert signed_in(vera).post(summary_url(open_round)).status_code == 405


@pytest.mark.parametrize(
    "team_count,responses,actions,agreements",
    [(1, 10, 1, 1), pytest.param(12, 5_000, 10, 8, marks=pytest.mark.slow)],
)
def test_the_summary_query_count_is_pinned(
    team_count,
    responses,
    actions,
    agreements,
    collaboration,
    open_round,
    content,
    fred,
    django_assert_num_queries,
):
    for i in range(len(teams(open_round)), team_count):
        Team.objects.create(collaboration=collaboration, name=f"Team {i:02d}", headcount=9)
    chosen = list(Team.objects.filter(collaboration=collaboration))[:team_count]
    previous = earlier_round(collaboration, content)
    synthetic_snapshot(previous, chosen, responses, seed=3)
    synthetic_snapshot(open_round, chosen, responses)
    workshop_of(
        open_round, dict.fromkeys(range(1, agreements + 1), (3, "Reasoning.", "A dissent."))
    )
    for i in range(actions):
        action(open_round, f"Action {i}", due_in=i)
    client = signed_in(fred)
    assert client.get(summary_url(open_round)).status_code == 200
    # 1 session, 2 user, 3 membership (+collaboration), 4 round (+edition, framework, source);
    # group_results_page: 5 snapshot (+the previous round's), 6 characteristics, 7 indicators
    # (+tips), 8 preference, 9 teams, 10 offered groups; agreed_scores: 11 the workshop,
    # 12 its agreements; 13 the open actions; 14 the teams' headcounts.
    with django_assert_num_queries(14):
        assert client.get(summary_url(open_round)).status_code == 200


def test_shortened_cuts_at_a_word_and_says_so():
    assert reports.shortened("  Short   and\nsweet ", 40) == "Short and sweet"
    assert reports.shortened("Faster, joined-up stroke care for everyone", 25) == (
        "Faster, joined-up stroke…"
    )
    assert reports.shortened("word " * 100, 50).endswith("word…")
    assert len(reports.shortened("x" * 500, 50)) == 50  # one long word: cut where it stops
    assert reports.shortened("Exactly ten", 11) == "Exactly ten"


# --- Tagged, accessible PDFs ----------------------------------------------------------------------


def structure(reader: PdfReader) -> list[tuple[str, str | None]]:
    """(structure type, alternative text) of every element of the PDF's structure tree, in
    reading order."""
    found = []

    def walk(node):
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if "/S" in node:
            found.append((str(node["/S"]), str(node["/Alt"]) if "/Alt" in node else None))
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object") or isinstance(kid, dict):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def is_tagged_and_accessible(reader: PdfReader, title: str) -> None:
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata.title == title
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in xmp  # declares PDF/UA-1
    assert title.replace("&", "&amp;") in xmp
    elements = structure(reader)
    kinds = {kind for kind, _ in elements}
    assert "/H1" in kinds and "/H2" in kinds, kinds
    for kind in ("/Table", "/TH", "/TD", "/Caption", "/P", "/L", "/LI"):
        if kind in ("/L", "/LI") and kind not in kinds:
            continue  # the summary has no list; the reports do
        assert kind in kinds, kind
    figures = [alt for kind, alt in elements if kind == "/Figure"]
    assert figures, "no chart is tagged as a figure"
    assert all(alt and "The same figures are in the table" in alt for alt in figures), figures
    # Headings in reading order: the H1 first.
    headings = [kind for kind, _ in elements if re.fullmatch(r"/H\d", kind)]
    assert headings[0] == "/H1"


def test_the_round_report_and_the_summary_are_tagged_pdfs(open_round, fred, captured):
    by_name = teams(open_round)
    for name in by_name:
        for _ in range(5):
            submit(open_round, team=by_name[name], group="clinician", value=3)
    client = signed_in(fred)
    report = pdf_of(
        client.get(reverse("results_pdf", args=[open_round.collaboration_id, open_round.pk]))
    )
    is_tagged_and_accessible(report, "Northshire Stroke Network: Autumn round – results report")
    summary = pdf_of(client.get(summary_url(open_round)))
    is_tagged_and_accessible(summary, "Northshire Stroke Network: Autumn round – two-page summary")
    assert len([k for k, _ in structure(summary) if k == "/Figure"]) == 1  # the radar


def test_the_partners_own_report_is_a_tagged_pdf(anon_client, team_link, content):
    from tests.assessments.helpers import complete

    complete(anon_client, team_link.token, content)
    reader = pdf_of(anon_client.get(reverse("respond_results_pdf")))
    is_tagged_and_accessible(reader, "Your results – Autumn round – Northshire Stroke Network")


def test_chart_images_are_read_from_their_data_url_and_nothing_else():
    from assessments.templatetags.ca_pdf import chart_src

    chart = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><title>ü</title></svg>'
    src = chart_src(chart)
    assert src.startswith(reports.CHART_IMAGE_PREFIX)
    fetcher = reports.StaticFilesFetcher("http://testserver/")
    served = fetcher.fetch(src)
    assert served.read() == chart.encode() and served.content_type == "image/svg+xml"
    for refused in (
        "data:image/svg+xml;base64,not base64!",
        "data:image/svg+xml,<svg/>",
        "data:text/html;base64,PHA+aGk8L3A+",
        "data:image/png;base64,iVBORw0KGgo=",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(refused)


def split_prone_html(caption_style: str = "") -> str:
    """Tables and charts after text of every length (as in test_reports): some captions fall at
    the foot of a page."""
    blocks = ['<html lang="en-GB"><head><title>Blocks</title>']
    blocks.append('<link rel="stylesheet" href="/static/css/report.css"></head><body><h1>B</h1>')
    for i in range(12):
        blocks.append("<p>Filler text to push the next block down the page.</p>" * (3 + 5 * i % 17))
        rows = "".join(f"<tr><th scope='row'>T{i}-row{j}</th><td>{j}</td></tr>" for j in range(14))
        blocks.append(
            f'<table class="figures"><caption{caption_style}>Table T{i}</caption>{rows}</table>'
        )
    return "".join(blocks) + "</body></html>"


def test_a_caption_stays_with_its_table_so_every_report_can_be_tagged():
    reader = PdfReader(io.BytesIO(reports.render_pdf(split_prone_html(), "http://testserver/")))
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    texts = page_texts(reader)
    for i in range(12):
        (page,) = [n for n, text in enumerate(texts) if f"Table T{i} " in text]
        assert f"T{i}-row0 " in texts[page], i  # on the page of its first row


def test_a_layout_weasyprint_cannot_tag_still_gives_the_report(caplog):
    # A caption forced away from its table: WeasyPrint 69 cannot tag that table.
    html = split_prone_html(' style="break-after: page"')
    reader = PdfReader(io.BytesIO(reports.render_pdf(html, "http://testserver/")))
    assert len(reader.pages) > 12 and "/StructTreeRoot" not in reader.trailer["/Root"]
    assert "could not be tagged" in caplog.text
