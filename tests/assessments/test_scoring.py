"""The scoring rules in assessments/scoring.py, against cases worked out by hand.

No database: these tests only call the pure functions (docs/scoring.md explains the rules).
"""

from __future__ import annotations

import math
import random
from decimal import Decimal
from fractions import Fraction

import pytest

from assessments.scoring import (
    DEVELOPING,
    PRIORITY,
    STRENGTH,
    CharacteristicResult,
    CharacteristicSums,
    Distribution,
    alpha_sums,
    band,
    characteristic_weights,
    contribution_of,
    cronbach_alpha,
    group_characteristic,
    group_from_sums,
    need,
    overall,
    priorities,
    respondent_characteristic,
    respondent_results,
    shown,
    to_percent,
)
from assessments.templatetags.ca_format import score as score_filter

# The FrameworkVersion defaults (strength from 4.00, developing from 3.00).
DEFAULT_BANDS = {"strength_min": Decimal("4.00"), "developing_min": Decimal("3.00")}


def result(number, mean, sd=None, n=1):
    """A characteristic result with just what priorities look at."""
    return CharacteristicResult(
        number=number, mean=mean, n=n, sd=sd, answered=0, dont_know=0, agree=0
    )


# --- respondent_characteristic ---------------------------------------------------------------


def test_respondent_mean_of_answers():
    r = respondent_characteristic(3, [4, 5, 3], item_count=3)
    assert r.number == 3
    assert r.mean == pytest.approx(4.0)  # (4+5+3)/3 = 4.0
    assert r.n == 1
    assert r.answered == 3
    assert r.dont_know == 0
    assert r.agree == 2  # 4 and 5
    assert r.agree_share == pytest.approx(2 / 3)  # 2 agree / 3 answered
    assert r.dont_know_rate == 0
    assert r.enough is True


def test_respondent_mean_is_not_rounded():
    r = respondent_characteristic(1, [4, 4, 2], item_count=3)
    assert r.mean == pytest.approx(3.333333, abs=1e-6)  # (4+4+2)/3 = 10/3 = 3.333…


def test_respondent_dont_know_left_out_of_mean_and_counted_in_rate():
    r = respondent_characteristic(2, [4, 5, None, 3], item_count=4)
    assert r.mean == pytest.approx(4.0)  # (4+5+3)/3 = 4.0, not (4+5+0+3)/4 = 3.0
    assert r.answered == 3
    assert r.dont_know == 1
    assert r.dont_know_rate == pytest.approx(0.25)  # 1 don't know / (3 + 1) answers = 0.25
    assert r.agree_share == pytest.approx(2 / 3)  # 4 and 5 out of 3 answers = 0.667
    assert r.percent == pytest.approx(75.0)  # (4.0−1)/4×100 = 75


def test_respondent_missing_items_are_not_dont_knows():
    # 4 items: 5 and 3 answered, one don't know, one not answered at all.
    r = respondent_characteristic(1, [5, 3, None], item_count=4)
    assert r.mean == pytest.approx(4.0)  # (5+3)/2 = 4.0; 2*2 = 4 >= 4 items, enough
    assert r.dont_know == 1  # the missing item is not a don't know
    assert r.dont_know_rate == pytest.approx(1 / 3)  # 1 / (2 + 1), not 2 / 4


@pytest.mark.parametrize(
    ("values", "item_count", "expected_mean"),
    [
        # 4 items, 2 answered: 2*2 = 4 >= 4, enough; (3+5)/2 = 4.0
        ([3, 5], 4, 4.0),
        # 4 items, 2 answered + 2 don't know: still enough; (3+5)/2 = 4.0
        ([3, None, 5, None], 4, 4.0),
        # 5 items, 2 answered: 2*2 = 4 < 5, not enough
        ([3, 5], 5, None),
        # 5 items, 2 answered + 3 don't know: don't-knows do not count towards enough
        ([3, None, None, None, 5], 5, None),
        # 5 items, 3 answered: 3*2 = 6 >= 5, enough; (1+2+3)/3 = 2.0
        ([1, 2, 3], 5, 2.0),
        # 3 items, 2 answered: 2*2 = 4 >= 3, enough; (2+3)/2 = 2.5
        ([2, 3], 3, 2.5),
        # 3 items, 1 answered: 1*2 = 2 < 3, not enough
        ([2, None], 3, None),
        # 2 items, 1 answered: 1*2 = 2 >= 2, enough; 5/1 = 5.0
        ([5], 2, 5.0),
        # 1 item, answered: 1*2 = 2 >= 1, enough
        ([1], 1, 1.0),
        # 4 items, all don't know: no 1–5 answer, no mean
        ([None, None, None, None], 4, None),
        # no answers at all
        ([], 4, None),
    ],
)
def test_respondent_not_enough_answers(values, item_count, expected_mean):
    r = respondent_characteristic(1, values, item_count)
    if expected_mean is None:
        assert r.mean is None
        assert r.enough is False
        assert r.n == 0
        assert r.percent is None
    else:
        assert r.mean == pytest.approx(expected_mean)
        assert r.enough is True
        assert r.n == 1


