"""Loading framework content from the fixtures, insert-only, so it can run on every start."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.db import transaction

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"


def content_fixtures() -> list[Path]:
    """The content fixtures in load order (their names start with a sequence number)."""
    return sorted(FIXTURE_DIR.glob("[0-9][0-9]_*.json"))


@dataclass
class LoadReport:
    created: int = 0
    kept: int = 0


@transaction.atomic
def content_load(*, fixtures: list[Path] | None = None) -> LoadReport:
    """Add every fixture object whose natural key is not in the database yet.

    Objects already present are left exactly as they are: admins may have edited them, and
    ``loaddata`` would overwrite those edits. Many-to-many links are only set on new objects.
    The whole load is one transaction: a broken fixture leaves the database as it was.
    """
    report = LoadReport()
    for path in fixtures if fixtures is not None else content_fixtures():
        with path.open(encoding="utf-8") as stream:
            objects = serializers.deserialize("json", stream, ignorenonexistent=False)
            for deserialized in objects:
                obj = deserialized.object
                # Deserializing by natural key fills in the pk of an existing row.
                if obj.pk is not None and type(obj)._base_manager.filter(pk=obj.pk).exists():
                    report.kept += 1
                    continue
                obj.pk = None
                deserialized.save()
                report.created += 1
    return report
