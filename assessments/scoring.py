"""Scoring: pure functions over plain data. No ORM, no Django: unit-tested without a database.

The rules (docs/scoring.md works through examples):

* Item values are 1–5; ``None`` is "don't know / not applicable"; an item with no answer at all is
  simply missing. Don't-knows are left out of means and reported as a rate.
* A respondent's characteristic score is the mean of their 1–5 answers in it. With 1–5 answers for
  fewer than half of the characteristic's items there is "not enough answers" (``None``).
* A group's figures for a characteristic count the same people, its respondents with a score,
  each weighing the same: the mean of their scores, its sample standard deviation, the mean of
  their agree shares and of their don't-know rates. No group figure for fewer than two.
* Every number shown is rounded once, halves up, in Decimal (``rounded``): scores with two
  decimals (``shown``), bands decided on that figure; a gap between two means is the difference
  of the two shown means (``shown_gap``); shares as whole percentages (``shown_share``); a
  standard deviation with one decimal, and only from SD_MIN_N values (``shown_sd``).
* A statement's answers "differ" when at least a quarter agree and a quarter disagree.
* Scores are shown on 0–100 as (mean − 1) / 4 × 100 beside the 1–5 mean.
* Bands come from the framework version: strength from ``strength_min``, developing from
  ``developing_min``, priority below.
* The overall score is the mean of the characteristic scores that could be computed, shown only
  when at least half of the characteristics have one.
* Priorities: characteristics ordered by weighted need, (5 − mean) × weight, highest first, where the
  weight is the largest weight of the collaboration's value modes for that characteristic (1 when
  none); ties are broken by spread (larger standard deviation first), then by number.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from fractions import Fraction

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
    total: int = 0  # sum of the 1–5 answers

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


# --- Figures as shown ----------------------------------------------------------------------------
#
# One rounding rule for every number a page, the CSV, the PDF or a chart shows (``rounded``): to a
# fixed number of decimals, halves rounded up (away from zero), worked out exactly and given as a
# Decimal. A Fraction (group figures are exact) rounds exactly; a float rounds as its shortest
# decimal form, so 2.995 (stored as 2.99499…) shows as 3.00 and 0.125 as 13 %, as a person reading
# them would expect, never as round() or format() would (half to even, on the binary value: 2.99,
# 12 %, 0.562).

SCORE_PLACES = 2  # 1–5 means, gaps and changes
SD_PLACES = 1
SD_MIN_N = 10  # below this many values a standard deviation says little: none is shown
SHARE_PLACES = 0  # shares as whole percentages on the pages and the PDF
DISTRIBUTION_PLACES = 1  # the share of each answer to a statement, in its table and chart
CSV_SHARE_PLACES = 3  # shares as 0–1 fractions in the CSV
ALPHA_PLACES = 2


def _exact(value: float | Fraction | Decimal | int) -> Fraction:
    """A float as its shortest decimal form (0.1 is 1/10, not 0.1000000000000000055…)."""
    return Fraction(Decimal(repr(value))) if isinstance(value, float) else Fraction(value)


def rounded(value: float | Fraction | Decimal | int | None, places: int) -> Decimal | None:
    """``value`` to ``places`` decimals, halves rounded up (away from zero): 0.5625 → 0.563 at
    three places, 12.5 → 13 at none, −0.125 → −0.13 at two. Never "−0.00"."""
    if value is None:
        return None
    exact = _exact(value)
    scaled = abs(exact) * 10**places
    whole = math.floor(scaled + Fraction(1, 2))
    return Decimal(-whole if exact < 0 and whole else whole).scaleb(-places)


def shown(value: float | Fraction | None) -> Decimal | None:
    """A 1–5 score as every page shows it: two decimals, halves rounded up (``rounded``). Bands
    are decided on this figure too (``band``), so the number and its band always agree."""
    return rounded(value, SCORE_PLACES)


def shown_share(value: float | Fraction | None, places: int = SHARE_PLACES) -> Decimal | None:
    """A 0–1 share as a percentage as shown: 1/8 → 13 (whole percentages), 1/16 → 6.3 at one
    decimal."""
    return None if value is None else rounded(_exact(value) * 100, places)


def shown_sd(value: float | None, n: int) -> Decimal | None:
    """A standard deviation of ``n`` values as shown: one decimal, and none at all below
    SD_MIN_N values: from 5 people the 95 % interval of an SD runs from 0.6 to 2.9 times it,
    from 10 still 0.7 to 1.8 times."""
    if value is None or n < SD_MIN_N:
        return None
    return rounded(value, SD_PLACES)


def shown_gap(higher: float | Fraction, lower: float | Fraction) -> Decimal:
    """The gap between two means as shown: the difference of the two means *as shown*, so that
    the subtraction a reader does checks. Means of 4.205 and 3.824 show as 4.21 and 3.82: the
    gap shows as 0.39, although the exact means are 0.381 apart."""
    return shown(higher) - shown(lower)


def to_percent(value: float | None) -> float | None:
    """A 1–5 mean on the 0–100 display scale."""
    if value is None:
        return None
    return (float(value) - SCALE_MIN) / (SCALE_MAX - SCALE_MIN) * 100


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
        total=sum(numeric),
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


# --- Groups ------------------------------------------------------------------------------------
#
# A group's figures for a characteristic all count the same people: the respondents with a score
# (enough answers, see ``enough_answers``), each weighing the same. Someone who answered but not
# enough is counted apart (``not_enough``), never in a figure. The figures are exact (Fractions)
# until they are shown, so a mean of exactly 2.995 shows as 3.00 and reads as 3.00's band.
#
# They are worked out from sums that can be added up response by response and group by group
# (the per-round rollups store them): integers, because each respondent's score is a fraction
# whose denominator is at most the number of items, and SCALE is a multiple of every such
# denominator.

SCALE = 27720  # the least common multiple of 1..12: items per characteristic are at most 12
MAX_ITEMS = 12
MIN_GROUP_N = 2  # one respondent is a person, not a group: no group figure for fewer


def _scaled(part: int, whole: int) -> int:
    if whole > MAX_ITEMS:
        raise ValueError(f"A characteristic may have at most {MAX_ITEMS} items.")
    return part * SCALE // whole


@dataclass(frozen=True)
class CharacteristicSums:
    """Additive sums over respondents for one characteristic (``to_list``/``from_list`` store
    them in the rollups). Scores and shares are scaled by SCALE, so every sum is an integer."""

    n: int = 0  # respondents with a score
    score: int = 0  # Σ score × SCALE
    score_sq: int = 0  # Σ (score × SCALE)²
    agree: int = 0  # Σ (share of the respondent's 1–5 answers that are 4 or 5) × SCALE
    dont_know: int = 0  # Σ (share of the respondent's answers that are don't know) × SCALE
    not_enough: int = 0  # respondents who answered but not enough for a score

    def plus(self, other: CharacteristicSums) -> CharacteristicSums:
        return CharacteristicSums(
            *(a + b for a, b in zip(self.to_list(), other.to_list(), strict=True))
        )

    def to_list(self) -> list[int]:
        return [self.n, self.score, self.score_sq, self.agree, self.dont_know, self.not_enough]

    @classmethod
    def from_list(cls, values: Sequence[int]) -> CharacteristicSums:
        return cls(*values)


def contribution_of(respondent: CharacteristicResult) -> CharacteristicSums:
    """What one respondent adds to their group's sums for a characteristic."""
    if respondent.mean is None:
        given = respondent.answered + respondent.dont_know
        return CharacteristicSums(not_enough=1 if given else 0)
    score = _scaled(respondent.total, respondent.answered)
    return CharacteristicSums(
        n=1,
        score=score,
        score_sq=score * score,
        agree=_scaled(respondent.agree, respondent.answered),
        dont_know=_scaled(respondent.dont_know, respondent.answered + respondent.dont_know),
    )


