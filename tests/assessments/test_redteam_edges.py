"""The edges a red-team pass broke, each answered as the sequential case is, never with a 500.

- Twenty facilitators inviting one address at once: one invitation, and nineteen pages that say
  "already invited", as a second invitation sent afterwards does.
- Ten browsers accepting one member invitation at once: one account, and nine "already used"
  pages, as a second acceptance afterwards gets.
- Neither race lets the database's error (which names the address) reach the log.
- An uploaded CSV file of any size, encoding or content: a clear form message, nothing saved.

The races need real threads and real row locks: they run against PostgreSQL when DATABASE_URL
points at it (mandatory in CI), and against SQLite otherwise, whose write lock serialises them.
"""

from __future__ import annotations

import logging
import zipfile
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client
from django.urls import reverse

from assessments.models import (
    IndividualLink,
    MemberInvitation,
    Membership,
    new_token,
    token_digest,
)


def _require_postgresql_in_ci():
    """Races need row locks: SQLite queues every writer on the whole database, so these run on
    PostgreSQL (.ci/run's second pass, where a missing server fails the run)."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("SQLite has no row locks: the races are run on PostgreSQL")


class _Everything(logging.Handler):
    """Keeps every record any logger creates, whatever level the handlers would let through."""

    def __init__(self):
        super().__init__(level=logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def texts(self) -> list[str]:
        out = []
        for record in self.records:
            text = record.getMessage() + repr(vars(record))
            if record.exc_info and record.exc_info[1] is not None:
                text += repr(record.exc_info[1]) + str(record.exc_info[1].__cause__)
            out.append(text)
        return out


@pytest.fixture
def logged():
    """Every record the root and the ``django`` loggers (which does not propagate) create, at
    every level, from every thread."""
    handler = _Everything()
    loggers = [logging.getLogger(), logging.getLogger("django")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield handler
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def _in_thread(work):
    try:
        return work()
    finally:
        connections.close_all()


# --- Twenty invitations of one address at once ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_20_concurrent_invitations_of_one_address_make_one_and_say_already_invited(
    fred, collaboration, open_round, logged
):
    _require_postgresql_in_ci()
    address = "dana.concurrent@example.org"
    url = reverse("facilitate_invitations", args=[collaboration.pk, open_round.pk])
    browsers = []
    for _ in range(20):
        browser = Client(raise_request_exception=False)
        browser.force_login(fred)
        browsers.append(browser)

    def invite(browser):
        response = browser.post(url, {"addresses": address})
        return response.status_code, response.content.decode()

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda b: _in_thread(lambda: invite(b)), browsers))

    assert [status for status, _ in answers] == [200] * 20, [s for s, _ in answers]
    added = [html for _, html in answers if "Added 1, skipped 0" in html]
    already = [
        html
        for _, html in answers
        if "Added 0, skipped 1" in html and f"already invited to this round: {address}" in html
    ]
    assert len(added) == 1 and len(already) == 19
    assert IndividualLink.objects.filter(round=open_round, email=address).count() == 1
    assert [message.to for message in mail.outbox] == [[address]]
    # The same page as a second invitation sent afterwards.
    again = browsers[0].post(url, {"addresses": address}).content.decode()
    assert f"already invited to this round: {address}" in again
    assert not any(address in text for text in logged.texts())


# --- Ten acceptances of one member invitation at once ---------------------------------------


def _member_invitation(olive, collaboration, email):
    """An owner's invitation, and the link its e-mail carries."""
    invitation = MemberInvitation(
        collaboration=collaboration,
        email=email,
        role="facilitator",
        invited_by=olive,
        secret=new_token(),
    )
    invitation.token_digest = token_digest(invitation.token)
    invitation.save()
    return reverse("member_invitation", args=[invitation.token])


def _browsers_holding(link, count, user=None):
    browsers = []
    for _ in range(count):
        browser = Client(raise_request_exception=False)
        if user is not None:
            browser.force_login(user)
        assert browser.get(link).status_code == 302
        browsers.append(browser)
    return browsers


