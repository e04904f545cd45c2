"""Group results never show a figure about fewer than k respondents, nor let one be subtracted.

Property-based: hypothesis generates whole rounds (k, teams of random sizes, responses without a
team, skewed stakeholder-group mixes, answers with gaps and don't-knows, value modes), runs them
through ``rollups.rebuild`` and ``group_results.build``, and checks what comes out against counts
and scores worked out here from the raw responses, independently of the rollups. The reader's
side is played as in ``test_disclosure.py``: from the shown cells, the shown total and the
published rule, every count a hidden small group could still hold is listed, and none may be
pinned to "nobody answered" or "somebody did".

Pure: no database.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from assessments import rollups, scoring
from assessments.disclosure import EMPTY, FEWER_THAN_K, NOT_SHOWN, SHOWN
from assessments.group_results import (
    CharacteristicInfo,
    RoundFigures,
    build,
    collaboration_priorities,
    high_dont_know,
    learn_from,
    perspective_gaps,
    value_mode_alignment,
    views_differ,
)

SLUGS = ("funder", "partner", "community", "staff")
MODES = (("care", "Care"), ("justice", "Justice"), ("growth", "Growth"))
STRENGTH_MIN = Decimal("4.00")
DEVELOPING_MIN = Decimal("3.00")

SETTINGS = settings(
    max_examples=500,
    deadline=None,
    database=None,  # no .hypothesis directory in the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- Generated rounds -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    team: int | None
    group: str  # "" when not given
    answers: dict  # indicator id → 1..5, or None for don't know; not answered: left out
    modes: tuple[str, ...]


@dataclass(frozen=True)
class Round:
    k: int
    structure: tuple[tuple[int, tuple[int, ...]], ...]  # (number, indicator ids)
    team_ids: tuple[int, ...]
    groups: tuple[str, ...]  # the slugs offered (those in the mix)
    responses: tuple[Response, ...]


def _answer(rng, p_dont_know, p_omit):
    """An answer: 1..5, None (don't know), or the sentinel ``...`` for not answered."""
    roll = rng.random()
    if roll < p_omit:
        return ...
    if roll < p_omit + p_dont_know:
        return None
    return rng.randint(1, 5)


def _cumulative(weights):
    running, result = 0, []
    for weight in weights:
        running += weight
        result.append(running)
    return result


@st.composite
def rounds(draw):
    k = draw(st.integers(3, 10))
    item_counts = draw(st.lists(st.integers(2, 4), min_size=3, max_size=3))
    first_id = draw(st.integers(1, 500))
    structure, next_id = [], first_id
    for number, count in enumerate(item_counts, start=1):
        structure.append((number, tuple(range(next_id, next_id + count))))
        next_id += count

    team_ids = draw(st.lists(st.integers(1, 9999), min_size=1, max_size=6, unique=True))
    # Sizes from 0 to 30, with plenty near k (where the rules bite) and teams with nobody yet.
    size = st.one_of(st.integers(0, 30), st.integers(0, 2 * k), st.just(0), st.integers(0, 3))
    sizes = [draw(size) for _ in team_ids]
    no_team = draw(st.one_of(st.just(0), st.integers(1, 3), st.integers(0, 2 * k)))

    # A skewed mix over the slugs and "" (not given): some groups big, some tiny, some absent.
    weights = draw(st.lists(st.sampled_from([0, 0, 1, 1, 3, 10, 40]), min_size=5, max_size=5))
    if not any(weights):
        weights[-1] = 1
    mix = [*SLUGS, ""]
    offered = tuple(slug for slug, weight in zip(SLUGS, weights, strict=False) if weight)

    p_dont_know = draw(st.sampled_from([0.0, 0.1, 0.3]))
    p_omit = draw(st.sampled_from([0.0, 0.1, 0.4]))
    p_sparse = draw(st.sampled_from([0.0, 0.15, 0.5]))  # respondents answering too little
    p_modes = draw(st.sampled_from([0.0, 0.3, 0.8, 1.0]))
    rng = draw(st.randoms(use_true_random=False))

    def respondent(team):
        # (Not rng.choices: hypothesis's Random does not honour its weights.)
        pick = rng.randrange(sum(weights))
        group = next(g for g, w in zip(mix, _cumulative(weights), strict=True) if pick < w)
        answers = {}
        sparse = rng.random() < p_sparse
        for _, indicator_ids in structure:
            for indicator_id in indicator_ids:
                if sparse:
                    # At most one answer per characteristic, often none or don't know.
                    if indicator_id != indicator_ids[0] or rng.random() < 0.5:
                        continue
                    value = rng.choice([None, rng.randint(1, 5)])
                else:
                    value = _answer(rng, p_dont_know, p_omit)
                    if value is ...:
                        continue
                answers[indicator_id] = value
        modes = ()
        if rng.random() < p_modes:
            chosen = rng.sample([slug for slug, _ in MODES], rng.randint(1, 3))
            modes = tuple(sorted(chosen))
        return Response(team, group, answers, modes)

    responses = [
        respondent(team) for team, n in zip(team_ids, sizes, strict=True) for _ in range(n)
    ]
    responses += [respondent(None) for _ in range(no_team)]
    return Round(k, tuple(structure), tuple(team_ids), offered, tuple(responses))


def _characteristics(round_):
    return [
        CharacteristicInfo(number, f"Characteristic {number}", f"C{number}", ids)
        for number, ids in round_.structure
    ]


def _build(round_) -> RoundFigures:
    data = rollups.rebuild(
        rollups.Structure(round_.structure),
        [(r.team, r.group, r.answers, list(r.modes)) for r in round_.responses],
    )
    return build(
        data,
        responses=len(round_.responses),
        k=round_.k,
        characteristics=_characteristics(round_),
        teams=[(team, f"Team {team}") for team in round_.team_ids],
        groups=[(slug, slug.title()) for slug in round_.groups],
        strength_min=STRENGTH_MIN,
        developing_min=DEVELOPING_MIN,
    )


# --- The truth, from the raw responses ----------------------------------------------------------


def _members(round_, row_key):
    """The responses behind a row, by its key ("team:<id>", "team:-", "group:<slug>", "group:-")."""
    kind, _, value = row_key.partition(":")
    if kind == "team":
        team = None if value == "-" else int(value)
        return [r for r in round_.responses if r.team == team]
    group = "" if value == "-" else value
    return [r for r in round_.responses if r.group == group]


def _given(response, indicator_ids):
    return [response.answers[i] for i in indicator_ids if i in response.answers]


def _score(response, indicator_ids):
    """The respondent's score for a characteristic: the mean of their 1–5 answers when at least
    half of its items have one; None otherwise."""
    numeric = [v for v in _given(response, indicator_ids) if v is not None]
    if not numeric or 2 * len(numeric) < len(indicator_ids):
        return None
    return Fraction(sum(numeric), len(numeric))


def _scored(responses, indicator_ids):
    return [r for r in responses if _score(r, indicator_ids) is not None]


def _ids(round_, number):
    return dict(round_.structure)[number]


def _check_figure(round_, figure, responses, number, where):
    """A shown figure: at least k respondents behind it, and exactly the true figures."""
    k, ids = round_.k, _ids(round_, number)
    scored = _scored(responses, ids)
    result = figure.result
    assert figure.state == SHOWN and result is not None, where
    assert result.n >= k, (where, result.n, k)
    assert result.n == len(scored), (where, result.n, len(scored))
    scores = [_score(r, ids) for r in scored]
    assert result.mean == sum(scores) / len(scores), where
    agree = [
        Fraction(
            sum(1 for v in _given(r, ids) if v in (4, 5)),
            sum(1 for v in _given(r, ids) if v is not None),
        )
        for r in scored
    ]
    assert result.agree_share == sum(agree) / len(agree), where
    dont_know = [
        Fraction(sum(1 for v in _given(r, ids) if v is None), len(_given(r, ids))) for r in scored
    ]
    assert result.dont_know_rate == sum(dont_know) / len(dont_know), where
    assert math.isclose(result.sd, statistics.stdev(float(s) for s in scores), abs_tol=1e-9), where
    not_enough = sum(1 for r in responses if _given(r, ids) and _score(r, ids) is None)
    assert result.not_enough == not_enough, where
    band = scoring.band(result.mean, strength_min=STRENGTH_MIN, developing_min=DEVELOPING_MIN)
    assert figure.band == band, where


# --- The reader -----------------------------------------------------------------------------------


def _sums_reachable(ranges):
    """Every total the given integer ranges can add up to, as a bitset (bit s set: s reachable)."""
    reachable = 1
    for low, high in ranges:
        spread = 0
        for value in range(low, high + 1):
            spread |= reachable << value
        reachable = spread
    return reachable


OUTSIDE_ROWS = ("team:-", "group:-")  # rows that appear only when someone is in them


def _reader_pins(breakdown, counts, k, total, *, figure_states=False, row_presence=False):
    """The small groups (true count 1 to k-1) whose hidden count a reader could pin to one value
    from the shown cells, the total and the rule: an empty cell holds 0, one reading "fewer than
    k" 1..k-1, one "not shown" k..total, and in a table hidden whole any cell may hold anything.
    Brute force over every assignment of the hidden cells that adds up.

    A sharper reader also uses the rows' figure states (``figure_states``: a figure "not shown",
    hidden only to protect another, has at least k respondents behind it) and which rows are
    there at all (``row_presence``: the rows for responses without a team or group appear only
    when there are some)."""
    rows = breakdown.rows
    hidden = [row for row in rows if not (row.responses.shown or row.responses.empty)]
    remaining = total - sum(row.responses.value for row in rows if row.responses.shown)

    def possible(row):
        if row.responses.state == FEWER_THAN_K:
            low, high = 1, k - 1
        else:
            assert row.responses.state == NOT_SHOWN, row
            low, high = (0, total) if breakdown.hidden_whole else (k, total)
        if (
            figure_states
            and not breakdown.hidden_whole  # there every cell reads "not shown", whatever it holds
            and any(f.state == NOT_SHOWN for f in row.figures.values())
        ):
            low = max(low, k)
        if row_presence and row.key in OUTSIDE_ROWS:
            low = max(low, 1)
        return low, high

    pinned = []
    for row in hidden:
        if counts[row.key] >= k or counts[row.key] == 0:
            continue  # at least k, or nobody: nothing to protect
        low, high = possible(row)
        others = _sums_reachable([possible(o) for o in hidden if o is not row])
        values = [
            v for v in range(low, high + 1) if v <= remaining and others >> (remaining - v) & 1
        ]
        assert counts[row.key] in values, ("the rule does not fit the truth", row.key, values)
        if len(values) == 1:
            pinned.append((row.key, values))
    return pinned


def _events(figures):
    """What the generated rounds cover (pytest --hypothesis-show-statistics)."""
    if not figures.shown:
        event("fewer than k responses")
        return
    for breakdown in figures.breakdowns():
        states = {f.state for row in breakdown.rows for f in row.figures.values()}
        if breakdown.hidden_whole:
            event(f"{breakdown.name}: counts hidden whole")
        if any(row.responses.state == NOT_SHOWN for row in breakdown.rows):
            event(f"{breakdown.name}: a count hidden to protect another")
        if any(
            row.responses.shown and f.state == NOT_SHOWN
            for row in breakdown.rows
            for f in row.figures.values()
        ):
            event(f"{breakdown.name}: a figure hidden to protect another")
        if FEWER_THAN_K in states and SHOWN in states:
            event(f"{breakdown.name}: shown and small figures side by side")
    if any(row.key == "team:-" for row in figures.teams.rows):
        event("responses without a team")
    if any(alpha is not None for alpha, _ in figures.alpha.values()):
        event("alpha shown")
    if figures.value_modes is not None:
        event("value modes shown")
    if not all(f.shown for f in figures.total.values()):
        event("a total figure hidden")


def _export_matches_the_pages(figures):
    """The CSV export carries a number exactly where the pages show a figure, and that
    figure's n and mean (the same suppression, from the same RoundFigures)."""
    from assessments import group_results, scoring

    rows = group_results.export_rows(figures)
    expected = []
    if figures.shown:
        for c in figures.characteristics:
            expected.append(figures.total[c.number])
        for breakdown in figures.breakdowns():
            for row in breakdown.rows:
                for c in figures.characteristics:
                    expected.append(row.figures[c.number])
    assert len(rows) == len(expected)
    for row, figure in zip(rows, expected, strict=True):
        n, mean = row[4], row[5]
        if figure.shown:
            assert figure.result.n >= figures.k
            assert n == str(figure.result.n) and mean == str(scoring.shown(figure.result.mean))
        else:
            assert all(cell == "" for cell in row[4:11]) and row[11], row


def _report_heatmap_matches_the_pages(figures):
    """The PDF report's heatmap (its HTML, rendered from the figures alone) shows a number exactly
    where the pages show a figure, with that figure's mean, band and n, and a hidden cell says why
    in the heatmap page's words, with no number but k; a response count likewise."""
    import re

    from django.template.loader import render_to_string

    from assessments import reports, scoring
    from tests.assessments.heatmap_html import heatmap_tables

    k, numbers = figures.k, [c.number for c in figures.characteristics]
    words = {EMPTY: "no responses yet", FEWER_THAN_K: f"fewer than {k}", NOT_SHOWN: "not shown"}

    def check(text, cell, where, *, figure=True):
        if cell.shown:
            if figure:
                assert cell.result.n >= k, where
                band = cell.band.capitalize()
                assert text == f"{scoring.shown(cell.result.mean)} {band} n={cell.result.n}", where
            else:
                assert cell.value >= k and text == str(cell.value), where
        else:
            said = "none yet" if figure and cell.state == EMPTY else words[cell.state]
            assert text.startswith(said), (where, text)
            assert not re.search(r"\d", text.replace(str(k), "", 1)), (where, text)

    html = render_to_string("reports/_heatmap.html", reports.heatmap_context(figures))
    tables = heatmap_tables(html)
    assert len(tables) == 2
    for table, breakdown in zip(tables, figures.breakdowns(), strict=True):
        (everyone, *rows) = table["rows"]
        assert everyone[0][0] == "Collaboration"
        expected = str(figures.responses) if figures.shown else f"fewer than {k}"
        assert everyone[1][0] == expected
        for number, (text, _) in zip(numbers, everyone[2:], strict=True):
            check(text, figures.total[number], ("total", number))
        if not breakdown.rows:
            assert len(rows) == 1 and rows[0][0][0].startswith("No "), rows
            continue
        by_label = {row.label: row for row in breakdown.rows}
        assert sorted(cells[0][0] for cells in rows) == sorted(by_label)
        for cells in rows:
            row = by_label[cells[0][0]]
            check(cells[1][0], row.responses, (row.key, "responses"), figure=False)
            for number, (text, _) in zip(numbers, cells[2:], strict=True):
                check(text, row.figures[number], (row.key, number))


# --- Properties -----------------------------------------------------------------------------------


@pytest.mark.slow
@SETTINGS
@given(rounds())
def test_group_results_never_show_or_give_away_a_figure_about_fewer_than_k(round_):
    figures = _build(round_)
    k, total = round_.k, len(round_.responses)
    numbers = [number for number, _ in round_.structure]
    assert figures.responses == total and figures.k == k

    _events(figures)
    _export_matches_the_pages(figures)

    # 1. Fewer than k responses: nothing at all.
    if total < k:
        assert not figures.shown
        assert all(not f.shown and f.result is None for f in figures.total.values())
        assert figures.teams.rows == [] and figures.groups.rows == []
        assert figures.distributions == {} and figures.alpha == {}
        assert figures.value_modes is None
        assert value_mode_alignment(figures, MODES, {"care"}) is None
        assert perspective_gaps(figures) == [] and learn_from(figures) == []
        assert collaboration_priorities(figures, {}, {}) == ([], [])
        assert all(views_differ(figures, n) == [] == high_dont_know(figures, n) for n in numbers)
        return
    assert figures.shown

    # 2. Every shown figure: at least k respondents with a score, and the true figures.
    for number in numbers:
        figure = figures.total[number]
        if figure.shown:
            _check_figure(round_, figure, round_.responses, number, ("total", number))
        else:
            scored = len(_scored(round_.responses, _ids(round_, number)))
            assert figure.state == (FEWER_THAN_K if scored else EMPTY), (figure, scored)
            assert figure.result is None and scored < k
    for breakdown in figures.breakdowns():
        for row in breakdown.rows:
            members = _members(round_, row.key)
            for number in numbers:
                if row.figures[number].shown:
                    _check_figure(round_, row.figures[number], members, number, (row.key, number))
                else:
                    assert row.figures[number].result is None, (row.key, number)

    # The rows: every listed team and group, plus a row for responses outside them.
    team_keys = [f"team:{t}" for t in round_.team_ids]
    if any(r.team is None for r in round_.responses):
        team_keys.append("team:-")
    assert [row.key for row in figures.teams.rows] == team_keys
    group_keys = [f"group:{slug}" for slug in round_.groups]
    if any(r.group == "" for r in round_.responses):
        group_keys.append("group:-")
    assert [row.key for row in figures.groups.rows] == group_keys

    for breakdown in figures.breakdowns():
        counts = {row.key: len(_members(round_, row.key)) for row in breakdown.rows}
        assert sum(counts.values()) == total  # each breakdown covers everyone once

        # 3. Every shown response count: at least k, and the true count; never a count under k.
        for row in breakdown.rows:
            if row.responses.shown:
                assert row.responses.value == counts[row.key] >= k, row
            else:
                assert row.responses.value == (0 if row.responses.empty else None), row
            if counts[row.key] < k:
                assert not row.responses.shown, row
            # Nobody is said to be nobody (unless the table is hidden whole).
            if not breakdown.hidden_whole:
                assert row.responses.empty == (counts[row.key] == 0), row

        # 5. No hidden small count can be pinned from the shown ones and the total.
        assert _reader_pins(breakdown, counts, k, total, figure_states=True) == [], (
            breakdown.name,
            counts,
        )
        if breakdown.hidden_whole:
            assert all(not row.responses.shown for row in breakdown.rows), breakdown.name
            assert all(not f.shown for row in breakdown.rows for f in row.figures.values())

        for number in numbers:
            ids = _ids(round_, number)
            scored = {
                row.key: len(_scored(_members(round_, row.key), ids)) for row in breakdown.rows
            }
            hidden = [row for row in breakdown.rows if not row.figures[number].shown]
            # A row whose response count is hidden shows no figure (it would give the count back).
            for row in breakdown.rows:
                if not row.responses.shown:
                    assert not row.figures[number].shown, (row.key, number)
            if not figures.total[number].shown:
                assert hidden == breakdown.rows, (breakdown.name, number)
                continue
            # 4. The hidden rows together: nobody, or at least k; and never one row alone.
            together = sum(scored[row.key] for row in hidden)
            where = (breakdown.name, number, scored, [row.key for row in hidden])
            assert together == 0 or together >= k, where
            if len(hidden) == 1:
                assert together == 0, where
            # 8. The reader's subtraction, from shown figures only: everyone's figure minus the
            # shown rows' is a figure about nobody or about at least k.
            everyone = figures.total[number].result
            shown_rows = breakdown.shown_rows(number)
            derived_n = everyone.n - sum(row.figures[number].result.n for row in shown_rows)
            derived_sum = everyone.mean * everyone.n - sum(
                row.figures[number].result.mean * row.figures[number].result.n for row in shown_rows
            )
            assert derived_n == together, where
            assert derived_n == 0 or derived_n >= k, where
            if derived_n == 0:
                assert derived_sum == 0, where

    # 6. Distributions, alpha and value modes only with at least k responses (here there are).
    all_ids = [i for _, ids in round_.structure for i in ids]
    assert sorted(figures.distributions) == sorted(all_ids)
    for indicator_id, distribution in figures.distributions.items():
        answers = [r.answers[indicator_id] for r in round_.responses if indicator_id in r.answers]
        assert distribution.dont_know == sum(1 for v in answers if v is None)
        assert distribution.counts == tuple(answers.count(v) for v in range(1, 6))
    for number, ids in round_.structure:
        alpha, n = figures.alpha[number]
        complete = [r for r in round_.responses if all(r.answers.get(i) is not None for i in ids)]
        assert n == len(complete)
        if alpha is not None:
            assert n >= max(scoring.ALPHA_MIN_RESPONSES, k), (number, n, k)
    chose = [r for r in round_.responses if r.modes]
    assert figures.value_mode_respondents == len(chose)
    if figures.value_modes is None:
        assert len(chose) < k
        assert value_mode_alignment(figures, MODES, {"care"}) is None
    else:
        assert len(chose) >= k
        for slug, _ in MODES:
            assert figures.value_modes.get(slug, 0) == sum(1 for r in chose if slug in r.modes)
        assert value_mode_alignment(figures, MODES, {"care"}) is not None

    # 7. What the pages say uses shown figures only.
    for gap in perspective_gaps(figures):
        assert gap.first.figures[gap.number].shown and gap.second.figures[gap.number].shown
        assert "group:-" not in (gap.first.key, gap.second.key)
    for entry in learn_from(figures):
        assert figures.total[entry.number].shown
        for row in [*entry.leaders, *entry.learners]:
            assert row.figures[entry.number].shown and row.key != "team:-", row.key
    weights = {number: 1.0 + number / 10 for number in numbers}
    priorities, strengths = collaboration_priorities(figures, weights, {})
    for priority in [*priorities, *strengths]:
        assert figures.total[priority.number].shown, priority.number
        assert priority.figure is figures.total[priority.number]


@settings(SETTINGS, max_examples=150)  # rendering a template is the slow part
@given(rounds())
def test_the_reports_heatmap_shows_exactly_what_the_pages_show(round_):
    _report_heatmap_matches_the_pages(_build(round_))


def _text(html: str) -> str:
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _table_rows(html: str, table_class: str) -> list[list[list[str]]]:
    """Each table with that class: its body rows, each a list of its cells' text."""
    import re

    tables = re.findall(rf'<table class="[^"]*\b{table_class}\b[^"]*">(.*?)</table>', html, re.S)
    result = []
    for table in tables:
        body = table.split("<tbody>", 1)[1]
        rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
        result.append(
            [[_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)] for r in rows]
        )
    return result


