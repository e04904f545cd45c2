"""What a facilitator may be shown: minimum group size and complementary suppression.

Pure functions, no database. The property test plays the reader: from what a table shows, the
total and the published rule, it lists every set of counts the hidden cells could hold, and
checks that none of the small groups can be pinned to "nobody answered" or "somebody did".
"""

import itertools
import random

import pytest

from assessments.disclosure import (
    EMPTY,
    FEWER_THAN_K,
    NOT_SHOWN,
    SHOWN,
    Cell,
    in_steps,
    protect_figures,
    protect_table,
    releasable,
)


def _states(cells):
    return {key: cell.state for key, cell in cells.items()}


def test_groups_of_k_or_more_are_all_shown():
    cells, safe = protect_table({"a": 5, "b": 9}, k=5, total=14)
    assert safe and cells == {"a": Cell(SHOWN, 5), "b": Cell(SHOWN, 9)}


def test_one_group_below_k_hides_the_next_smallest_too():
    cells, safe = protect_table({"a": 12, "b": 8, "c": 6, "d": 2}, k=5, total=28)
    assert safe
    assert _states(cells) == {"a": SHOWN, "b": SHOWN, "c": NOT_SHOWN, "d": FEWER_THAN_K}


def test_a_group_of_nobody_is_named_as_empty_and_hides_nobody_else():
    # Two teams of 3 and a team with nobody (k = 3): nobody's answers are in the empty team, so
    # it says so, and the two teams are shown.
    cells, safe = protect_table({"a": 3, "b": 0, "c": 3}, k=3, total=6)
    assert safe
    assert cells == {"a": Cell(SHOWN, 3), "b": Cell(EMPTY, 0), "c": Cell(SHOWN, 3)}
    figures = protect_figures({"a": 3, "b": 0, "c": 3}, k=3)
    assert _states(figures) == {"a": SHOWN, "b": EMPTY, "c": SHOWN}


def test_two_small_groups_that_would_pin_each_other_get_a_complement():
    # 1 + 1 with k = 5 beside a shown 20: both would be exactly 1.
    cells, _ = protect_table({"a": 1, "b": 1, "c": 20}, k=5, total=22)
    assert _states(cells) == {"a": FEWER_THAN_K, "b": FEWER_THAN_K, "c": NOT_SHOWN}


def _reader_can_pin_a_small_group(counts, cells, k, total):
    """Brute force: every assignment of the hidden cells consistent with what is shown (an
    empty cell holds 0, "fewer than k" 1..k-1, "not shown" k..total). A small group is pinned
    when only one count fits it."""
    hidden = [key for key, cell in cells.items() if not (cell.shown or cell.empty)]
    if not hidden:
        return False
    remaining = total - sum(cell.value for cell in cells.values() if cell.shown)
    ranges = [
        range(1, k) if cells[key].state == FEWER_THAN_K else range(k, total + 1) for key in hidden
    ]
    seen = {key: set() for key in hidden}
    for values in itertools.product(*ranges):
        if sum(values) == remaining:
            for key, value in zip(hidden, values, strict=True):
                seen[key].add(value)
    assert all(seen[key] for key in hidden), "the rule does not fit the truth"
    return any(len(seen[key]) == 1 for key in hidden if cells[key].state == FEWER_THAN_K)


def _marginals(rng, k):
    """Respondents with a team and a group; the two tables each add up to everyone."""
    teams = [f"t{i}" for i in range(rng.randint(1, 4))]
    groups = [f"g{i}" for i in range(rng.randint(1, 3))]
    people = [
        (rng.choice(teams), rng.choice(groups)) for _ in range(rng.choice([0, 2, k, 2 * k, 13]))
    ]
    # Some teams get a burst, so that tables have both small and large cells.
    people += [(teams[0], groups[0])] * rng.choice([0, 1, k - 1, k])
    by_team = {team: sum(1 for t, _ in people if t == team) for team in teams}
    by_group = {group: sum(1 for _, g in people if g == group) for group in groups}
    return {"teams": by_team, "groups": by_group}, len(people)


