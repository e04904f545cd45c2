"""What the partner's busiest pages cost, pinned (issue 11): what a published version froze is
read once and kept in the cache under the content revision (frameworks.revision), so a question
page reads only what changes per respondent. Counts are the same before and after answering.

Savepoints are left out of the counts of a save: they are the test's own wrapping transaction.
"""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

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


def test_a_question_page_reads_four_queries_when_warm_whatever_was_answered(
    version, client, django_assert_num_queries
):
    start(client, open_round_link(version, name="Q").token)
    url = reverse("respond_characteristic", args=[5])
    client.get(url)  # reads and keeps the version's questionnaire
    # 1 session; 2 the response (+round, collaboration); 3 the page's answers; 4 its comment.
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200
    for number in range(1, 9):
        answer_page(client, version, number, value="2", comment="Said something")
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200
    html = client.get(url).content.decode()
    assert (
        html.count(" checked>")
        == Indicator.objects.filter(
            characteristic__version=version, characteristic__number=5
        ).count()
    )
    assert "Said something</textarea>" in html


def test_saving_a_question_page_takes_five_queries(version, client):
    start(client, open_round_link(version, name="Q").token)
    url = reverse("respond_characteristic", args=[5])
    client.get(url)
    # 1 session; 2 the response by its posted resume token; 3 the draft locked; 4 the answers
    # upserted (or, all left blank, deleted); 5 the comment upserted (or deleted when emptied).
    for value, comment in (("3", "First"), ("4", "Changed"), ("", "")):
        data = page_post(client, version, 5, value=value, comment=comment)
        queries = queries_of(client, "POST", url, data)
        assert len(queries) == 5, queries
    from assessments.models import Answer, Comment

    # The last save left every statement blank and the comment empty: nothing is kept.
    assert not Answer.objects.filter(indicator__characteristic__number=5).exists()
    assert not Comment.objects.filter(characteristic__number=5).exists()


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
    from assessments.selectors.partner import personal_result_data

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


def test_a_response_submitted_before_results_were_stored_shows_them_and_the_command_stores_them(
    version, client
):
    from django.core.management import call_command

    from assessments.models import Response

    draft = complete(client, open_round_link(version, name="O").token, version)
    shown = client.get(reverse("respond_results")).content.decode()
    stored = Response.objects.get(pk=draft.pk).personal_result
    Response.objects.filter(pk=draft.pk).update(personal_result=None)
    other = complete(Client(), open_round_link(version, name="P").token, version)
    Response.objects.filter(pk=other.pk).update(personal_result={**stored, "format": 0})
    # Shown, worked out in memory: the same page, and nothing written during the GET.
    with CaptureQueriesContext(connection) as captured:
        again = client.get(reverse("respond_results"))
    assert again.status_code == 200 and again.content.decode() == shown
    assert not [q for q in captured.captured_queries if _writes(q["sql"])]
    assert Response.objects.get(pk=draft.pk).personal_result is None
    # The command stores them, as the submit did (the one of an older format too), once.
    out = io.StringIO()
    call_command("backfill_personal_results", stdout=out)
    assert "2 responses" in out.getvalue()
    assert Response.objects.get(pk=draft.pk).personal_result == stored
    assert Response.objects.get(pk=other.pk).personal_result["format"] == stored["format"]
    out = io.StringIO()
    call_command("backfill_personal_results", stdout=out)
    assert "0 responses" in out.getvalue()


def _writes(sql: str) -> bool:
    return sql.lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}


def test_the_results_page_writes_nothing(version, client):
    complete(client, open_round_link(version, name="W").token, version)
    for _ in range(2):  # the first reads and keeps the wording, the second is warm
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("respond_results")).status_code == 200
        assert captured.captured_queries
        assert not [q for q in captured.captured_queries if _writes(q["sql"])]


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