@dataclass(frozen=True)
class GroupResult:
    """A group's figures for one characteristic. ``n`` respondents with a score are behind every
    figure: the mean of their scores, the sample SD of their scores, the mean of their agree
    shares and the mean of their don't-know rates. ``not_enough`` answered without a score."""

    number: int
    n: int
    mean: Fraction | None
    sd: float | None
    agree_share: Fraction | None
    dont_know_rate: Fraction | None
    not_enough: int = 0

    @property
    def percent(self) -> float | None:
        return to_percent(self.mean)

    @property
    def shown_mean(self) -> Decimal | None:
        return shown(self.mean)

    @property
    def interval(self) -> Interval | None:
        """The 95 % interval of the mean (``mean_interval``)."""
        return mean_interval(self.n, self.mean, self.sd)

    @property
    def high_dont_know(self) -> bool:
        """On average 30 % or more of the respondents' answers were don't know: the
        statements' "many don't know" rule, applied to a group."""
        return self.dont_know_rate is not None and self.dont_know_rate >= HIGH_DONT_KNOW

    @property
    def shown_sd(self) -> Decimal | None:
        return shown_sd(self.sd, self.n)

    @property
    def enough(self) -> bool:
        return self.mean is not None


def group_from_sums(number: int, sums: CharacteristicSums) -> GroupResult:
    n = sums.n
    if n < MIN_GROUP_N:
        return GroupResult(number, n, None, None, None, None, sums.not_enough)
    denominator = SCALE * n
    variance = Fraction(sums.score_sq * n - sums.score * sums.score, n * (n - 1) * SCALE * SCALE)
    return GroupResult(
        number=number,
        n=n,
        mean=Fraction(sums.score, denominator),
        sd=math.sqrt(variance),
        agree_share=Fraction(sums.agree, denominator),
        dont_know_rate=Fraction(sums.dont_know, denominator),
        not_enough=sums.not_enough,
    )


