"""The PDF reports: what they show, assembled from exactly what the pages show, and the renderer.

A round's report is built from the ``GroupResultsPage`` the results pages read (figures already
through ``assessments.disclosure``; nothing here reads a response or the rollup), and its plan
from ``selectors.group_results.collaboration_plan``. A partner's report is built from
``personal_results``, as their results page is. The functions below only choose, order and word
what those give; the charts are ``assessments.svg`` drawings of the same series the pages'
plotly charts draw.

WeasyPrint renders the HTML with a URL fetcher that serves the app's own static files and
refuses everything else: a report never reaches the network, whatever its HTML holds.
"""

from __future__ import annotations

import base64
import binascii
import logging
import mimetypes
import posixpath
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.db.models import Case, F, Q, Value, When
from django.templatetags.static import static
from django.utils.text import slugify
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from assessments import charts, group_results, scoring, svg
from assessments.disclosure import FEWER_THAN_K
from assessments.models import Action
from assessments.selectors.group_results import (
    CollaborationPlan,
    Differ,
    GroupResultsPage,
    collaboration_plan,
    views_differ,
)
from assessments.selectors.partner import PersonalResults
from assessments.selectors.workshops import AgreedScores, agreed_scores
from assessments.trends import Trends
from frameworks.models import Source

STYLESHEET = "css/report.css"
PDF_VARIANT = "pdf/ua-1"  # tagged and accessible (ISO 14289-1), as WeasyPrint writes it
# The reports' charts, placed as <img> (``templatetags/ca_pdf.chart_src``): only these data: URLs
# are read, and they are decoded here, never fetched.
CHART_IMAGE_PREFIX = "data:image/svg+xml;base64,"
GAP_WORTH_SAYING = Decimal("0.50")  # the summary names the widest gap (as printed) from here

logger = logging.getLogger(__name__)


# --- Rendering ------------------------------------------------------------------------------------


class StaticFilesFetcher(URLFetcher):
    """WeasyPrint's URL fetcher for the reports: a URL under ``STATIC_URL`` on the report's own
    origin is read from the static directories (staticfiles finders), and a chart of the report's
    own (an SVG as a base64 ``data:`` URL, ``CHART_IMAGE_PREFIX``) is decoded in place; any
    other URL (another host, ``file:``, any other ``data:``, a path climbing out with ``..``) is
    refused, so nothing is ever fetched over the network or read from elsewhere on the disk."""

    def __init__(self, base_url: str):
        super().__init__(allowed_protocols=("http", "https"), allow_redirects=False)
        base = urlsplit(base_url)
        self.origin = (base.scheme, base.netloc)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith(CHART_IMAGE_PREFIX):
            # A report's own chart, drawn by ``assessments.svg`` and placed as an <img> so that
            # the tagged PDF has a figure with its alternative text; whatever it refers to is
            # fetched through this same fetcher, so it can reach nothing else either.
            try:
                body = base64.b64decode(url[len(CHART_IMAGE_PREFIX) :], validate=True)
            except binascii.Error as error:
                raise ValueError("A chart image that is not base64.") from error
            return URLFetcherResponse(url, body, {"Content-Type": "image/svg+xml"})
        name = static_name(url, self.origin)
        path = _find(name) if name else None
        if path is None:
            raise ValueError(f"Reports only use the app's static files, not {url[:200]!r}.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def static_name(url: str, origin: tuple[str, str]) -> str | None:
    """The static file a URL names (``css/report.css``), or None when it names anything else."""
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc) != origin or parts.query or parts.fragment:
        return None
    prefix = static("")  # STATIC_URL with its leading slash: "/static/"
    path = unquote(parts.path)
    if not path.startswith(prefix):
        return None
    name = path[len(prefix) :]
    if not name or "\\" in name or "\x00" in name or posixpath.normpath(name) != name:
        return None  # "a/../b", "./a", "a//b": a file has one name, and it is this one
    if name.startswith(("/", "..")):
        return None
    return name


