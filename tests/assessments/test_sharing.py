"""Results shared back (issue 20): a facilitator releases a round's results, partners see them
on their own results link, and a board link shows them without signing in.

The shared page shows the facilitators' figures through the same disclosure (the property test
in test_group_results_property.py renders its figures for generated rounds); here: releasing,
withdrawing and sharing again; what each audience sees; board links that are revoked, expired,
unknown or garbled; who may do what; bad input; query counts; and that nothing says who
answered.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import scoring
from assessments.models import (
    Action,
    Agreement,
    BoardLink,
    ResultsRelease,
    RoundSnapshot,
    Team,
    Workshop,
    board_link_token,
    token_digest,
)
from assessments.selectors.group_results import group_results_page
from assessments.services import sharing as services
from tests.assessments.helpers import complete
from tests.assessments.results_data import synthetic_snapshot
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

DEBUG_PAGE = ("Using the URLconf", "Django tried these URL patterns", "technical_404")


def sharing_url(round):
    return reverse("facilitate_sharing", args=[round.collaboration_id, round.pk])


def teams(round):
    return list(Team.objects.filter(collaboration=round.collaboration).order_by("pk"))


def json_block(html: str, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html)
    return json.loads(match.group(1)) if match else None


@pytest.fixture
def partner(open_round, team_link, content):
    """A partner who answered, in their own browser."""
    client = Client()
    complete(client, team_link.token, content)
    return client


@pytest.fixture
def figures_round(open_round, partner):
    """The round with enough (generated) responses for every figure to show."""
    synthetic_snapshot(open_round, teams(open_round), 40)
    return open_round


def release(round, user, **options):
    options = {"share_team_names": False, "share_comments": False, **options}
    return services.release_results(round, user, **options)


def board_link(round, user, *, days=7, label="ICB board, March"):
    return services.create_board_link(
        round, user, label=label, expires_on=timezone.localdate() + timedelta(days=days)
    )


def board_url(link):
    return reverse("board", args=[link.token])


PARTNER_URL = "/respond/results/collaboration/"


# --- Releasing, withdrawing, releasing again ------------------------------------------------------


def test_release_withdraw_and_release_again_keep_one_row(figures_round, fred, partner):
    client = signed_in(fred)
    assert "not shared at the moment" in partner.get(PARTNER_URL).content.decode()
    response = client.post(
        sharing_url(figures_round),
        {"action": "release", "share_team_names": "on", "confirm_early": "on"},
    )
    assert response.status_code == 302
    first = ResultsRelease.objects.get(round=figures_round)
    assert first.is_live and first.share_team_names and not first.share_comments
    assert first.released_by == fred
    assert "How the collaboration rated itself" in partner.get(PARTNER_URL).content.decode()
    assert (
        "Your collaboration’s results" in partner.get(reverse("respond_results")).content.decode()
    )

    assert client.post(sharing_url(figures_round), {"action": "withdraw"}).status_code == 302
    withdrawn = ResultsRelease.objects.get(round=figures_round)
    assert withdrawn.withdrawn_at is not None and withdrawn.withdrawn_by == fred
    html = partner.get(PARTNER_URL).content.decode()
    assert "not shared at the moment" in html and "How the collaboration rated itself" not in html
    assert (
        "Your collaboration’s results"
        not in partner.get(reverse("respond_results")).content.decode()
    )

    client.post(
        sharing_url(figures_round),
        {"action": "release", "share_comments": "on", "confirm_early": "on"},
    )
    again = ResultsRelease.objects.get(round=figures_round)  # still one row
    assert again.pk == first.pk and again.is_live and again.withdrawn_by is None
    assert again.share_comments and not again.share_team_names


def test_releasing_before_the_round_closes_must_be_confirmed(figures_round, fred):
    client = signed_in(fred)
    response = client.post(sharing_url(figures_round), {"action": "release"})
    assert response.status_code == 400
    assert "tick the box to share the results now" in response.content.decode()
    assert not ResultsRelease.objects.exists()
    type(figures_round).objects.filter(pk=figures_round.pk).update(status="closed")
    assert client.post(sharing_url(figures_round), {"action": "release"}).status_code == 302
    assert ResultsRelease.objects.get().is_live


def test_the_round_page_says_whether_results_are_shared(figures_round, fred, vera):
    url = reverse("facilitate_round", args=[figures_round.collaboration_id, figures_round.pk])
    assert "<strong>not shared</strong>" in signed_in(vera).get(url).content.decode()
    release(figures_round, fred)
    assert "<strong>shared</strong> since" in signed_in(vera).get(url).content.decode()
    services.withdraw_release(figures_round, fred)
    assert "<strong>withdrawn</strong> on" in signed_in(vera).get(url).content.decode()


# --- The same figures as the facilitators' pages, and nothing they hide --------------------------


def _cells(html: str, table_class: str) -> dict[str, list[str]]:
    """Row label → its cells' text, from the table with that class."""
    table = re.search(rf'<table class="[^"]*\b{table_class}\b[^"]*">(.*?)</table>', html, re.S)
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        text = [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]
        rows[text[0]] = text[1:]
    return rows


