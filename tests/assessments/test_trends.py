"""Trends round after round: the same suppression as each round's own pages, characteristics
matched by number and indicators by key across an edition change, and a query count that does
not grow with the number of rounds.

Personas (tests/conftest.py): Fred facilitates the Northshire Stroke Network, Vera views it.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import group_results, scoring, trends
from assessments.disclosure import FEWER_THAN_K, SHOWN
from assessments.models import Round, Team
from assessments.selectors.group_results import group_results_page
from assessments.selectors.trends import collaboration_trends
from frameworks.models import Indicator
from tests.assessments.results_data import submit, synthetic_snapshot
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def trends_url(collaboration, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("facilitate_trends", args=[collaboration.pk]) + (f"?{query}" if query else "")


def make_round(collaboration, version, index: int) -> Round:
    """Round ``index`` (0 the oldest), opened a hundred days apart and all still open, so that
    the submit service takes their responses."""
    today = timezone.localdate()
    return Round.objects.create(
        collaboration=collaboration,
        framework_version=version,
        title=f"Round {index + 1}",
        opens_on=today - timedelta(days=100 * (20 - index)),
        closes_on=today + timedelta(days=30),
        status=Round.Status.OPEN,
    )


def by_name(collaboration) -> dict[str, Team]:
    return {t.name: t for t in Team.objects.filter(collaboration=collaboration)}


def fill(round, counts: dict[str, int], *, value=4, group="partner_staff"):
    teams = by_name(round.collaboration)
    for name, count in counts.items():
        for _ in range(count):
            submit(round, team=teams[name], group=group, value=value)


def table_cells(html: str, table_id: str) -> dict[str, list[str]]:
    """{row heading: [cell text, ...]} of one table of the page."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        heading = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
        if heading:
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            rows[_text(heading.group(1))] = [_text(c) for c in cells]
    return rows


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- The page ---------------------------------------------------------------------------------


def test_each_characteristics_score_round_after_round_is_the_rounds_own_figure(
    collaboration, content, fred
):
    first = make_round(collaboration, content, 0)
    second = make_round(collaboration, content, 1)
    fill(first, {"Acute Trust": 5}, value=2)
    fill(second, {"Acute Trust": 3, "Community Services": 3}, value=4)
    fill(second, {"Social Care": 5}, value=5)
    fill(second, {"Acute Trust": 2, "Community Services": 2}, value=4)

    html = signed_in(fred).get(trends_url(collaboration)).content.decode()
    rows = table_cells(html, "trend-collaboration-table")
    assert len(rows) == 8
    for round_index, round in enumerate([first, second]):
        figures = group_results_page(round, fred).figures
        for c in figures.characteristics:
            cell = rows[f"{c.number}. {c.name}"][round_index]
            expected = scoring.shown(figures.total[c.number].mean)
            assert cell.startswith(str(expected)), (round.title, c.number, cell)
            assert f"n={figures.total[c.number].result.n}" in cell
    # 5 twos, then 5 fives and 10 fours: 2.00, then 4.33
    assert rows["1. " + figures.characteristic(1).name] == ["2.00 n=5", "4.33 n=15"]


def test_a_team_below_k_in_a_round_has_no_point_and_the_table_says_why(
    collaboration, content, fred
):
    for name in ("Primary Care", "Voluntary Sector"):
        Team.objects.create(collaboration=collaboration, name=name)
    first = make_round(collaboration, content, 0)
    second = make_round(collaboration, content, 1)
    # The small teams together count k in each round, so no larger team is hidden with them.
    fill(first, {"Acute Trust": 5, "Community Services": 5, "Primary Care": 3})
    fill(first, {"Voluntary Sector": 2})
    fill(second, {"Acute Trust": 5, "Social Care": 5, "Community Services": 2})
    fill(second, {"Primary Care": 2, "Voluntary Sector": 1})

    html = signed_in(fred).get(trends_url(collaboration, c=3)).content.decode()
    teams = table_cells(html, "trend-teams-table")
    assert teams["Acute Trust"] == ["4.00 n=5", "4.00 n=5"]
    # Fewer than 5 of a team are not counted in the results (docs/privacy.md).
    assert teams["Community Services"] == ["4.00 n=5", "– no responses counted yet"]
    assert teams["Social Care"] == ["– no responses counted yet", "4.00 n=5"]
    # A team never shown in any round is left out of the chart and the table, and counted.
    assert "Voluntary Sector" not in teams and "Primary Care" not in teams
    assert "2 teams with no figure shown in any round are left out" in html
    chart = re.search(r'id="trend-teams-figure" type="application/json">(.*?)</script>', html)
    assert '"Community Services"' in chart.group(1)
    assert "Voluntary Sector" not in chart.group(1)
    assert chart.group(1).count("null") >= 2  # a missing point is a gap, never a number


def test_every_trend_point_is_shown_exactly_where_the_rounds_pages_show_its_figure(
    collaboration, content, fred
):
    """The one function that decides what may be shown (group_results.build) decides trends:
    for every round, team, group and characteristic, a point has a number iff the round's own
    results figure is shown, and it is the same number."""
    rounds = [make_round(collaboration, content, i) for i in range(3)]
    fill(rounds[0], {"Acute Trust": 6, "Community Services": 5}, group="clinician")
    fill(rounds[1], {"Acute Trust": 5, "Social Care": 1}, group="patient")
    fill(rounds[1], {"Community Services": 4}, group="carer")
    fill(rounds[2], {"Social Care": 3})  # below k in all: the round shows nothing
    data = collaboration_trends(collaboration, fred)
    checked = 0
    for index, round in enumerate(rounds):
        figures = group_results_page(round, fred).figures
        for c in figures.characteristics:
            pairs = [(data.collaboration()[c.number - 1].points[index], figures.total[c.number])]
            for name in ("teams", "groups"):
                series = {s.key: s for s in getattr(data, name)(c.number)}
                for row in getattr(figures, name).rows:
                    if row.key in series:
                        pairs.append((series[row.key].points[index], row.figures[c.number]))
            for point, figure in pairs:
                assert point.shown == figure.shown
                if figure.shown:
                    assert point.mean == figure.mean and point.n == figure.result.n
                checked += 1
    assert checked > 60
    assert all(
        p.state == trends.ROUND_TOO_SMALL for s in data.collaboration() for p in s.points[2:]
    )