def test_respondent_all_dont_know():
    r = respondent_characteristic(4, [None, None, None], item_count=3)
    assert r.mean is None
    assert r.answered == 0
    assert r.dont_know == 3
    assert r.dont_know_rate == pytest.approx(1.0)  # 3 / (0 + 3)
    assert r.agree_share is None  # no 1–5 answer to share
    assert r.percent is None


def test_respondent_not_enough_still_counts_answers():
    r = respondent_characteristic(1, [4, None], item_count=5)  # 1*2 = 2 < 5
    assert r.mean is None
    assert (r.answered, r.dont_know, r.agree) == (1, 1, 1)


def test_respondent_accepts_any_iterable():
    r = respondent_characteristic(1, (v for v in [2, 3, 4]), item_count=3)
    assert r.mean == pytest.approx(3.0)  # (2+3+4)/3 = 3.0
    assert r.answered == 3


@pytest.mark.parametrize("bad", [0, 6, 9, -1])
def test_respondent_value_outside_scale_raises(bad):
    with pytest.raises(ValueError, match="between 1 and 5"):
        respondent_characteristic(1, [3, bad, 4], item_count=3)


def test_respondent_edges_of_scale_accepted():
    r = respondent_characteristic(1, [1, 5], item_count=2)
    assert r.mean == pytest.approx(3.0)  # (1+5)/2 = 3.0
    assert r.agree == 1  # only the 5


# --- respondent_results -------------------------------------------------------------------------


def test_respondent_results_in_number_order_with_gaps():
    item_counts = {3: 2, 1: 4, 2: 3}
    answers = {3: [5, 4], 1: [4, 4, None, 2], 9: [1, 1]}  # 9 is not a characteristic here
    results = respondent_results(answers, item_counts)
    assert [r.number for r in results] == [1, 2, 3]
    assert results[0].mean == pytest.approx(3.333333, abs=1e-6)  # (4+4+2)/3 = 10/3
    assert results[0].dont_know == 1
    assert results[1].mean is None  # characteristic 2: no answers at all
    assert results[1].answered == 0
    assert results[1].dont_know == 0
    assert results[1].dont_know_rate is None  # nothing given, no rate
    assert results[2].mean == pytest.approx(4.5)  # (5+4)/2 = 4.5


def test_respondent_results_applies_item_counts():
    # 2 answers count as enough for 4 items but not for 5.
    results = respondent_results({1: [3, 4], 2: [3, 4]}, {1: 4, 2: 5})
    assert results[0].mean == pytest.approx(3.5)  # (3+4)/2, 2*2 = 4 >= 4
    assert results[1].mean is None  # 2*2 = 4 < 5


def test_respondent_results_empty():
    assert respondent_results({}, {}) == []


# --- to_percent ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mean", "expected"),
    [
        (1, 0.0),  # (1−1)/4×100 = 0
        (5, 100.0),  # (5−1)/4×100 = 100
        (3, 50.0),  # (3−1)/4×100 = 50
        (3.5, 62.5),  # (3.5−1)/4×100 = 62.5
        (2, 25.0),  # (2−1)/4×100 = 25
        (4.2, 80.0),  # (4.2−1)/4×100 = 80
    ],
)
def test_to_percent(mean, expected):
    assert to_percent(mean) == pytest.approx(expected)


def test_to_percent_none():
    assert to_percent(None) is None


# --- group_characteristic -----------------------------------------------------------------------


