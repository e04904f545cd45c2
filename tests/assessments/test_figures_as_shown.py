"""Figures as shown: one rounding rule, halves up, on every surface (pages, CSV, PDF, chart data);
perspective gaps that equal the difference of the means printed beside them; "views differ" only
when partners split; no SD below 10 values; and method texts that say what the code does.

The first part is pure (``scoring``, ``group_results`` and the template filters, no database); the
second reads the pages, the CSV and the PDF of real rounds.
"""

from __future__ import annotations

import csv
import io
import random
import re
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from assessments import charts, group_results, rollups, scoring
from assessments.models import StakeholderGroup
from assessments.selectors.group_results import group_results_page
from assessments.templatetags import ca_format
from tests.assessments.results_data import submit
from tests.conftest import signed_in

STRENGTH_MIN, DEVELOPING_MIN = Decimal("4.00"), Decimal("3.00")


# --- One rounding rule ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (0.5625, 3, "0.563"),  # format(0.5625, ".3f") gives 0.562 (half to even)
        (Fraction(9, 16), 3, "0.563"),
        (12.5, 0, "13"),  # round(12.5) gives 12
        (0.25, 1, "0.3"),
        (2.995, 2, "3.00"),  # stored as 2.99499…: read as its shortest decimal form
        (Fraction(599, 200), 2, "3.00"),
        (-0.125, 2, "-0.13"),  # away from zero
        (-0.001, 2, "0.00"),  # never "-0.00"
        (Decimal("1.25"), 1, "1.3"),
        (3, 2, "3.00"),
    ],
)
def test_every_figure_rounds_halves_up(value, places, expected):
    assert str(scoring.rounded(value, places)) == expected


def test_rounding_is_exact_for_fractions_against_decimal_at_high_precision():
    rng = random.Random(17)
    with localcontext() as context:
        context.prec = 200
        for _ in range(2000):
            value = Fraction(rng.randint(-(10**6), 10**6), rng.randint(1, 10**4))
            places = rng.randint(0, 4)
            exact = Decimal(value.numerator) / Decimal(value.denominator)
            expected = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            assert scoring.rounded(value, places) == expected, value


def test_shares_sd_and_gaps_as_shown():
    assert scoring.shown_share(Fraction(1, 8)) == Decimal("13")  # 12.5 %
    assert scoring.shown_share(0.125) == Decimal("13")
    assert scoring.shown_share(Fraction(1, 16), scoring.DISTRIBUTION_PLACES) == Decimal("6.3")
    assert scoring.shown_sd(0.25, 10) == Decimal("0.3")
    assert scoring.shown_sd(1.25, scoring.SD_MIN_N - 1) is None
    assert scoring.shown_sd(None, 40) is None
    # docs/scoring.md: means of 4.205 and 3.824 show as 4.21 and 3.82, and their gap as 0.39,
    # though the exact means are 0.381 apart (which alone would round to 0.38).
    assert scoring.shown_gap(Fraction(841, 200), Fraction(478, 125)) == Decimal("0.39")
    assert scoring.shown(Fraction(841, 200) - Fraction(478, 125)) == Decimal("0.38")


def test_the_template_filters_use_the_rule():
    assert ca_format.share(Fraction(1, 8)) == "13%"
    assert ca_format.share(0.125) == "13%"
    assert ca_format.share(None) == "–"
    assert ca_format.percent(12.5) == "13"
    assert ca_format.sd(0.25, 10) == "0.3"
    assert ca_format.sd(1.5, 9) == "–"  # below SD_MIN_N values: no SD
    assert ca_format.decimals(0.5625, 3) == "0.563"
    assert ca_format.signed(0.125) == "+0.13"
    assert ca_format.signed(-0.125) == "−0.13"
    assert ca_format.signed(0.004) == "0.00"
    assert ca_format.score(Fraction(599, 200)) == "3.00"


# --- Views differ ---------------------------------------------------------------------------------