def _shared_page_matches_the_pages(figures):
    """The shared page's figures (results shared back to partners and on board links: its
    partial rendered from the figures alone) show a number exactly where the facilitators'
    pages show a figure, with that figure's mean, band and n; a hidden one says why with no
    number but k; a team or group row appears only with a figure that may be shown; and the
    radar draws exactly the shown means."""
    import json
    import re

    from django.template.loader import render_to_string

    from assessments.selectors.sharing import shared_figures

    k, numbers = figures.k, [c.number for c in figures.characteristics]
    shared = shared_figures(figures)
    html = render_to_string(
        "shared/_figures.html", {"figures": figures, "shared": shared, "k": k, "results": None}
    )

    def check(text, figure, where):
        if figure.shown:
            assert figure.result.n >= k, where
            assert text == f"{figure.result.shown_mean} {figure.band.capitalize()}", (where, text)
        else:
            assert not re.search(r"\d", text.replace(str(k), "", 1)), (where, text)

    (main,) = _table_rows(html, "shared-table")
    assert len(main) == len(numbers)
    for number, cells in zip(numbers, main, strict=True):
        figure = figures.total[number]
        check(cells[1], figure, ("total", number))
        assert cells[2] == (str(figure.result.n) if figure.shown else "–"), (number, cells)
        if not figure.shown:
            assert cells[3] == "–", (number, cells)

    breakdown_tables = iter(_table_rows(html, "shared-breakdown"))
    for breakdown in figures.breakdowns():
        with_figures = {
            row.label: row for row in breakdown.rows if any(row.figures[n].shown for n in numbers)
        }
        if not with_figures:
            continue
        rows = next(breakdown_tables)
        assert sorted(cells[0] for cells in rows) == sorted(with_figures)
        for cells in rows:
            row = with_figures[cells[0]]
            for number, text in zip(numbers, cells[1:], strict=True):
                check(text, row.figures[number], (row.key, number))
    assert next(breakdown_tables, None) is None

    radar = json.loads(
        re.search(
            r'<script id="radar-figure" type="application/json">(.*?)</script>', html, re.S
        ).group(1)
    )
    if not figures.shown:
        assert radar == {}
        return
    rows = {row.key: row for row in figures.teams.rows}
    for trace in radar["data"]:
        key = trace.get("meta")
        if key == "collaboration":
            drawn = dict(zip(numbers, trace["r"], strict=False))
            source = figures.total
        elif str(key).startswith("team:"):
            drawn = dict(zip(numbers, trace["r"], strict=False))
            source = rows[key].figures
        else:
            continue
        for number, value in drawn.items():
            figure = source[number]
            if value is None:
                assert not figure.shown, (key, number)
            else:
                assert figure.shown and value == float(figure.result.shown_mean), (key, number)


