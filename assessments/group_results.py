"""A round's group results as the pages, charts and exports may show them. Pure: it takes a
snapshot's rollup (``assessments.rollups``), the content's shape and the round's minimum group
size k, and returns only figures that ``assessments.disclosure`` allows, with every hidden cell
saying why. Every page and chart of group results is built from ``RoundFigures``; nothing else
reads the rollup.

Which respondents each figure counts:

* a characteristic's figures (mean, SD, agree share, don't-know rate) count the group's
  respondents with a score for it (``scoring.GroupResult``), and need at least k of them;
* an indicator's distribution counts everyone who answered it, for the collaboration as a
  whole, shown when at least k responses are included;
* Cronbach's alpha counts the complete responses (every item 1–5), from 10 of them and at least k;
* value-mode shares count the respondents who chose at least one value mode, from k of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import combinations

from assessments import disclosure, rollups, scoring
from assessments.disclosure import EMPTY, FEWER_THAN_K, NOT_SHOWN, SHOWN, Cell

TEAMS = "teams"
GROUPS = "groups"
NO_TEAM_LABEL = "No team given"
NO_GROUP_LABEL = "Group not given"
LEARN_FROM_MARGIN = Fraction(1, 2)
VALUE_MODE_DIVERGENCE = 25  # percentage points


@dataclass(frozen=True)
class CharacteristicInfo:
    number: int
    name: str
    short_name: str
    indicator_ids: tuple[int, ...]


@dataclass(frozen=True)
class Figure:
    """One group's figures for one characteristic: ``result`` only when shown."""

    state: str
    result: scoring.GroupResult | None = None
    band: str | None = None

    @property
    def shown(self) -> bool:
        return self.state == SHOWN

    @property
    def empty(self) -> bool:
        return self.state == EMPTY

    @property
    def mean(self) -> Fraction | None:
        return self.result.mean if self.result else None

    @property
    def heat_step(self) -> int | None:
        """The heatmap's colour step of a shown figure (``heat_step``), else None."""
        return heat_step(self.result.mean) if self.shown else None


# --- The heatmap's colour scale -----------------------------------------------------------------
#
# A sequential scale of equal steps over 1–5 (static/css/app.css colours them, one hue from light
# to dark, each with a text colour of at least 4.5:1 on it). The step follows the mean as printed,
# so that two cells showing the same number have the same colour, and a higher one never a
# lighter colour. The band is in words in every cell: the colour only helps the eye.

HEAT_LOW, HEAT_HIGH = Decimal(1), Decimal(5)
HEAT_STEP_WIDTH = Decimal("0.5")
HEAT_STEPS = int((HEAT_HIGH - HEAT_LOW) / HEAT_STEP_WIDTH)


@dataclass(frozen=True)
class HeatStep:
    step: int
    low: Decimal  # the lowest mean shown in this step
    high: Decimal  # the highest


def heat_step(mean: Fraction | float) -> int:
    """The step (1 to ``HEAT_STEPS``) of a 1–5 mean, as printed (two decimals): 1.00–1.49 is 1,
    1.50–1.99 is 2, …, 4.50–5.00 the last."""
    shown = min(max(scoring.shown(mean), HEAT_LOW), HEAT_HIGH)
    return min(int((shown - HEAT_LOW) / HEAT_STEP_WIDTH) + 1, HEAT_STEPS)


_CENT = Decimal("0.01")
HEAT_SCALE = tuple(
    HeatStep(
        step,
        (HEAT_LOW + HEAT_STEP_WIDTH * (step - 1)).quantize(_CENT),
        (HEAT_HIGH if step == HEAT_STEPS else HEAT_LOW + HEAT_STEP_WIDTH * step - _CENT).quantize(
            _CENT
        ),
    )
    for step in range(1, HEAT_STEPS + 1)
)


@dataclass
class GroupRow:
    key: str  # "team:<id>", "team:-", "group:<slug>", "group:-"
    label: str
    responses: Cell
    figures: dict[int, Figure]


@dataclass
class Breakdown:
    name: str  # TEAMS or GROUPS
    rows: list[GroupRow]
    hidden_whole: bool = False  # no row could be shown without giving a small group away

    def shown_rows(self, number: int) -> list[GroupRow]:
        return [row for row in self.rows if row.figures[number].shown]