def test_a_large_group_with_an_sd_of_one_but_no_split_is_not_flagged():
    # 200 answers: 20 twos, 30 threes, 50 fours, 100 fives. Σx = 830, Σx² = 3650,
    # variance (3650 − 830²/200) / 199 = 205.5 / 199 = 1.0327, SD 1.016; 10 % disagree.
    d = scoring.Distribution(counts=(0, 20, 30, 50, 100), dont_know=0)
    assert d.sd == pytest.approx(1.0162, abs=1e-4)
    assert d.disagree_share == Fraction(1, 10)
    assert d.views_differ is False


def test_a_split_is_flagged_whatever_the_group_size():
    # A quarter disagree and three quarters agree, with an SD under 1 (docs/scoring.md).
    assert scoring.Distribution(counts=(0, 2, 0, 6, 0), dont_know=0).views_differ
    assert scoring.Distribution(counts=(0, 50, 0, 150, 0), dont_know=0).views_differ
    # 1, 1, 5, 5: split, SD 2.31.
    assert scoring.Distribution(counts=(2, 0, 0, 0, 2), dont_know=0).views_differ
    # 24 % disagree is not a quarter.
    assert not scoring.Distribution(counts=(24, 0, 0, 76, 0), dont_know=0).views_differ


# --- Perspective gaps, pure -----------------------------------------------------------------------


def _random_figures(rng: random.Random) -> group_results.RoundFigures:
    """A round of 3 characteristics (1 to 5 items) and 3 to 5 stakeholder groups of 5 to 14
    respondents with random answers (some don't know), all in one team, with k = 5."""
    structure, next_id = [], 1
    for number in (1, 2, 3):
        count = rng.randint(1, 5)
        structure.append((number, tuple(range(next_id, next_id + count))))
        next_id += count
    groups = [f"g{i}" for i in range(rng.randint(3, 5))]
    responses = []
    for group in groups:
        for _ in range(rng.randint(5, 14)):
            answers = {
                i: rng.choice([1, 2, 3, 4, 5, 5, 4, 3, None]) for _, ids in structure for i in ids
            }
            responses.append((1, group, answers, []))
    data = rollups.rebuild(rollups.Structure(tuple(structure)), responses)
    return group_results.build(
        data,
        responses=len(responses),
        k=5,
        characteristics=[
            group_results.CharacteristicInfo(n, f"C{n}", f"C{n}", ids) for n, ids in structure
        ],
        teams=[(1, "Team")],
        groups=[(g, g.upper()) for g in groups],
        strength_min=STRENGTH_MIN,
        developing_min=DEVELOPING_MIN,
    )


def test_each_gap_as_printed_is_the_difference_of_the_means_printed_beside_it():
    rng = random.Random(2026)
    checked = rounded_apart = 0
    for _ in range(150):
        figures = _random_figures(rng)
        gaps = group_results.perspective_gaps(figures)
        for gap in gaps:
            first = Decimal(ca_format.score(gap.first.figures[gap.number].mean))
            second = Decimal(ca_format.score(gap.second.figures[gap.number].mean))
            assert gap.shown_difference == first - second, (gap.number, first, second)
            checked += 1
            rounded_apart += scoring.shown(gap.difference) != first - second
        printed = [gap.shown_difference for gap in gaps]
        assert printed == sorted(printed, reverse=True)  # "largest first", as printed
    # The cases the old rule got wrong (the exact difference, rounded) were among them.
    assert checked > 1000 and rounded_apart > 50, (checked, rounded_apart)


# --- CSV and chart data, pure ---------------------------------------------------------------------


def _one_group(values: list[int], items: int = 2) -> group_results.RoundFigures:
    """One team, one characteristic of ``items`` items, a respondent per value answering every
    item with it."""
    ids = tuple(range(1, items + 1))
    data = rollups.rebuild(
        rollups.Structure(((1, ids),)), [(1, "", dict.fromkeys(ids, v), []) for v in values]
    )
    return group_results.build(
        data,
        responses=len(values),
        k=5,
        characteristics=[group_results.CharacteristicInfo(1, "One", "One", ids)],
        teams=[(1, "Team")],
        groups=[],
        strength_min=STRENGTH_MIN,
        developing_min=DEVELOPING_MIN,
    )


def _csv_everyone(figures) -> dict[str, str]:
    rows = group_results.export_rows(figures)
    return dict(zip(group_results.CSV_HEADER, rows[0], strict=True))