# --- One indicator's answers across a group -------------------------------------------------------

VIEWS_DIFFER_SHARE = Fraction(1, 4)  # at least this many agreeing and this many disagreeing
HIGH_DONT_KNOW = Fraction(3, 10)
DISAGREE_VALUES = frozenset({1, 2})


@dataclass(frozen=True)
class Distribution:
    """How a group answered one indicator: counts of 1–5 and of don't know. Every figure counts
    the respondents who gave that indicator an answer (don't know included for its rate)."""

    counts: tuple[int, int, int, int, int]  # answers of 1, 2, 3, 4, 5
    dont_know: int

    @property
    def answered(self) -> int:
        return sum(self.counts)

    @property
    def respondents(self) -> int:
        return self.answered + self.dont_know

    @property
    def mean(self) -> Fraction | None:
        if not self.answered:
            return None
        return Fraction(
            sum(v * c for v, c in zip(range(1, 6), self.counts, strict=True)), self.answered
        )

    @property
    def sd(self) -> float | None:
        n = self.answered
        if n < 2:
            return None
        total = sum(v * c for v, c in zip(range(1, 6), self.counts, strict=True))
        squares = sum(v * v * c for v, c in zip(range(1, 6), self.counts, strict=True))
        return math.sqrt(Fraction(squares * n - total * total, n * (n - 1)))

    def _share(self, values: frozenset) -> Fraction | None:
        if not self.answered:
            return None
        return Fraction(sum(self.counts[v - 1] for v in values), self.answered)

    @property
    def agree_share(self) -> Fraction | None:
        return self._share(AGREE_VALUES)

    @property
    def disagree_share(self) -> Fraction | None:
        return self._share(DISAGREE_VALUES)

    @property
    def dont_know_rate(self) -> Fraction | None:
        return Fraction(self.dont_know, self.respondents) if self.respondents else None

    @property
    def shown_sd(self) -> Decimal | None:
        return shown_sd(self.sd, self.answered)

    @property
    def views_differ(self) -> bool:
        """The answers split partners: at least a quarter agreeing (4 or 5) and at least a quarter
        disagreeing (1 or 2). No rule on the spread alone: a standard deviation of 1.0 is common
        in a large group whose answers run from 2 to 5 without anyone disagreeing outright, so it
        flagged most statements of a large round (docs/scoring.md)."""
        agree, disagree = self.agree_share, self.disagree_share
        return (
            agree is not None
            and agree >= VIEWS_DIFFER_SHARE
            and disagree is not None
            and disagree >= VIEWS_DIFFER_SHARE
        )

    @property
    def high_dont_know(self) -> bool:
        rate = self.dont_know_rate
        return rate is not None and rate >= HIGH_DONT_KNOW