@pytest.mark.parametrize("seed", range(300))
def test_no_table_lets_a_reader_pin_a_small_group(seed):
    rng = random.Random(seed)
    k = rng.choice([3, 4, 5])
    tables, total = _marginals(rng, k)
    for counts in tables.values():
        cells, safe = protect_table(counts, k=k, total=total)
        # No count from 1 to k-1 is ever shown; nobody is said to be nobody.
        assert all(not cells[key].shown for key, value in counts.items() if 0 < value < k)
        assert all(cells[key].empty for key, value in counts.items() if value == 0)
        if safe:
            assert not _reader_can_pin_a_small_group(counts, cells, k, total), (counts, cells)


@pytest.mark.parametrize("seed", range(200))
def test_a_single_table_is_never_pinned_when_called_safe(seed):
    rng = random.Random(seed)
    k = rng.choice([3, 4, 5])
    counts = {
        f"t{i}": rng.choice([0, 1, 2, k - 1, k, k, k + 1, 2 * k, 9])
        for i in range(rng.randint(1, 4))
    }
    total = sum(counts.values())
    cells, safe = protect_table(counts, k=k, total=total)
    if safe:
        assert not _reader_can_pin_a_small_group(counts, cells, k, total), (counts, cells)
    assert all(not cells[key].shown for key, value in counts.items() if 0 < value < k)


# --- Over time -----------------------------------------------------------------------------------


def test_parts_wait_until_every_count_they_change_gains_at_least_k():
    everyone, a, b = "everyone", "team:a", "team:b"
    waiting = [(everyone, a)] * 4 + [(everyone, b)]
    assert releasable(waiting, k=5) == set()  # team a would gain 4, team b 1
    waiting += [(everyone, a)]
    # Team a's five go together; team b's one waits (everyone gains 5, not 6).
    assert releasable(waiting, k=5) == {0, 1, 2, 3, 5}


def test_a_part_that_changes_no_count_goes_at_once():
    assert releasable([(), ("everyone",)], k=3) == {0}


def test_holding_one_count_back_can_hold_another():
    # Team a's 3 would go with everyone's, but the group x of one of them gains 1: that one
    # waits, and then team a would gain only 2.
    waiting = [("team:a", "group:x"), ("team:a", "group:y"), ("team:a", "group:y")]
    waiting += [("team:b", "group:y")] * 3
    assert releasable(waiting, k=3) == {3, 4, 5}


@pytest.mark.parametrize("seed", range(200))
def test_what_goes_moves_every_count_by_0_or_at_least_k_and_is_the_most_that_can(seed):
    rng = random.Random(seed)
    k = rng.choice([2, 3, 5])
    keys = ["t1", "t2", "t3", "g1", "g2", "c1"]
    waiting = [tuple(key for key in keys if rng.random() < 0.4) for _ in range(rng.randint(0, 14))]
    going = releasable(waiting, k=k)
    for key in keys:
        gained = sum(1 for index in going if key in waiting[index])
        assert gained == 0 or gained >= k, (key, gained)
    # The largest such set: no set with one more part is valid (brute force on small cases).
    if len(waiting) <= 10:
        best = 0
        for size in range(len(waiting), -1, -1):
            for chosen in itertools.combinations(range(len(waiting)), size):
                counts = [sum(1 for i in chosen if key in waiting[i]) for key in keys]
                if all(c == 0 or c >= k for c in counts):
                    best = size
                    break
            if best == size:
                break
        assert len(going) == best


def test_live_counts_are_shown_in_steps_of_k():
    assert in_steps(0, 5) == Cell(EMPTY, 0)
    assert in_steps(4, 5).state == FEWER_THAN_K and in_steps(4, 5).value is None
    assert in_steps(5, 5).value == in_steps(9, 5).value == 5
    assert in_steps(10, 5).value == 10
