"""The session store that reads with plain SQL keeps Django's rules: a saved session loads, an
expired or unknown one does not (and gets a new key when saved)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from collabassess.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_saved_session_loads_with_its_data():
    store = SessionStore()
    store["ca_round"] = 7
    store.save()
    again = SessionStore(session_key=store.session_key)
    assert again["ca_round"] == 7


def test_an_expired_or_unknown_session_loads_empty_and_is_not_reused():
    store = SessionStore()
    store["ca_round"] = 7
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(session_key=store.session_key)
    assert expired.get("ca_round") is None
    expired["x"] = 1
    expired.save()
    assert expired.session_key != store.session_key
    assert SessionStore(session_key="not-a-key-of-anyone-000000000000").load() == {}
