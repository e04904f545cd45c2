"""What the partner's busiest pages cost, pinned (issue 11): what a published version froze is
built once and kept in the cache under the content revision (frameworks.revision), so a question
page reads only what changes per respondent. Counts are the same before and after answering.

Savepoints are left out of the counts: they are the test's own wrapping transaction.
"""

from __future__ import annotations

import random
import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import questionnaire
from assessments.forms.respond import CharacteristicForm
from frameworks.models import FrameworkVersion, Indicator
from tests.assessments.helpers import answer_page, complete, open_round_link, start
from tests.conftest import ensure_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(db):
    ensure_content()
    return FrameworkVersion.objects.get(framework__slug="eight-characteristics", number=2)


def queries_of(client, method, url, data=None) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url) if method == "GET" else client.post(url, data)
    assert response.status_code in (200, 302), response.status_code
    return [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]


def page_post(client, version, number, value="3", comment="A comment") -> dict:
    indicators = Indicator.objects.filter(
        characteristic__version=version, characteristic__number=number
    )
    data = {f"item_{i.pk}": value for i in indicators}
    data.update({"comment": comment, "nav": "next", "resume": client.session["ca_resume"]})
    return data


def test_a_question_page_reads_three_queries_when_warm_whatever_was_answered(version, client):
    start(client, open_round_link(version, name="Q").token)
    url = reverse("respond_characteristic", args=[5])
    client.get(url)  # builds and keeps the version's questionnaire
    # 1 session; 2 the response (+round, collaboration, version); 3 the page's answers and
    # comment (one UNION query).
    before = queries_of(client, "GET", url)
    assert len(before) == 3, before
    for number in range(1, 9):
        answer_page(client, version, number, value="2", comment="Said something")
    after = queries_of(client, "GET", url)
    assert len(after) == 3, after
    html = client.get(url).content.decode()
    assert (
        html.count(" checked>")
        == Indicator.objects.filter(
            characteristic__version=version, characteristic__number=5
        ).count()
    )
    assert "Said something</textarea>" in html


def test_saving_a_question_page_takes_five_queries_four_on_postgresql(version, client):
    start(client, open_round_link(version, name="Q").token)
    url = reverse("respond_characteristic", args=[5])
    client.get(url)
    # 1 the response by its posted resume token; 2 session; 3 the draft locked; 4 the answers
    # upserted; 5 the comment upserted (or deleted when emptied). PostgreSQL gets 4 and 5 in
    # one round trip.
    expected = 4 if connection.vendor == "postgresql" else 5
    for value, comment in (("3", "First"), ("4", "Changed"), ("", "")):
        data = page_post(client, version, 5, value=value, comment=comment)
        queries = queries_of(client, "POST", url, data)
        assert len(queries) == expected, queries
    from assessments.models import Answer, Comment

    # The last save left every statement blank and the comment empty: nothing is kept.
    assert not Answer.objects.filter(indicator__characteristic__number=5).exists()
    assert not Comment.objects.filter(characteristic__number=5).exists()


def test_the_cached_items_are_exactly_what_the_form_renders(version):
    """The fast path (blank items rendered once, ticked per respondent) and the form's own
    rendering give the same HTML for any answers."""
    rng = random.Random(3)
    for characteristic in questionnaire.characteristics(version.pk):
        indicators = list(characteristic.indicators.all())
        for _ in range(5):
            values = {
                i.pk: rng.choice(["1", "2", "3", "4", "5", "dk"])
                for i in indicators
                if rng.random() < 0.7
            }
            form = CharacteristicForm(
                indicators=indicators, initial={f"item_{pk}": v for pk, v in values.items()}
            )
            expected = render_to_string("assessments/_items.html", {"form": form})
            assert questionnaire.items_html(version.pk, characteristic.number, values) == expected


def test_an_edit_of_framework_content_reaches_the_next_request_of_the_framework_page(
    content, anon_client, django_assert_num_queries
):
    from frameworks.models import Example

    url = reverse("framework")
    anon_client.get(url)
    with django_assert_num_queries(0):
        assert anon_client.get(url).status_code == 200
    example = Example.objects.filter(characteristic__version=content).first()
    example.title = "Edited in the admin: a new example title"
    example.save()
    assert "Edited in the admin: a new example title" in anon_client.get(url).content.decode()
    # A bulk update (no save signal) bumps the revision too.
    Example.objects.filter(pk=example.pk).update(title="Changed in bulk")
    html = anon_client.get(url).content.decode()
    assert "Changed in bulk" in html and "Edited in the admin" not in html


# --- Personal results: worked out once, at submit ---------------------------------------------


def test_the_results_are_stored_at_submit_and_are_what_scoring_works_out(version, client):
    from assessments.models import Response
    from assessments.results import personal_result_data

    draft = complete(
        client,
        open_round_link(version, name="R").token,
        version,
        values={1: "1", 2: "2", 3: "dk", 4: "5"},
    )
    stored = Response.objects.get(pk=draft.pk).personal_result
    assert stored is not None
    assert stored == personal_result_data(Response.objects.get(pk=draft.pk))
    rows = {row["number"]: row for row in stored["rows"]}
    assert rows[1]["result"]["mean"] == 1.0 and rows[1]["band"] == "priority"
    assert rows[3]["result"]["mean"] is None and rows[3]["result"]["dont_know"] > 0
    html = client.get(reverse("respond_results")).content.decode()
    assert "1.00" in html and "5.00" in html