def _unusable_page(html):
    return "This invitation cannot be used" in html and "already been accepted" in html


@pytest.mark.django_db(transaction=True)
def test_10_concurrent_new_account_acceptances_make_one_account_and_nine_used_pages(
    olive, collaboration, django_user_model, logged
):
    _require_postgresql_in_ci()
    address = "nia.concurrent@example.org"
    link = _member_invitation(olive, collaboration, address)
    browsers = _browsers_holding(link, 10)
    url = reverse("member_invitation_accept")
    form = {
        "name": "Nia Khan",
        "password1": "a long Passphrase 42",
        "password2": "a long Passphrase 42",
    }

    def accept(browser):
        response = browser.post(url, form)
        return response.status_code, response.content.decode()

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda b: _in_thread(lambda: accept(b)), browsers))

    statuses = sorted(status for status, _ in answers)
    assert statuses == [302] + [410] * 9, statuses
    assert all(_unusable_page(html) for status, html in answers if status == 410)
    assert django_user_model.objects.filter(username=address).count() == 1
    assert (
        Membership.objects.filter(user__username=address, collaboration=collaboration).count() == 1
    )
    # A second acceptance afterwards, from a browser that had opened the link, gets the same
    # page (the one that joined has left the invitation behind), and the link itself is spent.
    assert Client().get(link).status_code == 410
    loser = next(b for b, (status, _) in zip(browsers, answers, strict=True) if status == 410)
    second = loser.post(url, form)
    assert second.status_code == 410 and _unusable_page(second.content.decode())
    assert not any(address in text for text in logged.texts())


@pytest.mark.django_db(transaction=True)
def test_10_concurrent_acceptances_by_a_signed_in_user_join_once(
    olive, collaboration, django_user_model, logged
):
    _require_postgresql_in_ci()
    address = "ola.concurrent@example.org"
    user = django_user_model.objects.create_user(address, address, "pw-ola-123")
    link = _member_invitation(olive, collaboration, address)
    browsers = _browsers_holding(link, 10, user=user)
    url = reverse("member_invitation_accept")

    def accept(browser):
        response = browser.post(url)
        return response.status_code, response.content.decode()

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda b: _in_thread(lambda: accept(b)), browsers))

    statuses = sorted(status for status, _ in answers)
    assert statuses == [302] + [410] * 9, statuses
    assert all(_unusable_page(html) for status, html in answers if status == 410)
    assert Membership.objects.filter(user=user, collaboration=collaboration).count() == 1
    assert MemberInvitation.objects.get(email=address).accepted_at is not None
    assert not any(address in text for text in logged.texts())


# --- Any uploaded file: a clear message, nothing saved --------------------------------------


