"""Reading results: the queries behind the results pages, then the pure scoring functions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, prefetch_related_objects

from assessments import scoring
from assessments.models import Answer, Response
from frameworks.models import (
    Characteristic,
    Example,
    FrameworkVersion,
    Indicator,
    Suggestion,
    ValueModeWeight,
)

TIP_THRESHOLD = 3  # items answered 3 or lower get their tip shown


@dataclass
class Row:
    characteristic: Characteristic
    result: scoring.CharacteristicResult
    band: str | None
    weight: float = 1.0
    suggestions: list[Suggestion] = field(default_factory=list)
    tips: list[Indicator] = field(default_factory=list)

    @property
    def band_label(self) -> str:
        return {
            scoring.STRENGTH: "Strength",
            scoring.DEVELOPING: "Developing",
            scoring.PRIORITY: "Priority",
        }.get(self.band, "Not enough answers")


@dataclass
class PersonalResults:
    version: FrameworkVersion
    rows: list[Row]
    overall: float | None
    overall_band: str | None
    priorities: list[Row]
    strengths: list[Row]

    @property
    def overall_percent(self) -> float | None:
        return scoring.to_percent(self.overall)

    def chart_data(self) -> dict:
        """What the radar chart draws: the same numbers as the table beside it."""
        return {
            "labels": [row.characteristic.short_name for row in self.rows],
            "names": [
                f"{row.characteristic.number}. {row.characteristic.name}" for row in self.rows
            ],
            "values": [
                None if row.result.percent is None else round(row.result.percent, 1)
                for row in self.rows
            ],
            "bands": {
                "developing": round(scoring.to_percent(float(self.version.developing_min)), 1),
                "strength": round(scoring.to_percent(float(self.version.strength_min)), 1),
            },
        }


def _characteristics(version: FrameworkVersion) -> list[Characteristic]:
    return list(
        version.characteristics.order_by("number").prefetch_related(
            Prefetch(
                "indicators", queryset=Indicator.objects.select_related("tip").order_by("position")
            )
        )
    )


def _suggestions_for(pairs: set[tuple[int, str]]) -> dict[tuple[int, str], list[Suggestion]]:
    """Suggestions for the (characteristic id, band) pairs the page shows, with their links.

    Loading only those (about a fifth of a version's suggestions) halved the page's cost.
    """
    if not pairs:
        return {}
    wanted = Q()
    for characteristic_id, band in pairs:
        wanted |= Q(characteristic_id=characteristic_id, band=band)
    suggestions = (
        Suggestion.objects.filter(wanted)
        .order_by("position")
        .prefetch_related(
            "considerations",
            "key_steps",
            Prefetch("examples", queryset=Example.objects.order_by("position")),
        )
    )
    grouped: dict[tuple[int, str], list[Suggestion]] = defaultdict(list)
    for suggestion in suggestions:
        grouped[(suggestion.characteristic_id, suggestion.band)].append(suggestion)
    return grouped


def _weights(version: FrameworkVersion, value_mode_slugs: list[str]) -> dict[int, float]:
    rows = (
        ValueModeWeight.objects.filter(characteristic__version=version)
        .order_by()
        .values_list("characteristic__number", "value_mode__slug", "weight")
    )
    return scoring.characteristic_weights({(n, m): w for n, m, w in rows}, value_mode_slugs)


def personal_results(response: Response) -> PersonalResults:
    """One respondent's results, in 10 queries whatever the number of items and answers:
    the response's value modes, the round's recorded value modes, characteristics, indicators
    (+tips), answers, weights, then the suggestions of the priorities and strengths and their
    considerations, key steps and examples (none of these four when nothing has a score).
    """
    # The caller's instance, ideally loaded with its round, collaboration and version (the
    # respondent views do); the value modes are fetched here.
    prefetch_related_objects([response], "value_modes", "round__value_modes")
    version = response.round.framework_version
    characteristics = _characteristics(version)
    values = dict(Answer.objects.filter(response=response).values_list("indicator_id", "value"))

    # The collaboration's value modes as the round recorded them when it opened (a later edit of
    # the collaboration changes nothing here); if there were none, the respondent's own view.
    modes = [m.slug for m in response.round.value_modes.all()]
    if not modes:
        modes = [m.slug for m in response.value_modes.all()]
    weights = _weights(version, modes)

    rows = []
    for characteristic in characteristics:
        indicators = list(characteristic.indicators.all())
        given = [values[i.pk] for i in indicators if i.pk in values]
        result = scoring.respondent_characteristic(characteristic.number, given, len(indicators))
        band = scoring.band(
            result.mean, strength_min=version.strength_min, developing_min=version.developing_min
        )
        tips = [
            i
            for i in indicators
            if values.get(i.pk) is not None and values[i.pk] <= TIP_THRESHOLD and hasattr(i, "tip")
        ]
        rows.append(
            Row(
                characteristic=characteristic,
                result=result,
                band=band,
                weight=weights.get(characteristic.number, 1.0),
                tips=tips,
            )
        )

    by_number = {row.characteristic.number: row for row in rows}
    ordered = scoring.priorities([row.result for row in rows], weights)
    priorities = [
        by_number[r.number] for r in ordered if by_number[r.number].band != scoring.STRENGTH
    ][:3]
    strengths = sorted(
        (row for row in rows if row.band == scoring.STRENGTH),
        key=lambda row: (-row.result.mean, row.characteristic.number),
    )
    suggestions = _suggestions_for(
        {(row.characteristic.pk, row.band) for row in [*priorities, *strengths]}
    )
    for row in [*priorities, *strengths]:
        row.suggestions = suggestions.get((row.characteristic.pk, row.band), [])
    overall = scoring.overall(row.result for row in rows)
    return PersonalResults(
        version=version,
        rows=rows,
        overall=overall,
        overall_band=scoring.band(
            overall, strength_min=version.strength_min, developing_min=version.developing_min
        ),
        priorities=priorities,
        strengths=strengths,
    )