def test_before_any_round_has_results_the_page_says_so(collaboration, content, vera):
    fill(make_round(collaboration, content, 0), {"Acute Trust": 4})
    html = signed_in(vera).get(trends_url(collaboration)).content.decode()
    assert "No round has results yet" in html
    assert "trend-collaboration-figure" not in html
    assert "plotly" not in html


def test_an_unknown_characteristic_choice_falls_back_to_the_first(collaboration, content, fred):
    fill(make_round(collaboration, content, 0), {"Acute Trust": 5})
    client = signed_in(fred)
    for bad in ("99", "abc", "-1", "٣"):
        response = client.get(trends_url(collaboration, c=bad))
        assert response.status_code == 200
        assert "Teams and stakeholder groups: 1." in response.content.decode()


# --- Across an edition change -----------------------------------------------------------------


def _keys(version, number: int) -> dict[str, str]:
    return dict(
        Indicator.objects.filter(
            characteristic__version=version, characteristic__number=number
        ).values_list("key", "text")
    )


def test_an_edition_change_is_marked_and_its_added_and_dropped_statements_listed(
    collaboration, content, edition1, fred
):
    first = make_round(collaboration, edition1, 0)
    second = make_round(collaboration, content, 1)
    fill(first, {"Acute Trust": 5})
    fill(second, {"Acute Trust": 5})

    data = collaboration_trends(collaboration, fred)
    assert [r.edition for r in data.rounds] == [1, 2]
    assert [r.edition_changed for r in data.rounds] == [False, True]
    (change,) = data.edition_changes
    assert (change.index, change.from_edition, change.to_edition) == (1, 1, 2)
    differing = 0
    for number in range(1, 9):
        old, new = _keys(edition1, number), _keys(content, number)
        item = next((i for i in change.changes if i.number == number), None)
        added = sorted(k for k in new if k not in old)
        dropped = sorted(k for k in old if k not in new)
        if not added and not dropped:
            assert item is None
            continue
        differing += 1
        assert sorted(k for k, _ in item.added) == added
        assert sorted(k for k, _ in item.dropped) == dropped
    assert differing >= 1
    # Characteristics are matched by number: both rounds have a point on every line.
    assert all(len(s.points) == 2 and all(p.shown for p in s.points) for s in data.collaboration())

    html = signed_in(fred).get(trends_url(collaboration)).content.decode()
    assert "The framework’s edition changed" in html
    assert "edition 2 from here" in html
    assert "Edition 2 from here" in html  # the chart's mark
    item = change.changes[0]
    for _, text in item.added + item.dropped:
        assert text in html.replace("&#x27;", "'").replace("&quot;", '"')


def test_edition_changes_pure():
    empty = group_results.build(
        {},
        responses=0,
        k=5,
        characteristics=[],
        teams=[],
        groups=[],
        strength_min=4,
        developing_min=3,
    )

    def r(i, version, indicators):
        return trends.TrendRound(
            i, f"R{i}", timezone.localdate(), version, version, empty, indicators
        )

    rounds = [
        r(0, 1, {1: {"a": "A", "b": "B"}, 2: {"x": "X"}}),
        r(1, 1, {1: {"a": "A", "b": "B"}, 2: {"x": "X"}}),
        r(2, 2, {1: {"a": "A", "c": "C"}, 2: {"x": "X"}, 3: {"n": "N"}}),
    ]
    built = trends.build(rounds, characteristics=[(1, "One")], team_labels=[], group_labels=[])
    (change,) = built.edition_changes
    assert change.index == 2 and change.round_title == "R2"
    assert [(c.number, c.added, c.dropped) for c in change.changes] == [
        (1, [("c", "C")], [("b", "B")]),
        (3, [("n", "N")], []),
    ]
    assert built.marks() == [(2, "Edition 2 from here")]
    assert [p.state for p in built.collaboration()[0].points] == [trends.ROUND_TOO_SMALL] * 3


def test_a_point_reads_its_reason():
    assert trends.Point(FEWER_THAN_K, k=7).reason == "fewer than 7 respondents"
    assert trends.Point(SHOWN, mean=scoring.Fraction(299, 100), n=5).value == 2.99


# --- Queries ----------------------------------------------------------------------------------


def test_the_query_count_is_the_same_for_2_and_10_rounds(
    collaboration, content, edition1, fred, django_assert_num_queries
):
    client = signed_in(fred)
    teams = list(Team.objects.filter(collaboration=collaboration))
    counts = []
    made = 0
    for wanted in (2, 10):
        while made < wanted:
            round = make_round(collaboration, edition1 if made % 3 == 0 else content, made)
            synthetic_snapshot(round, teams, 40 + made, seed=made)
            made += 1
        client.get(trends_url(collaboration))  # warm the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(trends_url(collaboration, c=2)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # Session, user, membership; the rounds with their editions and snapshots, the editions'
    # characteristics, their indicators, the teams, the offered groups, the preference; the
    # rounds' workshops (none here: their agreements are not read).
    with django_assert_num_queries(10):
        client.get(trends_url(collaboration))
