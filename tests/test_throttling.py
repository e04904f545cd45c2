"""Failed sign-ins are throttled (django-axes): 10 failures lock a username or an address
for 15 minutes, with a clear message, and nobody else."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_superuser("bob", "bob@example.org", "pw-bob-123")


def _sign_in(client, username, password, address):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_ten_failures_lock_the_username_then_the_right_password_is_refused(ada):
    client = Client()
    statuses = [_sign_in(client, "ada", "wrong", "10.0.0.1").status_code for _ in range(10)]
    # The tenth failure already answers with the lock.
    assert statuses == [200] * 9 + [429]
    locked = _sign_in(client, "ada", "pw-ada-123", "10.0.0.2")  # another address too
    assert locked.status_code == 429
    assert "Signing in is paused for 15 minutes" in locked.content.decode()
    assert not _signed_in(client)


def test_nine_failures_do_not_lock(ada):
    client = Client()
    for _ in range(9):
        _sign_in(client, "ada", "wrong", "10.0.0.1")
    assert _sign_in(client, "ada", "pw-ada-123", "10.0.0.1").status_code == 302
    assert _signed_in(client)


def test_a_locked_username_does_not_lock_out_others(ada, bob):
    attacker = Client()
    for _ in range(10):
        _sign_in(attacker, "ada", "wrong", "10.0.0.1")
    colleague = Client()
    assert _sign_in(colleague, "bob", "pw-bob-123", "10.0.0.9").status_code == 302
    assert _signed_in(colleague)


def test_ten_failures_from_one_address_lock_that_address_only(ada, bob):
    for n in range(10):
        _sign_in(Client(), f"guess{n}", "wrong", "10.0.0.66")
    assert _sign_in(Client(), "bob", "pw-bob-123", "10.0.0.66").status_code == 429
    assert _sign_in(Client(), "bob", "pw-bob-123", "10.0.0.67").status_code == 302


def test_the_lock_lifts_after_15_minutes(ada):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(10):
            _sign_in(Client(), "ada", "wrong", "10.0.0.1")
        assert _sign_in(Client(), "ada", "pw-ada-123", "10.0.0.1").status_code == 429
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert _sign_in(Client(), "ada", "pw-ada-123", "10.0.0.1").status_code == 429
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        client = Client()
        assert _sign_in(client, "ada", "pw-ada-123", "10.0.0.1").status_code == 302
        assert _signed_in(client)


# --- Any user name: the form's answer or the throttle page, never a 500 ----------------------

SIGN_INS = {"facilitators": reverse("login"), "admin": LOGIN}
WRONG = {
    "facilitators": "Please enter a correct username and password",
    "admin": "Please enter the correct username and password for a staff account",
}
ODD_NAMES = {
    "256 characters": "a" * 256,
    "10,000 characters": "x" * 10_000,
    "300 emoji": "\U0001f600" * 300,
    "accented, 255+": "é" * 300,
    "right-to-left and joiners": "\u202eada\u200d" * 80,
    "a name over 150 that starts as ada's": "ada" + "a" * 300,
}


@pytest.mark.parametrize("page", SIGN_INS)
@pytest.mark.parametrize("username", ODD_NAMES.values(), ids=ODD_NAMES.keys())
def test_a_user_name_of_any_length_gets_wrong_user_name_or_password(ada, page, username):
    client = Client(raise_request_exception=False)
    response = client.post(SIGN_INS[page], {"username": username, "password": "wrong"})
    assert response.status_code == 200
    assert WRONG[page] in response.content.decode()


@pytest.mark.parametrize("page", SIGN_INS)
def test_a_long_user_name_is_throttled_like_any_other(ada, page):
    client = Client(raise_request_exception=False)
    name = "z" * 10_000
    statuses = [
        client.post(
            SIGN_INS[page], {"username": name, "password": "wrong"}, REMOTE_ADDR=f"10.1.0.{n}"
        ).status_code
        for n in range(10)
    ]
    assert statuses == [200] * 9 + [429]
    # Ada, a different name, is not locked by it.
    assert _sign_in(Client(), "ada", "pw-ada-123", "10.1.1.1").status_code == 302


@pytest.mark.parametrize("page", SIGN_INS)
@pytest.mark.parametrize(
    "body",
    [
        b"username=ad%00a&password=wrong",  # a NUL byte
        b"username=%ff%fe%fd&password=wrong",  # not UTF-8
        b"username=%c3%28" + b"a" * 400 + b"&password=wrong",  # broken UTF-8, and long
        b"username=\xff\xfe" + b"\x00" * 300 + b"&password=wrong",  # raw bytes, unencoded
        b"username=" + b"%F0%9F%98%80" * 3000 + b"&password=wrong",  # 3,000 emoji
    ],
    ids=["nul", "not-utf8", "broken-utf8-long", "raw-bytes", "emoji-3000"],
)
def test_a_user_name_in_any_encoding_gets_a_form_error_never_a_500(ada, page, body):
    client = Client(raise_request_exception=False)
    response = client.post(SIGN_INS[page], body, content_type="application/x-www-form-urlencoded")
    html = response.content.decode()
    assert response.status_code == 200, html[:500]
    # The form answers: wrong name or password, or (a NUL byte) Django's own field error.
    assert WRONG[page] in html or "Null characters are not allowed" in html
    assert not _signed_in(client)


def test_a_forged_forwarded_address_behind_the_proxy_is_not_a_500(ada, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client(raise_request_exception=False)
    response = client.post(
        LOGIN,
        {"username": "ada", "password": "wrong"},
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="not an address",
        HTTP_X_FORWARDED_PROTO="https",
        secure=True,
    )
    assert response.status_code == 200
    assert WRONG["admin"] in response.content.decode()