def team():
    """The worked example of docs/scoring.md: three respondents, characteristic 3, 4 items."""
    return [
        respondent_characteristic(3, [4, 5, None, 3], 4),  # (4+5+3)/3 = 4.0
        respondent_characteristic(3, [3, 3, 2, 4], 4),  # (3+3+2+4)/4 = 3.0
        respondent_characteristic(3, [2, None, None, 2], 4),  # (2+2)/2 = 2.0
    ]


def test_group_mean_n_sd_shares():
    g = group_characteristic(3, team())
    assert g.number == 3
    assert g.mean == Fraction(3)  # (4.0+3.0+2.0)/3 = 3.0, exactly
    assert g.n == 3
    # sd: sqrt(((4−3)² + (3−3)² + (2−3)²) / (3−1)) = sqrt(2/2) = 1.0
    assert g.sd == pytest.approx(1.0)
    # Agree share, per person then averaged: 2/3, 1/4, 0/2 → (8/12 + 3/12 + 0) / 3 = 11/36.
    assert g.agree_share == Fraction(11, 36)
    # Don't-know rate, per person then averaged: 1/4, 0/4, 2/4 → (1/4 + 0 + 1/2) / 3 = 1/4.
    assert g.dont_know_rate == Fraction(1, 4)
    assert g.not_enough == 0
    assert g.percent == pytest.approx(50.0)  # (3.0−1)/4×100 = 50


def test_group_each_respondent_weighs_the_same():
    # Pooling the items would give (4+5+3 + 3+3+2+4 + 2+2)/9 = 28/9 = 3.111; the rule gives 3.0.
    g = group_characteristic(3, team())
    assert g.mean == 3
    assert g.mean != Fraction(28, 9)
    # Pooling the agree share per answer would give 3 agree / 9 answers = 1/3, not 11/36.
    assert g.agree_share != Fraction(1, 3)


def test_group_one_item_respondent_weighs_as_much_as_four_item_respondent():
    a = respondent_characteristic(1, [5, None, None, None], 2)  # 1 of 2 enough; 5.0
    b = respondent_characteristic(1, [1, 1, 1, 1], 4)  # 1.0
    g = group_characteristic(1, [a, b])
    assert g.mean == 3  # (5.0+1.0)/2 = 3.0, not (5+1+1+1+1)/5 = 1.8
    assert g.agree_share == Fraction(1, 2)  # (1/1 + 0/4) / 2


def test_group_sample_sd_two_scores():
    a = respondent_characteristic(1, [2, 2], 2)  # 2.0
    b = respondent_characteristic(1, [4, 4], 2)  # 4.0
    g = group_characteristic(1, [a, b])
    assert g.mean == 3  # (2+4)/2
    # sqrt(((2−3)² + (4−3)²) / (2−1)) = sqrt(2) = 1.41421 (population sd would be 1.0)
    assert g.sd == pytest.approx(1.41421, abs=1e-5)
    assert g.sd == pytest.approx(math.sqrt(2))


def test_group_sd_four_scores():
    scores = [[1], [2], [4], [5]]  # 1 item each: means 1, 2, 4, 5
    g = group_characteristic(1, [respondent_characteristic(1, s, 1) for s in scores])
    assert g.mean == 3  # (1+2+4+5)/4 = 3.0
    # sqrt((4 + 1 + 1 + 4) / 3) = sqrt(10/3) = 1.82574
    assert g.sd == pytest.approx(1.82574, abs=1e-5)


def test_group_fractional_scores_stay_exact():
    # Thirds and sevenths: 10/3 and 23/7 average to (70 + 69) / 42 = 139/42 = 3.3095…
    a = respondent_characteristic(1, [4, 4, 2], 3)
    b = respondent_characteristic(1, [5, 5, 3, 3, 3, 2, 2], 7)
    g = group_characteristic(1, [a, b])
    assert g.mean == Fraction(139, 42)
    # sd = |10/3 − 23/7| / sqrt(2) = (1/21) / 1.41421 = 0.033672
    assert g.sd == pytest.approx(0.033672, abs=1e-6)


