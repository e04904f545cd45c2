"""Concurrent requests: real threads, real database connections, real locking.

Submitting never creates a row, so counting responses proves nothing: the write log
(tests/write_log.py, database triggers) counts the writes that submit a response and any write
to its answers or comments afterwards.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from assessments.models import Answer, IndividualLink, Response, RoundRollup, RoundSnapshot
from assessments.services.snapshots import results_rebuild
from tests.assessments.helpers import answer_page, follow_invitation, resume_token, start

pytestmark = pytest.mark.django_db(transaction=True)


def _post_in_thread(url, data, cookies=None):
    client = Client()
    if cookies:
        client.cookies.update(cookies)
    try:
        return client.post(url, data).status_code
    finally:
        connections.close_all()


def _answers(response):
    return sorted(Answer.objects.filter(response=response).values_list("indicator_id", "value"))


def _assert_submitted_once(draft, write_log, answers_before):
    draft.refresh_from_db()
    assert draft.status == Response.Status.SUBMITTED
    assert write_log.count("submit", draft.pk) == 1, "the submission was written more than once"
    assert write_log.writes_after_submit(draft.pk) == 0
    assert _answers(draft) == answers_before


def test_50_concurrent_submissions_of_one_draft_write_it_exactly_once(
    team_link, content, write_log
):
    client = Client()
    draft = start(client, team_link.token)
    answer_page(client, content, 1, value="4")
    token = resume_token(client)
    before = _answers(draft)
    url = reverse("respond_review")

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda _: _post_in_thread(url, {"resume": token}), range(50)))

    assert statuses == [302] * 50, statuses
    assert Response.objects.filter(round=team_link.round).count() == 1
    assert len(before) == 4
    _assert_submitted_once(draft, write_log, before)


def test_concurrent_submissions_from_a_personal_link_write_once_and_use_it_once(
    open_round, content, write_log
):
    link, invitation = IndividualLink.issue(round=open_round)
    client = Client()
    draft = start(client, invitation)
    answer_page(client, content, 2, value="3")
    token = resume_token(client)
    before = _answers(draft)
    url = reverse("respond_review")

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda _: _post_in_thread(url, {"resume": token}), range(30)))

    assert statuses == [302] * 30, statuses
    _assert_submitted_once(draft, write_log, before)
    link.refresh_from_db()
    assert link.used


def test_concurrent_starts_of_one_personal_link_in_ten_browsers_open_one_draft(open_round):
    link, invitation = IndividualLink.issue(round=open_round)
    browsers = []
    for _ in range(10):
        browser = Client()
        follow_invitation(browser, invitation)
        browsers.append(browser.cookies)
    url = reverse("respond_start")

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda cookies: _post_in_thread(url, {}, cookies), browsers))

    assert statuses == [302] * 10, statuses
    draft = Response.objects.get(round=open_round)
    # Every browser reaches it again with the same resume token, unsealed with the link's key.
    tokens = set()
    for _ in range(3):
        browser = Client()
        follow_invitation(browser, invitation)
        assert browser.session["ca_response"] == draft.pk
        tokens.add(resume_token(browser))
    assert len(tokens) == 1 and Response.objects.by_resume_token(tokens.pop()).get() == draft


def test_starts_racing_the_submit_of_a_personal_link_never_open_a_second_draft(
    open_round, content, write_log
):
    link, invitation = IndividualLink.issue(round=open_round)
    laptop = Client()
    draft = start(laptop, invitation)
    answer_page(laptop, content, 1, value="4")
    token = resume_token(laptop)
    # Other browsers that followed the link before the draft was bound to them.
    others = []
    for _ in range(9):
        browser = Client()
        follow_invitation(browser, invitation)
        others.append(browser.cookies)
    review, begin = reverse("respond_review"), reverse("respond_start")

    def act(n):
        if n == 4:
            return _post_in_thread(review, {"resume": token})
        return _post_in_thread(begin, {}, others[n % len(others)])

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(act, range(10)))

    assert set(statuses) <= {302, 410}, statuses
    assert Response.objects.filter(round=open_round).count() == 1
    draft.refresh_from_db()
    assert draft.status == Response.Status.SUBMITTED and write_log.count("submit", draft.pk) == 1
    link.refresh_from_db()
    assert link.used
    assert follow_invitation(Client(), invitation).status_code == 410


@pytest.mark.slow
def test_100_concurrent_submissions_of_different_drafts_store_all_100(
    team_link, content, write_log
):
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
    assert write_log.count("submit") == 100
    # The group results' rollup counted each of them once, in the submit's transaction: the
    # same as one rebuilt from the answers afterwards; and its snapshot moved by k at most.
    rollup = RoundRollup.objects.get(round=team_link.round)
    assert rollup.responses == 100
    kept = rollup.data
    assert results_rebuild(round=team_link.round).data == kept
    assert RoundSnapshot.objects.get(round=team_link.round).responses > 100 - 5


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
    values = set(answers.values_list("value", flat=True))
    comment = draft.comments.get().text
    # One page's values, not a mix, and the comment saved with them.
    assert len(values) == 1 and comment == f"v{values.pop()}"


def test_page_saves_racing_a_submit_change_nothing_once_it_is_submitted(
    team_link, content, write_log
):
    client = Client()
    draft = start(client, team_link.token)
    token = resume_token(client)
    from frameworks.models import Indicator

    indicators = list(
        Indicator.objects.filter(characteristic__version=content, characteristic__number=3)
    )
    page = reverse("respond_characteristic", args=[3])
    review = reverse("respond_review")

    def act(n):
        if n == 10:
            return _post_in_thread(review, {"resume": token})
        data = {f"item_{i.pk}": str(1 + n % 5) for i in indicators}
        data.update({"nav": "next", "resume": token, "comment": f"save {n}"})
        return _post_in_thread(page, data)

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(act, range(30)))

    assert set(statuses) == {302}, statuses
    draft.refresh_from_db()
    assert draft.status == Response.Status.SUBMITTED
    assert write_log.count("submit", draft.pk) == 1
    assert write_log.writes_after_submit(draft.pk) == 0


def test_20_concurrent_start_clicks_from_one_browser_open_one_draft(team_link):
    browser = Client()
    follow_invitation(browser, team_link.token)
    cookies = browser.cookies
    url = reverse("respond_start")

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda _: _post_in_thread(url, {}, cookies), range(20)))

    assert statuses == [302] * 20, statuses
    assert Response.objects.filter(round=team_link.round).count() == 1
    # Another browser still starts its own draft.
    start(Client(), team_link.token)
    assert Response.objects.filter(round=team_link.round).count() == 2


def test_a_page_save_does_not_wait_for_the_rounds_row(team_link, content):
    """A save locks its own response only: a transaction holding the round's row (as a round
    being closed does) does not hold up partners saving their pages. Locking the round too
    made every save in a round queue behind the others."""
    import threading

    from django.db import connection, transaction

    from assessments.models import Round

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks: its writers queue on the whole database")
    client = Client()
    start(client, team_link.token)
    holding, release = threading.Event(), threading.Event()

    def hold_round():
        try:
            with transaction.atomic():
                Round.objects.select_for_update().get(pk=team_link.round_id)
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_round)
    holder.start()
    try:
        assert holding.wait(10)
        with connection.cursor() as cursor:
            # A save that waited for the round's row would fail here rather than hang.
            cursor.execute("SET lock_timeout = '2s'")
        try:
            reply = answer_page(client, content, 1, value="4")
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = 0")
        assert reply.status_code == 302, reply.status_code
    finally:
        release.set()
        holder.join(10)