def _find(name: str) -> Path | None:
    try:
        found = finders.find(name)
    except SuspiciousFileOperation:
        return None
    return Path(found) if found else None


def render_pdf(html: str, base_url: str) -> bytes:
    """The PDF of a report's HTML. ``base_url`` is the site's root as the request reached it
    (``request.build_absolute_uri("/")``): the stylesheet's URL resolves against it, and only
    static files on that origin are read."""
    document = HTML(
        string=html, base_url=base_url, url_fetcher=StaticFilesFetcher(base_url)
    ).render()
    try:
        # PDF/UA-1: a tagged PDF (headings, lists, tables with their headers, figures with their
        # alternative text, in reading order), its language and title from <html lang> and
        # <title>, and the title shown by the viewer (DisplayDocTitle): a screen reader reads it.
        return document.write_pdf(pdf_variant=PDF_VARIANT)
    except (ValueError, AssertionError):
        # WeasyPrint 69 cannot tag a table whose caption was left alone at the foot of a page
        # ("Table wrapper without a table"). report.css keeps captions with their tables; should
        # a layout still part them, the reader gets the report untagged rather than an error.
        logger.warning("A report could not be tagged: it was written untagged.", exc_info=True)
        return document.write_pdf()


def report_filename(*parts: str, suffix: str) -> str:
    """``northshire-stroke-network-autumn-round-report.pdf``: ASCII, safe in a header."""
    return f"{slugify(' '.join(parts)) or 'collabassess'}-{suffix}.pdf"


def credited_sources(version) -> list[Source]:
    """The publishers a report credits: the edition's source (Kaleidoscope Health & Care's
    characteristics) and the sources of the linked content (THIS Institute's considerations,
    NHS Professionals' key steps), which belong to no edition. One query."""
    return list(
        Source.objects.filter(Q(pk=version.source_id) | Q(framework_versions__isnull=True))
        .distinct()
        .order_by("position", "publisher", "title")
    )


# --- A round's report -----------------------------------------------------------------------------


@dataclass
class RadarRow:
    characteristic: object
    total: group_results.Figure
    previous: float | None
    once: group_results.EachTeamOnce | None = None  # the mean with every team counting once
    agreed: object = None  # the workshop's newest Agreement on it (score None: could not agree)


@dataclass
class HeatmapBlock:
    """One breakdown of the heatmap, rows in the page's default order (by name)."""

    title: str
    breakdown: group_results.Breakdown
    rows: list[tuple[group_results.GroupRow, list[group_results.Figure]]]


def heatmap_blocks(figures: group_results.RoundFigures) -> list[HeatmapBlock]:
    """Teams and stakeholder groups × characteristics, every cell the figure the heatmap page
    shows (a hidden one says why through the same partial)."""
    numbers = [c.number for c in figures.characteristics]
    return [
        HeatmapBlock(
            title,
            breakdown,
            [
                (row, [row.figures[n] for n in numbers])
                for row in sorted(breakdown.rows, key=lambda row: row.label.lower())
            ],
        )
        for breakdown, title in ((figures.teams, "Teams"), (figures.groups, "Stakeholder groups"))
    ]


def heatmap_context(figures: group_results.RoundFigures) -> dict:
    """What ``reports/_heatmap.html`` reads: from the figures alone, so that the property test
    can render it for generated rounds without a database."""
    return {
        "figures": figures,
        "k": figures.k,
        "heatmap": heatmap_blocks(figures),
        "heatmap_total": [figures.total[c.number] for c in figures.characteristics],
        "fewer_than_k": FEWER_THAN_K,
    }


def _previous_values(page: GroupResultsPage) -> dict[int, float]:
    return page.previous.values if page.previous else {}


# The workshop's agreed scores in the SVG charts, drawn as the pages' charts draw them.
AGREED_STYLE = (charts.AGREED_COLOUR, charts.AGREED_DASH, charts.AGREED_MARKER)
NOT_READ = object()  # round_radar reads the agreed scores itself unless it is given them


