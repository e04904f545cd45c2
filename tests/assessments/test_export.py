"""The CSV of a round's figures: the pages' suppression, formula escaping, UTF-8 with a BOM.

Read back with the csv module, as a spreadsheet would, and checked rule by rule.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from assessments import group_results
from assessments.models import Team
from tests.assessments.results_data import submit
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def url(round):
    return reverse("results_csv", args=[round.collaboration_id, round.pk])


def read(response) -> list[dict]:
    body = response.content
    assert body.startswith("\ufeff".encode())  # a BOM: spreadsheets read the accents
    text = body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == group_results.CSV_HEADER
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def fill(round, sizes: dict[str, int], value=4):
    teams = {t.name: t for t in Team.objects.filter(collaboration=round.collaboration)}
    for name, count in sizes.items():
        for _ in range(count):
            submit(round, team=teams[name], group="clinician", value=value)


def test_the_csv_has_every_group_and_characteristic_with_the_pages_suppression(open_round, vera):
    fill(open_round, {"Acute Trust": 8, "Community Services": 6, "Social Care": 1}, value=4)
    response = signed_in(vera).get(url(open_round))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    rows = read(response)
    everyone = [r for r in rows if r["Breakdown"] == "Collaboration"]
    assert len(everyone) == 8
    # 10 respondents counted (5 of each of the two teams of 8 and 6; the rest wait for others
    # of their team, docs/privacy.md), every answer 4: mean 4.00, SD 0.0, a strength.
    first = everyone[0]
    assert first["n (respondents with a score)"] == "10" and first["Mean (1-5)"] == "4.00"
    assert first["SD (from n = 10)"] == "0.0" and first["Band"] == "strength"
    by_team = {r["Group"]: r for r in rows if r["Breakdown"] == "Team"}
    # The team of 1 is not counted yet, as on the pages, and hides nobody.
    assert by_team["Social Care"]["Note"] == "no responses counted yet"
    assert all(by_team["Social Care"][c] == "" for c in group_results.CSV_HEADER[4:11])
    assert by_team["Community Services"]["n (respondents with a score)"] == "5"
    assert by_team["Acute Trust"]["Mean (1-5)"] == "4.00"
    # Same cells as the page: what the heatmap hides, the CSV hides.
    html = (
        signed_in(vera)
        .get(reverse("results_heatmap", args=[open_round.collaboration_id, open_round.pk]))
        .content.decode()
    )
    social = html.split('<th scope="row">Social Care</th>')[1].split("</tr>")[0]
    assert "none yet" in social and "band band-" not in social


def test_cells_that_look_like_formulas_are_escaped(open_round, fred):
    teams = list(Team.objects.filter(collaboration=open_round.collaboration).order_by("pk"))
    names = ['=HYPERLINK("http://evil.example","x")', "+1+2", "-3", "@SUM(A1)"]
    for team, name in zip(teams, names[:3], strict=True):
        team.name = name
        team.save()
    for team in teams:
        for _ in range(5):
            submit(open_round, team=team, group="clinician", value=3)
    rows = read(signed_in(fred).get(url(open_round)))
    labels = {r["Group"] for r in rows if r["Breakdown"] == "Team"}
    assert labels == {"'" + name for name in names[:3]}
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(group_results.FORMULA_STARTS), cell
    assert group_results.safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert group_results.safe_cell("\tTab") == "'\tTab"
    assert group_results.safe_cell("\rCR") == "'\rCR"
    assert group_results.safe_cell("Plain – text") == "Plain – text"


def test_accents_survive_and_teams_can_be_letters(open_round, fred):
    team = Team.objects.filter(collaboration=open_round.collaboration).order_by("pk").first()
    team.name = "Équipe de soins à domicile"
    team.save()
    for t in Team.objects.filter(collaboration=open_round.collaboration):
        for _ in range(5):
            submit(open_round, team=t, group="clinician", value=3)
    client = signed_in(fred)
    assert "Équipe de soins à domicile" in {r["Group"] for r in read(client.get(url(open_round)))}
    client.post(
        reverse("results_team_names", args=[open_round.collaboration_id, open_round.pk]),
        {"anonymise": "1"},
    )
    groups = {r["Group"] for r in read(client.get(url(open_round))) if r["Breakdown"] == "Team"}
    assert groups == {"Team A", "Team B", "Team C"}


def test_no_figure_before_k_responses_and_no_csv_for_outsiders(open_round, fred, oscar):
    fill(open_round, {"Acute Trust": 4})
    rows = read(signed_in(fred).get(url(open_round)))
    assert len(rows) == 1 and rows[0]["Note"].startswith("No figures yet: fewer than 5")
    assert all(rows[0][c] == "" for c in group_results.CSV_HEADER if c != "Note")
    fill(open_round, {"Acute Trust": 1})
    assert len(read(signed_in(fred).get(url(open_round)))) > 1
    assert signed_in(oscar).get(url(open_round)).status_code == 404