@settings(SETTINGS, max_examples=150)  # rendering a template is the slow part
@given(rounds())
def test_the_shared_page_shows_exactly_what_the_pages_show(round_):
    _shared_page_matches_the_pages(_build(round_))


# --- Examples -------------------------------------------------------------------------------------

STRUCTURE = ((1, (11, 12)), (2, (21, 22, 23)))
ALL_FOURS = {11: 4, 12: 4, 21: 4, 22: 4, 23: 4}


def _example(k, responses, teams, groups=()):
    return _build(Round(k, STRUCTURE, tuple(teams), tuple(groups), tuple(responses)))


def _states(breakdown, number=1):
    return {row.key: (row.responses.state, row.figures[number].state) for row in breakdown.rows}


def test_a_team_of_two_beside_a_team_of_ten_hides_both():
    responses = [Response(1, "", ALL_FOURS, ()) for _ in range(2)]
    responses += [Response(2, "", ALL_FOURS, ()) for _ in range(10)]
    figures = _example(5, responses, teams=[1, 2])
    # Showing the team of 10 beside everyone's 12 would give away the team of 2.
    assert _states(figures.teams) == {
        "team:1": (FEWER_THAN_K, FEWER_THAN_K),
        "team:2": (NOT_SHOWN, NOT_SHOWN),
    }
    assert figures.total[1].shown and figures.total[1].result.n == 12
    assert figures.total[1].mean == 4


