"""Personal results: scores, bands, priorities, suggestions, chart data, pinned queries."""

import json
import re

import pytest
from django.test import Client, TestCase
from django.urls import reverse
from django.utils.html import escape

from assessments.models import Collaboration
from assessments.selectors.partner import personal_results
from frameworks.models import Band, Characteristic, FrameworkVersion, Indicator, Suggestion
from tests.assessments.helpers import answer_page, complete, open_round_link, resume_token, start
from tests.conftest import ensure_content

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("number", [1, 2])
def test_every_characteristic_and_band_has_two_to_four_suggestions(content, number):
    for characteristic in Characteristic.objects.filter(version__number=number):
        for band in Band.values:
            count = Suggestion.objects.filter(characteristic=characteristic, band=band).count()
            assert 2 <= count <= 4, (characteristic, band, count)


@pytest.mark.parametrize("number", [1, 2])
def test_every_indicator_has_a_tip(content, number):
    missing = Indicator.objects.filter(characteristic__version__number=number, tip__isnull=True)
    assert not missing.exists(), list(missing)


def test_every_suggestion_links_considerations_and_key_steps(content):
    for suggestion in Suggestion.objects.prefetch_related(
        "considerations", "key_steps", "examples"
    ):
        assert suggestion.considerations.all() and suggestion.key_steps.all(), suggestion
        for example in suggestion.examples.all():
            assert example.characteristic_id == suggestion.characteristic_id


VALUES = {1: "2", 2: "5", 3: "4", 4: "3", 5: "4", 6: "1", 7: "5", 8: "3"}


def test_scores_bands_priorities_and_strengths(anon_client, team_link, content):
    draft = complete(anon_client, team_link.token, content, values=VALUES)
    results = personal_results(draft)
    by_number = {row.characteristic.number: row for row in results.rows}
    assert by_number[1].result.mean == 2 and by_number[1].band == "priority"
    assert by_number[4].result.mean == 3 and by_number[4].band == "developing"
    assert by_number[2].band == "strength"
    # Every characteristic in the priority band, most in need first: need (5 − mean) × weight;
    # 6: (5−1)×w6, then 1: (5−2)×w1. 4 and 8 (3.00) are developing, not priorities.
    assert [row.characteristic.number for row in results.priorities] == [6, 1]
    assert results.priorities_in_band
    assert {row.characteristic.number for row in results.strengths} == {2, 3, 5, 7}
    assert results.overall == pytest.approx(sum(int(v) for v in VALUES.values()) / 8)
    for row in [*results.priorities, *results.strengths]:
        assert row.suggestions and all(s.band == row.band for s in row.suggestions)


def test_every_priority_band_characteristic_gets_its_suggestions_on_the_page(
    anon_client, team_link, content
):
    values = {1: "1", 2: "2", 3: "1", 4: "2", 5: "4", 6: "1", 7: "5", 8: "2"}
    complete(anon_client, team_link.token, content, values=values)
    html = anon_client.get(reverse("respond_results")).content.decode()
    priority_rows = re.findall(
        r'<th scope="row">(\d)\. [^<]*</th>\s*<td class="text-end">[0-9.]+</td>\s*<td><span class="band band-priority">',
        html,
    )
    assert sorted(priority_rows) == ["1", "2", "3", "4", "6", "8"]
    cards = re.findall(
        r'<details class="characteristic result-fold card mb-2" id="priority-(\d)">', html
    )
    assert sorted(cards) == sorted(priority_rows)  # none falls off
    section = html[html.index('id="strengths-heading"') :]
    strengths = Suggestion.objects.filter(
        characteristic__version=content, characteristic__number=7, band="strength"
    )
    assert strengths.count() >= 2
    for suggestion in strengths:  # every strength suggestion, not only the first
        assert escape(suggestion.text) in section


