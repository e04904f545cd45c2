"""Concurrent submissions: real threads, real database connections, real locking."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from assessments.models import Answer, Response
from tests.assessments.helpers import answer_page, resume_token, start

pytestmark = pytest.mark.django_db(transaction=True)


def _post_in_thread(url, data, cookies=None):
    client = Client()
    if cookies:
        client.cookies.update(cookies)
    try:
        return client.post(url, data).status_code
    finally:
        connections.close_all()


def test_50_concurrent_submissions_of_one_draft_store_exactly_one_response(team_link, content):
    client = Client()
    draft = start(client, team_link.token)
    answer_page(client, content, 1, value="4")
    token = resume_token(client)
    url = reverse("respond_review")

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda _: _post_in_thread(url, {"resume": token}), range(50)))

    assert statuses == [302] * 50, statuses
    assert Response.objects.filter(round=team_link.round).count() == 1
    draft.refresh_from_db()
    assert draft.status == Response.Status.SUBMITTED
    assert Answer.objects.filter(response=draft).count() == 4


def test_100_concurrent_submissions_of_different_drafts_store_all_100(team_link, content):
    tokens = []
    for _ in range(100):
        client = Client()
        start(client, team_link.token)
        tokens.append(resume_token(client))
    url = reverse("respond_review")

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda token: _post_in_thread(url, {"resume": token}), tokens))

    assert statuses == [302] * 100, statuses
    assert Response.objects.filter(round=team_link.round, status="submitted").count() == 100


def test_concurrent_saves_of_one_page_keep_one_answer_per_item(team_link, content):
    client = Client()
    draft = start(client, team_link.token)
    token = resume_token(client)
    from frameworks.models import Indicator

    indicators = list(
        Indicator.objects.filter(characteristic__version=content, characteristic__number=5)
    )
    url = reverse("respond_characteristic", args=[5])

    def save(value):
        data = {f"item_{i.pk}": str(value) for i in indicators}
        data.update({"nav": "next", "resume": token, "comment": f"v{value}"})
        return _post_in_thread(url, data)

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(save, [1, 2, 3, 4, 5] * 6))

    assert statuses == [302] * 30, statuses
    answers = Answer.objects.filter(response=draft)
    assert answers.count() == 5
    assert len(set(answers.values_list("value", flat=True))) == 1  # one page's values, not a mix
    assert connection.vendor in {"sqlite", "postgresql"}