def test_group_figures_all_leave_out_a_respondent_without_a_score():
    late = respondent_characteristic(3, [5, None, None, None], 4)  # 1*2 = 2 < 4: no score
    assert late.mean is None
    g = group_characteristic(3, [*team(), late])
    assert g.n == 3  # the fourth has no score
    assert g.mean == 3  # still (4+3+2)/3; with the 5 it would be 3.5
    assert g.sd == pytest.approx(1.0)
    # The same three people behind the shares: the late 5 and its three don't-knows count in none.
    assert g.agree_share == Fraction(11, 36)
    assert g.dont_know_rate == Fraction(1, 4)
    assert g.not_enough == 1  # counted apart, and said so on the page


def test_a_group_of_one_has_no_figures():
    g = group_characteristic(1, [respondent_characteristic(1, [3, 4], 2)])
    assert g.n == 1
    assert g.mean is None  # one person is not a group
    assert g.sd is None
    assert g.agree_share is None
    assert g.dont_know_rate is None


def test_group_with_no_scores():
    nobody = group_characteristic(1, [])
    assert nobody.mean is None
    assert nobody.n == 0
    assert nobody.not_enough == 0

    all_dont_know = group_characteristic(
        1,
        [respondent_characteristic(1, [None, None], 2), respondent_characteristic(1, [None], 2)],
    )
    assert all_dont_know.mean is None
    assert all_dont_know.n == 0
    assert all_dont_know.not_enough == 2


def test_a_group_mean_of_exactly_2_995_shows_as_3_00_and_has_3_00s_band():
    # 199 respondents scoring 3 and one scoring 2: 599/200 = 2.995 exactly.
    g = group_characteristic(
        1, [respondent_characteristic(1, [3], 1)] * 199 + [respondent_characteristic(1, [2], 1)]
    )
    assert g.mean == Fraction(599, 200)
    assert shown(g.mean) == Decimal("3.00")
    assert band(g.mean, **DEFAULT_BANDS) == DEVELOPING  # 3.00 is developing, as shown
    # The same figure through the template filter: display and band agree.
    assert score_filter(g.mean) == "3.00"
    assert score_filter(2.995) == "3.00"
    # 3.005 exactly is 3.01, halves up; as a float (3.00499…) it would print as 3.00.
    assert score_filter(Fraction(601, 200)) == "3.01"
    assert f"{601 / 200:.2f}" == "3.00"
    assert score_filter(2.994) == "2.99"
    assert band(2.994, **DEFAULT_BANDS) == PRIORITY


def test_group_sums_add_up_group_by_group():
    # Two teams' sums added give the figures of everyone together (what the rollups rely on).
    first, second = team()[:2], team()[2:]
    sums = [CharacteristicSums() for _ in range(2)]
    for i, members in enumerate([first, second]):
        for member in members:
            sums[i] = sums[i].plus(contribution_of(member))
    together = group_from_sums(3, sums[0].plus(sums[1]))
    assert together == group_characteristic(3, team())


# --- one indicator's distribution -----------------------------------------------------------------


def test_distribution_figures():
    # 1 two, 2 threes, 3 fours, 1 five, 3 don't know: 7 answered of 10.
    d = Distribution(counts=(0, 1, 2, 3, 1), dont_know=3)
    assert d.answered == 7
    assert d.mean == Fraction(2 + 6 + 12 + 5, 7)  # 25/7 = 3.571
    # squares 4 + 18 + 48 + 25 = 95; variance (95×7 − 25²)/(7×6) = 40/42; sd = 0.97590
    assert d.sd == pytest.approx(0.97590, abs=1e-5)
    assert d.agree_share == Fraction(4, 7)
    assert d.disagree_share == Fraction(1, 7)
    assert d.dont_know_rate == Fraction(3, 10)
    assert d.views_differ is False  # only 14 % disagree
    assert d.high_dont_know is True  # 30 % is the threshold


def test_views_differ_by_the_split_alone():
    halves = Distribution(counts=(2, 0, 0, 0, 2), dont_know=0)  # 1,1,5,5: half each way
    assert halves.sd == pytest.approx(2.3094, abs=1e-4)
    assert halves.views_differ
    # A quarter disagreeing and three quarters agreeing split partners, with an sd under 1.
    split = Distribution(counts=(0, 2, 0, 6, 0), dont_know=0)  # 25 % disagree, 75 % agree
    assert split.sd == pytest.approx(0.92582, abs=1e-5)  # sqrt(48/56)
    assert split.views_differ
    # A wide spread alone does not: 1, 3, 3, 3, 5, 5, 5, 5 (sd 1.49), 12.5 % disagree.
    spread = Distribution(counts=(1, 0, 3, 0, 4), dont_know=0)
    assert spread.sd == pytest.approx(1.4880, abs=1e-4)
    assert spread.views_differ is False
    agreed = Distribution(counts=(0, 1, 0, 7, 0), dont_know=5)  # 12.5 % disagree
    assert agreed.views_differ is False
    assert agreed.high_dont_know is True  # 5/13 = 38 %