@dataclass
class RoundFigures:
    k: int
    responses: int  # included in the snapshot (at least k, or nothing is shown)
    characteristics: list[CharacteristicInfo]
    strength_min: Decimal
    developing_min: Decimal
    total: dict[int, Figure]
    teams: Breakdown
    groups: Breakdown
    distributions: dict[int, scoring.Distribution] = field(default_factory=dict)
    alpha: dict[int, tuple[float | None, int]] = field(default_factory=dict)
    value_modes: dict[str, int] | None = None  # slug → respondents choosing it; None: < k
    value_mode_respondents: int = 0

    @property
    def shown(self) -> bool:
        return disclosure.may_show(self.responses, self.k)

    @property
    def heat_scale(self) -> tuple[HeatStep, ...]:
        """The heatmap's colour steps, for its key."""
        return HEAT_SCALE

    def characteristic(self, number: int) -> CharacteristicInfo:
        return next(c for c in self.characteristics if c.number == number)

    def breakdowns(self) -> list[Breakdown]:
        return [self.teams, self.groups]


def _band(result: scoring.GroupResult, strength_min, developing_min) -> str | None:
    return scoring.band(result.mean, strength_min=strength_min, developing_min=developing_min)


def _figure(cell: Mapping, number: int, strength_min, developing_min) -> Figure:
    result = scoring.group_from_sums(number, rollups.characteristic_sums(cell, number))
    return Figure(SHOWN, result, _band(result, strength_min, developing_min))


def _breakdown(
    name: str,
    data: Mapping,
    members: Sequence[tuple[str, str, list[str]]],  # (key, label, the rollup cells in it)
    characteristics: Sequence[CharacteristicInfo],
    *,
    k: int,
    total: int,
    strength_min,
    developing_min,
) -> Breakdown:
    cells = {key: rollups.combine(data, cell_keys) for key, _, cell_keys in members}
    counts = {key: cell["n"] for key, cell in cells.items()}
    count_cells, safe = disclosure.protect_table(counts, k=k, total=total)
    if not safe:
        # Hidden whole, empty rows too: "not shown" beside "no responses yet" would say which
        # rows hold somebody, and with the total, how many.
        count_cells = {key: Cell(NOT_SHOWN) for key in counts}
    forced = {key for key, cell in count_cells.items() if not (cell.shown or cell.empty)}
    figures: dict[str, dict[int, Figure]] = {key: {} for key in cells}
    for characteristic in characteristics:
        number = characteristic.number
        ns = {key: rollups.characteristic_sums(cell, number).n for key, cell in cells.items()}
        decided = disclosure.protect_figures(ns, k=k, forced=forced)
        for key, cell in cells.items():
            if decided[key].shown:
                figures[key][number] = _figure(cell, number, strength_min, developing_min)
            elif key in forced:
                # A row whose count is hidden says no more about its figures than about its
                # count: "fewer than k" under a hidden count would tell how big the row is.
                figures[key][number] = Figure(count_cells[key].state)
            else:
                figures[key][number] = Figure(decided[key].state)
    rows = [
        GroupRow(key=key, label=label, responses=count_cells[key], figures=figures[key])
        for key, label, _ in members
    ]
    return Breakdown(name=name, rows=rows, hidden_whole=not safe)


def _members(
    prefix: str,
    listed: Sequence[tuple],
    value_of: Mapping[str, object],
    *,
    unlisted,
    missing: str,
) -> list[tuple[str, str, list[str]]]:
    """The rows of one breakdown as (row key, label, the rollup cells in it): each listed team or
    group (even with no cell), then any other value the cells hold (a team since removed, a
    group no longer offered), then the cells with no value at all, when there are some."""
    rows = []
    for value, label in listed:
        rows.append((f"{prefix}:{value}", label, [k for k, v in value_of.items() if v == value]))
    known = {value for value, _ in listed}
    for value in sorted({v for v in value_of.values() if v is not None and v not in known}):
        rows.append(
            (f"{prefix}:{value}", unlisted(value), [k for k, v in value_of.items() if v == value])
        )
    without = [k for k, v in value_of.items() if v is None]
    if without:
        rows.append((f"{prefix}:-", missing, without))
    return rows