def _early_round():
    """Two teams of 5 and a team with nobody yet."""
    responses = [Response(t, "partner", ALL_FOURS, ()) for t in (1, 2) for _ in range(5)]
    return responses, _example(5, responses, teams=[1, 2, 3], groups=["partner"])


def _counts(responses, figures, breakdown):
    round_ = Round(5, STRUCTURE, (), (), tuple(responses))
    return {row.key: len(_members(round_, row.key)) for row in breakdown.rows}


def test_a_team_with_nobody_is_named_as_empty_and_hides_nobody():
    # A group of nobody reveals nobody's answers: the two teams of 5 are shown beside it.
    responses, figures = _early_round()
    assert not figures.teams.hidden_whole
    assert {row.key: row.responses.state for row in figures.teams.rows} == {
        "team:1": SHOWN,
        "team:2": SHOWN,
        "team:3": EMPTY,
    }
    assert all(f.state == EMPTY for f in figures.teams.rows[2].figures.values())
    assert all(f.shown for row in figures.teams.rows[:2] for f in row.figures.values())
    assert _reader_pins(figures.teams, _counts(responses, figures, figures.teams), 5, 10) == []


def test_the_row_for_responses_without_a_team_pins_nothing_but_that_it_exists():
    # A deliberate choice (docs/privacy.md): the "No team given" row appears only when someone
    # skipped the team question, so it tells that somebody did, never who, how many below k, or
    # what they answered. Listing it always would make an empty row that hides a real team in
    # every round where everyone gave a team.
    responses = [Response(1, "partner", ALL_FOURS, ()) for _ in range(10)]
    responses += [Response(None, "partner", ALL_FOURS, ()) for _ in range(2)]
    figures = _example(5, responses, teams=[1], groups=["partner"])
    counts = _counts(responses, figures, figures.teams)
    assert _reader_pins(figures.teams, counts, 5, 12) == []  # the counts alone pin nothing
    # Its presence says somebody skipped the question, not how many.
    assert _reader_pins(figures.teams, counts, 5, 12, row_presence=True) == []
    no_team = next(row for row in figures.teams.rows if row.key == "team:-")
    assert not no_team.responses.shown
    assert not any(figure.shown for figure in no_team.figures.values())


