"""Keeping the per-round rollups and the facilitators' snapshot up to date.

``rollup_add_response`` runs in the transaction that submits a response: it locks the round's
rollup row (concurrent submissions to one round queue there for a moment), adds the response to
the live sums and to the parts waiting for the snapshot, and adds to the snapshot every waiting
part that may go. ``results_rebuild`` recomputes both from the answers, for rounds that had
responses before there were rollups (and for data loaded in bulk).

**When the snapshot moves.** A response's parts (its count, its score on each characteristic,
its answer to each statement, ...) are added to the figures only with at least k (the round's
minimum group size) other people's parts that change the same figures: the same team's and the
same stakeholder group's rows as well as everyone's (``disclosure.releasable``). So every figure
a facilitator can read, on any page, chart, export or report, and any count, moves by nobody or
by at least k people between any two moments (docs/privacy.md). Closing a round forces nothing:
parts still waiting then stay out, and tracking says how many responses are counted.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from assessments import group_results, rollups
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


def _comments_of(response_ids: Iterable[int]) -> dict[int, dict[str, list[str]]]:
    """Each response's comments, by characteristic key (``RoundSnapshot.comment_key``)."""
    comments: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    rows = Comment.objects.filter(response_id__in=response_ids).values_list(
        "response_id", "characteristic__number", "text"
    )
    for response_id, number, text in rows:
        comments[response_id][RoundSnapshot.comment_key(number)].append(text)
    return comments


@transaction.atomic
def rollup_add_response(*, response: Response, round: Round) -> None:
    """Add a just-submitted response to its round's rollup and to the parts waiting for the
    snapshot; move the snapshot if any part may go."""
    rollup = _locked_rollup(round.pk)
    answers = dict(
        Answer.objects.filter(response_id=response.pk).values_list("indicator_id", "value")
    )
    modes = ValueMode.objects.filter(
        pk__in=Response.value_modes.through.objects.filter(response_id=response.pk).values(
            "valuemode_id"
        )
    ).values_list("slug", flat=True)
    structure = structure_of(round.framework_version_id)
    cell = rollups.response_cell(structure, answers, modes)
    key = rollups.cell_key(response.team_id, response.stakeholder_group)
    rollups.add_response(rollup.data, key, cell)
    rollup.responses += 1
    comments = _comments_of([response.pk]).get(response.pk, {})
    rollup.waiting.append(rollups.waiting_entry(structure, key, cell, comments))
    snapshot_release(round=round, rollup=rollup, structure=structure)
    rollup.save(update_fields=["data", "responses", "waiting"])


def snapshot_release(
    *, round: Round, rollup: RoundRollup, structure: rollups.Structure | None = None
) -> bool:
    """Add to the snapshot every waiting part that may go (``rollups.release``), and take it off
    ``rollup.waiting`` (the caller saves the rollup). The caller holds the rollup's lock.

    A snapshot that moves keeps the collaboration's means that later rounds' radars draw as their
    previous round: worked out here, from the snapshot alone, so that no page writes."""
    structure = structure or structure_of(round.framework_version_id)
    snapshot = RoundSnapshot.objects.filter(round_id=round.pk).first() or RoundSnapshot(
        round_id=round.pk, data=rollups.empty(), comments={}
    )
    rollup.waiting, moved = rollups.release(
        structure, snapshot.data, snapshot.comments, rollup.waiting, k=round.min_group_size
    )
    if not moved:
        return False
    for texts in snapshot.comments.values():
        random.shuffle(texts)  # nothing in the snapshot orders responses in time
    snapshot.responses = rollups.counted(snapshot.data)
    snapshot.taken_on = timezone.localdate()
    snapshot.collaboration_means = group_results.collaboration_means(snapshot.data)
    snapshot.save()
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
    rows = list(submitted.order_by().values_list("pk", "team_id", "stakeholder_group"))
    random.shuffle(rows)  # the waiting parts keep no submission order
    structure = structure_of(round.framework_version_id)
    comments = _comments_of(pk for pk, _, _ in rows)
    rollup.data = rollups.empty()
    rollup.waiting = []
    for pk, team, group in rows:
        key = rollups.cell_key(team, group)
        cell = rollups.response_cell(structure, answers[pk], modes[pk])
        rollups.add_response(rollup.data, key, cell)
        rollup.waiting.append(rollups.waiting_entry(structure, key, cell, comments.get(pk, {})))
    rollup.responses = len(rows)
    # The snapshot starts again from nothing: what it showed before was built by other rules.
    RoundSnapshot.objects.filter(round_id=round.pk).delete()
    snapshot_release(round=round, rollup=rollup, structure=structure)
    rollup.save()
    return rollup