# --- Cronbach's alpha ------------------------------------------------------------------------------


def test_cronbach_alpha_worked_example():
    # 10 responses, 3 items (docs/scoring.md works this through).
    rows = [
        [4, 4, 5], [3, 3, 3], [5, 4, 5], [2, 2, 3], [4, 5, 4],
        [3, 2, 2], [5, 5, 5], [1, 2, 1], [4, 3, 4], [2, 3, 2],
    ]  # fmt: skip
    sums = alpha_sums(rows, 3)
    # item variances (n − 1): 16.1/9 = 1.7889, 12.1/9 = 1.3444, 18.4/9 = 2.0444; sum 46.6/9.
    # totals 13,9,14,7,13,7,15,4,11,7: mean 10, variance (9+1+16+9+9+9+25+36+1+9)/9 = 124/9.
    # alpha = 3/2 × (1 − 46.6/124) = 1.5 × 0.62419 = 0.93629
    assert cronbach_alpha(sums) == pytest.approx(0.93629, abs=1e-5)


def test_cronbach_alpha_low_when_items_do_not_hang_together():
    rows = [[1, 5], [5, 1], [2, 4], [4, 2], [3, 3], [1, 4], [5, 2], [2, 5], [4, 1], [3, 3]]
    # item 1 and item 2 move against each other: alpha is negative, far below 0.6
    assert cronbach_alpha(alpha_sums(rows, 2)) < 0


def test_cronbach_alpha_needs_ten_responses_two_items_and_some_spread():
    nine = [[1, 2], [2, 3], [3, 3], [4, 4], [5, 5], [2, 2], [3, 4], [4, 5], [1, 1]]
    assert cronbach_alpha(alpha_sums(nine, 2)) is None
    assert cronbach_alpha(alpha_sums([*nine, [3, 3]], 2)) is not None
    assert cronbach_alpha(alpha_sums([[3]] * 12, 1)) is None  # one item
    assert cronbach_alpha(alpha_sums([[3, 3]] * 12, 2)) is None  # no spread at all


# --- overall ------------------------------------------------------------------------------------


def test_overall_mean_of_available_means():
    results = [result(1, 3.0), result(2, 4.0), result(3, None), result(4, 3.5)]
    assert overall(results) == pytest.approx(3.5)  # (3.0+4.0+3.5)/3 = 10.5/3 = 3.5


def test_overall_is_not_weighted_by_n():
    results = [result(1, 2.0, n=10), result(2, 5.0, n=1)]
    assert overall(results) == pytest.approx(3.5)  # (2.0+5.0)/2 = 3.5


def test_overall_none_when_nothing_scored():
    assert overall([result(1, None), result(2, None)]) is None
    assert overall([]) is None


# --- band ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5.0, STRENGTH),
        (4.0, STRENGTH),
        (3.996, STRENGTH),  # shows as 4.00, so it reads as a strength
        (3.995, STRENGTH),  # shows as 4.00 (floatformat rounds half up)
        (3.994, DEVELOPING),  # shows as 3.99
        (3.99, DEVELOPING),
        (3.0, DEVELOPING),
        (2.995, DEVELOPING),  # shows as 3.00
        (2.99, PRIORITY),
        (1.0, PRIORITY),
    ],
)
def test_band_defaults(value, expected):
    assert band(value, **DEFAULT_BANDS) == expected


def test_band_none():
    assert band(None, **DEFAULT_BANDS) is None


