"""What a facilitator may be shown about groups of respondents: the one module that decides.

Pure functions over plain counts (no ORM), used by every page and export that shows a figure
about a group of respondents.

**Minimum group size.** A count under the round's minimum group size ``k`` is never shown: it
reads "fewer than k". Zero is hidden too: showing 0 while hiding 1 to k-1 would tell that
somebody in a small team answered.

**Complementary suppression.** A table whose cells add up to a total that is shown elsewhere
(teams, stakeholder groups: both add up to everyone who answered) could give a hidden cell
away by subtraction. For each table the module works out, from the total and the shown cells,
the range each hidden count could still take (hidden "fewer than k" cells lie in 0..k-1, cells
hidden to protect them in k..total). A table is safe when no hidden small group is pinned down:
each could still be 0 and could still be 1 or more, so nobody can tell whether anyone in it
answered. Until it is safe, the smallest shown cell is hidden as well ("not shown"). If even
that is not enough, the total is hidden instead (see ``protect_tables``).

**Figures.** A mean, SD or share about a group needs at least k respondents behind it, and the
groups hidden in a breakdown must together count none or at least k, so that everyone's figure
minus the shown groups' is never a figure about fewer than k (``protect_figures``). Every page,
chart and export of group results takes its cells from ``assessments.group_results``, which
decides with these two functions.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

SHOWN = "shown"
FEWER_THAN_K = "fewer_than_k"
NOT_SHOWN = "not_shown"  # hidden only so that a small group cannot be worked out


@dataclass(frozen=True)
class Cell:
    """A count as the page may show it: ``value`` is None unless ``state`` is SHOWN."""

    state: str
    value: int | None = None

    @property
    def shown(self) -> bool:
        return self.state == SHOWN


def may_show(count: int, k: int) -> bool:
    """Is a figure about ``count`` respondents allowed on its own? (Never for fewer than k.)"""
    return count >= k


def _small_groups_pinned(
    counts: Mapping[Hashable, int], small: set, extra: set, k: int, total: int
) -> bool:
    """Could a reader, knowing the total, the shown cells and the rule, pin a hidden small group
    to 0, or to 1 or more?"""
    hidden = small | extra
    if not hidden:
        return False
    remaining = total - sum(v for key, v in counts.items() if key not in hidden)
    low = {key: 0 if key in small else k for key in hidden}
    high = {key: k - 1 if key in small else total for key in hidden}
    for key in small:
        others_high = sum(high[o] for o in hidden if o != key)
        others_low = sum(low[o] for o in hidden if o != key)
        least = max(0, remaining - others_high)
        most = min(k - 1, remaining - others_low)
        if least > 0 or most < 1:
            return True
    return False


def protect_table(
    counts: Mapping[Hashable, int], *, k: int, total: int
) -> tuple[dict[Hashable, Cell], bool]:
    """The cells of one table whose counts add up to ``total``, and whether the table is safe
    with the total shown (False: even hiding every cell leaves a small group pinned)."""
    small = {key for key, value in counts.items() if not may_show(value, k)}
    extra: set = set()
    safe = True
    while _small_groups_pinned(counts, small, extra, k, total):
        smallest = _smallest_shown(counts, small | extra)
        if smallest is None:
            safe = False
            break
        extra.add(smallest)
    return _cells(counts, small, extra), safe


def _smallest_shown(counts: Mapping[Hashable, int], hidden: set):
    """The shown group to hide next (the smallest, ties by key), or None when all are hidden."""
    candidates = sorted(
        (value, str(key), key) for key, value in counts.items() if key not in hidden
    )
    return candidates[0][2] if candidates else None


def _cells(counts: Mapping[Hashable, int], small: set, extra: set) -> dict[Hashable, Cell]:
    return {
        key: Cell(FEWER_THAN_K)
        if key in small
        else Cell(NOT_SHOWN)
        if key in extra
        else Cell(SHOWN, value)
        for key, value in counts.items()
    }


def protect_tables(
    tables: Mapping[str, Mapping[Hashable, int]], *, k: int, total: int
) -> tuple[dict[str, dict[Hashable, Cell]], Cell]:
    """Several tables over the same respondents (each adding up to ``total``), and the total.

    Returns the cells of each table and the total's cell. When some table cannot be made safe
    with the total shown (early in a round: a few teams with answers, many with none, and the
    total would show that the rest are all zero), the total is hidden instead, and every table
    keeps at least one hidden cell so that no table gives the total back by adding up.
    """
    if not may_show(total, k):
        hidden = {
            name: {key: Cell(FEWER_THAN_K) for key in counts} for name, counts in tables.items()
        }
        return hidden, Cell(FEWER_THAN_K)
    protected = {}
    all_safe = True
    for name, counts in tables.items():
        protected[name], safe = protect_table(counts, k=k, total=total)
        all_safe = all_safe and safe
    if all_safe:
        return protected, Cell(SHOWN, total)
    # Without the total, a hidden count is only known to be under k (or, for a complement, at
    # least k): nothing pins it. A table showing every cell would give the total back.
    without_total = {}
    for name, counts in tables.items():
        cells = {
            key: Cell(SHOWN, value) if may_show(value, k) else Cell(FEWER_THAN_K)
            for key, value in counts.items()
        }
        if cells and all(cell.shown for cell in cells.values()):
            smallest = min(counts, key=lambda key: (counts[key], str(key)))
            cells[smallest] = Cell(NOT_SHOWN)
        without_total[name] = cells
    return without_total, Cell(NOT_SHOWN)


def protect_figures(
    counts: Mapping[Hashable, int], *, k: int, forced: Iterable[Hashable] = ()
) -> dict[Hashable, Cell]:
    """Which groups of a breakdown may show a figure (a mean, an SD, a share) for one
    characteristic, when the same figure is shown for everyone. ``counts`` are the respondents
    behind each group's figure; ``forced`` groups are hidden whatever their count (their
    response count is hidden, and their figure would give it back).

    A group's figure needs at least ``k`` respondents. Everyone's figure minus the shown groups'
    is a figure about the hidden groups together, so the hidden groups must together count none
    or at least ``k`` respondents, and a hidden group with respondents is never hidden alone.
    Until both hold, the smallest shown group is hidden too ("not shown"). A Cell's ``value`` is
    the group's count of respondents.
    """
    small = {key for key, value in counts.items() if not may_show(value, k)}
    extra = {key for key in forced if key in counts and key not in small}

    def exposed() -> bool:
        hidden = small | extra
        together = sum(counts[key] for key in hidden)
        return (0 < together < k) or (len(hidden) == 1 and together > 0)

    while exposed():
        smallest = _smallest_shown(counts, small | extra)
        if smallest is None:
            break  # every group hidden: then everyone counts fewer than k too, and is hidden
        extra.add(smallest)
    return _cells(counts, small, extra)