# --- Reliability ---------------------------------------------------------------------------------

ALPHA_MIN_RESPONSES = 10
ALPHA_LOW = 0.6


@dataclass(frozen=True)
class AlphaSums:
    """Sums over the complete responses of one characteristic (every item answered 1–5), enough
    for Cronbach's alpha: per item Σx and Σx², and Σ and Σ² of each response's total."""

    n: int
    items: tuple[tuple[int, int], ...]  # (Σx, Σx²) per item
    total: int
    total_sq: int


def alpha_sums(rows: Iterable[Sequence[int]], item_count: int) -> AlphaSums:
    """The sums of complete rows (one row per response, one value per item)."""
    rows = [list(row) for row in rows]
    items = tuple(
        (sum(row[i] for row in rows), sum(row[i] ** 2 for row in rows)) for i in range(item_count)
    )
    totals = [sum(row) for row in rows]
    return AlphaSums(len(rows), items, sum(totals), sum(t * t for t in totals))


def cronbach_alpha(sums: AlphaSums) -> float | None:
    """Cronbach's alpha, K/(K−1) × (1 − Σ item variances / variance of the totals), for at least
    ALPHA_MIN_RESPONSES complete responses and two items; None otherwise, or when every total is
    the same (no variance to explain)."""
    n, k = sums.n, len(sums.items)
    if n < ALPHA_MIN_RESPONSES or k < 2:
        return None

    def variance(total: int, squares: int) -> Fraction:
        return Fraction(squares * n - total * total, n * (n - 1))

    total_variance = variance(sums.total, sums.total_sq)
    if total_variance == 0:
        return None
    item_variance = sum(variance(s, sq) for s, sq in sums.items)
    return float(Fraction(k, k - 1) * (1 - item_variance / total_variance))


def group_characteristic(number: int, respondents: Iterable[CharacteristicResult]) -> GroupResult:
    """A group's figures for one characteristic from its respondents' results (see
    ``group_from_sums``, which the results pages use on the per-round rollups)."""
    sums = CharacteristicSums()
    for respondent in respondents:
        sums = sums.plus(contribution_of(respondent))
    return group_from_sums(number, sums)


def overall(results: Iterable[CharacteristicResult]) -> float | None:
    """The mean of the characteristic scores that could be computed."""
    return mean([r.mean for r in results if r.mean is not None])


def overall_if_enough(results: Iterable[CharacteristicResult]) -> float | None:
    """The overall score, only when at least half of the characteristics have a score (the
    same rule as for one characteristic's items): two answers of 5 on one characteristic are
    not an overall 5.00."""
    results = list(results)
    scored = sum(1 for r in results if r.mean is not None)
    return overall(results) if enough_answers(scored, len(results)) else None


def band(
    value: float | None, *, strength_min: Decimal | float, developing_min: Decimal | float
) -> str | None:
    if value is None:
        return None
    # Compare the figure as shown: 3.995 shows as 4.00 and must read as a strength.
    figure = shown(value)
    if figure >= Decimal(str(strength_min)):
        return STRENGTH
    if figure >= Decimal(str(developing_min)):
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


# --- How sure a figure is -------------------------------------------------------------------------
#
# Every interval below is a 95 % interval worked out from figures a group already shows (n, mean,
# SD; alpha and its count of complete responses): nothing about a group that is not shown. The
# distributions' quantiles are found by bisection on their cumulative distribution, written with
# the regularised incomplete beta function, so that the module needs nothing beyond the standard
# library. Decisions ("may be noise", "clear") are taken on the bounds as shown, two decimals,
# so that the words never contradict the printed interval.

CONFIDENCE = 0.95

ALPHA_HANGS_TOGETHER = "hangs_together"  # the whole interval from ALPHA_LOW up
ALPHA_UNCLEAR = "unclear"  # the interval straddles ALPHA_LOW
ALPHA_DOES_NOT = "low"  # the whole interval below ALPHA_LOW


