"""What a facilitator may be shown about groups of respondents: the one module that decides.

Pure functions over plain counts (no ORM), used by every page and export that shows a figure
about a group of respondents.

**Minimum group size.** A count from 1 to k-1 (``k``: the round's minimum group size) is never
shown: it reads "fewer than k". A group of nobody reveals nobody's answers: it reads "no
responses yet" (``EMPTY``) and hides nobody else.

**Complementary suppression.** A table whose cells add up to a total that is shown elsewhere
(teams, stakeholder groups: both add up to everyone who answered) could give a hidden cell
away by subtraction. For each table the module works out, from the total and the shown cells,
the range each hidden count could still take (hidden "fewer than k" cells lie in 1..k-1, cells
hidden to protect them in k..total). A table is safe when no hidden small group's count is
pinned to one value. Until it is safe, the smallest shown cell is hidden as well ("not
shown"); if even that is not enough, the table is hidden whole (``protect_table``).

**Figures.** A mean, SD or share about a group needs at least k respondents behind it, and the
groups hidden in a breakdown must together count none or at least k, so that everyone's figure
minus the shown groups' is never a figure about fewer than k (``protect_figures``). Every page,
chart and export of group results takes its cells from ``assessments.group_results``, which
decides with these two functions.

**Over time** (``releasable``). Every rule above holds in one state; comparing two states is
safe only if each figure changes by the people of nobody or of at least k. So a submitted
response is not added to the figures at once: each of its parts (its count, its scores for
one characteristic, its answer to one statement) waits until, for every figure that part
would change, at least k people's parts are waiting to change it together. Then all the
figures a facilitator can read move in steps of nobody or at least k people, whichever two
moments they compare (docs/privacy.md).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

SHOWN = "shown"
EMPTY = "empty"  # nobody: may be said, and hides nobody
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

    @property
    def empty(self) -> bool:
        return self.state == EMPTY


def may_show(count: int, k: int) -> bool:
    """Is a figure about ``count`` respondents allowed on its own? (Never for fewer than k.)"""
    return count >= k


def is_small(count: int, k: int) -> bool:
    """A group of 1 to k-1 people: its count and figures are never shown. (Nobody is not small:
    a group of nobody can be named as empty.)"""
    return 0 < count < k


def _small_groups_pinned(
    counts: Mapping[Hashable, int], small: set, extra: set, k: int, total: int
) -> bool:
    """Could a reader, knowing the total, the shown cells and the rule, pin a hidden small group
    to one count? (Shown empty groups count 0; a hidden small one holds 1..k-1.)"""
    hidden = small | extra
    if not hidden:
        return False
    remaining = total - sum(v for key, v in counts.items() if key not in hidden)
    low = {key: 1 if key in small else k for key in hidden}
    high = {key: k - 1 if key in small else total for key in hidden}
    for key in small:
        others_high = sum(high[o] for o in hidden if o != key)
        others_low = sum(low[o] for o in hidden if o != key)
        least = max(1, remaining - others_high)
        most = min(k - 1, remaining - others_low)
        if least >= most:
            return True
    return False


def protect_table(
    counts: Mapping[Hashable, int], *, k: int, total: int
) -> tuple[dict[Hashable, Cell], bool]:
    """The cells of one table whose counts add up to ``total``, and whether the table is safe
    with the total shown (False: even hiding every cell leaves a small group pinned)."""
    small = {key for key, value in counts.items() if is_small(value, k)}
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
    """The shown group to hide next (the smallest with somebody in it, ties by key), or None
    when all are hidden. An empty group stays shown: it holds nobody to protect with."""
    candidates = sorted(
        (value, str(key), key) for key, value in counts.items() if key not in hidden and value
    )
    return candidates[0][2] if candidates else None


def _cells(counts: Mapping[Hashable, int], small: set, extra: set) -> dict[Hashable, Cell]:
    return {
        key: Cell(FEWER_THAN_K)
        if key in small
        else Cell(NOT_SHOWN)
        if key in extra
        else Cell(EMPTY, 0)
        if value == 0
        else Cell(SHOWN, value)
        for key, value in counts.items()
    }


def protect_figures(
    counts: Mapping[Hashable, int], *, k: int, forced: Iterable[Hashable] = ()
) -> dict[Hashable, Cell]:
    """Which groups of a breakdown may show a figure (a mean, an SD, a share) for one
    characteristic, when the same figure is shown for everyone. ``counts`` are the respondents
    behind each group's figure; ``forced`` groups are hidden whatever their count (their
    response count is hidden, and their figure would give it back).

    A group's figure needs at least ``k`` respondents (a group of nobody has none, and says so).
    Everyone's figure minus the shown groups'
    is a figure about the hidden groups together, so the hidden groups must together count none
    or at least ``k`` respondents, and a hidden group with respondents is never hidden alone.
    Until both hold, the smallest shown group is hidden too ("not shown"). A Cell's ``value`` is
    the group's count of respondents.
    """
    small = {key for key, value in counts.items() if is_small(value, k)}
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


# --- Over time -----------------------------------------------------------------------------------


def releasable(waiting: Sequence[Iterable[Hashable]], *, k: int) -> set[int]:
    """Which waiting parts may be added to the figures now, by their index in ``waiting``.

    Each waiting part lists the counts it would add 1 to: one per figure it would change, for
    example ``("everyone", "scored")``, ``("team:3", "scored")``, ``("group:nurse", "scored")``
    for one person's score on a characteristic. (A part that changes no count, such as the
    scores of a characteristic the person did not answer, lists nothing and goes at once.)

    A part goes only if every count it lists gains at least k now: a count gaining 1 to k-1
    would let its figure before and after be subtracted to give those few people's answers. So
    the parts of any count gaining 1 to k-1 wait, and since that can leave another count short,
    the rule is applied again until nothing changes. What is left is the largest set of parts
    that moves every count by nobody or at least k (any part this removes could not go in any
    such set: its count was already short among the parts still in the running).
    """
    keys = [frozenset(part) for part in waiting]
    going = set(range(len(keys)))
    while True:
        counts: dict[Hashable, int] = {}
        for index in going:
            for key in keys[index]:
                counts[key] = counts.get(key, 0) + 1
        short = {key for key, count in counts.items() if count < k}
        if not short:
            return going
        going = {index for index in going if not keys[index] & short}


STEPS = "steps"  # a live count shown in steps of k: ``value`` is the step's first count


def in_steps(count: int, k: int) -> Cell:
    """A live count (responses started or submitted, before they are in the results) as the
    tracking page shows it: "no responses yet", "fewer than k", or the step of k it is in
    ("10 to 14"). One more response changes what is shown only when it starts a new step, and
    never says which of the step's people it was."""
    if count == 0:
        return Cell(EMPTY, 0)
    if count < k:
        return Cell(FEWER_THAN_K)
    return Cell(STEPS, count - count % k)