SD_COLUMN = f"SD (from n = {scoring.SD_MIN_N})"


def test_the_csv_rounds_shares_halves_up_and_gives_sd_to_one_decimal_from_ten():
    # 16 respondents: 9 answer 4, 7 answer 3. Agree share 9/16 = 0.5625; SD √(3.9375 / 15) =
    # 0.512.
    row = _csv_everyone(_one_group([4] * 9 + [3] * 7))
    assert row["Agree share"] == "0.563"
    assert row["Mean (1-5)"] == "3.56"  # 57/16 = 3.5625
    assert row[SD_COLUMN] == "0.5"
    # 8 respondents: no SD (below 10), the rest as before.
    row = _csv_everyone(_one_group([4] * 5 + [2] * 2 + [3]))
    assert row[SD_COLUMN] == "" and row["Agree share"] == "0.625" and row["Note"] == ""


def test_the_distribution_chart_and_table_round_halves_up():
    # 16 respondents, one of them answering 5: 1/16 = 6.25 % shows as 6.3 (round() gave 6.2);
    # nine 4s: 56.25 % as 56.3.
    figures = _one_group([5] + [4] * 9 + [3] * 6, items=1)
    (row,) = charts.distribution_series(figures, 1)
    assert row == [0.0, 0.0, 37.5, 56.3, 6.3, 0.0]


# --- The method texts -----------------------------------------------------------------------------


def test_the_method_pages_and_docs_give_the_priority_order_and_the_overall_rule_as_coded():
    context = {"version": {"strength_min": "4.00", "developing_min": "3.00"}, "k": 5}
    for template in ("reports/_method.html", "reports/_personal_method.html"):
        text = " ".join(render_to_string(template, {**context, "sd_min_n": 10}).split())
        assert "lowest first" not in text, template
        assert "ordered by weighted need, highest first" in text, template
        assert "(5 − score)" in text, template
        assert "at least half of the characteristics" in text, template
    method = " ".join(render_to_string("reports/_method.html", context | {"sd_min_n": 10}).split())
    assert "at least a quarter of those answering it agree" in method
    assert "standard deviation of 1.0" not in method
    docs = " ".join((Path(settings.BASE_DIR) / "docs" / "scoring.md").read_text().split())
    overall = docs[docs.index("## The overall score") : docs.index("## Priority order")]
    assert "at least half of the characteristics" in overall
    assert "a spread of 1.0 or more" not in docs


# --- Pages, CSV and PDF of real rounds ------------------------------------------------------------


def url(name, round, *args):
    return reverse(name, args=[round.collaboration_id, round.pk, *args])


def _submit_each(round, values: list, group: str = "clinician", *, k: int | None = None) -> None:
    """A response per value, in one team; with ``k``, the round's minimum group size first (so
    that the snapshot holds every response when there are k of them)."""
    if k is not None:
        round.min_group_size = k
        round.save(update_fields=["min_group_size"])
    team = round.collaboration.teams.order_by("name").first()
    for value in values:
        submit(round, team=team, group=group, value=value)


def _collaboration_row(page: str) -> dict[str, str]:
    """The characteristic page's "Scores by group" row for the collaboration, by column."""
    table = page[page.index('id="groups-caption"') :].split("</table>")[0]
    headers = [
        re.sub(r"<[^>]+>", "", header).strip()
        for header in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table, re.S)
    ]
    row = table[table.index('<tr class="fw-semibold">') :].split("</tr>")[0]
    cells = [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]
    return dict(zip(headers[1:], cells, strict=True))


def _csv(client, round) -> list[dict]:
    text = client.get(url("results_csv", round)).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.mark.django_db