@pytest.mark.parametrize("names", [False, True])
def test_partner_and_board_show_the_facilitators_figures(figures_round, fred, partner, names):
    # A small team beside the big ones: its figures are hidden on every page.
    small = Team.objects.create(collaboration=figures_round.collaboration, name="Tiny Team")
    synthetic_snapshot(figures_round, [*teams(figures_round)[:3] * 6, small], 57)  # Tiny: 3
    release(figures_round, fred, share_team_names=names)
    link = board_link(figures_round, fred)
    page = group_results_page(figures_round, anonymised=not names)
    overview = signed_in(fred).get(
        reverse("results_overview", args=[figures_round.collaboration_id, figures_round.pk])
    )
    facilitator_radar = json_block(overview.content.decode(), "radar-figure")
    for html in (
        partner.get(PARTNER_URL).content.decode(),
        Client().get(board_url(link)).content.decode(),
    ):
        radar = json_block(html, "radar-figure")
        theirs = {t["meta"]: t["r"] for t in facilitator_radar["data"] if "meta" in t}
        ours = {t["meta"]: t["r"] for t in radar["data"] if "meta" in t}
        # The collaboration and every team drawn: exactly the overview's numbers.
        assert ours["collaboration"] == theirs["collaboration"]
        assert {k: v for k, v in ours.items() if k.startswith("team:")} == {
            k: v for k, v in theirs.items() if k.startswith("team:")
        }
        totals = _cells(html, "shared-table")
        for c in page.characteristics:
            figure = page.figures.total[c.number]
            cell = " ".join(
                render_to_string(
                    "results/_figure_cell.html", {"figure": figure, "k": page.figures.k}
                ).split()
            )
            label = next(label for label in totals if f"{c.number}. {c.name}" in label)
            assert " ".join(re.sub(r"<[^>]+>", " ", cell).split()) == totals[label][0]
            assert totals[label][1] == str(figure.result.n)
        shown_teams = _cells(html, "shared-breakdown")
        for row in page.figures.teams.rows:
            numbers = [c.number for c in page.characteristics]
            if not any(row.figures[n].shown for n in numbers):
                assert row.label not in shown_teams  # a team with nothing shown is not listed
                continue
            for n, text in zip(numbers, shown_teams[row.label], strict=True):
                figure = row.figures[n]
                if figure.shown:
                    assert text == f"{scoring.shown(figure.result.mean)} {figure.band.title()}"
                else:
                    assert not re.search(r"\d", text.replace(str(page.figures.k), ""))
        assert "Tiny Team" not in html
        shown_labels = [label for label in shown_teams if label != "Team"]
        assert shown_labels
        real_names = {t.name for t in teams(figures_round)}
        assert all((label in real_names) == names for label in shown_labels), shown_labels
        if not names:
            assert not any(name in html for name in real_names)


def test_comments_only_when_shared_and_as_the_characteristic_page_shows_them(
    figures_round, fred, partner
):
    RoundSnapshot.objects.filter(round=figures_round).update(
        comments={"c3": [f"Comment number {i}." for i in range(150)]}
    )
    release(figures_round, fred)
    assert "Comment number" not in partner.get(PARTNER_URL).content.decode()
    release(figures_round, fred, share_comments=True)
    html = partner.get(PARTNER_URL).content.decode()
    assert html.count("Comment number") == 100  # as the characteristic page: 100 at random
    assert "100 of the 150 comments, picked at random" in html


def test_no_figures_before_k_responses(open_round, fred, partner):
    release(open_round, fred)
    html = partner.get(PARTNER_URL).content.decode()
    assert "No figures yet" in html and json_block(html, "radar-figure") is None
    # No empty sections about figures there are none of: no heading with nothing under it.
    assert "Where views differ" not in html and "What to work on first" not in html
    # What the workshop agreed and the plan still show.
    workshop = Workshop.objects.create(round=open_round, participants=5)
    Agreement.objects.create(workshop=workshop, characteristic_number=1, score=3, reasoning="Ok")
    html = partner.get(PARTNER_URL).content.decode()
    assert "What the workshop agreed" in html and "The action plan" in html