def test_when_nothing_is_a_priority_the_developing_ones_are_listed_and_said_so(
    anon_client, team_link, content
):
    values = {1: "3", 2: "4", 3: "3", 4: "5", 5: "4", 6: "3", 7: "5", 8: "4"}
    draft = complete(anon_client, team_link.token, content, values=values)
    results = personal_results(draft)
    assert not results.priorities_in_band
    assert {row.characteristic.number for row in results.priorities} == {1, 3, 6}
    html = anon_client.get(reverse("respond_results")).content.decode()
    assert "Nothing scored low. These are in the middle" in html


def test_a_card_says_when_the_collaborations_value_modes_weighted_it_up(
    anon_client, team_link, content
):
    from frameworks.models import ValueModeWeight

    draft = complete(anon_client, team_link.token, content, values=VALUES)
    results = personal_results(draft)
    for row in results.priorities:
        weights = ValueModeWeight.objects.filter(
            characteristic=row.characteristic, value_mode__slug="shared-delivery"
        ).values_list("weight", flat=True)
        heavier = any(float(w) > 1 for w in weights)
        assert bool(row.weighted_by) == heavier, row.characteristic
        if heavier:
            assert row.weighted_by == ["Shared delivery"] or row.weighted_by[0].lower().startswith(
                "shared"
            )


def _cards(html: str) -> dict[int, str]:
    """The priorities' folds of a results page, by characteristic number."""
    return {
        int(number): card
        for number, card in re.findall(
            r'(?s)<details class="characteristic result-fold card mb-2" id="priority-(\d)">'
            r"(.*?)</details>",
            html,
        )
    }


def test_every_partner_gets_cards_with_their_own_score_and_tips(team_link, content):
    """Two partners with the same characteristics in the priority band, weighted up or not:
    each card says its own partner's score and lists the tips of the statements they rated
    low."""
    from assessments import scoring

    partners = [
        {1: "1", 2: "2", 3: "2", 4: "1", 5: "2", 6: "1", 7: "2", 8: "1"},
        {1: "2", 2: "1", 3: "dk", 4: "2", 5: "1", 6: "2", 7: "1", 8: "2"},
    ]
    seen = []
    for values in partners:
        client = Client()
        draft = complete(client, team_link.token, content, values=values)
        page = personal_results(draft)
        assert len(page.priorities) >= 7 and any(row.weighted_by for row in page.priorities)
        cards = _cards(client.get(reverse("respond_results")).content.decode())
        assert sorted(cards) == sorted(row.characteristic.number for row in page.priorities)
        for row in page.priorities:
            card = cards[row.characteristic.number]
            score = scoring.shown(row.result.mean) if row.result.mean is not None else "–"
            assert f"</span> {score} out of 5</span></summary>" in card
            for indicator in row.tips:
                assert escape(indicator.tip.text) in card
            if row.weighted_by:
                assert "It comes higher in your list because it matters most" in card
            seen.append(card)
        html = Client().get(reverse("respond_results"))  # no session: nothing to show
        assert html.status_code in (302, 404)
    assert len(set(seen)) == len(seen)  # every card its own partner's


