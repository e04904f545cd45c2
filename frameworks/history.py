"""The change history of framework content: who changed which field, from what to what, when."""

from __future__ import annotations

from django.db import models

from frameworks.models import ContentChange

CREATED = "(created)"
DELETED = "(deleted)"


def snapshot(obj: models.Model) -> dict[str, str]:
    """The object's field values as text: foreign keys as ids, many-to-many as sorted ids."""
    values = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key:
            continue
        value = field.value_from_object(obj)
        values[field.name] = "" if value is None else str(value)
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            ids = getattr(obj, field.name).values_list("pk", flat=True)
            values[field.name] = ", ".join(str(pk) for pk in sorted(ids))
    return values


def content_changes_record(
    *, user, obj: models.Model, before: dict[str, str] | None, deleted: bool = False
) -> list[ContentChange]:
    """Store one ContentChange per field that differs between ``before`` and ``obj`` now."""
    label = obj._meta.label_lower
    object_repr = str(obj)[:300]
    if deleted:
        rows = [ContentChange(field=DELETED, old_value=object_repr, new_value="")]
    elif before is None:
        rows = [ContentChange(field=CREATED, old_value="", new_value=object_repr)]
    else:
        after = snapshot(obj)
        rows = [
            ContentChange(field=name, old_value=before.get(name, ""), new_value=value)
            for name, value in after.items()
            if before.get(name, "") != value
        ]
    for row in rows:
        row.user = user if getattr(user, "is_authenticated", False) else None
        row.model = label
        row.object_id = obj.pk
        row.object_repr = object_repr
    return ContentChange.objects.bulk_create(rows)
