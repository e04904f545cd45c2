"""How the facilitator's charts and heatmap tell series and values apart, pure (no database):

- the radar's team overlays differ by colour, dash and marker, and its key (``radar_legend``)
  names every trace with the style it is drawn in;
- the heatmap's colour step follows the mean as printed, never lighter for a higher number, and
  every step's text colour in static/css/app.css is at least 4.5:1 on its background.
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from django.conf import settings

from assessments import charts, group_results, rollups, scoring
from assessments.templatetags import ca_format

TEAMS = 7
CHARACTERISTICS = 3


def _teams_figures(teams: int = TEAMS) -> group_results.RoundFigures:
    """``teams`` teams of 5 respondents, team i answering every item with 1 + i % 5."""
    structure = tuple((n, (2 * n - 1, 2 * n)) for n in range(1, CHARACTERISTICS + 1))
    responses = [
        (team, "", {i: 1 + team % 5 for _, ids in structure for i in ids}, [])
        for team in range(1, teams + 1)
        for _ in range(5)
    ]
    return group_results.build(
        rollups.rebuild(rollups.Structure(structure), responses),
        responses=len(responses),
        k=5,
        characteristics=[
            group_results.CharacteristicInfo(n, f"Characteristic {n}", f"C{n}", ids)
            for n, ids in structure
        ],
        teams=[(team, f"Team {team}") for team in range(1, teams + 1)],
        groups=[],
        strength_min=Decimal("4.0"),
        developing_min=Decimal("3.0"),
    )


def test_each_team_on_the_radar_has_its_own_colour_dash_and_marker():
    figures = _teams_figures()
    chart = charts.group_radar(figures, {1: 3.0}, shown={"team:1", "team:2"})
    teams = [t for t in chart["data"] if str(t.get("meta", "")).startswith("team:")]
    assert len(teams) == TEAMS
    styles = [(t["line"]["color"], t["line"]["dash"], t["marker"]["symbol"]) for t in teams]
    # The first six differ in all three at once: in greyscale, dash and marker still tell them
    # apart; the seventh repeats a dash and a marker, but with a colour of its own.
    for part in range(3):
        assert len({style[part] for style in styles[:6]}) == 6, [s[part] for s in styles]
    assert len(set(styles)) == TEAMS
    assert all(t["mode"] == "lines+markers" for t in teams)
    # Plotly takes the SVG dash arrays' lengths in px; solid is "solid".
    assert teams[0]["line"]["dash"] == "solid"
    assert teams[1]["line"]["dash"] == "6px,4px"


def test_the_radar_key_names_every_trace_in_the_style_it_is_drawn():
    figures = _teams_figures()
    chart = charts.group_radar(figures, {1: 3.0, 2: 3.5, 3: 4.0}, shown={"team:3"})
    legend = charts.radar_legend(chart)
    assert [entry["name"] for entry in legend] == [t["name"] for t in chart["data"]]
    assert [entry["name"] for entry in legend][:4] == [
        "Developing from 3",
        "Strength from 4",
        "Previous round",
        "Collaboration",
    ]
    for entry, trace in zip(legend, chart["data"], strict=True):
        assert entry["colour"] == trace["line"]["color"], entry["name"]
        assert entry["key"] == trace.get("meta", ""), entry["name"]
        dash = trace["line"].get("dash", "solid")
        expected = {"solid": "", "dot": "3 3", "dash": "9 9"}.get(dash)
        if expected is None:  # an explicit "6px,4px"
            expected = dash.replace("px", "").replace(",", " ")
        assert entry["dash"] == expected, entry["name"]
        if "markers" in trace["mode"]:
            symbol = trace["marker"].get("symbol", "circle")
            assert entry["symbol"] == symbol, entry["name"]
            assert bool(entry["points"]) == (symbol != "circle"), entry["name"]
        else:
            assert entry["symbol"] is None and not entry["points"], entry["name"]
    teams = {entry["key"]: entry for entry in legend if entry["team"]}
    assert len(teams) == TEAMS
    assert [key for key, entry in teams.items() if entry["on"]] == ["team:3"]
    assert next(e for e in legend if e["key"] == "collaboration")["fill"] is True


def test_the_heat_step_follows_the_printed_mean_and_never_goes_down():
    steps = []
    for hundredths in range(100, 501):
        mean = Fraction(hundredths, 100)
        step = group_results.heat_step(mean)
        scale = group_results.HEAT_SCALE[step - 1]
        assert scale.step == step
        assert scale.low <= scoring.shown(mean) <= scale.high, (mean, scale)
        steps.append(step)
    assert steps == sorted(steps)
    assert steps[0] == 1 and steps[-1] == group_results.HEAT_STEPS == len(group_results.HEAT_SCALE)
    assert len(set(steps)) == group_results.HEAT_STEPS
    # The step is the printed number's: 2.495 prints as 2.50, and is coloured as 2.50.
    assert ca_format.score(Fraction(2495, 1000)) == "2.50"
    assert group_results.heat_step(Fraction(2495, 1000)) == group_results.heat_step(Fraction(5, 2))
    # The steps cover 1 to 5 without a gap or an overlap, in hundredths.
    for lower, upper in itertools.pairwise(group_results.HEAT_SCALE):
        assert upper.low - lower.high == Decimal("0.01")


def test_a_shown_figure_carries_its_step_and_a_hidden_one_none():
    figures = _teams_figures(teams=2)
    shown = figures.total[1]
    assert shown.shown and shown.heat_step == group_results.heat_step(shown.mean)
    assert group_results.Figure(state="fewer_than_k").heat_step is None
    assert figures.heat_scale == group_results.HEAT_SCALE


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_heat_step_has_text_of_at_least_4_5_to_1_and_darkens_with_the_score():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text(encoding="utf-8")
    found = {
        int(step): (bg, fg)
        for step, bg, fg in re.findall(
            r"\.heat-step-(\d+) \{ --heat-bg: (#[0-9a-f]{6}); --heat-fg: (#[0-9a-f]{6}); \}", css
        )
    }
    assert sorted(found) == list(range(1, group_results.HEAT_STEPS + 1))
    for step, (bg, fg) in found.items():
        assert contrast(bg, fg) >= 4.5, (step, bg, fg, round(contrast(bg, fg), 2))
    # Sequential: each step darker than the one before.
    backgrounds = [_luminance(found[step][0]) for step in sorted(found)]
    assert backgrounds == sorted(backgrounds, reverse=True)