def build(
    data: Mapping,
    *,
    responses: int,
    k: int,
    characteristics: Sequence[CharacteristicInfo],
    teams: Sequence[tuple[int, str]],
    groups: Sequence[tuple[str, str]],
    strength_min: Decimal,
    developing_min: Decimal,
    group_labels: Mapping[str, str] | None = None,
) -> RoundFigures:
    """The figures of a snapshot (``data`` with ``responses`` included). ``teams`` and ``groups``
    list the collaboration's teams and offered stakeholder groups, (id or slug, label), in the
    order the page shows them; a cell of the rollup for a team or group not listed still counts
    (its own row, so that nothing hides in the difference between everyone and the rows)."""
    characteristics = list(characteristics)
    cell_keys = list(data.get("cells", {}))
    hidden_all = {c.number: Figure(FEWER_THAN_K) for c in characteristics}
    empty_breakdowns = (Breakdown(TEAMS, []), Breakdown(GROUPS, []))
    result = RoundFigures(
        k=k,
        responses=responses,
        characteristics=characteristics,
        strength_min=strength_min,
        developing_min=developing_min,
        total=hidden_all,
        teams=empty_breakdowns[0],
        groups=empty_breakdowns[1],
    )
    if not disclosure.may_show(responses, k):
        return result

    everyone = rollups.combine(data, cell_keys)
    total: dict[int, Figure] = {}
    for c in characteristics:
        n = rollups.characteristic_sums(everyone, c.number).n
        if disclosure.may_show(n, k):
            total[c.number] = _figure(everyone, c.number, strength_min, developing_min)
        else:
            total[c.number] = Figure(EMPTY if n == 0 else FEWER_THAN_K)
    result.total = total

    split = {key: rollups.split_key(key) for key in cell_keys}
    team_members = _members(
        "team",
        teams,
        {key: team for key, (team, _) in split.items()},
        unlisted=lambda team_id: f"Team {team_id} (removed)",
        missing=NO_TEAM_LABEL,
    )
    group_members = _members(
        "group",
        groups,
        {key: group or None for key, (_, group) in split.items()},
        unlisted=lambda slug: (group_labels or {}).get(slug, slug),
        missing=NO_GROUP_LABEL,
    )

    options = {
        "k": k,
        "total": responses,
        "strength_min": strength_min,
        "developing_min": developing_min,
    }
    result.teams = _breakdown(TEAMS, data, team_members, characteristics, **options)
    result.groups = _breakdown(GROUPS, data, group_members, characteristics, **options)

    for c in characteristics:
        for indicator_id in c.indicator_ids:
            result.distributions[indicator_id] = rollups.distribution(everyone, indicator_id)
        sums = rollups.alpha_sums(everyone, c.number, c.indicator_ids)
        alpha = scoring.cronbach_alpha(sums) if disclosure.may_show(sums.n, k) else None
        result.alpha[c.number] = (alpha, sums.n)
    answered = everyone["vm"].get("answered", 0)
    result.value_mode_respondents = answered
    if disclosure.may_show(answered, k):
        result.value_modes = {
            slug: count for slug, count in everyone["vm"].items() if slug != "answered"
        }
    return result


# --- A round as the next round's radar draws it ---------------------------------------------------


def collaboration_means(data: Mapping) -> dict[str, dict]:
    """The collaboration's mean (as shown: two decimals) and respondents on each characteristic
    of a snapshot's sums, ``{"<number>": {"mean": 3.25, "n": 40}}``: what the snapshot keeps
    for the rounds after it (``RoundSnapshot.collaboration_means``). It depends on the sums
    alone; ``previous_means`` applies the round's k when a page reads it."""
    everyone = rollups.combine(data, data.get("cells", {}))
    means = {}
    for key in everyone["c"]:
        result = scoring.group_from_sums(int(key), rollups.characteristic_sums(everyone, int(key)))
        if result.mean is not None:
            means[key] = {"mean": float(scoring.shown(result.mean)), "n": result.n}
    return means


def previous_means(stored: Mapping, k: int) -> dict[int, float]:
    """The stored ``collaboration_means`` a later round may draw, by characteristic number: as
    far as the earlier round's own minimum group size ``k`` allows."""
    return {int(key): value["mean"] for key, value in stored.items() if value["n"] >= k}


# --- What the pages say about the figures --------------------------------------------------------


@dataclass(frozen=True)
class Priority:
    number: int
    figure: Figure
    weight: float
    reasons: tuple[str, ...]  # value-mode names that weighted it up