def test_agreed_scores_and_actions_sit_beside_the_surveys(figures_round, fred, partner):
    workshop = Workshop.objects.create(round=figures_round, participants=12, created_by=fred)
    Agreement.objects.create(
        workshop=workshop,
        characteristic_number=3,
        score=2,
        reasoning="Trust is thin.",
        dissent="Some felt it was better.",
        recorded_by=fred,
    )
    Action.objects.create(
        collaboration=figures_round.collaboration,
        round=figures_round,
        characteristic_number=3,
        title="Hold a trust workshop",
        owner="Sam Owner",
    )
    release(figures_round, fred)
    html = partner.get(PARTNER_URL).content.decode()
    assert "Agreed in a workshop on" in html and "by 12 people" in html
    assert "Trust is thin." in html and "Some felt it was better." in html
    assert "Hold a trust workshop" in html
    assert "Sam Owner" not in html  # the plan's owners stay on the facilitators' pages


# --- Nothing shown when not released ---------------------------------------------------------------


def test_unreleased_or_withdrawn_shows_nothing(figures_round, fred, partner):
    link = board_link(figures_round, fred)
    for state in ("never", "withdrawn"):
        if state == "withdrawn":
            release(figures_round, fred)
            services.withdraw_release(figures_round, fred)
        html = partner.get(PARTNER_URL).content.decode()
        assert "not shared at the moment" in html
        assert not re.search(r"\d\.\d\d", html), state  # no figure at all
        response = Client().get(board_url(link))
        assert response.status_code == 404
        body = response.content.decode()
        assert "not shared at the moment" in body and "new link" in body
        assert not re.search(r"\d\.\d\d", body)


# --- Board links -----------------------------------------------------------------------------------