def round_radar(page: GroupResultsPage, agreed: AgreedScores | None | object = NOT_READ) -> str:
    """The collaboration's radar with the previous round dashed and the workshop's agreed scores
    dotted with stars: the numbers of the overview's radar (``charts.radar_series``, the
    previous round's means, ``charts.agreed_series``). ``agreed`` is the round's
    ``agreed_scores`` when the caller has read them (None: no workshop); read here otherwise
    (1 query, 2 with a workshop)."""
    if agreed is NOT_READ:
        agreed = agreed_scores(page.round)
    figures = page.figures
    labels = [c.short_name for c in figures.characteristics]
    series = [("Collaboration", charts.radar_series(figures)["collaboration"])]
    styles: list = [None]
    if page.previous:
        previous = _previous_values(page)
        series.append(
            (
                f"Previous round: {page.previous.title}",
                [previous.get(c.number) for c in figures.characteristics],
            )
        )
        styles.append(None)
    if agreed is not None and agreed.agreements:
        scores = {n: a.score for n, a in agreed.agreements.items()}
        series.append((charts.AGREED_NAME, charts.agreed_series(figures, scores)))
        styles.append(AGREED_STYLE)
    else:
        agreed = None
    return svg.radar_svg(
        labels,
        series,
        bands={
            "developing": float(figures.developing_min),
            "strength": float(figures.strength_min),
        },
        title="Radar chart of the collaboration’s mean score (1 to 5) for each characteristic"
        + (", with the previous round dashed" if page.previous else "")
        + (", and the scores agreed in a workshop dotted with stars" if agreed else "")
        + "; the same figures are in the table.",
        styles=styles,
    )


def _score(figure: group_results.Figure) -> str:
    return str(scoring.shown(figure.result.mean))


def _band_words(figure: group_results.Figure) -> str:
    return {
        scoring.STRENGTH: "a strength",
        scoring.DEVELOPING: "developing",
        scoring.PRIORITY: "a priority",
    }.get(figure.band, "no band")


NUMBERS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _number(n: int) -> str:
    """Words up to ten, as plain English writes them; figures above."""
    return NUMBERS[n] if n < len(NUMBERS) else str(n)


def _count(n: int, noun: str, *, capital: bool = False) -> str:
    """For example "three characteristics", "one team"."""
    text = f"{_number(n)} {noun}{'' if n == 1 else 's'}"
    return text[0].upper() + text[1:] if capital else text


def _quoted(name: str) -> str:
    """A characteristic's name in quotes: names hold "and" ("Skills and capabilities"), so a
    list of them reads unambiguously only quoted."""
    return f"‘{name}’"