def collaboration_priorities(
    figures: RoundFigures,
    weights: Mapping[int, float],
    reasons: Mapping[int, Sequence[str]],
) -> tuple[list[Priority], list[Priority]]:
    """(priorities, strengths) of the collaboration as a whole. Priorities: every characteristic
    in the priority band, most in need first, the need weighted by the value modes the
    collaboration declared (``scoring.priorities``); when none is in the priority band, the
    developing ones in the same order. Strengths: the strength band, highest first."""
    shown = {n: f for n, f in figures.total.items() if f.shown}
    ordered = scoring.priorities([f.result for f in shown.values()], weights)

    def entry(number: int) -> Priority:
        return Priority(
            number, shown[number], weights.get(number, 1.0), tuple(reasons.get(number, ()))
        )

    in_band = [entry(r.number) for r in ordered if shown[r.number].band == scoring.PRIORITY]
    if not in_band:
        in_band = [entry(r.number) for r in ordered if shown[r.number].band == scoring.DEVELOPING]
    strengths = sorted(
        (entry(n) for n, f in shown.items() if f.band == scoring.STRENGTH),
        key=lambda p: (-p.figure.mean, p.number),
    )
    return in_band, strengths


def views_differ(figures: RoundFigures, number: int) -> list[int]:
    """The indicators of a characteristic whose answers split (``Distribution.views_differ``)."""
    if not figures.shown:
        return []
    c = figures.characteristic(number)
    return [i for i in c.indicator_ids if figures.distributions[i].views_differ]


def high_dont_know(figures: RoundFigures, number: int) -> list[int]:
    if not figures.shown:
        return []
    c = figures.characteristic(number)
    return [i for i in c.indicator_ids if figures.distributions[i].high_dont_know]


@dataclass(frozen=True)
class Gap:
    number: int
    first: GroupRow
    second: GroupRow
    difference: Fraction  # first's mean minus second's, first the higher

    @property
    def interval(self) -> scoring.Interval | None:
        """Welch's 95 % interval of the difference (``scoring.difference_interval``)."""
        return scoring.difference_interval(
            self.first.figures[self.number].result, self.second.figures[self.number].result
        )

    @property
    def clear(self) -> bool:
        """The gap is more than its uncertainty; otherwise it may be noise."""
        interval = self.interval
        return interval is not None and interval.excludes_zero

    @property
    def shown_difference(self) -> Decimal:
        """The gap as the page prints it: the difference of the two means as printed beside it
        (``scoring.shown_gap``), so that the subtraction checks."""
        return scoring.shown_gap(
            self.first.figures[self.number].mean, self.second.figures[self.number].mean
        )


def perspective_gaps(figures: RoundFigures) -> list[Gap]:
    """Every pair of shown stakeholder groups, per characteristic, largest gap first."""
    gaps = []
    for c in figures.characteristics:
        rows = [r for r in figures.groups.shown_rows(c.number) if r.key != "group:-"]
        for a, b in combinations(rows, 2):
            first, second = (
                (a, b) if a.figures[c.number].mean >= b.figures[c.number].mean else (b, a)
            )
            gaps.append(
                Gap(
                    c.number,
                    first,
                    second,
                    first.figures[c.number].mean - second.figures[c.number].mean,
                )
            )
    # Largest as printed first, so that the printed column never goes up (0.38 before 0.39).
    return sorted(
        gaps,
        key=lambda g: (
            -g.shown_difference,
            -g.difference,
            g.number,
            g.first.label,
            g.second.label,
        ),
    )


@dataclass(frozen=True)
class LearnFrom:
    number: int
    collaboration_mean: Fraction
    leaders: list[GroupRow]  # at least 0.5 above the collaboration's mean, and clearly above
    learners: list[GroupRow]  # below the collaboration's mean
    # At least 0.5 above, but within the uncertainty: may be noise, not offered as a peer.
    unclear: list[GroupRow] = field(default_factory=list)
    total: scoring.GroupResult | None = None  # the collaboration's figures

    @property
    def intervals(self) -> dict[str, scoring.Interval | None]:
        """Per row key of a leader or an unclear one: Welch's 95 % interval of its mean minus
        the collaboration's (see ``above``)."""
        return {
            row.key: scoring.difference_interval(row.figures[self.number].result, self.total)
            for row in [*self.leaders, *self.unclear]
        }


