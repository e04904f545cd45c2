"""Shared fixtures and personas.

Personas: ``admin_client`` (Ada, a superuser who edits content), ``anon_client`` (a partner
with no account) and, for facilitator features, ``facilitator``/``outsider``.
"""

from __future__ import annotations

import os

import pytest
from django.test import Client

from frameworks.content import content_load
from frameworks.models import FrameworkVersion

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_configure(config):
    from django.conf import settings

    # Tests are fast on purpose: password hashing is the slowest thing a test can do.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def ensure_content():
    """Load the framework content unless it is there (transactional tests flush it)."""
    if not FrameworkVersion.objects.exists():
        content_load()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_content()


@pytest.fixture
def content(db):
    ensure_content()
    return FrameworkVersion.objects.get(framework__slug="eight-characteristics", number=2)


@pytest.fixture
def edition1(content):
    return FrameworkVersion.objects.get(framework__slug="eight-characteristics", number=1)


@pytest.fixture
def ada(db, django_user_model):
    return django_user_model.objects.create_superuser("ada", "ada@example.org", "pw-ada-123")


@pytest.fixture
def admin_client(ada):
    client = Client()
    client.force_login(ada)
    return client


@pytest.fixture
def anon_client():
    return Client()