@pytest.mark.parametrize("debug", [False, True])
def test_a_board_link_that_does_not_work_is_the_404_help(figures_round, fred, debug):
    release(figures_round, fred)
    revoked = board_link(figures_round, fred, label="Revoked")
    services.revoke_board_link(revoked, fred)
    expired = board_link(figures_round, fred, label="Expired")
    BoardLink.objects.filter(pk=expired.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    cases = [
        (board_url(revoked), "turned off"),
        (board_url(expired), "expired"),
        (reverse("board", args=["a" * 43]), "not valid"),
        ("/b/garbled$token/", ""),
        ("/b/" + board_url(revoked)[3:-2] + "%E2%80%A6/", ""),
        ("/b/" + "x" * 300 + "/", ""),
    ]
    with override_settings(DEBUG=debug):
        for url, reason in cases:
            response = Client().get(url)
            assert response.status_code == 404, url
            html = response.content.decode()
            assert "We can’t find that page" in html, url
            assert "new link" in html, url
            assert reason in html
            assert not any(marker in html for marker in DEBUG_PAGE)
            assert "How the collaboration rated itself" not in html


def test_a_board_link_works_to_the_end_of_its_last_day(figures_round, fred):
    release(figures_round, fred)
    link = board_link(figures_round, fred, days=0)
    assert Client().get(board_url(link)).status_code == 200


def test_board_pages_are_private_and_not_indexed(figures_round, fred):
    release(figures_round, fred)
    link = board_link(figures_round, fred)
    for url in (board_url(link), reverse("board_updated", args=[link.token])):
        response = Client().get(url)
        assert response.status_code == 200
        assert response["X-Robots-Tag"].startswith("noindex")
        assert response["Referrer-Policy"] == "no-referrer"
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    refused = Client().get(reverse("board", args=["nope"]))
    assert refused.status_code == 404 and refused["Referrer-Policy"] == "no-referrer"


def test_the_token_is_stored_only_as_a_digest(figures_round, fred):
    link = board_link(figures_round, fred)
    stored = BoardLink.objects.filter(pk=link.pk).values().get()
    token = board_link_token(stored["secret"])
    assert stored["token_digest"] == token_digest(token)
    assert token not in {str(value) for value in stored.values()}
    # The sharing page gives the whole address to copy.
    html = signed_in(fred).get(sharing_url(figures_round)).content.decode()
    assert f"http://testserver/b/{token}/" in html


def test_revoking_a_board_link(figures_round, fred, vera):
    release(figures_round, fred)
    link = board_link(figures_round, fred)
    url = reverse(
        "facilitate_board_link_revoke",
        args=[figures_round.collaboration_id, figures_round.pk, link.pk],
    )
    assert signed_in(vera).post(url).status_code == 403
    assert Client().get(board_url(link)).status_code == 200
    assert signed_in(fred).post(url).status_code == 302
    assert BoardLink.objects.get(pk=link.pk).revoked_at is not None
    assert Client().get(board_url(link)).status_code == 404
    assert (
        f"board-link-{link.pk}"
        not in signed_in(fred).get(sharing_url(figures_round)).content.decode()
    )


def test_the_updated_stamp_changes_with_what_the_page_shows_and_says_nothing_else(
    figures_round, fred, partner
):
    release(figures_round, fred)
    link = board_link(figures_round, fred)
    url = reverse("board_updated", args=[link.token])
    first = Client().get(url).json()
    assert set(first) == {"stamp"} and re.fullmatch(r"[0-9a-f]{20}", first["stamp"])
    assert Client().get(url).json() == first
    assert partner.get(PARTNER_URL + "updated/").json() == first
    workshop = Workshop.objects.create(round=figures_round, participants=5)
    Agreement.objects.create(workshop=workshop, characteristic_number=1, score=3, reasoning="Ok")
    second = Client().get(url).json()
    assert second != first
    synthetic_snapshot(figures_round, teams(figures_round), 45)
    assert Client().get(url).json() != second
    # Team names shared, or an action on the plan changed: the page changes, so does the stamp.
    third = Client().get(url).json()
    release(figures_round, fred, share_team_names=True)
    fourth = Client().get(url).json()
    assert fourth != third
    Action.objects.create(
        collaboration=figures_round.collaboration, characteristic_number=2, title="New"
    )
    fifth = Client().get(url).json()
    assert fifth != fourth
    # What the page does not show of an action (its owner, its notes) leaves the stamp alone:
    # polling it says nothing about the facilitators' private notes.
    action = Action.objects.get(title="New")
    action.owner, action.notes = "Dr Ann Smith", "Chase the trust's finance lead."
    action.updated_at = timezone.now() + timedelta(seconds=1)  # as the plan's service sets it
    action.save()
    assert Client().get(url).json() == fifth
    action.title = "New, renamed"
    action.updated_at = timezone.now() + timedelta(seconds=2)
    action.save()
    assert Client().get(url).json() != fifth
    services.withdraw_release(figures_round, fred)
    assert Client().get(url).status_code == 404
    # Withdrawn, the partner's stamp is a constant: polling it tells nobody when figures move.
    withdrawn = partner.get(PARTNER_URL + "updated/").json()
    synthetic_snapshot(figures_round, teams(figures_round), 50)
    assert partner.get(PARTNER_URL + "updated/").json() == withdrawn


# --- Who may do what -------------------------------------------------------------------------------


def test_a_viewer_reads_the_sharing_page_but_cannot_release(figures_round, fred, vera):
    link = board_link(figures_round, fred)
    client = signed_in(vera)
    html = client.get(sharing_url(figures_round)).content.decode()
    assert "Not shared." in html and 'name="action"' not in html
    assert link.label in html and link.token not in html  # the address only for facilitators
    for data in ({"action": "release", "confirm_early": "on"}, {"action": "withdraw"}):
        assert client.post(sharing_url(figures_round), data).status_code == 403
    assert not ResultsRelease.objects.exists()


def test_another_collaborations_round_or_link_is_a_404(
    figures_round, fred, oscar, other_collaboration_round
):
    mine = board_link(figures_round, fred)
    theirs = board_link(other_collaboration_round, oscar)
    client = signed_in(oscar)
    assert client.get(sharing_url(figures_round)).status_code == 404
    assert client.post(sharing_url(figures_round), {"action": "withdraw"}).status_code == 404
    fred_client = signed_in(fred)
    # Oscar's link through Fred's round, and Fred's round through Oscar's collaboration.
    through_mine = reverse(
        "facilitate_board_link_revoke",
        args=[figures_round.collaboration_id, figures_round.pk, theirs.pk],
    )
    assert fred_client.post(through_mine).status_code == 404
    through_theirs = reverse(
        "facilitate_board_link_revoke",
        args=[other_collaboration_round.collaboration_id, other_collaboration_round.pk, mine.pk],
    )
    assert fred_client.post(through_theirs).status_code == 404
    assert BoardLink.objects.filter(revoked_at__isnull=False).count() == 0


# --- Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data,message",
    [
        ({"action": "link", "label": "", "expires_on": "{today}"}, "Say who the link is for"),
        (
            {"action": "link", "label": "Board", "expires_on": "{yesterday}"},
            "cannot be in the past",
        ),
        ({"action": "link", "label": "Board", "expires_on": "{far}"}, "at most 366 days"),
        ({"action": "link", "label": "Board", "expires_on": "31/02/2027"}, "as a date"),
        ({"action": "link", "label": "Two\nlines", "expires_on": "{today}"}, "one line"),
        ({"action": "link", "label": "x" * 201, "expires_on": "{today}"}, "at most 200"),
        ({"action": "link"}, "Choose the last day"),
        ({"action": "dance"}, "Choose what to do"),
        ({}, "Choose what to do"),
        ({"action": "release", "share_team_names": "\x00"}, "tick the box"),
    ],
)
def test_bad_input_gets_a_message_and_saves_nothing(figures_round, fred, data, message):
    today = timezone.localdate()
    dates = {
        "{today}": today.isoformat(),
        "{yesterday}": (today - timedelta(days=1)).isoformat(),
        "{far}": (today + timedelta(days=367)).isoformat(),
    }
    data = {key: dates.get(value, value) for key, value in data.items()}
    response = signed_in(fred).post(sharing_url(figures_round), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not BoardLink.objects.exists() and not ResultsRelease.objects.exists()


def test_a_link_for_366_days_ahead_is_allowed(figures_round, fred):
    day = (timezone.localdate() + timedelta(days=366)).isoformat()
    response = signed_in(fred).post(
        sharing_url(figures_round), {"action": "link", "label": "Board", "expires_on": day}
    )
    assert response.status_code == 302 and BoardLink.objects.get().label == "Board"


# --- Nobody's identity -----------------------------------------------------------------------------


def test_no_shared_page_says_who_answered(figures_round, fred, team_link, content):
    """Two partners see the same page; no e-mail address, user name or respondent's name."""
    other = Client()
    complete(other, team_link.token, content, group="patient")
    first = Client()
    complete(first, team_link.token, content, group="carer")
    release(figures_round, fred, share_comments=True)
    link = board_link(figures_round, fred)

    def page(client, url):
        html = client.get(url).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    a, b = page(first, PARTNER_URL), page(other, PARTNER_URL)
    board = page(Client(), board_url(link))
    # The same page for both partners: nothing of their own answers or identity in it.
    assert a == b
    for html in (a, b, board):
        assert "@" not in re.sub(r"<script.*?</script>", "", html, flags=re.S)
        assert "fred" not in html.lower() and "olive" not in html.lower()
    # The board page is the partner's page without the way back to one's own results.
    assert "Back to your own results" in a and "Back to your own results" not in board


# --- Query counts ---------------------------------------------------------------------------------


def _count(client, url) -> int:
    client.get(url)  # warm the content caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(round, team_count, responses):
    existing = teams(round)
    for i in range(len(existing), team_count):
        Team.objects.create(collaboration=round.collaboration, name=f"Team {i:02d}")
    synthetic_snapshot(round, teams(round)[:team_count], responses)


@pytest.mark.parametrize("share_comments", [False, True])
def test_query_counts_do_not_grow_with_teams_or_responses(
    open_round, fred, partner, django_assert_num_queries, share_comments
):
    release(open_round, fred, share_comments=share_comments)
    link = board_link(open_round, fred)
    urls = {
        "sharing": (signed_in(fred), sharing_url(open_round)),
        "partner": (partner, PARTNER_URL),
        "board": (Client(), board_url(link)),
    }
    counts = {name: [] for name in urls}
    for team_count, responses in [(1, 10), (20, 5_000)]:
        _grow(open_round, team_count, responses)
        for name, (client, url) in urls.items():
            counts[name].append(_count(client, url))
    for name, (first, second) in counts.items():
        assert first == second, (name, first, second)
    comments = 8 if share_comments else 0  # one JSON key of the snapshot per characteristic
    # The sharing page: session and user, membership, round, release, the board links.
    # The sharing page: session and user, membership, round, release, the board links.
    with django_assert_num_queries(6):
        urls["sharing"][0].get(urls["sharing"][1])
    # The board: the link (with its round, collaboration, edition and release); the round's
    # figures (snapshot with the previous round's as subqueries, characteristics, indicators,
    # teams, offered groups); the workshop (its agreements would be one more); the actions; the
    # plan (value modes, weights, suggestions and their considerations, key steps, examples);
    # the stamp (snapshot, workshop, actions).
    with django_assert_num_queries(17 + comments):
        urls["board"][0].get(urls["board"][1])
    # The partner: session, their response (with round and collaboration), the release; then
    # the board's, but the link.
    with django_assert_num_queries(19 + comments):
        urls["partner"][0].get(urls["partner"][1])