@dataclass(frozen=True)
class Interval:
    """A 95 % interval, ``low`` to ``high``."""

    low: float
    high: float

    @property
    def shown_low(self) -> Decimal:
        return shown(self.low)

    @property
    def shown_high(self) -> Decimal:
        return shown(self.high)

    @property
    def text(self) -> str:
        """As every page, the CSV and the PDF show it: "2.52 to 4.48", "−0.03 to 2.03"."""
        return " to ".join(str(end).replace("-", "−") for end in (self.shown_low, self.shown_high))

    @property
    def excludes_zero(self) -> bool:
        """Does the interval, as shown, lie wholly above or wholly below 0.00?"""
        return self.shown_low > 0 or self.shown_high < 0


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 500):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return result


def regularized_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), the cumulative distribution of a Beta(a, b) variable at x."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(a, b, x) / a
    return 1.0 - front * _beta_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T ≤ t) for Student's t with ``df`` degrees of freedom (any positive df, as Welch's)."""
    tail = 0.5 * regularized_beta(df / 2, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def f_cdf(x: float, d1: float, d2: float) -> float:
    """P(F ≤ x) for the F distribution with (d1, d2) degrees of freedom."""
    if x <= 0:
        return 0.0
    return regularized_beta(d1 / 2, d2 / 2, d1 * x / (d1 * x + d2))


def _invert(cdf, p: float, low: float, high: float) -> float:
    while cdf(high) < p:  # widen until the quantile is inside
        low, high = high, high * 2
    for _ in range(200):
        middle = (low + high) / 2
        if cdf(middle) < p:
            low = middle
        else:
            high = middle
        if high - low < 1e-12 * max(1.0, high):
            break
    return (low + high) / 2


@functools.lru_cache(maxsize=1024)
def t_quantile(p: float, df: float) -> float:
    """The t with P(T ≤ t) = p (0.975 and 4 degrees of freedom: 2.776)."""
    if p < 0.5:
        return -t_quantile(1 - p, df)
    return _invert(lambda t: t_cdf(t, df), p, 0.0, 16.0)


@functools.lru_cache(maxsize=1024)
def f_quantile(p: float, d1: float, d2: float) -> float:
    """The x with P(F ≤ x) = p for the F distribution with (d1, d2) degrees of freedom."""
    return _invert(lambda x: f_cdf(x, d1, d2), p, 0.0, 8.0)


def _upper() -> float:
    return 1 - (1 - CONFIDENCE) / 2  # 0.975


def mean_interval(n: int, mean: Fraction | float | None, sd: float | None) -> Interval | None:
    """The t-based 95 % interval of a group's mean: mean ± t(0.975, n − 1) × SD ÷ √n, kept
    inside the 1–5 scale (a mean cannot lie outside it). None below two respondents."""
    if mean is None or sd is None or n < 2:
        return None
    half = t_quantile(_upper(), n - 1) * sd / math.sqrt(n)
    centre = float(mean)
    return Interval(max(SCALE_MIN, centre - half), min(SCALE_MAX, centre + half))


def difference_interval(first: GroupResult, second: GroupResult) -> Interval | None:
    """Welch's 95 % interval of first's mean minus second's: the difference ± t × √(s₁²/n₁ +
    s₂²/n₂), with the Welch–Satterthwaite degrees of freedom. Both groups must have figures.
    When neither has any spread the difference is exact (an interval of one point)."""
    if first.mean is None or second.mean is None or first.sd is None or second.sd is None:
        return None
    difference = float(first.mean - second.mean)
    v1, v2 = first.sd**2 / first.n, second.sd**2 / second.n
    if v1 + v2 == 0:
        return Interval(difference, difference)
    df = (v1 + v2) ** 2 / (v1**2 / (first.n - 1) + v2**2 / (second.n - 1))
    half = t_quantile(_upper(), df) * math.sqrt(v1 + v2)
    return Interval(difference - half, difference + half)


def clearly_different(first: GroupResult, second: GroupResult) -> bool:
    """Is the difference of the two means more than its uncertainty (Welch's interval, as
    shown, leaves out 0)? Otherwise it may be noise."""
    interval = difference_interval(first, second)
    return interval is not None and interval.excludes_zero


def alpha_interval(alpha: float | None, n: int, items: int) -> Interval | None:
    """Feldt's 95 % interval of Cronbach's alpha from ``n`` complete responses to ``items``
    statements: 1 − (1 − alpha) × F(0.975) up to 1 − (1 − alpha) × F(0.025), with F on
    (n − 1, (n − 1)(items − 1)) degrees of freedom."""
    if alpha is None or n < 2 or items < 2:
        return None
    d1, d2 = n - 1, (n - 1) * (items - 1)
    return Interval(
        1 - (1 - alpha) * f_quantile(_upper(), d1, d2),
        1 - (1 - alpha) * f_quantile(1 - _upper(), d1, d2),
    )


def alpha_reading(interval: Interval | None) -> str | None:
    """Do a characteristic's statements hang together? Yes when Feldt's interval, as shown,
    lies wholly at or above ALPHA_LOW; no when wholly below; otherwise it cannot tell yet."""
    if interval is None:
        return None
    low = Decimal(str(ALPHA_LOW))
    if interval.shown_low >= low:
        return ALPHA_HANGS_TOGETHER
    if interval.shown_high < low:
        return ALPHA_DOES_NOT
    return ALPHA_UNCLEAR


def mean_of_means(means: Iterable[Fraction]) -> Fraction | None:
    """The mean of groups' means, each group counting once whatever its size (exact)."""
    means = list(means)
    return sum(means, Fraction(0)) / len(means) if means else None


