"""Submitted responses for the group results tests: through the real submit service (which
updates the rollup and the snapshot), or generated in bulk straight into a rollup."""

from __future__ import annotations

import random
from collections.abc import Callable

from assessments import group_results, rollups
from assessments.models import Answer, Comment, Response, Round, RoundRollup, RoundSnapshot, Team
from assessments.services import respond as services
from assessments.services.snapshots import structure_of
from frameworks.models import Characteristic, Indicator, ValueMode


def submit(
    round: Round,
    *,
    team: Team | None = None,
    group: str = "",
    value: int | None | Callable[[Indicator], int | None] = 4,
    modes: tuple[str, ...] = (),
    comments: dict[int, str] | None = None,
) -> Response:
    """One response answering every item with ``value`` (or ``value(indicator)``), submitted
    through ``response_submit``."""
    response, _ = services.response_start(round=round, team=team)
    if group:
        Response.objects.filter(pk=response.pk).update(stakeholder_group=group)
    indicators = Indicator.objects.filter(characteristic__version=round.framework_version_id)
    Answer.objects.bulk_create(
        Answer(response=response, indicator=i, value=value(i) if callable(value) else value)
        for i in indicators
    )
    if modes:
        response.value_modes.set(ValueMode.objects.filter(slug__in=modes))
    for number, text in (comments or {}).items():
        Comment.objects.create(
            response=response,
            characteristic=Characteristic.objects.get(
                version=round.framework_version_id, number=number
            ),
            text=text,
        )
    response.refresh_from_db()
    return services.response_submit(response=response)


def synthetic_snapshot(round: Round, teams: list[Team], responses: int, seed: int = 1) -> None:
    """A rollup and snapshot of ``responses`` generated answers spread over ``teams``, without
    creating the responses (for query counts at sizes the test database need not hold)."""
    structure = structure_of(round.framework_version_id)
    rnd = random.Random(seed)
    groups = ["partner_staff", "clinician", "patient", "carer"]
    generated = []
    for index in range(responses):
        answers = {
            i: rnd.choice([1, 2, 3, 4, 5, 5, 4, None])
            for _, ids in structure.characteristics
            for i in ids
        }
        generated.append(
            (
                teams[index % len(teams)].pk,
                groups[index % len(groups)],
                answers,
                ["shared-delivery"],
            )
        )
    data = rollups.rebuild(structure, generated)
    RoundRollup.objects.update_or_create(
        round=round, defaults={"responses": responses, "data": data}
    )
    RoundSnapshot.objects.update_or_create(
        round=round,
        defaults={
            "responses": responses,
            "data": data,
            "taken_on": round.opens_on,
            "collaboration_means": group_results.collaboration_means(data),
        },
    )
