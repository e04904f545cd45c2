"""The red team's attacks over time, replayed through the real submit service and read back as
a facilitator reads them: the CSV, the results pages and the tracking page, before and after.

Each attack worked before responses were counted in groups of at least k
(``disclosure.releasable``, docs/privacy.md); each test fails without that rule.
"""

from __future__ import annotations

import csv
import io
import re
from fractions import Fraction

import pytest
from django.urls import reverse

from assessments.models import Team
from tests.assessments.results_data import submit
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def _csv(client, round) -> dict[tuple[str, str, str], tuple[int, Fraction] | None]:
    """{(breakdown, group, characteristic number): (n, n × mean) or None when not shown}."""
    response = client.get(reverse("results_csv", args=[round.collaboration_id, round.pk]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    table = {}
    for row in rows:
        key = (row["Breakdown"], row["Group"], row["Characteristic number"])
        n, mean = row["n (respondents with a score)"], row["Mean (1-5)"]
        table[key] = (int(n), int(n) * Fraction(mean)) if n else None
    return table


def _teams(round) -> dict[str, Team]:
    return {t.name: t for t in Team.objects.filter(collaboration=round.collaboration)}


def _with_k(round, k):
    round.min_group_size = k
    round.save()


def _fill(round, team, count, value):
    for _ in range(count):
        submit(round, team=team, group="clinician", value=value)


def test_a_hidden_team_cannot_be_recovered_by_subtraction_across_a_move(open_round, fred):
    # k = 5. 5 in team A, 5 in B, 2 in C (every answer 1), 3 more in A: then 1 in C (every
    # answer 5) and 4 in A. Before, (everyone's sum after − before) − (team A's after − before)
    # was the lone newcomer's score, on every characteristic.
    assert open_round.min_group_size == 5
    teams = _teams(open_round)
    a, b, c = teams["Acute Trust"], teams["Community Services"], teams["Social Care"]
    client = signed_in(fred)
    _fill(open_round, a, 5, 3)
    _fill(open_round, b, 5, 3)
    _fill(open_round, c, 2, 1)
    _fill(open_round, a, 3, 3)
    before = _csv(client, open_round)
    _fill(open_round, c, 1, 5)
    _fill(open_round, a, 4, 3)
    after = _csv(client, open_round)
    for number in map(str, range(1, 9)):
        everyone = [t[("Collaboration", "Everyone", number)] for t in (before, after)]
        team_a = [t[("Team", "Acute Trust", number)] for t in (before, after)]
        assert None not in everyone and None not in team_a
        people = (everyone[1][0] - everyone[0][0]) - (team_a[1][0] - team_a[0][0])
        assert people == 0 or people >= 5, (number, before, after)
        # Team C is never shown, and nothing about it moves.
        assert after[("Team", "Social Care", number)] is None
    # Team A's last 2 and C's 3 wait; A's first 10 are counted.
    assert after[("Team", "Acute Trust", "1")][0] == 10


def test_one_row_gaining_fewer_than_k_does_not_move_with_the_others(open_round, fred):
    # The snapshot used to move after k new responses in the round, even when one team gained
    # only one of them: that team's n × mean after minus before pinned the newcomer's score.
    teams = _teams(open_round)
    client = signed_in(fred)
    _fill(open_round, teams["Acute Trust"], 5, 2)
    _fill(open_round, teams["Community Services"], 5, 4)
    before = _csv(client, open_round)
    _fill(open_round, teams["Acute Trust"], 1, 5)  # one newcomer in Acute Trust
    _fill(open_round, teams["Community Services"], 4, 4)
    after = _csv(client, open_round)
    for (breakdown, group, number), figure in after.items():
        old = before.get((breakdown, group, number))
        if figure and old:
            assert figure[0] - old[0] in (0,) or figure[0] - old[0] >= 5, (group, number)
    assert after[("Team", "Acute Trust", "1")] == before[("Team", "Acute Trust", "1")]


def test_the_collaboration_row_per_characteristic_moves_only_with_k_scored_people(open_round, fred):
    # Newcomers who answer "don't know" throughout a characteristic have no score for it: its
    # n would grow by fewer than k while the response count grows by k.
    teams = _teams(open_round)
    acute = teams["Acute Trust"]
    client = signed_in(fred)
    _fill(open_round, acute, 5, 4)
    before = _csv(client, open_round)
    for index in range(5):
        # Characteristic 1 scored by 2 of the 5 newcomers only.
        submit(
            open_round,
            team=acute,
            group="clinician",
            value=lambda indicator, index=index: (
                None if indicator.characteristic.number == 1 and index >= 2 else 2
            ),
        )
    after = _csv(client, open_round)
    old, new = before[("Collaboration", "Everyone", "1")], after[("Collaboration", "Everyone", "1")]
    assert new[0] - old[0] in (0,) or new[0] - old[0] >= 5
    assert new == old  # the two scores wait for three more
    assert after[("Collaboration", "Everyone", "2")][0] == 10  # characteristic 2 moved by 5


def test_the_header_total_minus_the_teams_shown_gives_nothing_away(open_round, fred):
    # k = 3 here: two teams of 3 and a team of 1. The header's total minus the teams shown used
    # to give the hidden team (and the tracking page counted it live).
    _with_k(open_round, 3)
    teams = _teams(open_round)
    _fill(open_round, teams["Acute Trust"], 3, 4)
    _fill(open_round, teams["Community Services"], 3, 4)
    _fill(open_round, teams["Social Care"], 1, 1)
    client = signed_in(fred)
    args = [open_round.collaboration_id, open_round.pk]
    heatmap = client.get(reverse("results_heatmap", args=args)).content.decode()
    total = int(re.search(r"These figures count <strong>(\d+) submitted", heatmap).group(1))
    counts = dict(re.findall(r'<th scope="row">([^<]+)</th>\s*<td>(\d+)</td>', heatmap))
    # The team of 1 is not counted, anywhere: the total is the teams shown.
    assert total == 6 == int(counts["Acute Trust"]) + int(counts["Community Services"])
    social = heatmap.split('<th scope="row">Social Care</th>')[1].split("</tr>")[0]
    assert "no responses yet" in social


def test_an_empty_team_is_named_as_empty_and_hides_nobody(open_round, fred):
    # k = 3: two teams of 3 and a team with nobody. A group of nobody reveals nobody's answers.
    _with_k(open_round, 3)
    teams = _teams(open_round)
    _fill(open_round, teams["Acute Trust"], 3, 4)
    _fill(open_round, teams["Community Services"], 3, 2)
    client = signed_in(fred)
    table = _csv(client, open_round)
    assert table[("Team", "Acute Trust", "1")] == (3, 12)
    assert table[("Team", "Community Services", "1")] == (3, 6)
    assert table[("Team", "Social Care", "1")] is None
    args = [open_round.collaboration_id, open_round.pk]
    tracking = client.get(reverse("facilitate_tracking", args=args)).content.decode()
    row = tracking.split('<th scope="row">Social Care</th>')[1].split("</tr>")[0]
    assert row.count("no responses yet") == 3
