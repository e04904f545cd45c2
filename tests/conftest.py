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


def _flushes_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool({"transactional_db", "live_server"} & set(item.fixturenames))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests that end with a flush (transactional, live server, browser) run after those that roll
    back, as Django orders them. pytest-django sorts them so, but pytest then moves the browser
    tests back among the others to group them by their session-scoped ``browser_name``
    parameter, and the tests after them found the framework content flushed away. Each xdist
    worker runs its share in this order."""
    items.sort(key=_flushes_the_database)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: content cached under a revision bumped inside a
    test's rolled-back transaction must not reach the next test."""
    from django.core.cache import cache

    cache.clear()
    yield


class ContentSnapshot:
    """The framework content as ``load_content`` left it, kept to put back after a flush.

    Loading from the fixtures is done once per test process (``django_db_setup``). A transactional
    test (``transaction=True``, ``live_server``, the browser and concurrency tests) ends with a
    flush that empties every table; the next one that asks for ``content`` gets the same rows, with
    the same primary keys, from one ``bulk_create`` per table instead of a second load.

    The rows go back through the models' own managers, so the freeze guard sees them as it sees
    ``load_content``: editions go in as drafts and are published once their content is in.
    """

    rows: dict[type, list[dict]] = {}

    @classmethod
    def models(cls) -> list[type]:
        from django.apps import apps

        return list(apps.get_app_config("frameworks").get_models(include_auto_created=True))

    @classmethod
    def take(cls) -> None:
        cls.rows = {model: list(model.objects.order_by("pk").values()) for model in cls.models()}

    @classmethod
    def restore(cls) -> None:
        from django.db import transaction

        draft = FrameworkVersion.Status.DRAFT
        editions = cls.rows[FrameworkVersion]
        with transaction.atomic():
            FrameworkVersion.objects.bulk_create(
                FrameworkVersion(**{**row, "status": draft, "published_at": None})
                for row in editions
            )
            for model, rows in cls.rows.items():
                if model is not FrameworkVersion and rows:
                    model.objects.bulk_create(model(**row) for row in rows)
            for row in editions:
                if row["status"] != draft:
                    FrameworkVersion.objects.filter(pk=row["id"]).update(
                        status=row["status"], published_at=row["published_at"]
                    )


def ensure_content():
    """Put the framework content in unless it is there (transactional tests flush it)."""
    if FrameworkVersion.objects.exists():
        return
    if ContentSnapshot.rows:
        ContentSnapshot.restore()
    else:
        content_load()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_content()
        ContentSnapshot.take()


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
