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
