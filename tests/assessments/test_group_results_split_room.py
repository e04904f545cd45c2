"""The rule that flags a statement as splitting the room in a consensus workshop (SCIROCCO's:
at least four ratings more than one point from the median; in a large round, a quarter of the
ratings). Pure: no database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessments import group_results, scoring
from assessments.group_results import CharacteristicInfo, splits_room


@pytest.mark.parametrize(
    "counts,splits",
    [
        # 400 ratings, median 4: four outliers would split a room of sixteen, not a survey.
        ((4, 0, 0, 396, 0), False),
        ((99, 0, 0, 301, 0), False),  # 99 of 400 outside: under a quarter
        ((100, 0, 0, 300, 0), True),  # a quarter exactly
        ((0, 0, 0, 13, 4), False),  # 17 ratings, all within one point of 4
        ((5, 0, 0, 15, 0), True),  # 20 ratings, a quarter at 1
        ((4, 0, 0, 16, 0), False),  # 20 ratings, four at 1: a fifth
        ((4, 0, 0, 12, 0), True),  # 16 ratings, four at 1: SCIROCCO's own case
    ],
)
def test_a_large_round_needs_a_quarter_of_its_ratings_outside(counts, splits):
    assert splits_room(counts) is splits


@pytest.mark.parametrize(
    "counts,splits",
    [
        ((0, 0, 0, 0, 0), False),  # nobody rated it
        ((0, 0, 12, 0, 0), False),  # everyone at the median
        ((0, 0, 3, 6, 3), False),  # all within one point of 4
        ((2, 2, 0, 6, 0), True),  # median 4: four at 1 or 2
        ((2, 1, 0, 10, 0), False),  # median 4: only three outside
        ((1, 1, 1, 1, 1), False),  # median 3: 1 and 5 are outside, only two of them
        ((2, 0, 1, 0, 2), True),  # median 3: four at the ends
        ((4, 0, 0, 0, 4), True),  # median 3 (mean of 1 and 5): all eight outside
        ((0, 2, 0, 2, 0), False),  # median 3: 2 and 4 are one point away, not outside
        ((2, 0, 0, 2, 0), True),  # median 2.5: the 1s and the 4s are 1.5 away
        ((0, 0, 0, 4, 4), False),  # median 4.5: 4 and 5 both within one point
        ((0, 0, 4, 4, 4), False),  # median 4: 3 and 5 within one point
        ((0, 0, 4, 10, 4), False),
        ((6, 0, 0, 10, 8), True),  # outliers on one side only: a quarter of 24
    ],
)
def test_splits_room(counts, splits):
    assert splits_room(counts) is splits


def test_it_can_flag_what_views_differ_does_not_and_the_reverse():
    # A quarter at 1 against a room at 3: nobody agrees, so views do not "differ".
    outliers = scoring.Distribution((4, 0, 12, 0, 0), 0)
    assert splits_room(outliers.counts) and not outliers.views_differ
    # Three 2s against three 4s: a half each side, but nobody more than a point from 3.
    halves = scoring.Distribution((0, 3, 0, 3, 0), 0)
    assert halves.views_differ and not splits_room(halves.counts)


def _figures(responses: int, k: int = 5) -> group_results.RoundFigures:
    info = CharacteristicInfo(1, "Purpose", "Purpose", (11, 12))
    figures = group_results.RoundFigures(
        k=k,
        responses=responses,
        characteristics=[info],
        strength_min=Decimal("4"),
        developing_min=Decimal("3"),
        total={},
        teams=group_results.Breakdown(group_results.TEAMS, []),
        groups=group_results.Breakdown(group_results.GROUPS, []),
    )
    figures.distributions = {
        11: scoring.Distribution((3, 1, 0, 6, 0), 0),
        12: scoring.Distribution((0, 0, 2, 8, 0), 0),
    }
    return figures


def test_split_room_reads_only_shown_distributions():
    assert group_results.split_room(_figures(10), 1) == [11]
    # Under k nothing is shown, so nothing is flagged (whatever the distributions held).
    assert group_results.split_room(_figures(4), 1) == []