def test_band_of_computed_means():
    # (4+4+4+3+5+4)/6 = 24/6 = 4.0 exactly at the threshold
    r = respondent_characteristic(1, [4, 4, 4, 3, 5, 4], 6)
    assert band(r.mean, **DEFAULT_BANDS) == STRENGTH
    # Group (4.0 + 3.0 + 2.0)/3 = 3.0 at the developing threshold
    assert band(group_characteristic(3, team()).mean, **DEFAULT_BANDS) == DEVELOPING


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (4.5, STRENGTH),
        (4.49, DEVELOPING),
        (4.2, DEVELOPING),  # a strength with the defaults
        (3.5, DEVELOPING),
        (3.49, PRIORITY),
        (3.2, PRIORITY),  # developing with the defaults
    ],
)
def test_band_custom_thresholds(value, expected):
    assert band(value, strength_min=Decimal("4.50"), developing_min=Decimal("3.50")) == expected


def test_band_float_thresholds():
    assert band(3.75, strength_min=3.75, developing_min=2.5) == STRENGTH
    assert band(3.74, strength_min=3.75, developing_min=2.5) == DEVELOPING
    assert band(2.49, strength_min=3.75, developing_min=2.5) == PRIORITY


# --- characteristic_weights ---------------------------------------------------------------------

WEIGHTS = {
    (1, "shared-voice"): Decimal("1.00"),
    (1, "aligned-plans"): Decimal("1.25"),
    (2, "shared-delivery"): Decimal("1.25"),
    (5, "aligned-plans"): Decimal("1.25"),
    (5, "shared-learning"): Decimal("1.50"),
    (6, "shared-learning"): Decimal("1.25"),
    (7, "aligned-plans"): Decimal("1.50"),
    (8, "shared-learning"): Decimal("1.00"),
}


def test_characteristic_weights_largest_among_given_modes():
    weights = characteristic_weights(WEIGHTS, ["aligned-plans", "shared-learning"])
    assert weights == {
        1: pytest.approx(1.25),  # aligned plans 1.25 (shared voice not chosen)
        5: pytest.approx(1.5),  # max(1.25, 1.50)
        6: pytest.approx(1.25),
        7: pytest.approx(1.5),
        8: pytest.approx(1.0),  # a 1.00 row adds nothing
    }
    assert 2 not in weights  # shared delivery not chosen: ignored, weight 1 by default
    assert all(isinstance(w, float) for w in weights.values())


def test_characteristic_weights_one_mode():
    weights = characteristic_weights(WEIGHTS, {"shared-voice"})
    assert weights == {1: pytest.approx(1.0)}


def test_characteristic_weights_unknown_or_no_modes():
    assert characteristic_weights(WEIGHTS, []) == {}
    assert characteristic_weights(WEIGHTS, ["no-such-mode"]) == {}
    assert characteristic_weights({}, ["aligned-plans"]) == {}


def test_characteristic_weights_float_weights():
    weights = characteristic_weights({(3, "a"): 1.75, (3, "b"): 2.0}, ["a", "b"])
    assert weights == {3: pytest.approx(2.0)}  # max(1.75, 2.0)


# --- need and priorities ------------------------------------------------------------------------


def test_need():
    assert need(result(1, 3.0)) == pytest.approx(2.0)  # (5−3.0)×1 = 2.0
    assert need(result(1, 3.2), 1.5) == pytest.approx(2.7)  # (5−3.2)×1.5 = 2.7
    assert need(result(1, 5.0), 1.5) == pytest.approx(0.0)  # (5−5)×1.5 = 0
    assert need(result(1, None), 1.5) == float("-inf")


def test_priorities_unweighted_lowest_mean_first():
    results = [result(1, 3.5), result(2, 2.5), result(3, 4.5), result(4, 3.0)]
    # needs: 1.5, 2.5, 0.5, 2.0
    assert [r.number for r in priorities(results)] == [2, 4, 1, 3]


def test_priorities_weight_lifts_higher_mean_above_lower_mean():
    results = [result(1, 3.0), result(5, 3.2), result(7, 2.6)]
    weights = {1: 1.25, 5: 1.5}
    # 5: (5−3.2)×1.5 = 2.7;  1: (5−3.0)×1.25 = 2.5;  7: (5−2.6)×1 = 2.4
    assert [r.number for r in priorities(results, weights)] == [5, 1, 7]
    # Unweighted: 7: 2.4, 1: 2.0, 5: 1.8
    assert [r.number for r in priorities(results)] == [7, 1, 5]
    assert [r.number for r in priorities(results, {})] == [7, 1, 5]