def _xlsx(compression) -> bytes:
    """A spreadsheet (a zip of XML) with an address in it, as if renamed .csv."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as book:
        book.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        book.writestr("xl/sharedStrings.xml", "<sst><si><t>amy@example.org</t></si></sst>")
    return buffer.getvalue()


NOT_TEXT = "must be a CSV file saved as UTF-8 text"
TOO_LONG_A_CELL = "one of its cells is far longer than an e-mail address"
NO_ADDRESS = "no e-mail addresses in it"
TOO_MANY = "Add at most 500 addresses at a time"
TOO_LARGE = "The file is too large"

BAD_FILES = {
    "a field over 131,072 characters": (
        b"Name,E-mail\n" + b"a" * 200_000 + b",amy@example.org\n",
        TOO_LONG_A_CELL,
    ),
    "a huge field with an @": (b"x@" + b"y" * 150_000 + b"\n", TOO_LONG_A_CELL),
    "an unclosed quote over a huge rest": (b'"amy@example.org,' + b"b" * 140_000, TOO_LONG_A_CELL),
    "binary": (bytes(range(256)) * 40, NOT_TEXT),
    "a PNG": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64, NOT_TEXT),
    "UTF-16 with its BOM": ("Zoë,zoe@example.org\n".encode("utf-16"), NOT_TEXT),
    "UTF-16 without a BOM": ("zoe@example.org\n".encode("utf-16-le"), NOT_TEXT),
    "UTF-32": ("zoe@example.org\n".encode("utf-32"), NOT_TEXT),
    "Latin-1": ("Zoë,zoe@example.org\n".encode("latin-1"), NOT_TEXT),
    "NUL bytes in UTF-8": (b"amy@example.org\x00,ben@example.org\n", NOT_TEXT),
    "a .xlsx renamed .csv": (_xlsx(zipfile.ZIP_DEFLATED), NOT_TEXT),
    "an uncompressed .xlsx renamed .csv": (_xlsx(zipfile.ZIP_STORED), NOT_TEXT),
    "only a BOM": (b"\xef\xbb\xbf", NO_ADDRESS),
    "only a header": ("\ufeffName,E-mail\n".encode(), NO_ADDRESS),
    "the wrong columns": (b"Name,Team\nAmy Rose,Acute\nBen Oak,Community\n", NO_ADDRESS),
    "400,000 rows of no address": (b"x\n" * 400_000, NO_ADDRESS),
    "60,000 addresses": (b"".join(b"p%d@e.co\n" % n for n in range(60_000)), TOO_MANY),
    "501 addresses": (b"".join(b"p%d@example.org\n" % n for n in range(501)), TOO_MANY),
    "over 1 MB": (b"a@b.co\n" * 200_000, TOO_LARGE),
    "empty": (b"", "The submitted file is empty"),
}


def _upload(client, collaboration, round, data, **extra):
    return client.post(
        reverse("facilitate_invitations", args=[collaboration.pk, round.pk]),
        {"csv_file": SimpleUploadedFile("people.csv", data, content_type="text/csv"), **extra},
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "message"), list(BAD_FILES.values()), ids=list(BAD_FILES.keys()))
def test_any_uploaded_file_gets_a_clear_message_and_saves_nothing(
    fred, collaboration, open_round, data, message
):
    client = Client(raise_request_exception=False)
    client.force_login(fred)
    # An address pasted beside the file is not saved either: the request is refused whole.
    response = _upload(client, collaboration, open_round, data, addresses="kim@example.org")

    html = response.content.decode()
    assert response.status_code == 400, html[:300]
    assert message in html
    assert not IndividualLink.objects.exists()
    assert not mail.outbox
    # The page does not echo the file back.
    assert len(html) < 60_000


@pytest.mark.django_db
def test_a_csv_with_old_mac_line_ends_is_read(fred, collaboration, open_round):
    client = Client()
    client.force_login(fred)
    response = _upload(
        client, collaboration, open_round, b"Amy,amy@example.org\rBen,ben@example.org\r"
    )
    assert response.status_code == 200
    assert set(IndividualLink.objects.values_list("email", flat=True)) == {
        "amy@example.org",
        "ben@example.org",
    }


@pytest.mark.django_db
def test_an_address_longer_than_the_column_is_refused_and_a_long_entry_shortened(
    fred, collaboration, open_round
):
    client = Client(raise_request_exception=False)
    client.force_login(fred)
    # Valid in form (Django's validator allows 320 characters), longer than the column (254).
    too_long = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".org"
    assert 254 < len(too_long) <= 320
    junk = "not an address " * 2_000
    response = client.post(
        reverse("facilitate_invitations", args=[collaboration.pk, open_round.pk]),
        {"addresses": f"{too_long}\n{junk}\nkim@example.org"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Added 1, skipped 0, refused 2" in html
    assert "longer than an e-mail address can be" in html
    assert junk not in html and too_long not in html
    assert list(IndividualLink.objects.values_list("email", flat=True)) == ["kim@example.org"]