def test_figures_of_a_shown_team_are_hidden_when_a_small_figure_would_be_left_alone():
    # Three teams of 8 answered, but in team 3 only two gave enough answers for characteristic 2.
    thin = {11: 4, 12: 4, 21: 3}  # 1 of 3 items: not enough for characteristic 2
    responses = [Response(t, "", ALL_FOURS, ()) for t in (1, 2) for _ in range(8)]
    responses += [Response(3, "", thin, ()) for _ in range(6)]
    responses += [Response(3, "", ALL_FOURS, ()) for _ in range(2)]
    figures = _example(5, responses, teams=[1, 2, 3])
    assert all(row.responses.shown for row in figures.teams.rows)
    assert all(row.figures[1].shown for row in figures.teams.rows)
    assert _states(figures.teams, 2) == {
        "team:1": (SHOWN, NOT_SHOWN),  # hidden with team 3: the two of them count 10
        "team:2": (SHOWN, SHOWN),
        "team:3": (SHOWN, FEWER_THAN_K),
    }
    assert figures.total[2].result.n == 18


def test_alpha_needs_k_complete_responses_when_k_is_above_ten():
    # Alpha needs 10 complete responses; with k = 12, it needs 12.
    values = [1, 2, 3, 4, 5, 5, 4, 3, 2, 1, 3, 4, 2]
    answers = [{11: v, 12: max(1, v - 1), 21: v, 22: v, 23: 6 - v} for v in values]
    responses = [Response(1, "", a, ()) for a in answers[:11]]
    responses += [Response(1, "", {11: 3}, ()) for _ in range(2)]  # not complete
    figures = _example(12, responses, teams=[1])
    assert figures.shown and figures.alpha[1] == (None, 11)
    figures = _example(12, [Response(1, "", a, ()) for a in answers], teams=[1])
    alpha, n = figures.alpha[1]
    assert n == 13 and alpha is not None