def learn_from(figures: RoundFigures) -> list[LearnFrom]:
    result = []
    for c in figures.characteristics:
        total = figures.total[c.number]
        if not total.shown:
            continue
        rows = [r for r in figures.teams.shown_rows(c.number) if r.key != "team:-"]
        ahead = sorted(
            (r for r in rows if r.figures[c.number].mean - total.mean >= LEARN_FROM_MARGIN),
            key=lambda r: -r.figures[c.number].mean,
        )
        clear = {r.key for r in ahead if above(r.figures[c.number].result, total.result)}
        leaders = [r for r in ahead if r.key in clear]
        unclear = [r for r in ahead if r.key not in clear]
        learners = sorted(
            (r for r in rows if r.figures[c.number].mean < total.mean),
            key=lambda r: r.figures[c.number].mean,
        )
        result.append(
            LearnFrom(c.number, total.mean, leaders, learners, unclear, total=total.result)
        )
    return result


def above(team: scoring.GroupResult, collaboration: scoring.GroupResult) -> bool:
    """Is a team's mean above the collaboration's by more than its uncertainty? Welch's
    interval of the two means as if they were separate samples: the team is part of the
    collaboration, so this overstates the uncertainty of the difference (it errs towards "may
    be noise"), and it needs no figure about the rest of the collaboration, which may be a
    group that is not shown."""
    interval = scoring.difference_interval(team, collaboration)
    return interval is not None and interval.shown_low > 0


@dataclass(frozen=True)
class EachTeamOnce:
    """The collaboration's mean with every team counting once: the mean of the shown teams'
    means. ``mean`` is None with fewer than two teams shown."""

    number: int
    mean: Fraction | None
    teams: int  # teams whose figure is shown, each counted once
    left_out: int  # teams listed whose figure is not shown: not in the mean


MIN_TEAMS_FOR_EACH_ONCE = 2


def each_team_once(figures: RoundFigures, number: int) -> EachTeamOnce:
    """Only the shown teams count: the mean of every team's mean, hidden ones included, would
    give a hidden team's mean away by difference (n × mean of the others is on the page). The
    responses without a team are not a team and are left out; so are teams that are not shown,
    whatever the reason (no responses, fewer than k, or hidden to protect another), and the
    page says how many, never which reason."""
    if not figures.shown or not figures.total[number].shown:
        return EachTeamOnce(number, None, 0, 0)
    teams = [row for row in figures.teams.rows if row.key != "team:-"]
    shown = [row.figures[number].mean for row in teams if row.figures[number].shown]
    if len(shown) < MIN_TEAMS_FOR_EACH_ONCE:
        return EachTeamOnce(number, None, len(shown), len(teams) - len(shown))
    return EachTeamOnce(number, scoring.mean_of_means(shown), len(shown), len(teams) - len(shown))


@dataclass(frozen=True)
class Reliability:
    """Cronbach's alpha of one characteristic, for the collaboration as a whole (the only group
    it is worked out for), with how many complete responses it used of the respondents with a
    score, Feldt's 95 % interval and what can be said (``scoring.alpha_reading``)."""

    number: int
    alpha: float | None
    complete: int  # complete responses behind alpha (every statement answered 1–5)
    of: int | None  # the collaboration's respondents with a score; None when not shown
    interval: scoring.Interval | None
    reading: str | None

    @property
    def shown_alpha(self) -> Decimal | None:
        return scoring.shown(self.alpha)

    @property
    def complete_shown(self) -> bool:
        """The count of complete responses may be shown: the collaboration's figure is, and
        the count is at least k (a count below k is never shown)."""
        return self.of is not None


def reliability(figures: RoundFigures, number: int) -> Reliability:
    alpha, complete = figures.alpha.get(number, (None, 0))
    total = figures.total.get(number)
    shown = figures.shown and total is not None and total.shown
    of = total.result.n if shown and disclosure.may_show(complete, figures.k) else None
    items = len(figures.characteristic(number).indicator_ids)
    interval = scoring.alpha_interval(alpha, complete, items) if of is not None else None
    return Reliability(number, alpha, complete, of, interval, scoring.alpha_reading(interval))


@dataclass(frozen=True)
class ValueModeAlignment:
    slug: str
    name: str
    declared: bool
    chosen: int
    share: Fraction  # of the respondents who chose any value mode
    diverges: bool  # declared but chosen by under 75 %, or not declared and chosen by over 25 %