def _names(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def summary_sentences(
    page: GroupResultsPage, plan: CollaborationPlan | None, differ: list[Differ]
) -> list[str]:
    """The report's first page in plain English, sentence by sentence, from shown figures only:
    how many responses, the strongest and weakest characteristics, what to work on first, where
    views differ, the widest gap between stakeholder groups, the change since the previous round
    and how many teams have figures."""
    figures = page.figures
    k = figures.k
    if not figures.shown:
        return [
            f"No figures are shown yet: group results appear once at least {k} responses have "
            f"been submitted, so that nobody’s answers can be worked out."
        ]
    names = {c.number: _quoted(c.name) for c in page.characteristics}
    sentences = [
        f"This report covers {figures.responses} submitted responses. "
        f"No figure about fewer than {k} people is shown, nor one that would let a smaller "
        "group be worked out."
    ]
    shown = [(n, f) for n, f in figures.total.items() if f.shown]
    if shown:
        ranked = sorted(shown, key=lambda item: (-item[1].result.mean, item[0]))
        best_number, best = ranked[0]
        worst_number, worst = ranked[-1]
        if len(ranked) == 1:
            sentences.append(
                f"Only {names[best_number]} has enough answers for a score: "
                f"{_score(best)} out of 5, {_band_words(best)}."
            )
        else:
            sentences.append(
                f"The collaboration rates itself highest on {names[best_number]} "
                f"({_score(best)} out of 5, {_band_words(best)}) and lowest on "
                f"{names[worst_number]} ({_score(worst)}, {_band_words(worst)})."
            )
    if plan is not None:
        sentences += _plan_sentences(plan, figures)
    if differ:
        ordered = sorted(differ, key=lambda d: (-len(d.statements), d.characteristic.number))
        top = ordered[0]
        count = len(top.statements)
        total = len(top.characteristic.indicators.all())
        # The rule's own words, the only reason a statement is listed
        # (``scoring.Distribution.views_differ``: VIEWS_DIFFER_SHARE, a quarter, each way).
        sentence = (
            f"Views differ most on {_quoted(top.characteristic.name)}: on {_number(count)} of its "
            f"{_number(total)} statements at least a quarter of partners agree and at least a "
            f"quarter disagree"
        )
        others = [_quoted(d.characteristic.name) for d in ordered[1:]]
        if others:
            sentence += f", and they differ on {_names(others)} too"
        sentences.append(sentence + ". These are worth talking through.")
    else:
        sentences.append("Partners broadly agree on every statement: no answers split.")
    gaps = group_results.perspective_gaps(figures)
    if gaps and gaps[0].shown_difference >= GAP_WORTH_SAYING:
        gap = gaps[0]
        sentences.append(
            f"The widest gap between stakeholder groups is on {names[gap.number]}: "
            f"{gap.first.label} {_score(gap.first.figures[gap.number])} against "
            f"{gap.second.label} {_score(gap.second.figures[gap.number])}" + _how_sure(gap)
        )
    previous = _previous_values(page)
    if page.previous and previous:
        rose = fell = same = 0
        for number, figure in shown:
            if number in previous:
                now, then = scoring.shown(figure.result.mean), scoring.shown(previous[number])
                rose += now > then
                fell += now < then
                same += now == then
        both = rose + fell + same
        if both:
            changes = [
                f"{'all ' if count == both and both > 1 else ''}{_number(count)} {what}"
                for count, what in ((rose, "rose"), (fell, "fell"), (same, "stayed the same"))
                if count
            ]
            sentences.append(
                f"Since {page.previous.title}, of the {_number(both)} characteristics scored in both "
                f"rounds, {_names(changes)}."
            )
    teams = [row for row in figures.teams.rows if row.key != "team:-"]
    if teams:
        with_figures = sum(1 for row in teams if any(f.shown for f in row.figures.values()))
        why = (
            f"fewer than {k} responses counted so far, or hidden so that a smaller team "
            "cannot be worked out"
        )
        if with_figures == len(teams):
            sentences.append(f"All {_count(len(teams), 'team')} have figures of their own.")
        elif with_figures == 0:
            sentences.append(f"No team has figures of its own yet ({why}).")
        else:
            sentences.append(
                f"{_count(with_figures, 'team', capital=True)} of {len(teams)} "
                f"{'has figures of its' if with_figures == 1 else 'have figures of their'} own; "
                f"the others have {why}."
            )
    return sentences


def _how_sure(gap: group_results.Gap) -> str:
    """The end of the widest-gap sentence: whether the gap is more than its uncertainty
    (``Gap.clear``); a board should not act on a gap that may be noise."""
    if gap.clear:
        return f", more than its uncertainty (95% interval of the gap: {gap.interval.text})."
    return (
        f"; with so few respondents this gap may be noise: its 95% interval, "
        f"{gap.interval.text}, includes no gap at all."
    )


def _plan_sentences(plan: CollaborationPlan, figures: group_results.RoundFigures) -> list[str]:
    if not plan.priorities:
        return ["Every characteristic with a score is a strength: keep doing what works."]
    first = [_quoted(item.characteristic.name) for item in plan.priorities[:3]]
    count = len(plan.priorities)
    verb = "are" if count > 1 else "is"
    if plan.in_priority_band:
        opening = (
            f"{_count(count, 'characteristic', capital=True)} {verb} in the priority band "
            f"(below {figures.developing_min})."
        )
    else:
        opening = (
            f"None is in the priority band; {_count(count, 'characteristic')} {verb} still "
            f"developing (below {figures.strength_min})."
        )
    sentences = [f"{opening} Work first on {_names(first)}."]
    weighted = [item for item in plan.priorities[:3] if item.priority.reasons]
    if weighted:
        reasons = sorted({r.lower() for item in weighted for r in item.priority.reasons})
        sentences.append(
            f"Why the collaboration exists ({_names(reasons)}) weighs "
            f"{_names([_quoted(item.characteristic.name) for item in weighted])} up in this order."
        )
    return sentences


def round_report_context(
    page: GroupResultsPage, *, collaboration, today, trends: Trends, actions: list[Action]
) -> dict:
    """Everything ``reports/round_report.html`` shows. Queries beyond the page's, the trends'
    and the actions': the plan's six (``collaboration_plan``, only once figures are shown), one
    for the credited sources, and the workshop's agreed scores (1, or 2 with a workshop)."""
    figures = page.figures
    plan = collaboration_plan_or_none(page)
    differ = views_differ(page) if figures.shown else []
    previous = _previous_values(page)
    agreed = agreed_scores(page.round)
    if agreed is not None and not agreed.agreements:
        agreed = None
    return {
        "collaboration": collaboration,
        "round": page.round,
        "page": page,
        "figures": figures,
        "k": figures.k,
        "sd_min_n": scoring.SD_MIN_N,
        "version": page.round.framework_version,
        "today": today,
        "summary": summary_sentences(page, plan, differ),
        "radar_svg": round_radar(page, agreed) if figures.shown else "",
        "radar_rows": [
            RadarRow(
                c,
                figures.total[c.number],
                previous.get(c.number),
                group_results.each_team_once(figures, c.number),
                agreed.agreements.get(c.number) if agreed else None,
            )
            for c in page.characteristics
        ],
        "agreed": agreed,
        "agreements": _agreements(page, agreed),
        **heatmap_context(figures),
        "plan": plan,
        "differ": differ,
        "sources": credited_sources(page.round.framework_version),
        **trends_context(trends),
        **actions_context(actions, {c.number: c.name for c in page.characteristics}, today),
    }


@dataclass
class AgreedRow:
    characteristic: object
    agreement: object  # the workshop's newest Agreement on it
    survey: group_results.Figure  # the collaboration's score from the survey, as shown


def _agreements(page: GroupResultsPage, agreed: AgreedScores | None) -> list[AgreedRow]:
    """What partners agreed, characteristic by characteristic in the edition's order: the
    score (or that the room could not agree), the reasoning and any dissent, as recorded
    (without names: who recorded it is never printed)."""
    if agreed is None:
        return []
    return [
        AgreedRow(c, agreed.agreements[c.number], page.figures.total[c.number])
        for c in page.characteristics
        if c.number in agreed.agreements
    ]


def trends_context(trends: Trends) -> dict:
    """The report's trends: the collaboration's line per characteristic (the trends page's
    series, drawn as SVG) and its table, with a second line per characteristic a workshop agreed
    a score on (``Trends.agreed``: the survey line's colour, dotted, with stars); nothing when
    fewer than two rounds have results."""
    if sum(1 for r in trends.rounds if r.figures.shown) < 2:
        return {"trends": None}
    series = trends.collaboration()
    agreed = trends.agreed()
    colour = {
        s.key: charts.TEAM_COLOURS[i % len(charts.TEAM_COLOURS)] for i, s in enumerate(series)
    }
    return {
        "trends": trends,
        "trend_series": series,
        "trend_agreed": agreed,
        "trend_svg": svg.line_chart_svg(
            trends.titles,
            [(s.label, [p.value for p in s.points]) for s in series]
            + [(a.label, [p.value if p else None for p in a.points]) for a in agreed],
            marks=trends.marks(),
            title="Line chart of the collaboration's mean score for each characteristic in each "
            "round"
            + (", with the scores agreed in workshops dotted with stars" if agreed else "")
            + "; the same figures are in the table.",
            styles=[None] * len(series)
            + [(colour.get(a.of, charts.AGREED_COLOUR), *AGREED_STYLE[1:]) for a in agreed],
        ),
    }


def actions_context(actions: list[Action], names: dict[int, str], today) -> dict:
    """The action plan as the plan page lists it, overdue ones marked."""
    for action in actions:
        action.overdue = action.is_overdue(today)
        action.characteristic_name = names.get(action.characteristic_number, "")
    return {"actions": actions, "overdue_actions": sum(1 for a in actions if a.overdue)}


def collaboration_plan_or_none(page: GroupResultsPage) -> CollaborationPlan | None:
    """The overview's plan (6 queries), or None before figures are shown (nothing to plan)."""
    return collaboration_plan(page) if page.figures.shown else None


# --- A partner's report ---------------------------------------------------------------------------


def personal_radar(results: PersonalResults) -> str:
    """The partner's radar: the numbers of their results page's chart (``chart_data``)."""
    chart = results.chart_data()
    return svg.radar_svg(
        chart["labels"],
        [("Your scores", chart["values"])],
        bands=chart["bands"],
        title="Radar chart of your scores from 1 to 5 for each characteristic; the same figures "
        "are in the table.",
    )


def personal_report_context(round, results: PersonalResults, *, today) -> dict:
    return {
        "round": round,
        "collaboration": round.collaboration,
        "results": results,
        "version": results.version,
        "today": today,
        "radar_svg": personal_radar(results),
        "sources": credited_sources(results.version),
    }


# --- A round's two-page summary, for a board pack -------------------------------------------------

PURPOSE_LIMIT = 300  # characters of the purpose statement on page 1; the full report has it whole
REASONING_LIMIT = 75  # one line of a workshop's reasoning, in the agreed scores' table
ACTION_TITLE_LIMIT = 120  # three actions' titles fit page 2 beside the method
OWNER_LIMIT = 40
SUMMARY_ACTIONS = 3


def shortened(text: str, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters: cut at the last space that fits and
    ended with "…" when it is longer (a word longer than the limit is cut where it stops)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.–-") + "…"


@dataclass(frozen=True)
class HeadlineRow:
    """One characteristic on the summary's first page: the collaboration's score as the overview
    shows it, the previous round's, the change between the two as printed, and the workshop's
    agreed score (the radar's series, in its table)."""

    characteristic: object
    total: group_results.Figure
    previous: float | None
    agreement: object  # the workshop's newest Agreement on it, or None

    @property
    def change(self) -> Decimal | None:
        """This round's score minus the previous round's, both as printed (so the reader's own
        subtraction checks); None unless both are shown."""
        if not self.total.shown or self.total.result.mean is None or self.previous is None:
            return None
        return scoring.shown(self.total.result.mean) - scoring.shown(self.previous)


@dataclass(frozen=True)
class SummaryAgreement:
    """What the room agreed on one characteristic, shortened for page 2."""

    characteristic: object
    agreement: object  # Agreement: score (None: could not agree), reasoning, dissent
    reasoning: str  # shortened to one line


@dataclass(frozen=True)
class SummaryAction:
    action: Action
    title: str
    owner: str
    characteristic_name: str
    overdue: bool


@dataclass(frozen=True)
class ResponseRate:
    """How many of the people who could answer the figures count: the responses the results
    count (moving with the figures, by nobody or at least k) over the headcounts of the teams
    taking part. Never a live count (docs/privacy.md, "Counts on the tracking page")."""

    counted: int
    headcount: int | None  # None unless every team taking part has a headcount
    teams: int
    without_headcount: int

    @property
    def percent(self) -> Decimal | None:
        if not self.headcount:
            return None
        return scoring.rounded(Decimal(100 * self.counted) / self.headcount, 0)


def response_rate(figures: group_results.RoundFigures, teams) -> ResponseRate | None:
    """The response rate the summary prints, or None before figures are shown (no count at all
    under k). The teams taking part: every team not archived, and an archived one whose row on
    the results pages is not "no responses yet" (its people answered this round)."""
    if not figures.shown:
        return None
    answered = {row.key for row in figures.teams.rows if not row.responses.empty}
    taking_part = [
        team for team in teams if team.archived_on is None or f"team:{team.pk}" in answered
    ]
    without = sum(1 for team in taking_part if not team.headcount)
    headcount = None if without else sum(team.headcount for team in taking_part)
    return ResponseRate(figures.responses, headcount, len(taking_part), without)


def summary_actions(round) -> tuple[list[Action], bool, int]:
    """The open actions the summary lists, in one query: those raised from ``round`` (from its
    results or agreed at its workshop) if any, else all the collaboration's open actions; the
    soonest due first (undated last). Returns (the first three, whether they are this round's,
    how many there are in all)."""
    raised_here = Q(round_id=round.pk) | Q(workshop__round_id=round.pk)
    actions = list(
        Action.objects.filter(
            collaboration_id=round.collaboration_id, status__in=Action.OPEN_STATUSES
        )
        .annotate(raised_here=Case(When(raised_here, then=Value(True)), default=Value(False)))
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )
    here = [action for action in actions if action.raised_here]
    chosen = here or actions
    return chosen[:SUMMARY_ACTIONS], bool(here), len(chosen)


def round_summary_context(
    page: GroupResultsPage,
    *,
    collaboration,
    today,
    agreed: AgreedScores | None,
    actions: tuple[list[Action], bool, int],
    teams,
) -> dict:
    """Everything ``reports/round_summary.html`` shows, on two A4 pages: page 1 the round, its
    purpose (shortened), the headline scores with the previous round's and the change, a small
    radar of the same numbers and the response rate; page 2 what partners agreed, the top three
    actions and the method with the publisher's credit. ``agreed`` is ``agreed_scores(round)``,
    ``actions`` is ``summary_actions(round)``, ``teams`` the collaboration's teams. No query of
    its own: the edition's source comes with the round."""
    figures = page.figures
    workshop_held = agreed is not None
    if agreed is not None and not agreed.agreements:
        agreed = None
    agreements = agreed.agreements if agreed else {}
    previous = _previous_values(page)
    names = {c.number: c.name for c in page.characteristics}
    first, from_round, open_count = actions
    purpose = shortened(collaboration.purpose, PURPOSE_LIMIT)
    return {
        "collaboration": collaboration,
        "round": page.round,
        "page": page,
        "figures": figures,
        "k": figures.k,
        "version": page.round.framework_version,
        "today": today,
        "purpose": purpose,
        "purpose_shortened": purpose != " ".join(collaboration.purpose.split()),
        "headline": [
            HeadlineRow(
                c, figures.total[c.number], previous.get(c.number), agreements.get(c.number)
            )
            for c in page.characteristics
        ],
        "radar_svg": round_radar(page, agreed) if figures.shown else "",
        "rate": response_rate(figures, teams),
        "agreed": agreed,
        "workshop_held": workshop_held,
        "summary_agreements": [
            SummaryAgreement(
                c,
                agreements[c.number],
                shortened(agreements[c.number].reasoning, REASONING_LIMIT),
            )
            for c in page.characteristics
            if c.number in agreements
        ],
        "summary_actions": [
            SummaryAction(
                action,
                shortened(action.title, ACTION_TITLE_LIMIT),
                shortened(action.owner, OWNER_LIMIT),
                names.get(action.characteristic_number, ""),
                action.is_overdue(today),
            )
            for action in first
        ],
        "actions_from_round": from_round,
        "open_actions": open_count,
    }
