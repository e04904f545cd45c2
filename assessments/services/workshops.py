"""Writes of a consensus workshop: opening it (its date, how many took part, whether the shared
screen hides team names), recording what the room agreed on a characteristic, and adding the
actions it agreed to the action plan.

Agreements are append-only: recording again adds a row and never changes or removes an earlier
one, so the history of what the room agreed, who recorded it and when is kept whole.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.models import Action, Agreement, Round, Workshop
from assessments.services.actions import action_create
from frameworks.models import Characteristic


def _check_number(workshop: Workshop, number: int) -> None:
    if not Characteristic.objects.filter(
        version_id=workshop.round.framework_version_id, number=number
    ).exists():
        raise ValidationError(
            "That characteristic is not part of this round’s framework edition.",
            code="characteristic_number",
        )


@transaction.atomic
def open_workshop(
    round: Round, user, *, held_on: date, participants: int, hide_team_names: bool
) -> Workshop:
    """Create the round's one workshop, or change its details. Two facilitators opening it at
    once get the same workshop: the round is unique on it, and ``update_or_create`` takes the
    row the other created."""
    workshop, _ = Workshop.objects.update_or_create(
        round=round,
        defaults={
            "held_on": held_on,
            "participants": participants,
            "hide_team_names": hide_team_names,
        },
        create_defaults={
            "held_on": held_on,
            "participants": participants,
            "hide_team_names": hide_team_names,
            "created_by": user,
        },
    )
    return workshop


def record_agreement(
    workshop: Workshop, number: int, user, *, score: int | None, reasoning: str, dissent: str
) -> Agreement:
    """What the room agreed on characteristic ``number``: a new row, never an update, so that
    every earlier agreement stays (the newest is the agreed score). ``score`` is None when the
    room could not agree. Dissent is a minority view in the room's words, kept without names."""
    _check_number(workshop, number)
    return Agreement.objects.create(
        workshop=workshop,
        characteristic_number=number,
        score=score,
        reasoning=reasoning,
        dissent=dissent,
        recorded_by=user,
        recorded_at=timezone.now(),
    )


@transaction.atomic
def add_workshop_action(workshop: Workshop, number: int, user, **fields) -> Action:
    """An action the room agreed on characteristic ``number``, added to the collaboration's
    plan through the action plan's own service (so its history starts the same way), raised from
    the workshop's round and marked as agreed in the workshop. ``fields`` are the action's
    tracked fields (a validated form's cleaned data)."""
    _check_number(workshop, number)
    round = workshop.round
    action = action_create(
        collaboration=round.collaboration,
        user=user,
        data={**fields, "characteristic_number": number},
        round=round,
        workshop=workshop,
    )
    return action
