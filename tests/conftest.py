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


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: content cached under a revision bumped inside a
    test's rolled-back transaction must not reach the next test."""
    from django.core.cache import cache

    cache.clear()
    yield


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


# --- Assessments ----------------------------------------------------------------------------


@pytest.fixture
def collaboration(content):
    from assessments.models import Collaboration, Team
    from frameworks.models import ValueMode

    collaboration = Collaboration.objects.create(
        name="Northshire Stroke Network",
        purpose="Faster, joined-up stroke care.",
        framework_version=content,
    )
    collaboration.value_modes.set(ValueMode.objects.filter(slug="shared-delivery"))
    for name in ["Acute Trust", "Community Services", "Social Care"]:
        Team.objects.create(collaboration=collaboration, name=name)
    return collaboration


@pytest.fixture
def open_round(collaboration, content):
    from datetime import timedelta

    from django.utils import timezone

    from assessments.models import Round

    today = timezone.localdate()
    return Round.objects.create(
        collaboration=collaboration,
        framework_version=content,
        title="Autumn round",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=30),
        status=Round.Status.OPEN,
    )


@pytest.fixture
def team_link(open_round):
    from assessments.models import TeamLink

    return TeamLink.objects.create(round=open_round, team=open_round.collaboration.teams.first())


@pytest.fixture
def other_collaboration_round(content):
    """Another tenant's round, for isolation tests."""
    from tests.assessments.helpers import open_round_link

    return open_round_link(content, name="Elsewhere ICS").round


@pytest.fixture
def write_log(db):
    """Database triggers that log each submission write (see tests/write_log.py)."""
    from tests import write_log as log

    yield log.install()
    log.uninstall()


# --- Facilitators ---------------------------------------------------------------------------
# Personas: Olive owns the collaboration, Fred facilitates it, Vera views it; Oscar owns another
# collaboration (an outsider to this one); Ada is the superuser of the admin.


def _member(django_user_model, username, collaboration, role):
    from assessments.models import Membership

    user = django_user_model.objects.create_user(
        username, f"{username}@example.org", f"pw-{username}-123"
    )
    Membership.objects.create(user=user, collaboration=collaboration, role=role)
    return user


@pytest.fixture
def olive(django_user_model, collaboration):
    return _member(django_user_model, "olive", collaboration, "owner")


@pytest.fixture
def fred(django_user_model, collaboration):
    return _member(django_user_model, "fred", collaboration, "facilitator")


@pytest.fixture
def vera(django_user_model, collaboration):
    return _member(django_user_model, "vera", collaboration, "viewer")


@pytest.fixture
def oscar(django_user_model, other_collaboration_round):
    return _member(django_user_model, "oscar", other_collaboration_round.collaboration, "owner")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
