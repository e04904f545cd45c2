"""What a facilitator may be shown: minimum group size and complementary suppression.

Pure functions, no database. The property test plays the reader: from what a table shows, the
total and the published rule, it lists every set of counts the hidden cells could hold, and
checks that none of the small groups can be pinned to "nobody answered" or "somebody did".
"""

import itertools
import random

import pytest

from assessments.disclosure import (
    FEWER_THAN_K,
    NOT_SHOWN,
    SHOWN,
    Cell,
    protect_table,
    protect_tables,
)


def _states(cells):
    return {key: cell.state for key, cell in cells.items()}


def test_groups_of_k_or_more_are_all_shown():
    cells, total = protect_tables({"teams": {"a": 5, "b": 9}}, k=5, total=14)
    assert cells["teams"] == {"a": Cell(SHOWN, 5), "b": Cell(SHOWN, 9)}
    assert total == Cell(SHOWN, 14)


def test_one_group_below_k_hides_the_next_smallest_too():
    cells, total = protect_tables({"teams": {"a": 12, "b": 8, "c": 6, "d": 2}}, k=5, total=28)
    assert _states(cells["teams"]) == {
        "a": SHOWN,
        "b": SHOWN,
        "c": NOT_SHOWN,
        "d": FEWER_THAN_K,
    }
    assert total.shown and total.value == 28


def test_zero_is_hidden_like_any_count_below_k():
    cells, _ = protect_tables({"teams": {"a": 7, "b": 0, "c": 3}}, k=5, total=10)
    assert cells["teams"]["b"].state == FEWER_THAN_K and cells["teams"]["b"].value is None


def test_a_total_below_k_hides_everything():
    cells, total = protect_tables({"teams": {"a": 4, "b": 0}, "groups": {"x": 4}}, k=5, total=4)
    assert total.state == FEWER_THAN_K
    assert all(not c.shown for table in cells.values() for c in table.values())


def test_two_small_groups_that_would_pin_each_other_get_a_complement():
    # 4 + 4 with k = 5: both at most 4 and adding up to 8, so both would be exactly 4.
    cells, _ = protect_tables({"teams": {"a": 4, "b": 4, "c": 20}}, k=5, total=28)
    assert _states(cells["teams"]) == {"a": FEWER_THAN_K, "b": FEWER_THAN_K, "c": NOT_SHOWN}


def test_when_the_total_would_pin_the_small_groups_the_total_is_hidden_instead():
    # Two teams of 5 and many with nobody yet: with the total shown, the rest would all be 0.
    teams = {"a": 5, "b": 5, "c": 0, "d": 0, "e": 0}
    cells, total = protect_tables({"teams": teams, "groups": {"x": 10}}, k=5, total=10)
    assert not total.shown
    assert _states(cells["teams"]) == {
        "a": SHOWN,
        "b": SHOWN,
        "c": FEWER_THAN_K,
        "d": FEWER_THAN_K,
        "e": FEWER_THAN_K,
    }
    # A table that would show every cell hides one, or it would give the total back.
    assert cells["groups"]["x"].state == NOT_SHOWN


def _reader_can_pin_a_small_group(counts, cells, k, total):
    """Brute force: every assignment of the hidden cells consistent with what is shown."""
    hidden = [key for key, cell in cells.items() if not cell.shown]
    if not hidden:
        return False
    remaining = total - sum(cell.value for cell in cells.values() if cell.shown)
    ranges = [
        range(0, k) if cells[key].state == FEWER_THAN_K else range(k, total + 1) for key in hidden
    ]
    seen = {key: set() for key in hidden}
    for values in itertools.product(*ranges):
        if sum(values) == remaining:
            for key, value in zip(hidden, values, strict=True):
                seen[key].add(value > 0)
    return any(seen[key] != {False, True} for key in hidden if cells[key].state == FEWER_THAN_K)


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
def test_no_page_lets_a_reader_pin_a_small_group(seed):
    rng = random.Random(seed)
    k = rng.choice([3, 4, 5])
    tables, total = _marginals(rng, k)
    cells, total_cell = protect_tables(tables, k=k, total=total)
    for name, counts in tables.items():
        # No count under k is ever shown, nor a total under k.
        assert all(not cells[name][key].shown for key, value in counts.items() if value < k)
        if total_cell.shown:
            assert not _reader_can_pin_a_small_group(counts, cells[name], k, total), (
                name,
                counts,
                cells[name],
            )
        else:
            # Without the total, no table may add up to it.
            assert any(not cell.shown for cell in cells[name].values()), (name, counts)
    if total_cell.shown:
        assert total_cell.value == total >= k


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
    if total >= k and safe:
        assert not _reader_can_pin_a_small_group(counts, cells, k, total), (counts, cells)
    assert all(not cells[key].shown for key, value in counts.items() if value < k)