def test_a_round_of_exactly_k_responses_is_shown_and_one_fewer_is_not():
    responses = [Response(7, "funder", ALL_FOURS, ("care",)) for _ in range(5)]
    figures = _example(5, responses, teams=[7], groups=["funder"])
    assert figures.shown and figures.total[1].result.n == 5
    assert _states(figures.teams) == {"team:7": (SHOWN, SHOWN)}
    assert figures.teams.rows[0].responses.value == 5
    assert _states(figures.groups) == {"group:funder": (SHOWN, SHOWN)}
    assert figures.value_modes == {"care": 5}
    assert figures.distributions[11].counts == (0, 0, 0, 5, 0)

    figures = _example(5, responses[:4], teams=[7], groups=["funder"])
    assert not figures.shown
    assert all(not f.shown for f in figures.total.values())
    assert figures.teams.rows == [] and figures.groups.rows == []
    assert figures.distributions == {} and figures.value_modes is None


def test_responses_without_a_team_form_their_own_row():
    responses = [Response(1, "partner", ALL_FOURS, ()) for _ in range(6)]
    responses += [Response(None, "", {11: 2, 12: 2, 21: 2, 22: 2}, ()) for _ in range(6)]
    figures = _example(5, responses, teams=[1], groups=["partner"])
    rows = {row.key: row for row in figures.teams.rows}
    assert list(rows) == ["team:1", "team:-"]
    assert rows["team:-"].label == "No team given"
    assert rows["team:-"].responses.value == 6
    assert rows["team:-"].figures[1].mean == 2 and rows["team:1"].figures[1].mean == 4
    groups = {row.key: row for row in figures.groups.rows}
    assert list(groups) == ["group:partner", "group:-"]
    assert groups["group:-"].label == "Group not given" and groups["group:-"].responses.value == 6
    assert figures.total[1].mean == 3