def value_mode_alignment(
    figures: RoundFigures, modes: Sequence[tuple[str, str]], declared: set[str]
) -> list[ValueModeAlignment] | None:
    if figures.value_modes is None:
        return None
    rows = []
    for slug, name in modes:
        chosen = figures.value_modes.get(slug, 0)
        share = Fraction(chosen, figures.value_mode_respondents)
        target = 100 if slug in declared else 0
        rows.append(
            ValueModeAlignment(
                slug,
                name,
                slug in declared,
                chosen,
                share,
                abs(share * 100 - target) > VALUE_MODE_DIVERGENCE,
            )
        )
    return rows


# --- Export -------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_HEADER = [
    "Breakdown",
    "Group",
    "Characteristic number",
    "Characteristic",
    "n (respondents with a score)",
    "Mean (1-5)",
    f"SD (from n = {scoring.SD_MIN_N})",
    "Band",
    "Agree share",
    "Don't-know rate",
    "Cronbach's alpha",
    "Note",
    # How sure each figure is (docs/scoring.md), after the note so that the columns above keep
    # their places for anyone who reads them by position.
    "Mean 95% interval low",
    "Mean 95% interval high",
    "Many don't know (30% or more)",
    "Alpha 95% interval low",
    "Alpha 95% interval high",
    "Alpha complete responses",
]


def safe_cell(value) -> str:
    """A cell a spreadsheet will not run: text starting like a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _text(figure: Decimal | None) -> str:
    """A figure as the CSV writes it, already rounded by ``scoring``: empty when there is none."""
    return "" if figure is None else str(figure)


def export_rows(figures: RoundFigures) -> list[list[str]]:
    """The round's aggregate table, one row per group and characteristic, with exactly what
    the pages show: a hidden figure's row says why, with no number."""
    if not figures.shown:
        return []  # fewer than k responses: no row at all (the view says so)
    k = figures.k
    reasons = {
        EMPTY: "no responses counted yet",
        FEWER_THAN_K: f"fewer than {k} responses",
        NOT_SHOWN: "not shown (so that a smaller group cannot be worked out)",
    }
    rows: list[list[str]] = []

    def add(
        breakdown: str,
        label: str,
        c: CharacteristicInfo,
        figure: Figure,
        alpha=None,
        sure: Reliability | None = None,
    ):
        if figure.shown:
            r = figure.result
            rows.append(
                [
                    breakdown,
                    label,
                    str(c.number),
                    c.name,
                    str(r.n),
                    str(scoring.shown(r.mean)),
                    _text(r.shown_sd),
                    figure.band or "",
                    _text(scoring.rounded(r.agree_share, scoring.CSV_SHARE_PLACES)),
                    _text(scoring.rounded(r.dont_know_rate, scoring.CSV_SHARE_PLACES)),
                    _text(scoring.rounded(alpha, scoring.ALPHA_PLACES)),
                    "",
                ]
            )
        else:
            rows.append([breakdown, label, str(c.number), c.name, *[""] * 7, reasons[figure.state]])
        rows[-1] += _sureness_cells(figure, sure)

    for c in figures.characteristics:
        alpha = figures.alpha.get(c.number, (None, 0))[0]
        sure = reliability(figures, c.number)
        add("Collaboration", "Everyone", c, figures.total[c.number], alpha, sure)
    for breakdown, name in ((figures.teams, "Team"), (figures.groups, "Stakeholder group")):
        for row in breakdown.rows:
            for c in figures.characteristics:
                add(name, row.label, c, row.figures[c.number])
    return [[safe_cell(cell) for cell in row] for row in rows]


AGREED_BREAKDOWN = "Agreed in a workshop"


def agreed_rows(
    characteristics: Sequence[CharacteristicInfo], agreed: Mapping[int, int | None], label: str
) -> list[list[str]]:
    """The scores a consensus workshop agreed, a row per characteristic it recorded, after the
    survey's rows: "Agreed in a workshop" as the breakdown, the agreed score in the mean's
    column (empty where the room could not agree, and the note says so), and ``label`` (the
    workshop's date and how many took part) in the note. They are the room's judgement, not a
    figure from anyone's answers: no n, SD or band."""
    width = len(CSV_HEADER)
    note = CSV_HEADER.index("Note")
    mean = CSV_HEADER.index("Mean (1-5)")
    rows = []
    for c in characteristics:
        if c.number not in agreed:
            continue
        row = [""] * width
        row[:4] = [AGREED_BREAKDOWN, "The room", str(c.number), c.name]
        score = agreed[c.number]
        if score is None:
            row[note] = f"Could not agree. {label}"
        else:
            row[mean] = str(score)
            row[note] = label
        rows.append(row)
    return [[safe_cell(cell) for cell in row] for row in rows]


