"""Every write of framework content, one by one or in bulk, moves the content revision on, so
nothing cached under the old one is served again."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from frameworks import revision
from frameworks.models import (
    Consideration,
    Example,
    Indicator,
    Source,
    Suggestion,
    ValueModeWeight,
)
from frameworks.services import version_copy

pytestmark = pytest.mark.django_db


def _example(version):
    return Example.objects.filter(characteristic__version=version).first()


WRITES = {
    "save": lambda v: _example(v).save(),
    "delete": lambda v: _example(v).delete(),
    "bulk update": lambda v: Example.objects.filter(pk=_example(v).pk).update(title="Bulk"),
    "bulk_update": lambda v: Example.objects.bulk_update([_example(v)], ["title"]),
    "bulk delete": lambda v: Example.objects.filter(pk=_example(v).pk).delete(),
    "bulk_create": lambda v: Example.objects.bulk_create(
        [Example(characteristic=_example(v).characteristic, position=9, title="New", body="B")]
    ),
    "many-to-many": lambda v: (
        Suggestion.objects.filter(characteristic__version=v)
        .first()
        .considerations.add(Consideration.objects.last())
    ),
    "reference content": lambda v: Source.objects.update(licence_note="Changed"),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_write_of_content_moves_the_revision_on(content, write):
    before = revision.current()
    assert revision.current() == before
    write(content)
    assert revision.current() != before


def test_content_is_built_once_per_revision(content):
    built = []

    def build():
        built.append(1)
        return list(Indicator.objects.filter(characteristic__version=content).values_list("text"))

    first = revision.get_or_build(revision.cache_key("texts", content.pk), build)
    again = revision.get_or_build(revision.cache_key("texts", content.pk), build)
    assert again == first and len(built) == 1

    ValueModeWeight.objects.filter(characteristic__version=version_copy(version=content)).update(
        weight=Decimal("2.00")
    )
    revision.get_or_build(revision.cache_key("texts", content.pk), build)
    assert len(built) == 2


def test_a_revision_is_a_fresh_token_never_a_counter(content):
    seen = {revision.current()}
    for _ in range(3):
        revision.bump()
        seen.add(revision.current())
    assert len(seen) == 4
    assert all(len(token) == 16 for token in seen)


def test_a_migrate_starts_a_new_revision(content):
    """A deploy migrates; what the old code pickled into the cache may name classes that moved."""
    before = revision.current()
    call_command("migrate", verbosity=0)
    assert revision.current() != before
