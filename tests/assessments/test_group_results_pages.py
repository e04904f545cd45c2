"""Facilitators' group results: rollups kept by the submit service, the snapshot that moves only by
k, what the pages show and hide, and their query counts.

Personas (tests/conftest.py): Fred facilitates the Northshire Stroke Network, Vera views it, Oscar
owns another collaboration.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from assessments import rollups
from assessments.models import ResultsPreference, RoundRollup, RoundSnapshot, Team
from assessments.services.snapshots import results_rebuild
from tests.assessments.results_data import submit, synthetic_snapshot
from tests.conftest import signed_in

PAGES = [
    ("results_overview", ()),
    ("results_heatmap", ()),
    ("results_characteristic", (3,)),
    ("results_perspectives", ()),
    ("results_learn", ()),
]


def url(name, round, *args):
    return reverse(name, args=[round.collaboration_id, round.pk, *args])


def teams(round):
    return list(Team.objects.filter(collaboration=round.collaboration).order_by("name"))


def json_block(html: str, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html)
    return json.loads(match.group(1)) if match else None


def fill(round, counts: dict[str, int], *, value=4, group="partner_staff"):
    """Submit ``counts[team name]`` responses per team through the submit service."""
    by_name = {t.name: t for t in teams(round)}
    for name, count in counts.items():
        for _ in range(count):
            submit(round, team=by_name[name], group=group, value=value)


# --- Rollups and the snapshot -----------------------------------------------------------------


def test_the_rollup_added_at_each_submit_equals_one_rebuilt_from_the_answers(open_round):
    acute, community, social = teams(open_round)
    for i in range(7):
        submit(
            open_round,
            team=[acute, community, social][i % 3],
            group=["patient", "clinician", ""][i % 3],
            value=lambda indicator, i=i: [1, 2, 3, 4, 5, None][(indicator.pk + i) % 6],
            modes=("shared-delivery",) if i % 2 else (),
        )
    incremental = RoundRollup.objects.get(round=open_round)
    assert incremental.responses == 7
    kept = incremental.data
    rebuilt = results_rebuild(round=open_round)
    assert rebuilt.data == kept
    assert rebuilt.responses == 7


def test_the_snapshot_moves_only_once_k_new_responses_have_arrived(open_round):
    assert open_round.min_group_size == 5
    acute = teams(open_round)[0]
    for _ in range(4):
        submit(open_round, team=acute)
    assert not RoundSnapshot.objects.filter(round=open_round).exists()
    submit(open_round, team=acute)
    assert RoundSnapshot.objects.get(round=open_round).responses == 5
    for _ in range(4):
        submit(open_round, team=acute, value=1)
    snapshot = RoundSnapshot.objects.get(round=open_round)
    assert snapshot.responses == 5  # 4 new: not yet
    everyone = rollups.combine(snapshot.data, snapshot.data["cells"])
    assert everyone["n"] == 5
    submit(open_round, team=acute, value=1)
    assert RoundSnapshot.objects.get(round=open_round).responses == 10


def test_the_page_between_two_submissions_does_not_change(open_round, fred):
    fill(open_round, {"Acute Trust": 5, "Community Services": 5})
    client = signed_in(fred)
    before = client.get(url("results_heatmap", open_round)).content.decode()
    submit(open_round, team=teams(open_round)[0], value=1)
    after = client.get(url("results_heatmap", open_round)).content.decode()
    assert _without_csrf(before) == _without_csrf(after)


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_comments_come_from_the_snapshot_only(open_round, fred):
    acute = teams(open_round)[0]
    for i in range(5):
        submit(open_round, team=acute, comments={3: f"Included comment {i}"})
    submit(open_round, team=acute, comments={3: "Too new to show"})
    html = signed_in(fred).get(url("results_characteristic", open_round, 3)).content.decode()
    assert html.count("Included comment") == 5
    assert "Too new to show" not in html


# --- What the pages show --------------------------------------------------------------------------


def test_before_k_responses_no_figure_is_shown(open_round, vera):
    fill(open_round, {"Acute Trust": 4})
    client = signed_in(vera)
    for name, args in PAGES:
        response = client.get(url(name, open_round, *args))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert "Group results appear once at least <strong>5 responses</strong>" in html
        assert "radar-figure" not in html and "Acute Trust" not in html
        assert "plotly" not in html.split("</head>")[1]  # no chart library without charts


def test_a_small_teams_responses_wait_and_no_complement_need_be_hidden(open_round, vera):
    fill(open_round, {"Acute Trust": 8, "Community Services": 6, "Social Care": 2})
    html = signed_in(vera).get(url("results_heatmap", open_round)).content.decode()
    table = html[html.index('<caption id="heatmap-caption-1"') :]
    table = table[: table.index("</table>")]
    rows = {
        re.search(r'<th scope="row">([^<]*)</th>', row).group(1): row
        for row in re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", table, re.S)
    }
    # Social Care's two are not counted yet (nor the last three of Acute Trust, nor the last of
    # Community Services): every row counts nobody or at least 5, so none is hidden.
    assert "no responses yet" in rows["Social Care"] and "band band-" not in rows["Social Care"]
    assert rows["Community Services"].count("band band-") == 8
    assert rows["Acute Trust"].count("band band-") == 8
    assert re.search(r"<td>5</td>", rows["Acute Trust"]) and "not shown" not in table


def test_chart_and_table_show_the_same_collaboration_figures(open_round, fred):
    fill(open_round, {"Acute Trust": 5}, value=4)
    fill(open_round, {"Community Services": 5}, value=2)
    fill(open_round, {"Social Care": 5}, value=3)
    html = signed_in(fred).get(url("results_overview", open_round)).content.decode()
    figure = json_block(html, "radar-figure")
    collaboration = next(t for t in figure["data"] if t.get("meta") == "collaboration")
    assert collaboration["r"][:-1] == [3.0] * 8  # (5×4 + 5×2 + 5×3) / 15
    table = html[html.index('id="radar-table-caption"') :]
    means = re.findall(
        r'<span class="band band-developing">([0-9.]+)</span>', table.split("</table>")[0]
    )
    assert [float(m) for m in means[:8]] == collaboration["r"][:-1]
    teams_on_chart = [
        t["meta"] for t in figure["data"] if str(t.get("meta", "")).startswith("team:")
    ]
    assert len(teams_on_chart) == 3
    team_values = {
        t["meta"]: t["r"][:-1] for t in figure["data"] if t.get("meta") in teams_on_chart
    }
    assert sorted(v[0] for v in team_values.values()) == [2.0, 3.0, 4.0]


def test_a_team_without_responses_is_named_as_empty_and_hides_nobody(open_round, fred):
    # A group of nobody reveals nobody's answers: the two teams of 5 are shown beside it.
    fill(open_round, {"Acute Trust": 5, "Community Services": 5})
    html = signed_in(fred).get(url("results_overview", open_round)).content.decode()
    figure = json_block(html, "radar-figure")
    assert len([t for t in figure["data"] if str(t.get("meta", "")).startswith("team:")]) == 2
    heatmap = signed_in(fred).get(url("results_heatmap", open_round)).content.decode()
    assert "Not shown yet: with the responses so far, showing any teams" not in heatmap
    social = heatmap.split('<th scope="row">Social Care</th>')[1].split("</tr>")[0]
    assert "no responses yet" in social and "band band-" not in social


def test_team_overlays_switch_on_without_javascript(open_round, fred):
    fill(open_round, {"Acute Trust": 5, "Community Services": 5, "Social Care": 5})
    acute = teams(open_round)[0]
    html = signed_in(fred).get(url("results_overview", open_round), {"show": f"team:{acute.pk}"})
    html = html.content.decode()
    figure = json_block(html, "radar-figure")
    visible = {
        t["name"]: t["visible"] for t in figure["data"] if str(t.get("meta")).startswith("team:")
    }
    assert visible == {
        "Acute Trust": True,
        "Community Services": "legendonly",
        "Social Care": "legendonly",
    }
    # The teams' table has a row per team (hidden unless on the chart), and the chart's key an
    # entry for each team on it.
    others = [t for t in teams(open_round) if t != acute]
    assert f'<tr data-series="team:{acute.pk}">' in html
    assert all(f'<tr data-series="team:{t.pk}" hidden>' in html for t in others)
    assert f'<li data-series="team:{acute.pk}">' in html
    assert all(f'<li data-series="team:{t.pk}" hidden>' in html for t in others)
    assert '<div class="col-12" data-series-any>' in html  # shown: a team is on
    without = signed_in(fred).get(url("results_overview", open_round)).content.decode()
    assert '<div class="col-12" data-series-any hidden>' in without


def test_teams_as_letters_stick_for_that_user_and_round(open_round, fred, vera):
    fill(open_round, {"Acute Trust": 5, "Community Services": 5, "Social Care": 5})
    client = signed_in(fred)
    response = client.post(
        url("results_team_names", open_round),
        {"anonymise": "1", "next": url("results_heatmap", open_round)},
    )
    assert response.status_code == 302 and response.url == url("results_heatmap", open_round)
    for name, args in PAGES:
        html = client.get(url(name, open_round, *args)).content.decode()
        assert "Acute Trust" not in html and "Community Services" not in html, name
        assert "Social Care" not in html, name
    assert "Team A" in client.get(url("results_heatmap", open_round)).content.decode()
    figure = json_block(
        client.get(url("results_overview", open_round)).content.decode(), "radar-figure"
    )
    assert {t["name"] for t in figure["data"] if str(t.get("meta")).startswith("team:")} == {
        "Team A",
        "Team B",
        "Team C",
    }
    # Vera still sees names; Fred's choice is his, for this round.
    assert "Acute Trust" in signed_in(vera).get(url("results_heatmap", open_round)).content.decode()
    assert ResultsPreference.objects.get(user=fred, round=open_round).anonymise_teams
    client.post(url("results_team_names", open_round), {"anonymise": "0"})
    assert "Acute Trust" in client.get(url("results_heatmap", open_round)).content.decode()


def test_team_names_refuses_bad_input_and_an_outside_next(open_round, fred):
    client = signed_in(fred)
    assert client.post(url("results_team_names", open_round), {}).status_code == 400
    response = client.post(
        url("results_team_names", open_round), {"anonymise": "1", "next": "https://evil.example/"}
    )
    assert response.url == url("results_overview", open_round)


def test_heatmap_sorts_by_a_characteristic_without_javascript(open_round, fred):
    fill(open_round, {"Acute Trust": 5}, value=2)
    fill(open_round, {"Community Services": 5}, value=5)
    fill(open_round, {"Social Care": 5}, value=3)
    client = signed_in(fred)

    def order(params):
        html = client.get(url("results_heatmap", open_round), params).content.decode()
        table = html[html.index('id="heatmap-caption-1"') :].split("</table>")[0]
        return re.findall(r'<th scope="row">([^<]*)</th>', table)[1:]

    assert order({"sort": "3", "order": "asc"}) == [
        "Community Services",
        "Social Care",
        "Acute Trust",
    ]
    assert order({"sort": "3", "order": "desc"}) == [
        "Acute Trust",
        "Social Care",
        "Community Services",
    ]
    assert order({"sort": "name"}) == ["Acute Trust", "Community Services", "Social Care"]
    assert order({"sort": "nonsense", "order": "sideways"}) == order({})


def test_views_differ_and_learn_from(open_round, fred):
    fill(open_round, {"Acute Trust": 5}, value=5)
    fill(open_round, {"Community Services": 5}, value=1)
    fill(open_round, {"Social Care": 5}, value=4)
    client = signed_in(fred)
    html = client.get(url("results_characteristic", open_round, 3)).content.decode()
    assert "Views differ" in html
    learn = client.get(url("results_learn", open_round)).content.decode()
    section = learn[learn.index('id="learn-3"') :].split("</section>")[0]
    # Acute Trust (all 5) is clearly above everyone's 3.33: Welch's interval of the difference
    # leaves out 0 (the team has no spread: the collaboration’s 15 set it, 0.69 to 2.64).
    assert "<strong>Acute Trust</strong>: 5.00 (n=5; difference 0.69 to 2.64)" in section
    assert "Community Services (1.00)" in section


def test_perspective_gaps_list_the_largest_first(open_round, fred):
    acute, community, _ = teams(open_round)
    for _ in range(5):
        submit(open_round, team=acute, group="patient", value=2)
        submit(open_round, team=community, group="partner_staff", value=5)
    html = signed_in(fred).get(url("results_perspectives", open_round)).content.decode()
    assert "Staff of a partner organisation: 5.00" in html
    assert "Patient or service user: 2.00" in html
    assert '<td class="text-end">3.00</td>' in html


def test_another_collaborations_results_are_a_404(open_round, oscar, other_collaboration_round):
    client = signed_in(oscar)
    for name, args in PAGES:
        assert client.get(url(name, open_round, *args)).status_code == 404
    assert client.post(url("results_team_names", open_round), {"anonymise": "1"}).status_code == 404


def test_signed_out_visitors_go_to_sign_in(open_round, anon_client):
    response = anon_client.get(url("results_overview", open_round))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_characteristic_not_in_the_edition_is_a_404(open_round, fred):
    assert signed_in(fred).get(url("results_characteristic", open_round, 9)).status_code == 404


def test_results_pages_load_at_most_450_kb_of_javascript_gzipped(open_round, fred):
    fill(open_round, {"Acute Trust": 5})
    html = signed_in(fred).get(url("results_characteristic", open_round, 1)).content.decode()
    scripts = re.findall(r'<script src="/static/([^"]+)"', html)
    assert any("plotly" in s for s in scripts)
    total = 0
    for path in scripts:
        file = Path(settings.BASE_DIR) / "static" / re.sub(r"\.[0-9a-f]{12}\.", ".", path)
        total += len(gzip.compress(file.read_bytes(), 9))
    assert total <= 450_000, total


# --- Query counts ----------------------------------------------------------------------------


def _warm(client, round):
    for name, args in PAGES:
        assert client.get(url(name, round, *args)).status_code == 200


@pytest.mark.parametrize("name,args", PAGES)
def test_query_counts_do_not_grow_with_teams_or_responses(
    name, args, open_round, fred, django_assert_num_queries
):
    client = signed_in(fred)
    counts = []
    for team_count, responses in [(1, 10), (20, 5_000)]:
        existing = teams(open_round)
        for i in range(len(existing), team_count):
            Team.objects.create(collaboration=open_round.collaboration, name=f"Team {i:02d}")
        synthetic_snapshot(open_round, teams(open_round)[:team_count], responses)
        _warm(client, open_round)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(name, open_round, *args)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # Session and user, membership, round, snapshot (the previous round's title, edition, k and
    # means as subqueries of the same statement), characteristics and indicators, preference,
    # teams, offered groups; then per page: the overview's value modes, weights, suggestions
    # (+ considerations, key steps, examples), value-mode list and the actions in place when the
    # round was answered, and the round's workshop (none here: its agreements are not read); a
    # characteristic's examples and its comments (one JSON key of the snapshot); the learn-from
    # page's examples.
    expected = {
        "results_overview": 19,
        "results_heatmap": 10,
        "results_characteristic": 12,
        "results_perspectives": 10,
        "results_learn": 11,
    }[name]
    with django_assert_num_queries(expected):
        client.get(url(name, open_round, *args))


def _writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE", "REPLACE")
    ]


@pytest.mark.parametrize("name,args", [*PAGES, ("results_csv", ())])
def test_the_first_view_after_the_snapshot_moves_writes_nothing_and_costs_no_more(
    name, args, open_round, fred, django_assert_num_queries
):
    # Pinned with the steady counts above: the charts are composed from the figures on every
    # request, and what later rounds draw was kept when the snapshot moved. The overview and
    # the CSV read the round's workshop too (one query without one).
    expected = {
        "results_overview": 19,
        "results_heatmap": 10,
        "results_characteristic": 12,
        "results_perspectives": 10,
        "results_learn": 11,
        "results_csv": 11,
    }[name]
    client = signed_in(fred)
    fill(open_round, {"Acute Trust": 5, "Community Services": 5})
    for _ in range(2):  # right after the move, then again
        with django_assert_num_queries(expected) as captured:
            assert client.get(url(name, open_round, *args)).status_code == 200
        assert _writes(captured.captured_queries) == []
        fill(open_round, {"Social Care": 5})  # the snapshot moves again


def test_the_charts_follow_teams_added_renamed_and_archived_without_a_write(open_round, fred):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    fill(open_round, {"Acute Trust": 5}, value=4)
    fill(open_round, {"Community Services": 5}, value=2)
    client = signed_in(fred)
    acute, community, social = teams(open_round)
    assert client.get(url("results_overview", open_round)).status_code == 200
    acute.name = "Acute Hospitals"
    acute.save()
    community.archived_on = timezone.localdate()
    community.save()
    Team.objects.create(collaboration=open_round.collaboration, name="Primary Care")
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url("results_overview", open_round)).content.decode()
    assert _writes(queries.captured_queries) == []
    figure = json_block(html, "radar-figure")
    traces = {t["name"]: t for t in figure["data"] if str(t.get("meta")).startswith("team:")}
    # Renamed: the new name; archived: still its history; new, and Social Care: no figures, no
    # trace (the table says "no responses yet").
    assert set(traces) == {"Acute Hospitals", "Community Services"}
    assert traces["Acute Hospitals"]["meta"] == f"team:{acute.pk}"
    assert traces["Acute Hospitals"]["r"][:-1] == [4.0] * 8
    assert traces["Community Services"]["r"][:-1] == [2.0] * 8
    heatmap = client.get(url("results_heatmap", open_round)).content.decode()
    primary = heatmap.split('<th scope="row">Primary Care</th>')[1].split("</tr>")[0]
    assert "no responses yet" in primary


def test_the_previous_round_is_read_as_it_is_now(open_round, fred):
    from datetime import timedelta

    from assessments.models import Round

    earlier = Round.objects.create(
        collaboration=open_round.collaboration,
        framework_version=open_round.framework_version,
        title="Spring round",
        opens_on=open_round.opens_on - timedelta(days=120),
        closes_on=open_round.closes_on,
        status=Round.Status.OPEN,
    )
    fill(earlier, {"Acute Trust": 5}, value=2)
    fill(open_round, {"Acute Trust": 5, "Community Services": 5})
    client = signed_in(fred)

    def previous():
        html = client.get(url("results_overview", open_round)).content.decode()
        traces = json_block(html, "radar-figure")["data"]
        return html, next((t for t in traces if t.get("meta") == "previous"), None)

    Round.objects.filter(pk=earlier.pk).update(title="Spring 2027")
    html, trace = previous()
    assert "Spring 2027" in html and "Spring round" not in html
    assert trace["r"][:-1] == [2.0] * 8
    # Its minimum group size raised above its 5 responses: none of its figures may be drawn.
    Round.objects.filter(pk=earlier.pk).update(min_group_size=6)
    html, trace = previous()
    assert trace is None
    # A round in between with figures of its own becomes the previous round.
    Round.objects.filter(pk=earlier.pk).update(min_group_size=5)
    between = Round.objects.create(
        collaboration=open_round.collaboration,
        framework_version=open_round.framework_version,
        title="Summer round",
        opens_on=open_round.opens_on - timedelta(days=30),
        closes_on=open_round.closes_on,
        status=Round.Status.OPEN,
    )
    fill(between, {"Acute Trust": 5}, value=5)
    html, trace = previous()
    assert "Summer round" in html and trace["r"][:-1] == [5.0] * 8


def test_the_previous_round_is_drawn_dashed_and_kept_up_to_date(open_round, fred):
    from datetime import timedelta

    from assessments.models import Round

    earlier = Round.objects.create(
        collaboration=open_round.collaboration,
        framework_version=open_round.framework_version,
        title="Spring round",
        opens_on=open_round.opens_on - timedelta(days=120),
        closes_on=open_round.closes_on,
        status=Round.Status.OPEN,
    )
    fill(earlier, {"Acute Trust": 5}, value=2)
    fill(open_round, {"Acute Trust": 5, "Community Services": 5, "Social Care": 5})
    client = signed_in(fred)
    figure = json_block(
        client.get(url("results_overview", open_round)).content.decode(), "radar-figure"
    )
    previous = next(t for t in figure["data"] if t.get("meta") == "previous")
    assert previous["r"][:-1] == [2.0] * 8 and previous["line"]["dash"] == "dash"
    # The earlier round's figures move (k more responses): this round's chart follows.
    fill(earlier, {"Acute Trust": 5}, value=4)
    html = client.get(url("results_overview", open_round)).content.decode()
    previous = next(
        t for t in json_block(html, "radar-figure")["data"] if t.get("meta") == "previous"
    )
    assert previous["r"][:-1] == [3.0] * 8
    assert "Spring round" in html


def test_a_characteristic_shows_at_most_100_comments_at_random_unless_asked(open_round, fred):
    synthetic_snapshot(open_round, teams(open_round), 500)
    RoundSnapshot.objects.filter(round=open_round).update(
        comments={"c3": [f"Comment number {i}." for i in range(150)], "c4": ["Elsewhere."]}
    )
    client = signed_in(fred)
    html = client.get(url("results_characteristic", open_round, 3)).content.decode()
    assert html.count("Comment number") == 100
    assert "100 of the 150 comments, picked at random" in html
    assert "Elsewhere." not in html
    every = client.get(url("results_characteristic", open_round, 3), {"comments": "all"})
    assert every.content.decode().count("Comment number") == 150
