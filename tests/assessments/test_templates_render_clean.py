"""No template syntax reaches a page: Django's ``{# … #}`` is one line only, and spread over lines
it is printed as text (and read out by screen readers). Every page is rendered here, as the
people who see it (a partner along the journey, facilitators, visitors, the error pages and the
PDFs' HTML), and none of them may show ``{#``, ``#}``, ``{%``, ``%}``, ``{{`` or ``}}`` outside
the JSON that charts read (``<script type="application/json">``). A cheap static check finds a
``{#`` without its ``#}`` on the same line in any template file."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views import csrf, defaults

from assessments.models import (
    Action,
    BoardLink,
    IndividualLink,
    MemberInvitation,
    Membership,
    token_digest,
)
from tests.assessments.helpers import answer_page, complete, resume_token, start
from tests.conftest import signed_in

MARKERS = ("{#", "#}", "{%", "%}", "{{", "}}")
TEMPLATES = Path(settings.BASE_DIR) / "templates"


# --- The static check -----------------------------------------------------------------------


def unclosed_comments(text: str) -> list[int]:
    """Line numbers of a ``{#`` whose ``#}`` is not on the same line."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        rest = line
        while "{#" in rest:
            rest = rest[rest.index("{#") + 2 :]
            if "#}" not in rest:
                found.append(number)
                break
            rest = rest[rest.index("#}") + 2 :]
    return found


def test_the_static_check_finds_a_comment_spread_over_lines():
    assert unclosed_comments("{# one line #}\n<p>{# a #} and {# b #}</p>") == []
    assert unclosed_comments("<p>\n{# starts here\n   ends here #}\n</p>") == [2]
    assert unclosed_comments("{# closed #} {# open\n#}") == [1]


def test_no_template_has_a_comment_spread_over_lines():
    files = sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt"))
    assert len(files) > 50  # the project's templates, not an empty glob
    offenders = {
        str(path.relative_to(TEMPLATES)): lines
        for path in files
        if (lines := unclosed_comments(path.read_text(encoding="utf-8")))
    }
    assert not offenders, f"use {{% comment %}}…{{% endcomment %}} in: {offenders}"


# --- The rendered pages ---------------------------------------------------------------------


class Shown(HTMLParser):
    """What a page shows or carries: its text, attribute values and comments, without the JSON
    of ``<script type="application/json">`` (data for the charts, not markup)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._in_json = False

    def handle_starttag(self, tag, attrs):
        if tag == "script" and ("type", "application/json") in attrs:
            self._in_json = True
        self.parts.extend(value for _, value in attrs if value)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json = False

    def handle_data(self, data):
        if not self._in_json:
            self.parts.append(data)

    def handle_comment(self, data):
        self.parts.append(data)


def leaks(html: str) -> list[str]:
    """Each template marker the page shows, with a little of what surrounds it."""
    parser = Shown()
    parser.feed(html)
    parser.close()
    text = "\n".join(parser.parts)
    return [
        " ".join(text[max(0, m.start() - 40) : m.end() + 40].split())
        for m in re.finditer("|".join(re.escape(marker) for marker in MARKERS), text)
    ]


def test_the_check_sees_a_leak_and_ignores_chart_json():
    page = (
        '<p>Hello</p>\n{# a note\n  over lines #}\n<script type="application/json" id="d">'
        '{"a": {"b": 1}}</script><p title="{{ x }}">ok</p>'
    )
    found = leaks(page)
    assert len(found) == 4 and "a note" in found[0]  # {# #} in the text, {{ }} in an attribute
    assert leaks('<script type="application/json">{"a": {"b": {"c": 2}}}</script>') == []


@pytest.fixture
def pages(db, monkeypatch, content, collaboration, open_round, team_link, olive, anon_client):
    """Every page of the app as its visitor sees it: (label, html) pairs."""
    from assessments import reports

    printed: list[str] = []
    monkeypatch.setattr(reports, "render_pdf", lambda html, **kw: printed.append(html) or b"%PDF")
    seen: list[tuple[str, str]] = []

    def get(client, label, url, status=200):
        response = client.get(url)
        assert response.status_code == status, (label, url, response.status_code)
        if url.endswith(".pdf"):
            seen.append((f"{label} (its HTML)", printed.pop()))
        elif response["Content-Type"].startswith("text/html"):
            seen.append((label, response.content.decode()))

    # A partner along the journey: landing, about you, every characteristic, the value modes,
    # the review (with and without errors), then the results and their PDF.
    partner = anon_client
    draft = start(partner, team_link.token)
    get(partner, "landing", reverse("respond_landing"))
    get(partner, "about", reverse("respond_about"))
    bad_about = partner.post(reverse("respond_about"), {"resume": resume_token(partner)})
    seen.append(("about with an error", bad_about.content.decode()))
    partner.post(
        reverse("respond_about"),
        {"stakeholder_group": "clinician", "resume": resume_token(partner)},
    )
    for number in range(1, 9):
        get(partner, f"characteristic {number}", reverse("respond_characteristic", args=[number]))
        answer_page(partner, content, number, value=str(1 + number % 5))
    long = answer_page(partner, content, 1, comment="x" * 2001)
    seen.append(("characteristic 1 with an error", long.content.decode()))
    get(partner, "value modes", reverse("respond_value"))
    bad_value = partner.post(reverse("respond_value"), {"resume": resume_token(partner)})
    seen.append(("value modes with an error", bad_value.content.decode()))
    partner.post(
        reverse("respond_value"),
        {"not_sure": "on", "resume": resume_token(partner)},
    )
    get(partner, "review", reverse("respond_review"))
    partner.post(reverse("respond_review"), {"resume": resume_token(partner)})
    draft.refresh_from_db()
    get(partner, "results", reverse("respond_results"))
    get(partner, "results PDF", reverse("respond_results_pdf"))
    get(partner, "landing, answered", reverse("invitation", args=[team_link.token]), 302)
    get(partner, "landing, answered", reverse("respond_landing"))

    # Enough partners for the group figures to show.
    for _ in range(open_round.min_group_size):
        complete(Client(), team_link.token, content)

    # A used personal link, and a round that has closed.
    link = IndividualLink.objects.create(
        round=open_round, team=team_link.team, token_digest=token_digest("used-link-token")
    )
    IndividualLink.objects.filter(pk=link.pk).update(used=True)
    get(Client(), "personal link used", reverse("invitation", args=["used-link-token"]), 410)
    closed = Client()
    start(closed, team_link.token)
    type(open_round).objects.filter(pk=open_round.pk).update(status="closed")
    get(closed, "round closed", reverse("respond_about"), 403)
    type(open_round).objects.filter(pk=open_round.pk).update(status="open")

    # Facilitators: every page of the collaboration, its round and its results.
    facilitator = signed_in(olive)
    team = team_link.team
    action = Action.objects.create(
        collaboration=collaboration, round=open_round, characteristic_number=1, title="Plan"
    )
    board_link = BoardLink.prepare(round=open_round, label="Board", expires_on=open_round.closes_on)
    board_link.save()
    ids = {
        "collaboration_id": collaboration.pk,
        "round_id": open_round.pk,
        "team_id": team.pk,
        "membership_id": Membership.objects.get(user=olive).pk,
        "action_id": action.pk,
        "link_id": board_link.pk,
        "number": 1,
    }
    # An SVG and a CSV; each chart as a file (SVG, PNG, CSV: test_chart_downloads.py).
    not_pages = {"facilitate_qr", "results_csv", "round_chart", "trends_chart"}
    for name, route in facilitator_routes():
        if name in not_pages:
            continue
        url = reverse(name, kwargs={key: ids[key] for key in re.findall(r"<int:(\w+)>", route)})
        if facilitator.get(url).status_code == 405:
            continue  # a button's POST target (status, remind, leave): no page of its own
        get(facilitator, name, url)
    # Results shared back: not yet, then on the partner's link and on a board link.
    from assessments.services.sharing import release_results

    get(partner, "collaboration results, not shared", reverse("respond_collaboration_results"))
    release_results(open_round, olive, share_team_names=False, share_comments=True)
    get(partner, "collaboration results", reverse("respond_collaboration_results"))
    get(Client(), "board link", reverse("board", args=[board_link.token]))
    bad_round = facilitator.post(
        reverse("facilitate_round_new", args=[collaboration.pk]), {"title": ""}
    )
    seen.append(("new round with errors", bad_round.content.decode()))

    # Visitors: the home page, the framework pages and the account pages.
    visitor = Client()
    for label, url in [
        ("home", reverse("home")),
        ("framework", reverse("framework")),
        ("framework edition 1", reverse("framework_edition", args=[content.framework.slug, 1])),
        ("sources", reverse("sources")),
        ("sign in", reverse("login")),
        ("password reset", reverse("password_reset")),
        ("password reset sent", reverse("password_reset_done")),
        ("password reset done", reverse("password_reset_complete")),
        ("bad reset link", reverse("password_reset_confirm", args=["MQ", "set-password"])),
    ]:
        get(visitor, label, url)
    MemberInvitation.objects.create(
        collaboration=collaboration,
        email="newcomer@example.org",
        role="viewer",
        token_digest=token_digest("member-token"),
        invited_by=olive,
    )
    newcomer = Client()
    get(
        newcomer, "member invitation link", reverse("member_invitation", args=["member-token"]), 302
    )
    get(newcomer, "member invitation", reverse("member_invitation_accept"))
    seen.append(("sign in failed", visitor.post(reverse("login"), {}).content.decode()))
    get(facilitator, "password change", reverse("password_change"))
    get(facilitator, "password changed", reverse("password_change_done"))
    get(facilitator, "home, signed in", reverse("home"))

    # The error pages, as Django's handlers render them (DEBUG is off in tests).
    get(visitor, "not found", "/no-such-page/", 404)
    request = RequestFactory().get("/")
    for label, response in [
        ("bad request", defaults.bad_request(request, Exception())),
        ("forbidden", defaults.permission_denied(request, Exception())),
        ("not found", defaults.page_not_found(request, Exception())),
        ("server error", defaults.server_error(request)),
        ("CSRF failure", csrf.csrf_failure(request)),
    ]:
        seen.append((label, response.content.decode()))
    return seen


def facilitator_routes() -> list[tuple[str, str]]:
    """Every named facilitator route (and the round's results), from the URLconf itself: a page
    added later is checked without editing this test."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield pattern.name, prefix + str(pattern.pattern)

    return [
        (name, route)
        for name, route in walk(get_resolver().url_patterns)
        if route.startswith("facilitate/")
    ]


def test_no_page_shows_template_syntax(pages):
    labels = {label for label, _ in pages}
    # Every kind of page was seen (a fixture that stopped early would prove nothing).
    for label in [
        "results",
        "results PDF (its HTML)",
        "characteristic 8",
        "results_overview",
        "results_characteristic",
        "results PDF (its HTML)",
        "results_pdf (its HTML)",
        "facilitate_canvas",
        "framework",
        "sign in",
        "server error",
        "CSRF failure",
        "round closed",
        "personal link used",
        "member invitation",
    ]:
        assert label in labels, label
    assert len(facilitator_routes()) >= 25
    found = {label: hits for label, html in pages if (hits := leaks(html))}
    assert not found, f"template syntax shown on: {found}"
