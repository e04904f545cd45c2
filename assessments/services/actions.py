"""Writes to the action plan: creating an action and changing it, each in one transaction with
its history (``ActionChange``: who, when, from, to), so that no change is kept without its record
and no record without its change."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.db import transaction
from django.utils import timezone

from assessments.models import Action, ActionChange, Collaboration, Round, Workshop
from frameworks.models import Suggestion

# The fields a facilitator changes, in the order the history lists them.
TRACKED_FIELDS = ("title", "characteristic_number", "owner", "due_on", "status", "notes")


def _text(field: str, value) -> str:
    if value is None:
        return ""
    if field == "status":
        return Action.Status(value).label
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@transaction.atomic
def action_create(
    *,
    collaboration: Collaboration,
    user,
    data: Mapping,
    round: Round | None = None,
    suggestion: Suggestion | None = None,
    workshop: Workshop | None = None,
) -> Action:
    """A new action on the collaboration, recorded as created in its history. ``data`` holds
    the tracked fields (a validated form's cleaned data); ``workshop`` is the consensus workshop
    that agreed it, if any."""
    now = timezone.now()
    action = Action.objects.create(
        collaboration=collaboration,
        round=round,
        workshop=workshop,
        suggestion=suggestion,
        suggestion_text=suggestion.text if suggestion else "",
        created_by=user,
        created_at=now,
        updated_at=now,
        **{field: data[field] for field in TRACKED_FIELDS if field in data},
    )
    ActionChange.objects.create(
        action=action, user=user, changed_at=now, field="created", new=action.title
    )
    return action


@transaction.atomic
def action_update(*, action: Action, user, data: Mapping) -> list[ActionChange]:
    """Change the action's tracked fields to ``data``; one history row per field that changed.
    The row is locked first, so that two facilitators saving at once each record the value
    they really replaced."""
    current = Action.objects.select_for_update().get(pk=action.pk)
    now = timezone.now()
    changes = []
    for field in TRACKED_FIELDS:
        if field not in data:
            continue
        old, new = getattr(current, field), data[field]
        if old == new:
            continue
        setattr(current, field, new)
        changes.append(
            ActionChange(
                action=current,
                user=user,
                changed_at=now,
                field=field,
                old=_text(field, old),
                new=_text(field, new),
            )
        )
    if changes:
        current.updated_at = now
        current.save()
        ActionChange.objects.bulk_create(changes)
    for field in (*TRACKED_FIELDS, "updated_at"):
        setattr(action, field, getattr(current, field))
    return changes