def test_a_narrative_edit_reaches_the_next_results_page(version, client):
    from frameworks.models import Suggestion

    complete(
        client,
        open_round_link(version, name="E").token,
        version,
        values=dict.fromkeys(range(1, 9), "1"),
    )
    url = reverse("respond_results")
    client.get(url)
    suggestion = Suggestion.objects.filter(
        characteristic__version=version, characteristic__number=1, band="priority"
    ).first()
    assert suggestion.text in client.get(url).content.decode()
    suggestion.text = "Rewritten by an admin: hold a purpose workshop."
    suggestion.save()
    assert "Rewritten by an admin: hold a purpose workshop." in client.get(url).content.decode()


def test_a_response_submitted_before_results_were_stored_gets_them_on_first_view(version, client):
    from assessments.models import Response

    draft = complete(client, open_round_link(version, name="O").token, version)
    stored = Response.objects.get(pk=draft.pk).personal_result
    Response.objects.filter(pk=draft.pk).update(personal_result=None)
    assert client.get(reverse("respond_results")).status_code == 200
    assert Response.objects.get(pk=draft.pk).personal_result == stored


def test_a_draft_cannot_hold_results(version, client):
    from django.db import IntegrityError, transaction

    from assessments.models import Response

    draft = start(client, open_round_link(version, name="D").token)
    with (
        pytest.raises(IntegrityError, match="response_result_only_when_submitted"),
        transaction.atomic(),
    ):
        Response.objects.filter(pk=draft.pk).update(personal_result={"format": 1})


# --- Every cached page shows an admin's edit on its next request ------------------------------


def _edit(obj, field: str, text: str) -> str:
    setattr(obj, field, text)
    obj.save()
    return text


def _first_tip(version):
    from frameworks.models import IndicatorTip

    return IndicatorTip.objects.filter(
        indicator__characteristic__version=version, indicator__characteristic__number=1
    ).first()


EDITS = {
    "framework name": lambda v: _edit(v.framework, "name", "Renamed by an admin framework"),
    "introduction": lambda v: _edit(v, "introduction", "An introduction rewritten by an admin."),
    "publisher": lambda v: _edit(v.source, "publisher", "A publisher renamed by an admin"),
    "tip": lambda v: _edit(_first_tip(v), "text", "A tip rewritten by an admin."),
}


@pytest.mark.parametrize(
    ("page", "edit"),
    [
        ("framework", "framework name"),
        ("framework", "introduction"),
        ("framework", "publisher"),
        ("respond_landing", "framework name"),
        ("respond_results", "framework name"),
        ("respond_results", "tip"),
    ],
)
def test_a_narrative_edit_reaches_the_next_request_of_every_page_showing_it(
    version, client, page, edit
):
    """Each page that shows cached content (the framework page, the partner's landing page
    with its cached framework version, the results page) shows an admin's edit on the very
    next request, lower-cased where the page lower-cases it."""
    link = open_round_link(version, name="N")
    if page == "respond_results":
        complete(client, link.token, version, values=dict.fromkeys(range(1, 9), "1"))
    elif page == "respond_landing":
        start(client, link.token)
    url = reverse(page)
    assert client.get(url).status_code == 200  # cached now
    assert client.get(url).status_code == 200
    expected = EDITS[edit](version)
    html = client.get(url).content.decode()
    assert expected.lower() in html.lower(), (page, expected)


# --- The question page: rendered once per round and page, its holes filled per request ---------

CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _rendered_templates(client, url) -> tuple[str, list[str]]:
    from django.test.signals import template_rendered

    names = []

    def seen(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(seen)
    try:
        html = client.get(url).content.decode()
    finally:
        template_rendered.disconnect(seen)
    return CSRF_VALUE.sub("csrf", html), names


def test_the_framed_question_page_is_the_whole_page(version, client, monkeypatch):
    """Whatever the respondent answered and wrote (markup and quotes included), from any round,
    from "check your answers" or not, after the round is renamed and after a content edit, the
    page filled from its frame is the page rendered whole; and the frame is used (the template
    is not rendered again)."""
    from assessments.models import Round
    from assessments.views import respond
    from frameworks.models import Source

    whole = respond._question_page_html

    def check(url):
        client.get(url)  # the frame is built
        framed, rendered = _rendered_templates(client, url)
        assert "assessments/characteristic.html" not in rendered
        assert respond._MARKER not in framed
        monkeypatch.setattr(
            respond,
            "_question_page_html",
            lambda *args, **kwargs: whole(*args, **{**kwargs, "framed": False}),
        )
        expected, rendered = _rendered_templates(client, url)
        monkeypatch.setattr(respond, "_question_page_html", whole)
        assert "assessments/characteristic.html" in rendered
        assert framed == expected, url

    rounds = [open_round_link(version, name=name) for name in ("Frame & <one>", "Frame two")]
    for link in rounds:
        client.cookies.clear()
        start(client, link.token)
        for number, value, comment in (
            (3, "2", 'She said "<b>no</b>" & left\nA second line'),
            (4, "dk", ""),
            (5, "", "Only a comment"),
        ):
            answer_page(client, version, number, value=value, comment=comment)
            for suffix in ("", "?return=review"):
                check(reverse("respond_characteristic", args=[number]) + suffix)
        Round.objects.filter(pk=link.round_id).update(title="Renamed <round>")
        check(reverse("respond_characteristic", args=[3]))
    # A content edit changes the revision: a new frame, the same as the whole page again.
    Source.objects.filter(pk=version.source_id).update(publisher="Edited")
    check(reverse("respond_characteristic", args=[3]))
