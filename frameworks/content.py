"""Loading framework content from the fixtures, insert-only, so it can run on every start.

A published framework version is frozen, and loading content must not be a way round that:
a fixture that would add scored content to a published version, or that differs from one in a
frozen field, stops the load with a message naming the object, and nothing is saved.

The fixtures are the publishers' content: every edition they hold is loaded as the publisher's
(``FrameworkVersion.Provenance.PUBLISHER``), the only way an edition becomes one. An edition
number already taken here by a local adaptation stops the load too: the publisher's edition
must never be merged into, or credited as, an edition made on this site.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.db import models, transaction
from django.utils import timezone

from frameworks import freeze
from frameworks.models import FrameworkVersion, FrozenContentError

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"


class ContentLoadError(Exception):
    """A fixture would change or add to a published (frozen) framework version."""


def content_fixtures() -> list[Path]:
    """The content fixtures in load order (their names start with a sequence number)."""
    return sorted(FIXTURE_DIR.glob("[0-9][0-9]_*.json"))


@dataclass
class LoadReport:
    created: int = 0
    kept: int = 0


def _describe(path: Path, obj: models.Model) -> str:
    try:
        key = ", ".join(str(part) for part in obj.natural_key())
    except (AttributeError, models.ObjectDoesNotExist):
        key = str(obj.pk)
    return f"{path.name}: {obj._meta.verbose_name} ({key})"


def _refuse_frozen_difference(path: Path, obj: models.Model, existing: models.Model) -> None:
    """Stop when the fixture differs from a published version's copy in a frozen field."""
    changed = freeze.frozen_changes(obj, existing)
    if not changed:
        return  # the database copy (perhaps an admin's edit of a draft) is kept, as for any object
    raise ContentLoadError(
        f"{_describe(path, obj)}: the fixture changes {', '.join(changed)}, but "
        f"{freeze.version_of(existing)} is published and frozen, so nothing was loaded. To change "
        "published content, create a new draft edition in the admin (“Create a new draft from "
        "this version”)."
    )


@transaction.atomic
def content_load(*, fixtures: list[Path] | None = None) -> LoadReport:
    """Add every fixture object whose natural key is not in the database yet.

    Objects already present are left exactly as they are: admins may have edited them. A new
    edition is loaded as a draft and given its published status once all of its content is in,
    so the freeze guard (which also sees these raw saves) refuses any scored object that a
    fixture adds to an edition published earlier. The whole load is one transaction: a broken
    or refused fixture leaves the database as it was.
    """
    report = LoadReport()
    to_publish: list[tuple[FrameworkVersion, str, object]] = []
    for path in fixtures if fixtures is not None else content_fixtures():
        with path.open(encoding="utf-8") as stream:
            for deserialized in serializers.deserialize("json", stream, ignorenonexistent=False):
                obj = deserialized.object
                if isinstance(obj, FrameworkVersion):
                    obj.provenance = FrameworkVersion.Provenance.PUBLISHER
                # Deserializing by natural key fills in the pk of an existing row.
                existing = (
                    type(obj).objects.filter(pk=obj.pk).first() if obj.pk is not None else None
                )
                if isinstance(existing, FrameworkVersion) and existing.is_local:
                    raise ContentLoadError(
                        f"{_describe(path, obj)}: this site already has a local adaptation with "
                        f"that number ({existing}): the publisher's edition must not be merged "
                        "into it, so nothing was loaded."
                    )
                if existing is not None:
                    _refuse_frozen_difference(path, obj, existing)
                    report.kept += 1
                    continue
                obj.pk = None
                if (
                    isinstance(obj, FrameworkVersion)
                    and obj.status != FrameworkVersion.Status.DRAFT
                ):
                    to_publish.append((obj, obj.status, obj.published_at))
                    obj.status, obj.published_at = FrameworkVersion.Status.DRAFT, None
                try:
                    deserialized.save()
                except FrozenContentError as error:
                    raise ContentLoadError(
                        f"{_describe(path, obj)}: {' '.join(error.messages)} Nothing was loaded."
                    ) from None
                report.created += 1
    for obj, status, published_at in to_publish:
        FrameworkVersion.objects.filter(pk=obj.pk).update(
            status=status, published_at=published_at or timezone.now()
        )
    return report
