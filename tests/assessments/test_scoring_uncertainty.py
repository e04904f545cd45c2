"""Figures that say how sure they are (docs/scoring.md, "How sure a figure is"): the intervals of
a group's mean, of a difference between two groups and of Cronbach's alpha, the per-group
"many don't know" flag and the mean in which each team counts once. The rules are pure functions
in assessments/scoring.py, checked here against the worked examples and against statistical
tables; the figures that use them (assessments/group_results.py) are checked without a database
on rollups built from plain answers.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from assessments import group_results, rollups, scoring
from assessments.group_results import CharacteristicInfo, build
from assessments.scoring import (
    ALPHA_DOES_NOT,
    ALPHA_HANGS_TOGETHER,
    ALPHA_UNCLEAR,
    Interval,
    alpha_interval,
    alpha_reading,
    alpha_sums,
    cronbach_alpha,
    difference_interval,
    f_quantile,
    group_characteristic,
    mean_interval,
    mean_of_means,
    respondent_characteristic,
    t_quantile,
)


def group(number, scores):
    """A group whose respondents scored ``scores`` (one item each: the score is the answer, or
    two items for a half)."""
    respondents = []
    for score in scores:
        twice = int(score * 2)
        values = [twice // 2, twice - twice // 2]
        respondents.append(respondent_characteristic(number, values, 2))
    return group_characteristic(number, respondents)


# --- The distributions, against printed tables ----------------------------------------------------


@pytest.mark.parametrize(
    ("df", "expected"),
    [(1, 12.706), (2, 4.303), (4, 2.776), (8, 2.306), (9, 2.262), (18, 2.101), (29, 2.045)],
)
def test_t_quantiles_match_the_table(df, expected):
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=5e-4)
    assert t_quantile(0.025, df) == pytest.approx(-expected, abs=5e-4)


def test_t_quantile_takes_welchs_fractional_degrees_of_freedom():
    # Between the table's 2 (4.303) and 3 (3.182) degrees of freedom, and decreasing.
    assert 3.182 < t_quantile(0.975, 2.5) < 4.303
    assert t_quantile(0.975, 2.5) == pytest.approx(3.5747, abs=5e-4)


@pytest.mark.parametrize(
    ("p", "d1", "d2", "expected"),
    [(0.975, 9, 18, 2.929), (0.025, 9, 18, 0.2702), (0.975, 11, 33, 2.4123)],
)
def test_f_quantiles_match_the_table(p, d1, d2, expected):
    assert f_quantile(p, d1, d2) == pytest.approx(expected, abs=5e-4)


# --- A group's mean -------------------------------------------------------------------------------


def test_a_team_of_five_has_an_interval_wider_than_a_band():
    # docs/scoring.md: scores 2.5, 3, 3.5, 4, 4.5: mean 3.50, SD √(2.5 ÷ 4) = 0.7906;
    # t(0.975, 4) = 2.776; 2.776 × 0.7906 ÷ √5 = 0.98: 2.52 to 4.48, wider than a band (1.00).
    result = group(1, [2.5, 3, 3.5, 4, 4.5])
    interval = result.interval
    assert result.mean == Fraction(7, 2)
    assert (interval.shown_low, interval.shown_high) == (Decimal("2.52"), Decimal("4.48"))
    assert interval.high - interval.low > 1


def test_the_interval_narrows_with_more_respondents():
    five = group(1, [2.5, 3, 3.5, 4, 4.5]).interval
    twenty = group(1, [2.5, 3, 3.5, 4, 4.5] * 4).interval
    assert twenty.high - twenty.low < (five.high - five.low) / 2


def test_the_interval_stays_inside_the_scale():
    # Four 5s and one 1: mean 4.20, but the upper end cannot pass 5.
    interval = mean_interval(5, Fraction(21, 5), 1.7889)
    assert interval.high == 5 and interval.low < 4.2


def test_no_interval_without_two_respondents_or_a_mean():
    assert mean_interval(1, Fraction(3), None) is None
    assert mean_interval(5, None, None) is None
    assert group(1, [4]).interval is None


# --- The difference of two groups' means ----------------------------------------------------------


def test_a_gap_of_one_point_between_two_groups_of_five_may_be_noise():
    # docs/scoring.md: patients 2, 3, 3, 4, 3 (mean 3.00) and staff 4, 4, 5, 3, 4 (mean 4.00),
    # both SD √0.5. Standard error √(0.5/5 + 0.5/5) = 0.447, Welch's df 8, t = 2.306:
    # 1.00 ± 1.03, from −0.03 to 2.03: it includes 0.
    patients, staff = group(1, [2, 3, 3, 4, 3]), group(1, [4, 4, 5, 3, 4])
    interval = difference_interval(staff, patients)
    assert (interval.shown_low, interval.shown_high) == (Decimal("-0.03"), Decimal("2.03"))
    assert not interval.excludes_zero
    assert not scoring.clearly_different(staff, patients)


def test_the_same_gap_between_two_groups_of_ten_is_clear():
    # Each SD is now √(4 ÷ 9) = 0.667: √(0.444/10 + 0.444/10) = 0.298, df 18, t = 2.101:
    # 1.00 ± 0.63, from 0.37 to 1.63.
    patients, staff = group(1, [2, 3, 3, 4, 3] * 2), group(1, [4, 4, 5, 3, 4] * 2)
    interval = difference_interval(staff, patients)
    assert (interval.shown_low, interval.shown_high) == (Decimal("0.37"), Decimal("1.63"))
    assert scoring.clearly_different(staff, patients)


def test_welch_degrees_of_freedom_follow_the_less_certain_group():
    # One group without spread: the difference is as uncertain as the other group's mean, on
    # its n − 1 = 4 degrees of freedom.
    flat, spread = group(1, [4] * 5), group(1, [2.5, 3, 3.5, 4, 4.5])
    interval = difference_interval(flat, spread)
    assert interval.high - float(flat.mean - spread.mean) == pytest.approx(
        t_quantile(0.975, 4) * spread.sd / 5**0.5
    )


def test_two_groups_without_any_spread_differ_exactly():
    interval = difference_interval(group(1, [5] * 5), group(1, [2] * 5))
    assert interval == Interval(3.0, 3.0) and interval.excludes_zero


def test_a_bound_that_shows_as_0_00_does_not_make_a_difference_clear():
    assert not Interval(0.004, 1.2).excludes_zero  # shown "0.00 to 1.20"
    assert Interval(0.005, 1.2).excludes_zero  # shown "0.01 to 1.20"
    assert Interval(-1.2, -0.005).excludes_zero


# --- Cronbach's alpha -----------------------------------------------------------------------------

DOCS_ALPHA_ROWS = [
    [4, 4, 5],
    [3, 3, 3],
    [5, 4, 5],
    [2, 2, 3],
    [4, 5, 4],
    [3, 2, 2],
    [5, 5, 5],
    [1, 2, 1],
    [4, 3, 4],
    [2, 3, 2],
]


def test_feldts_interval_of_the_worked_example():
    # docs/scoring.md: alpha 0.9363 from 10 complete responses to 3 statements. F on (9, 18):
    # F(0.975) = 2.929, F(0.025) = 0.2702. 1 − 0.0637 × 2.929 = 0.81; 1 − 0.0637 × 0.2702 = 0.98.
    alpha = cronbach_alpha(alpha_sums(DOCS_ALPHA_ROWS, 3))
    interval = alpha_interval(alpha, 10, 3)
    assert (interval.shown_low, interval.shown_high) == (Decimal("0.81"), Decimal("0.98"))
    assert alpha_reading(interval) == ALPHA_HANGS_TOGETHER


def test_alpha_from_ten_responses_is_about_plus_or_minus_point_three():
    # A middling alpha of 0.70 from 10 responses to 4 statements: F on (9, 27).
    interval = alpha_interval(0.70, 10, 4)
    assert interval.low == pytest.approx(0.22, abs=0.01)
    assert interval.high == pytest.approx(0.91, abs=0.01)
    assert alpha_reading(interval) == ALPHA_UNCLEAR


def test_alpha_reads_low_only_when_its_whole_interval_is_below_0_6():
    assert alpha_reading(alpha_interval(0.10, 40, 4)) == ALPHA_DOES_NOT
    assert alpha_reading(alpha_interval(0.55, 10, 4)) == ALPHA_UNCLEAR  # 0.55 alone said "low"
    assert alpha_reading(alpha_interval(0.85, 200, 4)) == ALPHA_HANGS_TOGETHER
    assert alpha_reading(None) is None
    assert alpha_interval(None, 10, 3) is None and alpha_interval(0.8, 10, 1) is None


# --- "Don't know" per group -----------------------------------------------------------------------


def test_a_group_with_30_percent_dont_know_is_flagged():
    # Three respondents to a characteristic of 10 statements: 3, 3 and 3 don't knows (30 %).
    answers = [4] * 7 + [None] * 3
    flagged = group_characteristic(1, [respondent_characteristic(1, answers, 10)] * 3)
    assert flagged.dont_know_rate == Fraction(3, 10) and flagged.high_dont_know
    fewer = [4] * 8 + [None] * 2
    assert not group_characteristic(1, [respondent_characteristic(1, fewer, 10)] * 3).high_dont_know


# --- Each team counts once ------------------------------------------------------------------------


def test_the_mean_of_means_counts_each_group_once():
    # docs/scoring.md: teams of 40 at 4.00, 5 at 3.00 and 5 at 3.50. Per person:
    # (160 + 15 + 17.5) ÷ 50 = 3.85; each team once: (4 + 3 + 3.5) ÷ 3 = 3.50.
    assert mean_of_means([Fraction(4), Fraction(3), Fraction(7, 2)]) == Fraction(7, 2)
    assert mean_of_means([]) is None


# --- The figures the pages read (group_results), from plain answers -------------------------------

STRUCTURE = ((1, (11, 12)), (2, (21, 22, 23)))


def figures_of(responses, *, k=5, teams=(), groups=()):
    """``responses``: (team, group, answers) with answers by indicator id."""
    data = rollups.rebuild(rollups.Structure(STRUCTURE), [(t, g, a, []) for t, g, a in responses])
    return build(
        data,
        responses=len(responses),
        k=k,
        characteristics=[
            CharacteristicInfo(number, f"Characteristic {number}", f"C{number}", ids)
            for number, ids in STRUCTURE
        ],
        teams=[(team, f"Team {team}") for team in teams],
        groups=[(slug, slug.title()) for slug in groups],
        strength_min=Decimal("4.00"),
        developing_min=Decimal("3.00"),
    )


def answering(score, dont_know=0):
    """Answers giving ``score`` on both characteristics, with ``dont_know`` of characteristic
    2's three statements answered don't know."""
    second = [None] * dont_know + [score] * (3 - dont_know)
    return {11: score, 12: score, 21: second[0], 22: second[1], 23: second[2]}


def test_a_gap_between_two_groups_of_five_is_listed_as_may_be_noise():
    responses = [(1, "patient", answering(v)) for v in (2, 3, 3, 4, 3)]
    responses += [(1, "staff", answering(v)) for v in (4, 4, 5, 3, 4)]
    figures = figures_of(responses, teams=[1], groups=["patient", "staff"])
    (gap, _) = group_results.perspective_gaps(figures)
    assert gap.difference == 1 and not gap.clear
    wider = figures_of(responses * 2, teams=[1], groups=["patient", "staff"])
    assert all(gap.clear for gap in group_results.perspective_gaps(wider))


def test_a_team_half_a_point_above_is_a_leader_only_beyond_the_uncertainty():
    # Everyone: 99 ÷ 25 = 3.96. Team 1 (5 people: 3, 5, 5, 5, 5, mean 4.60) is 0.64 above, but
    # its spread makes that noise (Welch: about −0.5 to 1.8); team 2 (12 people, all 5) is
    # 1.04 above, clearly (about 0.46 to 1.62).
    noisy = [(1, "", answering(v)) for v in (3, 5, 5, 5, 5)]
    steady = [(2, "", answering(5)) for _ in range(12)]
    rest = [(3, "", answering(v)) for v in (1, 2, 3, 2, 1, 2, 3, 2)]
    figures = figures_of(noisy + steady + rest, teams=[1, 2, 3])
    entry = next(e for e in group_results.learn_from(figures) if e.number == 1)
    assert figures.teams.rows[0].figures[1].mean - entry.collaboration_mean >= Fraction(1, 2)
    assert [row.key for row in entry.leaders] == ["team:2"]
    assert [row.key for row in entry.unclear] == ["team:1"]
    assert not entry.intervals["team:1"].excludes_zero
    assert entry.intervals["team:2"].excludes_zero


def test_each_team_once_uses_only_the_shown_teams_and_says_how_many_are_left_out():
    # docs/scoring.md: teams of 40 at 4.00, 5 at 3.00 and 6 at 3.50 (3, 4, 3, 4, 3, 4).
    # Per person: (160 + 15 + 21) ÷ 51 = 3.84; each team once: (4 + 3 + 3.5) ÷ 3 = 3.50.
    big = [(1, "", answering(4)) for _ in range(40)]
    small = [(2, "", answering(3)) for _ in range(5)] + [(3, "", answering(v)) for v in [3, 4] * 3]
    figures = figures_of(big + small, teams=[1, 2, 3])
    once = group_results.each_team_once(figures, 1)
    assert figures.total[1].mean == Fraction(196, 51)
    assert once.mean == Fraction(7, 2) and (once.teams, once.left_out) == (3, 0)
    # A fourth team of 2 is hidden, and at least one more with it: the mean is over the teams
    # still shown, and the page says how many are left out.
    hidden = figures_of(big + small + [(4, "", answering(1))] * 2, teams=[1, 2, 3, 4])
    shown = [row.figures[1].mean for row in hidden.teams.rows if row.figures[1].shown]
    assert len(shown) == 2  # team 4, and the smallest shown team (2) to protect it
    once = group_results.each_team_once(hidden, 1)
    assert once.mean == sum(shown) / len(shown) and (once.teams, once.left_out) == (2, 2)


def test_each_team_once_needs_two_shown_teams():
    figures = figures_of([(1, "", answering(4)) for _ in range(6)], teams=[1])
    assert group_results.each_team_once(figures, 1).mean is None


def test_reliability_reports_complete_responses_of_those_with_a_score():
    # 12 answer characteristic 2 completely, 6 more with one don't know (not complete).
    complete = [(1, "", answering(v)) for v in (1, 2, 3, 4, 5, 2, 3, 4, 5, 1, 3, 4)]
    partial = [(1, "", answering(v, dont_know=1)) for v in (2, 3, 4, 2, 3, 4)]
    figures = figures_of(complete + partial, teams=[1])
    sure = group_results.reliability(figures, 2)
    assert (sure.complete, sure.of) == (12, 18)
    assert sure.alpha == pytest.approx(1.0) and sure.interval is not None
    assert group_results.reliability(figures, 2).reading == ALPHA_HANGS_TOGETHER


def test_the_csv_carries_each_shown_mean_with_its_interval_and_dont_know_flag():
    # Team 1: 2, 3, 3, 4, 3, 3, 2, 4: mean 3.00, SD √(4 ÷ 7) = 0.756, t(0.975, 7) = 2.365:
    # 3.00 ± 0.63. Team 3 (one person) is hidden, and others with it.
    responses = [(1, "", answering(v, dont_know=1)) for v in (2, 3, 3, 4, 3, 3, 2, 4)]
    responses += [(2, "", answering(v)) for v in (4, 4, 5, 3, 4)]
    responses += [(4, "", answering(v)) for v in (4, 4, 5, 3, 4, 4, 4)]
    responses += [(3, "", answering(4))]
    figures = figures_of(responses, teams=[1, 2, 3, 4])
    header = group_results.CSV_HEADER
    rows = [dict(zip(header, row, strict=True)) for row in group_results.export_rows(figures)]
    team1 = next(r for r in rows if r["Group"] == "Team 1" and r["Characteristic number"] == "1")
    assert (team1["Mean 95% interval low"], team1["Mean 95% interval high"]) == ("2.37", "3.63")
    team1_c2 = next(r for r in rows if r["Group"] == "Team 1" and r["Characteristic number"] == "2")
    assert team1_c2["Many don't know (30% or more)"] == "yes"  # 1 of 3: 33 %
    hidden = [r for r in rows if r["Note"]]
    assert {r["Group"] for r in hidden} >= {"Team 3"}
    assert all(r[c] == "" for r in hidden for c in header[12:])
    everyone = next(
        r for r in rows if r["Group"] == "Everyone" and r["Characteristic number"] == "2"
    )
    assert everyone["Alpha complete responses"] == "13"  # team 1's don't-knows are not complete