# --- One respondent's own results, as stored at submit -------------------------------------------

PERSONAL_RESULT_FORMAT = (
    1  # of what ``personal_result`` returns; another format is worked out again
)
TIP_THRESHOLD = 3  # statements answered 3 or lower get their tip shown


def personal_result(
    *,
    version_id: int,
    pages: Sequence[tuple[int, Sequence[int]]],
    values: Mapping[int, Value],
    weights: Mapping[int, float],
    mode_weights: Mapping[tuple[int, str], float],
    strength_min: Decimal | float,
    developing_min: Decimal | float,
) -> dict:
    """One respondent's results as plain numbers and ids (what a response stores when submitted).

    ``pages``: each characteristic's number with its indicator ids, in order; ``values``: the
    answers given, by indicator id; ``weights`` and ``mode_weights``: the weights of the value
    modes that order the priorities (``characteristic_weights``), overall and per (number, mode).
    A priority names the modes that weighted it up (``weighted_by``, their slugs).
    """
    bands = {"strength_min": strength_min, "developing_min": developing_min}
    rows = []
    for number, indicator_ids in pages:
        given = [values[pk] for pk in indicator_ids if pk in values]
        result = respondent_characteristic(number, given, len(indicator_ids))
        rows.append(
            {
                "number": number,
                "result": asdict(result),
                "band": band(result.mean, **bands),
                "weight": weights.get(number, 1.0),
                "low": [
                    pk
                    for pk in indicator_ids
                    if values.get(pk) is not None and values[pk] <= TIP_THRESHOLD
                ],
            }
        )
    results = {row["number"]: CharacteristicResult(**row["result"]) for row in rows}
    by_number = {row["number"]: row for row in rows}
    ordered = [r.number for r in priorities(list(results.values()), weights)]
    chosen = [n for n in ordered if by_number[n]["band"] == PRIORITY]
    in_band = bool(chosen)
    if not in_band:
        chosen = [n for n in ordered if by_number[n]["band"] == DEVELOPING]
    for number in chosen:
        weight = by_number[number]["weight"]
        by_number[number]["weighted_by"] = (
            [slug for (n, slug), w in mode_weights.items() if n == number and w == weight]
            if weight > 1.0
            else []
        )
    strengths = sorted(
        (n for n, row in by_number.items() if row["band"] == STRENGTH),
        key=lambda n: (-results[n].mean, n),
    )
    overall_score = overall_if_enough(results.values())
    return {
        "format": PERSONAL_RESULT_FORMAT,
        "version": version_id,
        "rows": rows,
        "priorities": chosen,
        "in_band": in_band,
        "strengths": strengths,
        "overall": overall_score,
        "overall_band": band(overall_score, **bands),
        "scored": sum(1 for r in results.values() if r.mean is not None),
    }
