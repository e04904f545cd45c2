"""Keeping the per-round rollups and the facilitators' snapshot up to date.

``rollup_add_response`` runs in the transaction that submits a response: it locks the round's
rollup row (concurrent submissions to one round queue there for a moment), adds the response,
and moves the snapshot when it is due. ``results_rebuild`` recomputes both from the answers, for
rounds that had responses before there were rollups (and for data loaded in bulk).

**When the snapshot moves.** Only when at least the round's minimum group size k of responses
have been submitted since it last moved, open or closed. Closing a round does not force it: a
closed round whose last fewer-than-k responses never reached the snapshot keeps showing the
figures without them (the page says how many are left out), because showing them would let
anyone who saw the figures before work out those few people's answers by comparing.
"""

from __future__ import annotations

import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from assessments import rollups
from assessments.models import (
    Answer,
    Comment,
    Response,
    Round,
    RoundRollup,
    RoundSnapshot,
)
from frameworks.models import Indicator, ValueMode


def structure_of(version_id: int) -> rollups.Structure:
    """The version's characteristics with their indicator ids in order (one query)."""
    rows = (
        Indicator.objects.filter(characteristic__version_id=version_id)
        .order_by("characteristic__number", "position", "pk")
        .values_list("characteristic__number", "pk")
    )
    grouped: dict[int, list[int]] = defaultdict(list)
    for number, pk in rows:
        grouped[number].append(pk)
    return rollups.Structure(tuple((n, tuple(ids)) for n, ids in sorted(grouped.items())))


def _locked_rollup(round_id: int) -> RoundRollup:
    rollup, _ = RoundRollup.objects.select_for_update().get_or_create(round_id=round_id)
    return rollup


@transaction.atomic
def rollup_add_response(*, response: Response, round: Round) -> None:
    """Add a just-submitted response to its round's rollup; move the snapshot if due."""
    rollup = _locked_rollup(round.pk)
    answers = dict(
        Answer.objects.filter(response_id=response.pk).values_list("indicator_id", "value")
    )
    modes = ValueMode.objects.filter(
        pk__in=Response.value_modes.through.objects.filter(response_id=response.pk).values(
            "valuemode_id"
        )
    ).values_list("slug", flat=True)
    cell = rollups.response_cell(structure_of(round.framework_version_id), answers, modes)
    rollups.add_response(
        rollup.data, rollups.cell_key(response.team_id, response.stakeholder_group), cell
    )
    rollup.responses += 1
    rollup.save(update_fields=["data", "responses"])
    snapshot_move_if_due(round=round, rollup=rollup)


def comment_key(number: int) -> str:
    """A characteristic's key in ``RoundSnapshot.comments`` (not a bare number: JSON lookups
    would read that as an array index)."""
    return f"c{number}"


def _comments(round: Round) -> dict[str, list[str]]:
    comments: dict[str, list[str]] = defaultdict(list)
    rows = Comment.objects.filter(
        response__round=round, response__status=Response.Status.SUBMITTED
    ).values_list("characteristic__number", "text")
    for number, text in rows:
        comments[comment_key(number)].append(text)
    for texts in comments.values():
        random.shuffle(texts)  # nothing in the snapshot orders responses in time
    return dict(comments)


def snapshot_move_if_due(*, round: Round, rollup: RoundRollup) -> bool:
    """Copy the rollup into the snapshot if at least k responses arrived since it last moved.
    The caller holds the rollup's lock."""
    snapshot = RoundSnapshot.objects.filter(round_id=round.pk).first()
    included = snapshot.responses if snapshot else 0
    if rollup.responses - included < round.min_group_size:
        return False
    RoundSnapshot.objects.update_or_create(
        round_id=round.pk,
        defaults={
            "responses": rollup.responses,
            "taken_on": timezone.localdate(),
            "data": rollup.data,
            "comments": _comments(round),
            "figures": None,
        },
    )
    # Later rounds draw this one as their "previous round": their charts are rebuilt too.
    RoundSnapshot.objects.filter(
        round__collaboration_id=round.collaboration_id, round__opens_on__gt=round.opens_on
    ).update(figures=None)
    return True


@transaction.atomic
def results_rebuild(*, round: Round) -> RoundRollup:
    """Recompute the round's rollup from its submitted responses and move the snapshot if due."""
    rollup = _locked_rollup(round.pk)
    submitted = Response.objects.filter(round=round, status=Response.Status.SUBMITTED)
    answers: dict[int, dict[int, int | None]] = defaultdict(dict)
    for response_id, indicator_id, value in Answer.objects.filter(
        response__in=submitted
    ).values_list("response_id", "indicator_id", "value"):
        answers[response_id][indicator_id] = value
    modes: dict[int, list[str]] = defaultdict(list)
    for response_id, slug in Response.value_modes.through.objects.filter(
        response__in=submitted
    ).values_list("response_id", "valuemode__slug"):
        modes[response_id].append(slug)
    rows = submitted.order_by().values_list("pk", "team_id", "stakeholder_group")
    rollup.data = rollups.rebuild(
        structure_of(round.framework_version_id),
        ((team, group, answers[pk], modes[pk]) for pk, team, group in rows),
    )
    rollup.responses = len(rows)
    rollup.save()
    snapshot_move_if_due(round=round, rollup=rollup)
    return rollup
