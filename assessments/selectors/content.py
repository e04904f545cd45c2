"""Reads of a framework version's content that several pages share: its characteristics with
their statements and tips, the suggestions for the bands a page shows, the value modes' weights."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch, Q

from assessments import scoring
from frameworks.models import (
    Characteristic,
    Example,
    FrameworkVersion,
    Indicator,
    Suggestion,
    ValueModeWeight,
)


def characteristics_with_tips(version_id: int) -> list[Characteristic]:
    """The version's characteristics with their indicators (and the indicators' tips)."""
    return list(
        Characteristic.objects.filter(version_id=version_id)
        .order_by("number")
        .prefetch_related(
            Prefetch(
                "indicators", queryset=Indicator.objects.select_related("tip").order_by("position")
            )
        )
    )


def suggestions_for(pairs: set[tuple[int, str]]) -> dict[tuple[int, str], list[Suggestion]]:
    """Suggestions for the (characteristic id, band) pairs the page shows, with their links."""
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


def value_mode_weights(
    version: FrameworkVersion, value_mode_slugs: list[str]
) -> tuple[dict[int, float], dict[tuple[int, str], float]]:
    """Per characteristic number, the weight of the chosen value modes (scoring rules), and the
    weight of each (characteristic number, chosen mode) pair, to say which weighted it up."""
    rows = (
        ValueModeWeight.objects.filter(characteristic__version=version)
        .order_by()
        .values_list("characteristic__number", "value_mode__slug", "weight")
    )
    weights = {(n, m): w for n, m, w in rows}
    chosen = {key: float(w) for key, w in weights.items() if key[1] in set(value_mode_slugs)}
    return scoring.characteristic_weights(weights, value_mode_slugs), chosen


def weighted_by(
    number: int, weight: float, mode_weights: dict[tuple[int, str], float], names: dict[str, str]
) -> list[str]:
    """The names of the value modes that set a characteristic's weight above 1."""
    if weight <= 1.0:
        return []
    return [
        names[slug]
        for (n, slug), w in mode_weights.items()
        if n == number and w == weight and slug in names
    ]