def test_priorities_with_characteristic_weights():
    weights = characteristic_weights(WEIGHTS, ["aligned-plans", "shared-learning"])
    results = [result(2, 3.0), result(5, 3.5), result(7, 3.4), result(8, 3.1)]
    # 2: (5−3.0)×1 = 2.0;  5: (5−3.5)×1.5 = 2.25;  7: (5−3.4)×1.5 = 2.4;  8: (5−3.1)×1 = 1.9
    assert [r.number for r in priorities(results, weights)] == [7, 5, 2, 8]


def test_priorities_tie_broken_by_larger_sd():
    results = [result(2, 3.0, sd=0.5), result(4, 3.0, sd=1.2), result(6, 3.0, sd=0.8)]
    # all need (5−3)×1 = 2.0; sd 1.2 > 0.8 > 0.5
    assert [r.number for r in priorities(results)] == [4, 6, 2]


def test_priorities_tie_broken_by_number_last():
    results = [result(6, 3.0, sd=0.5), result(2, 3.0, sd=0.5), result(4, 3.0, sd=0.5)]
    assert [r.number for r in priorities(results)] == [2, 4, 6]


def test_priorities_weighted_tie_survives_float_rounding():
    # 6: (5−3.8)×1.25 = 1.5 (1.5000000000000002 in floats);  2: (5−3.5)×1 = 1.5.
    # Equal need, so the larger sd (2) comes first, not the float crumb.
    results = [result(6, 3.8, sd=0.4), result(2, 3.5, sd=0.9)]
    assert [r.number for r in priorities(results, {6: 1.25})] == [2, 6]
    # Same sd: lower number first.
    results = [result(6, 3.8, sd=0.4), result(2, 3.5, sd=0.4)]
    assert [r.number for r in priorities(results, {6: 1.25})] == [2, 6]


def test_priorities_missing_sd_counts_as_no_spread():
    results = [result(1, 3.0, sd=None), result(2, 3.0, sd=0.3)]
    assert [r.number for r in priorities(results)] == [2, 1]


def test_priorities_leave_out_characteristics_without_mean():
    results = [result(1, None), result(2, 4.0), result(3, None), result(4, 2.0)]
    ordered = priorities(results, {1: 3.0, 3: 3.0})
    assert [r.number for r in ordered] == [4, 2]  # 4: 3.0, 2: 1.0; 1 and 3 left out
    assert priorities([result(1, None)]) == []
    assert priorities([]) == []


def test_priorities_return_the_results_themselves():
    a, b = result(1, 2.0), result(2, 4.0)
    assert priorities([b, a]) == [a, b]


def test_docs_priority_example():
    """The priority example in docs/scoring.md: edition 2, aligned plans + shared learning."""
    modes = ["aligned-plans", "shared-learning"]
    table = {
        (1, "aligned-plans"): Decimal("1.25"),
        (5, "aligned-plans"): Decimal("1.25"),
        (7, "aligned-plans"): Decimal("1.50"),
        (3, "shared-learning"): Decimal("1.25"),
        (5, "shared-learning"): Decimal("1.50"),
        (6, "shared-learning"): Decimal("1.25"),
        (2, "shared-voice"): Decimal("1.25"),  # not a chosen mode
    }
    weights = characteristic_weights(table, modes)
    means = {1: 3.4, 2: 3.1, 3: 3.6, 4: 2.9, 5: 3.5, 6: 4.2, 7: 3.3, 8: 3.1}
    sds = {1: 0.7, 2: 0.6, 3: 0.7, 4: 0.7, 5: 0.7, 6: 0.7, 7: 0.7, 8: 0.9}
    results = [result(n, m, sd=sds[n], n=6) for n, m in means.items()]
    # 7: 1.70×1.50 = 2.55; 5: 1.50×1.50 = 2.25; 4: 2.10×1 = 2.10; 1: 1.60×1.25 = 2.00;
    # 8 and 2: 1.90×1 = 1.90, sd 0.9 before 0.6; 3: 1.40×1.25 = 1.75; 6: 0.80×1.25 = 1.00
    assert [r.number for r in priorities(results, weights)] == [7, 5, 4, 1, 8, 2, 3, 6]
    # Without weights: 4 (2.10), 8 and 2 (1.90), 7 (1.70), 1 (1.60), 5 (1.50), 3 (1.40), 6 (0.80)
    assert [r.number for r in priorities(results)] == [4, 8, 2, 7, 1, 5, 3, 6]
    # Overall: (3.4+3.1+3.6+2.9+3.5+4.2+3.3+3.1)/8 = 27.1/8 = 3.3875; (3.3875−1)/4×100 = 59.6875
    assert overall(results) == pytest.approx(3.3875)
    assert to_percent(overall(results)) == pytest.approx(59.6875)
    # Without characteristic 6: (27.1−4.2)/7 = 22.9/7 = 3.2714
    assert overall([r for r in results if r.number != 6]) == pytest.approx(3.2714, abs=1e-4)


