"""Scoring: pure functions over plain data. No ORM, no Django: unit-tested without a database.

The rules (docs/scoring.md works through examples):

* Item values are 1–5; ``None`` is "don't know / not applicable"; an item with no answer at all is
  simply missing. Don't-knows are left out of means and reported as a rate.
* A respondent's characteristic score is the mean of their 1–5 answers in it. With 1–5 answers for
  fewer than half of the characteristic's items there is "not enough answers" (``None``).
* A group's characteristic score is the mean of its respondents' scores (each respondent weighs the
  same), with n, the sample standard deviation and the share of 1–5 answers that agree (4 or 5).
* Scores are shown on 0–100 as (mean − 1) / 4 × 100 beside the 1–5 mean.
* Bands come from the framework version: strength from ``strength_min``, developing from
  ``developing_min``, priority below.
* The overall score is the mean of the characteristic scores that could be computed.
* Priorities: characteristics ordered by weighted need, (5 − mean) × weight, highest first, where the
  weight is the largest weight of the collaboration's value modes for that characteristic (1 when
  none); ties are broken by spread (larger standard deviation first), then by number.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

SCALE_MIN = 1
SCALE_MAX = 5
AGREE_VALUES = frozenset({4, 5})

STRENGTH = "strength"
DEVELOPING = "developing"
PRIORITY = "priority"

Value = int | None  # None: don't know / not applicable


@dataclass(frozen=True)
class CharacteristicResult:
    """One characteristic's figures, for one respondent or one group."""

    number: int
    mean: float | None  # None: not enough answers
    n: int  # respondents behind the mean (1 for a respondent with a score)
    sd: float | None  # sample standard deviation of the respondents' scores (items for one person)
    answered: int  # 1–5 answers
    dont_know: int  # don't know / not applicable answers
    agree: int  # 1–5 answers that are 4 or 5

    @property
    def percent(self) -> float | None:
        return to_percent(self.mean)

    @property
    def agree_share(self) -> float | None:
        return _share(self.agree, self.answered)

    @property
    def dont_know_rate(self) -> float | None:
        return _share(self.dont_know, self.answered + self.dont_know)

    @property
    def enough(self) -> bool:
        return self.mean is not None


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def sample_sd(values: Sequence[float]) -> float | None:
    """Sample standard deviation (n − 1); None for fewer than two values."""
    if len(values) < 2:
        return None
    m = sum(values) / len(values)
    return math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1))


def to_percent(value: float | None) -> float | None:
    """A 1–5 mean on the 0–100 display scale."""
    if value is None:
        return None
    return (value - SCALE_MIN) / (SCALE_MAX - SCALE_MIN) * 100


def enough_answers(answered: int, item_count: int) -> bool:
    """At least half of the items have a 1–5 answer."""
    return item_count > 0 and answered * 2 >= item_count


def validate_value(value: Value) -> None:
    if value is not None and not (SCALE_MIN <= value <= SCALE_MAX):
        raise ValueError(f"An answer must be between {SCALE_MIN} and {SCALE_MAX}, not {value}.")


def respondent_characteristic(
    number: int, values: Iterable[Value], item_count: int
) -> CharacteristicResult:
    """One respondent's score for one characteristic from their answers to its items."""
    values = list(values)
    for value in values:
        validate_value(value)
    numeric = [v for v in values if v is not None]
    dont_know = len(values) - len(numeric)
    score = mean(numeric) if enough_answers(len(numeric), item_count) else None
    return CharacteristicResult(
        number=number,
        mean=score,
        n=1 if score is not None else 0,
        sd=sample_sd(numeric),
        answered=len(numeric),
        dont_know=dont_know,
        agree=sum(1 for v in numeric if v in AGREE_VALUES),
    )


def respondent_results(
    answers: Mapping[int, Iterable[Value]], item_counts: Mapping[int, int]
) -> list[CharacteristicResult]:
    """A respondent's results for every characteristic, in characteristic order.

    ``answers`` maps characteristic number to the values given (missing items are not listed);
    ``item_counts`` maps every characteristic number to how many items it has.
    """
    return [
        respondent_characteristic(number, answers.get(number, ()), count)
        for number, count in sorted(item_counts.items())
    ]


def group_characteristic(
    number: int, respondents: Iterable[CharacteristicResult]
) -> CharacteristicResult:
    """A group's figures for one characteristic from its respondents' results."""
    respondents = list(respondents)
    scores = [r.mean for r in respondents if r.mean is not None]
    return CharacteristicResult(
        number=number,
        mean=mean(scores),
        n=len(scores),
        sd=sample_sd(scores),
        answered=sum(r.answered for r in respondents),
        dont_know=sum(r.dont_know for r in respondents),
        agree=sum(r.agree for r in respondents),
    )


def overall(results: Iterable[CharacteristicResult]) -> float | None:
    """The mean of the characteristic scores that could be computed."""
    return mean([r.mean for r in results if r.mean is not None])


def band(
    value: float | None, *, strength_min: Decimal | float, developing_min: Decimal | float
) -> str | None:
    if value is None:
        return None
    # Compare on two decimals, as shown: 3.995 shows as 4.00 and must read as a strength.
    shown = round(value + 1e-9, 2)
    if shown >= float(strength_min):
        return STRENGTH
    if shown >= float(developing_min):
        return DEVELOPING
    return PRIORITY


def characteristic_weights(
    weights: Mapping[tuple[int, str], Decimal | float], value_modes: Iterable[str]
) -> dict[int, float]:
    """Per characteristic number, the largest weight among the given value modes (default 1)."""
    modes = set(value_modes)
    result: dict[int, float] = {}
    for (number, mode), weight in weights.items():
        if mode in modes:
            result[number] = max(result.get(number, 1.0), float(weight))
    return result


def need(result: CharacteristicResult, weight: float = 1.0) -> float:
    """How far a characteristic is from the top of the scale, weighted up where it matters most."""
    if result.mean is None:
        return float("-inf")
    return (SCALE_MAX - result.mean) * weight


def priorities(
    results: Iterable[CharacteristicResult], weights: Mapping[int, float] | None = None
) -> list[CharacteristicResult]:
    """Characteristics with a score, most in need first (see the module docstring)."""
    weights = weights or {}
    scored = [r for r in results if r.mean is not None]
    return sorted(
        scored,
        key=lambda r: (-round(need(r, weights.get(r.number, 1.0)), 9), -(r.sd or 0.0), r.number),
    )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