def _sureness_cells(figure: Figure, sure: Reliability | None) -> list[str]:
    """The CSV's last six cells: the mean's interval and don't-know flag (shown figures only),
    then alpha's interval and count of complete responses (the collaboration's rows only)."""
    cells = ["", "", ""]
    interval = figure.result.interval if figure.shown else None
    if interval is not None:
        cells = [
            str(interval.shown_low),
            str(interval.shown_high),
            "yes" if figure.result.high_dont_know else "no",
        ]
    alpha = ["", "", ""]
    if sure is not None and sure.complete_shown:
        alpha[2] = str(sure.complete)
        if sure.interval is not None:
            alpha[:2] = [str(sure.interval.shown_low), str(sure.interval.shown_high)]
    return cells + alpha


# --- Statements that split the room (a consensus workshop) --------------------------------------

SPLIT_ROOM_MIN_OUTSIDE = 4
# SCIROCCO's four, in the room of up to sixteen its workshops are made for: a quarter of them.
# A survey of hundreds would meet "four" on every statement, so above sixteen ratings the rule
# asks for the same share (a quarter) instead.
SPLIT_ROOM_MIN_SHARE = Fraction(1, 4)


def _median(counts: Sequence[int]) -> Fraction:
    """The median of the ratings 1–5 counted in ``counts`` (the mean of the two middle ones when
    their number is even), from the counts alone: a large round has thousands of ratings."""

    def nth(position: int) -> int:  # the rating at 0-based ``position`` in sorted order
        seen = 0
        for value, count in zip(range(1, 6), counts, strict=True):
            seen += count
            if position < seen:
                return value
        raise ValueError("position beyond the ratings")

    n = sum(counts)
    if n % 2:
        return Fraction(nth(n // 2))
    return Fraction(nth(n // 2 - 1) + nth(n // 2), 2)


def splits_room(counts: Sequence[int]) -> bool:
    """Whether one statement's ratings split the room, so that a workshop discusses it first.

    ``counts`` are the numbers of ratings of 1, 2, 3, 4 and 5 ("don't know" is not a rating and
    is left out). The rule is SCIROCCO's, from the consensus workshop that follows its maturity
    model's individual self-assessments (as cited in issue 20): a statement splits the room when
    at least ``SPLIT_ROOM_MIN_OUTSIDE`` (4) ratings lie outside one point either side of the
    median, that is more than one point from it (with a median of 3.5, the ratings 1, 2 and 5).

    Our documented adaptation: SCIROCCO's four are a quarter of the sixteen people its workshops
    are made for, and a survey's distribution can hold hundreds of ratings, where four outliers
    would flag every statement. So the count asked for is four, or a quarter of the ratings when
    there are more than sixteen (``SPLIT_ROOM_MIN_SHARE``): the same rule in a room, the same
    share in a large round.

    It differs from ``Distribution.views_differ`` (the "views differ" flag of every results
    page): that one asks for at least a quarter agreeing (4 or 5) and a quarter disagreeing (1 or
    2) and says nothing about the middle; this one measures distance from the median, so it also
    catches outliers on one side only (a room at 4 with a quarter at 1 or 2), and not two camps
    a point either side of 3. It is only ever applied to a distribution the pages show
    (``split_room``), so it tells nothing they do not."""
    n = sum(counts)
    if n == 0:
        return False
    median = _median(counts)
    outside = sum(
        count for value, count in zip(range(1, 6), counts, strict=True) if abs(value - median) > 1
    )
    return outside >= max(SPLIT_ROOM_MIN_OUTSIDE, SPLIT_ROOM_MIN_SHARE * n)


def split_room(figures: RoundFigures, number: int) -> list[int]:
    """The indicators of a characteristic whose shown distribution splits the room
    (``splits_room``); none while the round's figures are not shown."""
    if not figures.shown:
        return []
    c = figures.characteristic(number)
    return [
        i
        for i in c.indicator_ids
        if i in figures.distributions and splits_room(figures.distributions[i].counts)
    ]