def test_perspective_gaps_on_the_page_are_the_differences_of_the_printed_means(open_round, fred):
    # Five respondents in each of the seven stakeholder groups (35: the snapshot holds them all),
    # answering at random.
    rng = random.Random(7)
    for group in StakeholderGroup.values:
        _submit_each(open_round, [lambda _i: rng.choice([1, 2, 3, 4, 5, None])] * 5, group)
    html = signed_in(fred).get(url("results_perspectives", open_round)).content.decode()
    rows = re.findall(
        r"<td>[^<]*: (\d\.\d\d) <span[^>]*>\(n=\d+\)</span></td>\s*"
        r"<td>[^<]*: (\d\.\d\d) <span[^>]*>\(n=\d+\)</span></td>\s*"
        r'<td class="text-end">(-?\d\.\d\d)</td>',
        html,
    )
    gaps = group_results.perspective_gaps(group_results_page(open_round, fred).figures)
    assert len(rows) == len(gaps) > 100  # every pair of groups with k scored, per characteristic
    for first, second, gap in rows:
        assert Decimal(gap) == Decimal(first) - Decimal(second), (first, second, gap)
    # Among them, gaps that the exact difference, rounded, would have printed 0.01 off.
    assert any(scoring.shown(g.difference) != g.shown_difference for g in gaps)


@pytest.mark.django_db
def test_pages_csv_and_pdf_round_shares_halves_up_and_show_no_sd_below_ten(
    open_round, fred, captured
):
    # 8 respondents: 5 answer 4, 2 answer 2, 1 answers 3. Agree 5/8 = 62.5 % (shown 63 %, where
    # "{:.0f}" gave 62 %), disagree 2/8 = 25 %: every statement splits partners.
    _submit_each(open_round, [4] * 5 + [2] * 2 + [3], k=8)
    client = signed_in(fred)
    page = client.get(url("results_characteristic", open_round, 3)).content.decode()
    assert "63% agree, 25% disagree, of 8 answering 1 to 5" in page
    assert "62%" not in page
    row = _collaboration_row(page)
    assert (row["n"], row["SD"], row["Agree"]) == ("8", "–", "63%")  # no SD below 10
    assert "SD: how far apart the respondents’ scores are, shown from 10 respondents" in page

    overview = client.get(url("results_overview", open_round)).content.decode()
    assert "(SD " not in overview  # no SD in the priority cards' sentences either

    for row in _csv(client, open_round):
        if row["Breakdown"] == "Collaboration":
            assert row[SD_COLUMN] == "" and row["Agree share"] == "0.625"

    client.get(url("results_pdf", open_round))
    (html,) = captured
    assert "(63% agree, 25% disagree, of 8 answering 1 to 5)" in html
    assert "62%" not in html and "(SD " not in html
    assert "at least a quarter of partners agree and at least a quarter disagree" in " ".join(
        html.split()
    )


@pytest.mark.django_db
def test_sd_shows_with_one_decimal_from_ten_respondents(open_round, fred, captured):
    # 16 respondents: 9 answer 4, 7 answer 3: SD 0.512 shows as 0.5.
    _submit_each(open_round, [4] * 9 + [3] * 7, k=8)
    client = signed_in(fred)
    page = client.get(url("results_characteristic", open_round, 3)).content.decode()
    row = _collaboration_row(page)
    assert (row["n"], row["SD"], row["Agree"]) == ("16", "0.5", "56%")
    assert "56.3%" in page  # nine of sixteen answered 4, in the distribution table
    everyone = [r for r in _csv(client, open_round) if r["Breakdown"] == "Collaboration"]
    assert {r[SD_COLUMN] for r in everyone} == {"0.5"}
    assert {r["Agree share"] for r in everyone} == {"0.563"}
    client.get(url("results_pdf", open_round))
    (html,) = captured
    radar_table = html[html.index('class="figures radar-table"') :].split("</table>")[0]
    assert radar_table.count('<td class="num">0.5</td>') == 8


@pytest.mark.django_db
def test_a_wide_spread_without_a_split_is_not_called_a_split(open_round, fred, captured):
    # 8 respondents: one answers 1, three 3, four 5. SD 1.49, but only 12.5 % disagree: the old
    # rule flagged every statement on its SD and the PDF said they "split partners between
    # agreeing and disagreeing".
    _submit_each(open_round, [1] + [3] * 3 + [5] * 4, k=8)
    client = signed_in(fred)
    page = client.get(url("results_characteristic", open_round, 3)).content.decode()
    assert "Views differ" not in page
    client.get(url("results_pdf", open_round))
    (html,) = captured
    assert "split partners between agreeing and disagreeing" not in html
    assert "Partners broadly agree on every statement: no answers split." in html
