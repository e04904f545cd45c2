"""How sure the figures are, as the facilitator's pages, the CSV and the PDF say it: each group
mean's 95% interval and don't-know rate, gaps and "learn from" leaders claimed only beyond their
uncertainty, Cronbach's alpha with its interval and its count of complete responses, and the
mean in which every team counts once (docs/scoring.md, "How sure a figure is").

One round for every test: three teams of five, each its own stakeholder group, so that every
team and group can be shown. Patients (Acute Trust) score 2, 3, 3, 4, 3 on every statement,
staff (Community Services) 4, 4, 5, 3, 4, and carers (Social Care) the same as staff, with "don't
know" on the first two statements of each characteristic: no score on characteristic 2 (three
statements), 50% don't know on those of four.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db.models import Count
from django.urls import reverse

from assessments.models import Team
from frameworks.models import Characteristic
from tests.assessments.results_data import submit
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

PATIENTS = (2, 3, 3, 4, 3)  # mean 3.00, SD √0.5: 95% interval 2.12 to 3.88
STAFF = (4, 4, 5, 3, 4)  # mean 4.00, the same spread: 3.12 to 4.88


def url(name, round, *args):
    return reverse(name, args=[round.collaboration_id, round.pk, *args])


@pytest.fixture
def answered(open_round):
    teams = {t.name: t for t in Team.objects.filter(collaboration=open_round.collaboration)}
    for value in PATIENTS:
        submit(open_round, team=teams["Acute Trust"], group="patient", value=value)
    for value in STAFF:
        submit(open_round, team=teams["Community Services"], group="partner_staff", value=value)
    for value in STAFF:
        submit(
            open_round,
            team=teams["Social Care"],
            group="carer",
            value=lambda indicator, value=value: None if indicator.position <= 2 else value,
        )
    return open_round


def four_items(round) -> int:
    """A characteristic of four statements: carers answer two, "don't know" to two (50%)."""
    return (
        Characteristic.objects.filter(version=round.framework_version)
        .annotate(items=Count("indicators"))
        .filter(items=4)
        .order_by("number")
        .values_list("number", flat=True)
        .first()
    )


def row_of(html: str, label: str) -> str:
    match = re.search(rf"<th scope=\"row\">{re.escape(label)}.*?</tr>", html, re.S)
    assert match, label
    return match.group(0)


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_heatmap_gives_each_mean_its_interval_and_dont_know_rate(answered, fred):
    html = signed_in(fred).get(url("results_heatmap", answered)).content.decode()
    patients = text(row_of(html, "Patient or service user"))
    assert "3.00 Developing n=5 2.12 to 3.88 (95% interval) Don’t know 0%" in patients
    staff = text(row_of(html, "Staff of a partner organisation"))
    assert "4.00 Strength n=5 3.12 to 4.88 (95% interval) Don’t know 0%" in staff
    carers = text(row_of(html, "Carer"))
    assert "Many don’t know: 50%" in carers  # on the characteristics of four statements
    assert "Many don’t know" not in patients + staff


def test_the_characteristic_page_flags_a_group_with_many_dont_know_and_scopes_alpha(answered, fred):
    number = four_items(answered)
    html = signed_in(fred).get(url("results_characteristic", answered, number)).content.decode()
    table = html[html.index('id="groups-caption"') : html.index("</table>")]
    assert "Many don’t know" in row_of(table, "Carer")
    assert "2.12 to 3.88" in row_of(table, "Patient or service user")
    # Alpha counts the 10 complete responses (the carers' don't-knows are not complete) of the
    # 15 with a score, and says it is about the collaboration as a whole.
    section = text(html[html.index('id="alpha-heading"') :].split("</section>")[0])
    assert "from the 10 complete responses of the 15 respondents with a score" in section
    assert "for the collaboration as a whole" in section
    assert "for this group" not in section


def test_a_gap_between_two_groups_of_five_may_be_noise_on_the_page_and_in_the_pdf(answered, fred):
    client = signed_in(fred)
    html = client.get(url("results_perspectives", answered)).content.decode()
    rows = [text(r) for r in re.findall(r"<tr>.*?</tr>", html, re.S) if "Patient" in r]
    # Patients against staff: 1.00 apart, Welch's interval −0.03 to 2.03: it includes 0.
    gap = next(r for r in rows if "Staff of a partner organisation: 4.00" in r)
    assert "1.00 −0.03 to 2.03 May be noise" in gap


def test_the_pdf_summary_says_the_widest_gap_may_be_noise(answered, fred, monkeypatch):
    from assessments import reports

    seen = []
    real = reports.render_pdf

    def spy(html, base_url):
        seen.append(html)
        return real(html, base_url)

    monkeypatch.setattr(reports, "render_pdf", spy)
    signed_in(fred).get(reverse("results_pdf", args=[answered.collaboration_id, answered.pk]))
    (html,) = seen
    summary = text(html[html.index('id="summary-heading"') :].split("</section>")[0])
    assert "this gap may be noise: its 95% interval, −0.03 to 2.03, includes no gap at all" in (
        summary
    )
    # Under the heatmap, each shown mean's interval and its group's don't-know rate.
    sureness = text(html[html.index('class="figures sureness"') :].split("</table>")[0])
    assert "2.12 to 3.88 Don’t know 0%" in sureness
    groups = html[html.index('class="figures sureness" data-breakdown="groups"') :]
    assert "Many don’t know: 50%" in text(groups.split("</table>")[0])
    # The radar's table: the collaboration's interval and its mean with each team once.
    radar = text(html[html.index('class="figures radar-table"') :].split("</table>")[0])
    assert "95% interval Each team once" in radar


def test_learn_from_offers_no_leader_within_the_noise(answered, fred):
    html = signed_in(fred).get(url("results_learn", answered)).content.decode()
    # On characteristic 2 (no carer has a score) Community Services' 4.00 is 0.50 above the
    # collaboration's 3.50, but from 5 people that may be noise: it is not offered as a peer.
    assert "<strong>Community Services</strong>" not in html
    assert "may be noise" in html and "Community Services: 4.00 (n=5; difference" in html


def test_the_overview_shows_each_team_once_and_alpha_with_its_interval(answered, fred):
    html = signed_in(fred).get(url("results_overview", answered)).content.decode()
    header = text(html[html.index('id="radar-table-caption"') :].split("</thead>")[0])
    assert "SD 95% interval Each team once" in header
    table = html[html.index('id="reliability-caption"') :].split("</table>")[0]
    assert "10 of 15" in text(table)
    assert "Hangs together" in table and "for this group" not in table


def test_the_csv_carries_the_intervals_and_the_dont_know_flag(answered, vera):
    response = signed_in(vera).get(url("results_csv", answered))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    patients = [r for r in rows if r["Group"] == "Patient or service user"]
    assert {(r["Mean 95% interval low"], r["Mean 95% interval high"]) for r in patients} == {
        ("2.12", "3.88")
    }
    carers = [r for r in rows if r["Group"] == "Carer" and r["Mean (1-5)"]]
    assert "yes" in {r["Many don't know (30% or more)"] for r in carers}
    everyone = [r for r in rows if r["Group"] == "Everyone"]
    assert {r["Alpha complete responses"] for r in everyone} == {"10"}