# --- properties over random inputs --------------------------------------------------------------

CHOICES = [1, 2, 3, 4, 5, None]


def random_answers(rng, item_count):
    """Up to item_count answers: 1–5 or don't know; the rest missing."""
    given = rng.randint(0, item_count)
    return [rng.choice(CHOICES) for _ in range(given)]


@pytest.mark.parametrize("seed", [1, 2, 3, 20240601, 99991])
def test_properties_random(seed):
    rng = random.Random(seed)
    checked_groups = 0
    for _ in range(200):
        item_count = rng.randint(1, 8)
        respondents = []
        for _ in range(rng.randint(0, 12)):
            values = random_answers(rng, item_count)
            r = respondent_characteristic(1, values, item_count)
            numeric = [v for v in values if v is not None]
            # "Not enough answers" exactly when fewer than half the items have a 1–5 answer.
            assert r.enough == (2 * len(numeric) >= item_count)
            assert r.answered + r.dont_know == len(values)
            if r.mean is not None:
                assert 1 <= r.mean <= 5
                assert min(numeric) <= r.mean <= max(numeric)
                assert r.mean == pytest.approx(sum(numeric) / len(numeric))
                assert 0 <= r.percent <= 100
                assert band(r.mean, **DEFAULT_BANDS) in {STRENGTH, DEVELOPING, PRIORITY}
            if r.agree_share is not None:
                assert 0 <= r.agree_share <= 1
            if r.dont_know_rate is not None:
                assert 0 <= r.dont_know_rate <= 1
            respondents.append(r)

        g = group_characteristic(1, respondents)
        means = [r.mean for r in respondents if r.mean is not None]
        assert g.n == len(means)
        assert g.not_enough == sum(
            1 for r in respondents if r.mean is None and r.answered + r.dont_know
        )
        if len(means) >= 2:
            checked_groups += 1
            eps = 1e-9  # a float mean can land one rounding step outside
            assert min(means) - eps <= g.mean <= max(means) + eps
            assert 1 <= g.mean <= 5 + eps
            assert -eps <= g.percent <= 100 + eps
            assert g.sd >= 0
        else:
            assert g.mean is None  # no group figure for fewer than two
    assert checked_groups > 50  # the generator really produced groups with scores


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_properties_priorities_random(seed):
    rng = random.Random(seed)
    for _ in range(200):
        results = [
            result(
                number,
                rng.choice([None, round(rng.uniform(1, 5), 2)]),
                sd=rng.choice([None, round(rng.uniform(0, 2), 2)]),
            )
            for number in range(1, 9)
        ]
        weights = {n: rng.choice([1.0, 1.25, 1.5]) for n in range(1, 9) if rng.random() < 0.5}
        ordered = priorities(results, weights)
        assert {r.number for r in ordered} == {r.number for r in results if r.mean is not None}
        needs = [need(r, weights.get(r.number, 1.0)) for r in ordered]
        for before, after in zip(needs, needs[1:], strict=False):
            assert before >= after - 1e-9  # highest weighted need first
        overall_mean = overall(results)
        if ordered:
            assert min(r.mean for r in ordered) - 1e-9 <= overall_mean
            assert overall_mean <= max(r.mean for r in ordered) + 1e-9
        else:
            assert overall_mean is None


def test_one_persons_tie_goes_to_the_characteristic_with_the_more_spread_answers():
    # docs/scoring.md, priority order, rule 4, for one person: both 2.50, equal weights.
    even = respondent_characteristic(1, [2, 3, 2, 3], 4)  # sd 0.58
    split = respondent_characteristic(2, [1, 4, 1, 4], 4)  # sd 1.73
    assert even.mean == split.mean == 2.5
    assert [r.number for r in priorities([even, split])] == [2, 1]
    assert [r.number for r in priorities([split, even])] == [2, 1]