def test_a_priority_card_without_tips_has_no_tips_heading(team_link, content):
    """Two partners with characteristic 1 in the priority band at the same score: one rated low
    the statements that have tips, the other those whose tips an admin removed. Each card says
    what is true for its partner."""
    from frameworks.models import Indicator, IndicatorTip

    indicators = list(
        Indicator.objects.filter(characteristic__version=content, characteristic__number=1)
    )
    untipped = indicators[: len(indicators) // 2]
    IndicatorTip.objects.filter(indicator__in=untipped).delete()

    def answers(low):
        return {f"item_{i.pk}": "1" if i in low else "4" for i in indicators}

    cards = []
    for low in ([i for i in indicators if i not in untipped], untipped):
        client = Client()
        draft = start(client, team_link.token)
        about = {"stakeholder_group": "clinician", "resume": resume_token(client)}
        client.post(reverse("respond_about"), about)
        for number in range(1, 9):
            extra = answers(low) if number == 1 else None
            assert answer_page(client, content, number, value="4", extra=extra).status_code == 302
        submitted = client.post(reverse("respond_review"), {"resume": resume_token(client)})
        assert submitted.status_code == 302
        draft.refresh_from_db()
        row = next(r for r in personal_results(draft).priorities if r.characteristic.number == 1)
        assert row.band == "priority"
        cards.append(_cards(client.get(reverse("respond_results")).content.decode())[1])
    with_tips, without_tips = cards
    assert "What would help:" in with_tips
    assert "What would help:" not in without_tips
    assert "What you scored 3 or lower" in without_tips  # the statements, without tips


def test_an_overall_score_needs_half_of_the_characteristics(anon_client, team_link, content):
    # Two answers of 5 on one characteristic, "don't know" elsewhere: no overall 5.00.
    values = dict.fromkeys(range(1, 9), "dk")
    values[2] = "5"
    draft = complete(anon_client, team_link.token, content, values=values)
    results = personal_results(draft)
    assert results.overall is None and results.scored == 1
    html = anon_client.get(reverse("respond_results")).content.decode()
    assert "No overall score: you answered enough for 1 of the 8 characteristics" in html


def test_tips_shown_for_items_rated_three_or_lower(anon_client, team_link, content):
    draft = complete(anon_client, team_link.token, content, values=VALUES)
    results = personal_results(draft)
    row = next(r for r in results.rows if r.characteristic.number == 6)
    assert len(row.tips) == 5 and all(i.tip.text for i in row.tips)
    assert not next(r for r in results.rows if r.characteristic.number == 2).tips


def test_results_page_chart_data_matches_the_table(anon_client, team_link, content):
    complete(anon_client, team_link.token, content, values=VALUES)
    html = anon_client.get(reverse("respond_results")).content.decode()
    data = json.loads(
        re.search(r'<script id="radar-data" type="application/json">(.*?)</script>', html).group(1)
    )
    assert data["values"] == [2.0, 5.0, 4.0, 3.0, 4.0, 1.0, 5.0, 3.0]  # the 1–5 scale
    assert len(data["labels"]) == 8
    table = html[html.index('<table class="table table-sm results-table">') :]
    cells = re.findall(r'<td class="text-end">([^<]*)</td>\s*<td><span', table)
    assert [float(c) for c in cells] == data["values"]
    assert data["bands"] == {"developing": 3.0, "strength": 4.0}
    assert "out of 100" not in html.lower()  # one scale


def test_the_pages_radar_is_plotlys_figure_with_these_scores(anon_client, team_link, content):
    """The radar's frame is built by plotly once per version and each partner's scores added to
    it: byte for byte what building the whole figure for them gives."""
    from django.utils.html import json_script

    from assessments import charts as figures

    complete(anon_client, team_link.token, content, values=VALUES)
    html = anon_client.get(reverse("respond_results")).content.decode()
    data = json.loads(
        re.search(r'<script id="radar-data" type="application/json">(.*?)</script>', html).group(1)
    )
    page = re.search(r'<script id="radar-figure" type="application/json">.*?</script>', html)[0]
    assert page == json_script(figures.personal_radar(data)["figure"], "radar-figure")
    scores = json.loads(page.split(">", 1)[1].rsplit("<", 1)[0])["data"][-1]["r"]
    assert scores == [*data["values"], data["values"][0]]
    # Another partner's scores (a gap included) in the same frame.
    other = {**data, "values": [1.25, None, *data["values"][2:]]}
    frame = figures.personal_radar_frame(data)
    assert (
        figures.personal_radar_with(frame, other["values"])
        == figures.personal_radar(other)["figure"]
    )
    assert frame == figures.personal_radar_frame(data)  # the frame is left as it was


def test_results_page_shows_no_team_or_collaboration_figures(anon_client, team_link, content):
    complete(anon_client, team_link.token, content, values=VALUES)
    html = anon_client.get(reverse("respond_results")).content.decode()
    assert "Team average" not in html and "Collaboration average" not in html
    assert "your own" in html


def test_respondent_pages_load_no_chart_library(anon_client, team_link, content):
    from tests.assessments.helpers import start

    start(anon_client, team_link.token)
    for url in [
        reverse("respond_landing"),
        reverse("respond_about"),
        reverse("respond_characteristic", args=[1]),
    ]:
        assert "plotly" not in anon_client.get(url).content.decode(), url


def test_the_chart_bundle_is_under_500_kb_gzipped():
    import gzip
    from pathlib import Path

    from django.conf import settings

    bundle = Path(settings.BASE_DIR) / "static/vendor/plotly/plotly-charts.min.js"
    radar = Path(settings.BASE_DIR) / "static/js/charts.js"
    size = len(gzip.compress(bundle.read_bytes(), 9)) + len(gzip.compress(radar.read_bytes(), 9))
    assert size < 500_000, size
    assert "scatterpolar" in bundle.read_text()
    assert (bundle.parent / "LICENSE").exists()


class ResultsQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_content()

    def _submitted(self, values):
        version = FrameworkVersion.objects.get(framework__slug="eight-characteristics", number=2)
        link = open_round_link(version, name=f"C{Collaboration.objects.count()}")
        client = Client()
        complete(client, link.token, version, values=values)
        return client

    def test_results_page_query_count_is_pinned(self):
        client = self._submitted(VALUES)
        client.get(reverse("respond_results"))  # the first builds and keeps the wording
        # 1 session; 2 response (+round, collaboration) with the results stored when it was
        # submitted; 3 the round's release (the link to the collaboration's results once shared).
        # The version and the words come from the cache.
        with self.assertNumQueries(3):
            response = client.get(reverse("respond_results"))
        self.assertEqual(response.status_code, 200)

    def test_results_query_count_is_the_same_for_every_mix_of_answers(self):
        for values in [
            dict.fromkeys(range(1, 9), "5"),
            dict.fromkeys(range(1, 9), "1"),
            {1: "2", 8: "4"},
            dict.fromkeys(range(1, 9), "dk"),
        ]:
            client = self._submitted(values)
            client.get(reverse("respond_results"))
            with self.assertNumQueries(3):
                client.get(reverse("respond_results"))


class QuestionPageQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_content()

    def test_a_question_page_costs_the_same_whatever_was_answered_before(self):
        client = self._client_with_draft()
        start_url = reverse("respond_characteristic", args=[5])
        client.get(start_url)  # the first builds and keeps the version's questionnaire
        # 1 session; 2 response (+round, collaboration; the version from the cache);
        # 3 the page's saved answers; 4 its comment.
        with self.assertNumQueries(4):
            client.get(start_url)
        for number in range(1, 9):
            answer_page(client, self.version, number, value="3", comment="A comment")
        with self.assertNumQueries(4):
            client.get(start_url)

    def _client_with_draft(self):
        self.version = FrameworkVersion.objects.get(
            framework__slug="eight-characteristics", number=2
        )
        client = Client()
        start(client, open_round_link(self.version, name="Q").token)
        return client


# --- The page in plain words: a summary first, the rest folded by characteristic ------------

# Words a patient or carer should not have to decode in the app's own wording (the publisher's
# names and statements keep theirs, credited).
JARGON = (
    "governance",
    "system leadership",
    "stakeholder",
    "steering group",
    "executive",
    "theory of change",
    "convene",
    "capabilit",
    "boundar",
    "characteristic",
    "indicator",
    "band",
)
GRADE_AT_MOST = 6.5  # Flesch-Kincaid grade 6.5: a reading age of about 11


def syllables(word: str) -> int:
    word = word.lower().strip("’'")
    if len(word) <= 3:
        return 1
    word = re.sub(r"(?:[^laeiouy]es|ed|[^laeiouy]e)$", "", word)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", re.sub(r"^y", "", word))))


def grade(text: str) -> float:
    """The Flesch-Kincaid grade of ``text`` (a school grade; the reading age is about 5 more)."""
    sentences = max(1, len(re.findall(r"[.!?:]+(?:\s|$)", text)))
    words = re.findall(r"[A-Za-z’']+", text)
    per_word = sum(syllables(w) for w in words) / len(words)
    return 0.39 * len(words) / sentences + 11.8 * per_word - 15.59


def test_the_reading_grade_tells_plain_from_official():
    assert grade("Ask who makes the decisions and how you can have a say.") < 4
    official = (
        "Establish governance arrangements that enable system leadership across organisational "
        "boundaries, with accountability frameworks proportionate to the collaboration's maturity."
    )
    assert grade(official) > 15


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


@pytest.mark.parametrize("number", [1, 2])
def test_every_characteristic_has_plain_words_of_its_own(content, number):
    from assessments.views.partner.plain_words import BY_SLUG, KEEP_IT_STRONG

    for characteristic in Characteristic.objects.filter(version__number=number):
        words = BY_SLUG.get(characteristic.slug)
        assert words is not None, characteristic.slug
        text = f"This is about {words.means} " + " ".join([*words.you_can, *KEEP_IT_STRONG])
        assert grade(text) <= GRADE_AT_MOST, (characteristic.slug, grade(text))
        for term in JARGON:
            assert term not in f"{words.title} {text}".lower(), (characteristic.slug, term)


@pytest.mark.parametrize(
    "values",
    [
        VALUES,
        {1: "1", 2: "5", 3: "2", 4: "1", 5: "4", 6: "1", 7: "5", 8: "2"},
        dict.fromkeys(range(1, 9), "5"),
        dict.fromkeys(range(1, 9), "1"),
        dict.fromkeys(range(1, 9), "dk"),
    ],
    ids=["mixed", "five low", "all high", "all low", "no scores"],
)
def test_the_page_leads_with_a_plain_summary(anon_client, team_link, content, values):
    """First a short summary in plain words: the overall score in a sentence, at most three things
    to work on (the most in need first) and the best strength; then one fold per characteristic
    of the priorities and strengths, closed, each leading with our plain words."""
    draft = complete(anon_client, team_link.token, content, values=values)
    results = personal_results(draft)
    html = anon_client.get(reverse("respond_results")).content.decode()
    summary = _section(html, '<section class="results-summary', "</section>")
    assert html.index("results-summary") < html.index('id="radar"')  # before the chart
    text = _text(summary)
    assert grade(text) <= GRADE_AT_MOST, (grade(text), text)
    for term in JARGON:
        assert term not in text.lower(), term
    linked = re.findall(r'<a href="#(priority|strength)-(\d)-more">', summary)
    work_on = [int(n) for kind, n in linked if kind == "priority"]
    assert work_on == [row.characteristic.number for row in results.priorities[:3]]
    best = [int(n) for kind, n in linked if kind == "strength"]
    assert best == [row.characteristic.number for row in results.strengths[:1]]
    # Every priority and strength folds; closed (no "open"), reached from the summary's links.
    folds = re.findall(
        r'<details class="characteristic result-fold card mb-2" id="(\w+)-(\d)">', html
    )
    assert folds == [("priority", str(r.characteristic.number)) for r in results.priorities] + [
        ("strength", str(r.characteristic.number)) for r in results.strengths
    ]


def test_a_fold_leads_with_plain_words_and_keeps_the_publishers_credited(
    anon_client, team_link, content
):
    from assessments.views.partner.plain_words import BY_SLUG

    values = {1: "1", 2: "5", 3: "2", 4: "1", 5: "4", 6: "1", 7: "5", 8: "2"}
    draft = complete(anon_client, team_link.token, content, values=values)
    results = personal_results(draft)
    html = anon_client.get(reverse("respond_results")).content.decode()
    cards = _cards(html)
    for row in results.priorities:
        card = cards[row.characteristic.number]
        words = BY_SLUG[row.characteristic.slug]
        what_you_could_do = _section(card, "What you could do", "</ul>")
        assert what_you_could_do.index(escape(words.you_can[0])) > 0
        for term in JARGON:
            assert term not in _text(what_you_could_do).lower(), term
        # Our plain words come first; the publisher's name and statements follow, unchanged.
        assert card.index(escape(words.title)) < card.index(escape(row.characteristic.name))
        assert card.index("What you could do") < card.index("Ideas for the people who run")
        for indicator in row.low:
            assert f"<q>{escape(indicator.text)}</q>" in card
            assert escape(indicator.plain_english) in card
        for suggestion in row.suggestions:
            assert escape(suggestion.text) in card
