"""Reading results: the queries behind the results pages, then the pure scoring functions."""

from __future__ import annotations

import dataclasses
import hashlib
import random
import secrets
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from assessments import charts, group_results, questionnaire, rollups, scoring
from assessments import trends as trends_module
from assessments.models import (
    Action,
    Answer,
    OfferedGroup,
    Response,
    ResultsPreference,
    Round,
    RoundSnapshot,
    StakeholderGroup,
    Team,
)
from assessments.selectors.content import (
    characteristics_with_tips,
    suggestions_for,
    value_mode_weights,
    weighted_by,
)
from frameworks import revision
from frameworks.models import (
    Characteristic,
    FrameworkVersion,
    Indicator,
    Suggestion,
    ValueMode,
)

TIP_THRESHOLD = 3  # items answered 3 or lower get their tip shown


@dataclass
class Row:
    characteristic: Characteristic
    result: scoring.CharacteristicResult
    band: str | None
    weight: float = 1.0
    suggestions: list[Suggestion] = field(default_factory=list)
    tips: list[Indicator] = field(default_factory=list)
    weighted_by: list[str] = field(default_factory=list)  # value modes that weighted it up
    suggestions_html: str = ""  # the suggestions rendered once per version and revision
    card_html: str = ""  # a priority's card (``priority_card``)

    @property
    def band_label(self) -> str:
        return {
            scoring.STRENGTH: "Strength",
            scoring.DEVELOPING: "Developing",
            scoring.PRIORITY: "Priority",
        }.get(self.band, "Not enough answers")


@dataclass
class PersonalResults:
    version: FrameworkVersion
    rows: list[Row]
    overall: float | None  # None too when fewer than half of the characteristics have a score
    overall_band: str | None
    priorities: list[Row]  # every characteristic in the priority band, most in need first
    strengths: list[Row]
    priorities_in_band: bool = True  # False: none in the priority band, developing ones listed
    scored: int = 0

    def chart_data(self) -> dict:
        """What the radar chart draws, on the answers' own 1–5 scale: the same numbers as the
        table beside it (two decimals, as shown)."""
        return {
            "labels": [row.characteristic.short_name for row in self.rows],
            "names": [
                f"{row.characteristic.number}. {row.characteristic.name}" for row in self.rows
            ],
            "values": [
                None if row.result.mean is None else float(scoring.shown(row.result.mean))
                for row in self.rows
            ],
            "bands": {
                "developing": float(self.version.developing_min),
                "strength": float(self.version.strength_min),
            },
        }


RESULT_FORMAT = 1  # of Response.personal_result; a stored result of another format is recomputed


def personal_result_data(response: Response) -> dict:
    """One respondent's results as numbers and ids, worked out by scoring.py: what the submit
    service stores on the response (``Response.personal_result``), in 4 queries once the
    questionnaire is cached: the response's value modes, the round's recorded value modes, the
    answers, the weights."""
    prefetch_related_objects([response], "value_modes", "round__value_modes")
    version = response.round.framework_version
    characteristics = questionnaire.characteristics(version.pk)
    values = dict(Answer.objects.filter(response=response).values_list("indicator_id", "value"))
    # The collaboration's value modes as the round recorded them when it opened (a later edit of
    # the collaboration changes nothing here); if there were none, the respondent's own view.
    modes = [m.slug for m in response.round.value_modes.all()]
    if not modes:
        modes = [m.slug for m in response.value_modes.all()]
    weights, mode_weights = value_mode_weights(version, modes)
    bands = {"strength_min": version.strength_min, "developing_min": version.developing_min}

    rows = []
    for characteristic in characteristics:
        indicators = list(characteristic.indicators.all())
        given = [values[i.pk] for i in indicators if i.pk in values]
        result = scoring.respondent_characteristic(characteristic.number, given, len(indicators))
        rows.append(
            {
                "number": characteristic.number,
                "result": dataclasses.asdict(result),
                "band": scoring.band(result.mean, **bands),
                "weight": weights.get(characteristic.number, 1.0),
                # Items answered 3 or lower: their tips are shown (if the item has one).
                "low": [
                    i.pk
                    for i in indicators
                    if values.get(i.pk) is not None and values[i.pk] <= TIP_THRESHOLD
                ],
            }
        )
    results = {row["number"]: scoring.CharacteristicResult(**row["result"]) for row in rows}
    by_number = {row["number"]: row for row in rows}
    ordered = [r.number for r in scoring.priorities(list(results.values()), weights)]
    priorities = [n for n in ordered if by_number[n]["band"] == scoring.PRIORITY]
    in_band = bool(priorities)
    if not in_band:
        priorities = [n for n in ordered if by_number[n]["band"] == scoring.DEVELOPING]
    for number in priorities:
        by_number[number]["weighted_by"] = weighted_by(
            number, by_number[number]["weight"], mode_weights, {slug: slug for slug in modes}
        )
    strengths = sorted(
        (n for n, row in by_number.items() if row["band"] == scoring.STRENGTH),
        key=lambda n: (-results[n].mean, n),
    )
    overall = scoring.overall_if_enough(results.values())
    return {
        "format": RESULT_FORMAT,
        "version": version.pk,
        "rows": rows,
        "priorities": priorities,
        "in_band": in_band,
        "strengths": strengths,
        "overall": overall,
        "overall_band": scoring.band(overall, **bands),
        "scored": sum(1 for r in results.values() if r.mean is not None),
    }


def _results_content(version_id: int) -> dict:
    """What the results page words its numbers with, from the version's content: built once per
    version and content revision (frameworks.revision), so an admin's edit of a suggestion or a
    tip is on the next request. The characteristics with their indicators (+tips), every
    suggestion by (characteristic id, band) with its links, the value modes' names, and each
    tip as the page lists it."""

    def build():
        characteristics = characteristics_with_tips(version_id)
        suggestions = suggestions_for(
            {
                (c.pk, band)
                for c in characteristics
                for band in (scoring.PRIORITY, scoring.DEVELOPING, scoring.STRENGTH)
            }
        )
        return {
            "characteristics": characteristics,
            "suggestions": dict(suggestions),
            "modes": dict(ValueMode.objects.values_list("slug", "name")),
            # Each statement's tip as a priority card lists it (rendering them per card was a
            # fifth of the page).
            "tips_html": {
                indicator.pk: str(
                    render_to_string("assessments/_tip_item.html", {"indicator": indicator})
                ).strip()
                for characteristic in characteristics
                for indicator in characteristic.indicators.all()
                if hasattr(indicator, "tip")
            },
        }

    return revision.get_or_build(revision.cache_key("personal-results", version_id), build)


def personal_results(response: Response) -> PersonalResults:
    """One respondent's results: the numbers stored when they submitted (worked out then by
    ``personal_result_data``; a draft's, or an older response's, are worked out now and, once
    submitted, stored), worded from the cached content. No query when warm and stored."""
    data = response.personal_result
    if not data or data.get("format") != RESULT_FORMAT:
        data = personal_result_data(response)
        if response.is_submitted:
            Response.objects.filter(pk=response.pk).update(personal_result=data)
            response.personal_result = data
    version = response.round.framework_version
    content = _results_content(data["version"])
    by_number = {}
    for characteristic, stored in zip(content["characteristics"], data["rows"], strict=True):
        low = set(stored["low"])
        by_number[characteristic.number] = Row(
            characteristic=characteristic,
            result=scoring.CharacteristicResult(**stored["result"]),
            band=stored["band"],
            weight=stored["weight"],
            tips=[i for i in characteristic.indicators.all() if i.pk in low and hasattr(i, "tip")],
            weighted_by=[content["modes"].get(s, s) for s in stored.get("weighted_by", [])],
        )
    priorities = [by_number[n] for n in data["priorities"]]
    strengths = [by_number[n] for n in data["strengths"]]
    for row in [*priorities, *strengths]:
        row.suggestions = content["suggestions"].get((row.characteristic.pk, row.band), [])
    for row in priorities:
        row.suggestions_html = _suggestions_html(data["version"], row)
        tips = "".join(content["tips_html"][i.pk] for i in row.tips)
        row.card_html = priority_card(data["version"], row, tips)
    for row in strengths:
        row.suggestions_html = _suggestions_html(
            data["version"], row, "assessments/_strength_suggestions.html"
        )
    return PersonalResults(
        version=version,
        rows=list(by_number.values()),
        overall=data["overall"],
        overall_band=data["overall_band"],
        priorities=priorities,
        strengths=strengths,
        priorities_in_band=data["in_band"],
        scored=data["scored"],
    )


CARD_TEMPLATE = "assessments/_suggestion_card.html"
# Marks the holes of a card built once: random per process, so no content holds one.
_HOLE = f"ca{secrets.token_hex(8)}"


def priority_card(version_id: int, row: Row, tips: str) -> SafeString:
    """A priority's card on the partner's results page (``CARD_TEMPLATE``), with ``tips`` (the
    rendered tips of the statements they rated low).

    Each card took a twentieth of the page to render and is the same for every partner but for
    their score and tips: it is rendered once per characteristic, band, weighting and content
    revision with a marker in those two holes, and filled here. The test compares it with the
    card rendered whole."""
    score = "–" if row.result.mean is None else str(scoring.shown(row.result.mean))

    def build():
        return str(
            render_to_string(
                CARD_TEMPLATE,
                # A marker for the tips only where there are tips: none, no heading.
                {
                    "row": row,
                    "score": _HOLE + "score",
                    "tips": mark_safe(_HOLE + "tips" if tips else ""),  # noqa: S308 - a marker
                },
            )
        )

    key = revision.cache_key(
        "priority-card",
        version_id,
        row.characteristic.pk,
        row.band,
        row.weight,
        bool(tips),
        _HOLE,  # the frame holds this process's markers
        hashlib.sha256("\n".join(row.weighted_by).encode()).hexdigest()[:16],
    )
    frame = revision.get_or_build(key, build)
    return mark_safe(frame.replace(_HOLE + "score", score).replace(_HOLE + "tips", tips))  # noqa: S308 - our template's output, a number and our tips


def _suggestions_html(
    version_id: int, row: Row, template: str = "assessments/_suggestion_list.html"
) -> str:
    """A row's list of suggestions (a priority card's with their links, a strength's plain), the
    same for every partner: rendered once per version, characteristic, band and revision."""

    def build():
        return str(render_to_string(template, {"suggestions": row.suggestions}))

    key = revision.cache_key(
        "suggestions-html", version_id, row.characteristic.pk, row.band, template
    )
    return mark_safe(revision.get_or_build(key, build))  # noqa: S308 - rendered by our template


# --- Group results (facilitators) -----------------------------------------------------------------


@dataclass
class GroupResultsPage:
    """What every group results page shows for a round, read from its snapshot."""

    round: object
    snapshot: object | None  # RoundSnapshot
    figures: group_results.RoundFigures
    characteristics: list[Characteristic]  # with their indicators
    anonymised: bool
    charts: dict  # the snapshot's built figures (radar, distributions, previous round)

    @property
    def by_number(self) -> dict[int, Characteristic]:
        return {c.number: c for c in self.characteristics}

    @property
    def previous(self) -> dict | None:
        return self.charts.get("previous")


def team_labels(teams: list[Team], *, anonymised: bool) -> list[tuple[int, str]]:
    """(id, label) of the collaboration's teams in the order pages list them: by name, or, when
    teams are anonymised for a shared screen, as Team A, B, … in the order they were created
    (so that the letters give nothing away about the names)."""
    if not anonymised:
        return [(t.pk, t.name) for t in sorted(teams, key=lambda t: (t.name.lower(), t.pk))]
    ordered = sorted(teams, key=lambda t: t.pk)
    return [(t.pk, f"Team {_letters(i)}") for i, t in enumerate(ordered)]


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _previous_round(round) -> dict | None:
    """The collaboration's figures in the round before this one (by opening date), per
    characteristic number, as far as its own minimum group size allows."""
    snapshot = (
        RoundSnapshot.objects.filter(
            round__collaboration_id=round.collaboration_id, round__opens_on__lt=round.opens_on
        )
        .select_related("round__framework_version")
        .order_by("-round__opens_on", "-round_id")
        .first()
    )
    if snapshot is None:
        return None
    everyone = rollups.combine(snapshot.data, snapshot.data.get("cells", {}))
    values = {}
    for key in everyone["c"]:
        result = scoring.group_from_sums(int(key), rollups.characteristic_sums(everyone, int(key)))
        if result.mean is not None and result.n >= snapshot.round.min_group_size:
            values[key] = float(scoring.shown(result.mean))
    return {
        "title": snapshot.round.title,
        "edition": snapshot.round.framework_version.number,
        "values": values,
    }


def _build_charts(round, figures: group_results.RoundFigures, characteristics) -> dict:
    previous = _previous_round(round)
    previous_values = {int(k): v for k, v in previous["values"].items()} if previous else None
    built = {
        "radar": charts.group_radar(figures, previous_values),
        "distributions": {},
        "previous": previous,
    }
    for characteristic in characteristics:
        codes = [
            f"{characteristic.number}.{i}" for i, _ in enumerate(characteristic.indicators.all(), 1)
        ]
        built["distributions"][str(characteristic.number)] = charts.distribution_bars(
            figures, characteristic.number, codes
        )
    return built


def group_results_page(round, user) -> GroupResultsPage:
    """The round's group results for ``user`` (a member of its collaboration), in 6 queries
    whatever the number of teams and responses: the snapshot, the characteristics and their
    indicators, the teams, the offered groups, the user's preference. The first view after the
    snapshot moves also builds the charts and keeps them (3 queries more)."""
    from assessments.models import RoundSnapshot

    # The comments can be a megabyte at 50,000 responses: only the characteristic page reads
    # them, one characteristic at a time (snapshot_comments).
    snapshot = RoundSnapshot.objects.filter(round=round).defer("comments").first()
    version = round.framework_version
    characteristics = characteristics_with_tips(version.pk)
    info = [
        group_results.CharacteristicInfo(
            c.number, c.name, c.short_name, tuple(i.pk for i in c.indicators.all())
        )
        for c in characteristics
    ]
    anonymised = ResultsPreference.objects.filter(
        user=user, round=round, anonymise_teams=True
    ).exists()
    teams = list(Team.objects.filter(collaboration_id=round.collaboration_id))
    labels = dict(StakeholderGroup.choices)
    offered = [
        (g, labels.get(g, g))
        for g in OfferedGroup.objects.filter(collaboration_id=round.collaboration_id)
        .order_by("pk")
        .values_list("group", flat=True)
    ]
    figures = group_results.build(
        snapshot.data if snapshot else {},
        responses=snapshot.responses if snapshot else 0,
        k=round.min_group_size,
        characteristics=info,
        teams=team_labels(teams, anonymised=anonymised),
        groups=offered,
        strength_min=version.strength_min,
        developing_min=version.developing_min,
        group_labels=labels,
    )
    charts = {}
    if snapshot is not None and figures.shown:
        # The charts depend on the snapshot and on which teams and groups the breakdowns list
        # (a new team can change what disclosure hides): rebuilt when any of these changes.
        key = f"3:{snapshot.moves}:{sorted(t.pk for t in teams)}:{offered}"
        if not snapshot.figures or snapshot.figures.get("key") != key:
            snapshot.figures = {**_build_charts(round, figures, characteristics), "key": key}
            RoundSnapshot.objects.filter(pk=snapshot.pk, moves=snapshot.moves).update(
                figures=snapshot.figures
            )
        charts = snapshot.figures
    return GroupResultsPage(round, snapshot, figures, characteristics, anonymised, charts)


@dataclass
class PlanItem:
    priority: group_results.Priority
    characteristic: Characteristic
    suggestions: list[Suggestion]


@dataclass
class CollaborationPlan:
    """What the collaboration should work on first, and its strengths, with suggestions."""

    priorities: list[PlanItem]
    strengths: list[PlanItem]
    in_priority_band: bool  # False: none is in the priority band, the developing ones are listed
    declared: list  # the value modes the round recorded when it opened


def collaboration_plan(page: GroupResultsPage) -> CollaborationPlan:
    """Priorities weighted by the value modes the round recorded when it opened (each saying
    which mode weighted it up), and strengths, with their suggestions (6 queries)."""
    modes = list(page.round.value_modes.all())
    weights, mode_weights = value_mode_weights(
        page.round.framework_version, [m.slug for m in modes]
    )
    names = {m.slug: m.name for m in modes}
    reasons = {
        c.number: weighted_by(c.number, weights.get(c.number, 1.0), mode_weights, names)
        for c in page.characteristics
    }
    priorities, strengths = group_results.collaboration_priorities(page.figures, weights, reasons)
    by_number = page.by_number
    suggestions = suggestions_for(
        {(by_number[p.number].pk, p.figure.band) for p in [*priorities, *strengths]}
    )

    def item(p: group_results.Priority) -> PlanItem:
        characteristic = by_number[p.number]
        return PlanItem(p, characteristic, suggestions.get((characteristic.pk, p.figure.band), []))

    return CollaborationPlan(
        priorities=[item(p) for p in priorities],
        strengths=[item(p) for p in strengths],
        in_priority_band=any(p.figure.band == scoring.PRIORITY for p in priorities),
        declared=modes,
    )


COMMENTS_SHOWN = 100


def snapshot_comments(round, number: int, *, show_all: bool = False) -> tuple[list[str], int]:
    """The comments on one characteristic in the round's snapshot, in random order: all of them,
    or at most COMMENTS_SHOWN picked at random. Returns (comments, how many there are)."""
    from assessments.services.snapshots import comment_key  # services import this module

    texts = (
        RoundSnapshot.objects.filter(round=round)
        .values_list(f"comments__{comment_key(number)}", flat=True)
        .first()
    ) or []
    if not show_all and len(texts) > COMMENTS_SHOWN:
        return random.sample(texts, COMMENTS_SHOWN), len(texts)
    texts = list(texts)
    random.shuffle(texts)
    return texts, len(texts)


# --- Trends (facilitators) --------------------------------------------------------------------------


def collaboration_trends(collaboration, user, *, up_to=None) -> trends_module.Trends:
    """Every opened round of the collaboration, oldest first, as trends (``assessments.trends``),
    each round's figures built from its snapshot exactly as its own pages build them. Reads the
    snapshots (the per-round rollups), never an answer, in 6 queries whatever the number of
    rounds, teams and responses: the rounds with their editions and snapshots, the editions'
    characteristics and their indicators, the teams, the offered groups, the user's preference
    for the latest round (team names or Team A, B, …). With ``up_to`` (a round), only the rounds
    opened by then: what a report of that round looks back on."""
    rounds = Round.objects.filter(collaboration=collaboration)
    if up_to is not None:
        rounds = rounds.filter(opens_on__lte=up_to.opens_on)
    rounds = list(
        rounds.exclude(status=Round.Status.DRAFT)
        .select_related("framework_version", "snapshot")
        .defer("snapshot__comments", "snapshot__figures")
        .order_by("opens_on", "pk")
    )
    version_ids = {r.framework_version_id for r in rounds}
    by_version: dict[int, list[Characteristic]] = defaultdict(list)
    for characteristic in (
        Characteristic.objects.filter(version_id__in=version_ids)
        .order_by("number")
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("position")))
    ):
        by_version[characteristic.version_id].append(characteristic)
    anonymised = bool(rounds) and (
        ResultsPreference.objects.filter(user=user, round=rounds[-1], anonymise_teams=True).exists()
    )
    teams = team_labels(
        list(Team.objects.filter(collaboration=collaboration)), anonymised=anonymised
    )
    labels = dict(StakeholderGroup.choices)
    offered = [
        (g, labels.get(g, g))
        for g in OfferedGroup.objects.filter(collaboration=collaboration)
        .order_by("pk")
        .values_list("group", flat=True)
    ]

    trend_rounds = []
    for round in rounds:
        version = round.framework_version
        characteristics = by_version[version.pk]
        snapshot = getattr(round, "snapshot", None)
        figures = group_results.build(
            snapshot.data if snapshot else {},
            responses=snapshot.responses if snapshot else 0,
            k=round.min_group_size,
            characteristics=[
                group_results.CharacteristicInfo(
                    c.number, c.name, c.short_name, tuple(i.pk for i in c.indicators.all())
                )
                for c in characteristics
            ],
            teams=teams,
            groups=offered,
            strength_min=version.strength_min,
            developing_min=version.developing_min,
            group_labels=labels,
        )
        trend_rounds.append(
            trends_module.TrendRound(
                round_id=round.pk,
                title=round.title,
                opens_on=round.opens_on,
                edition=version.number,
                version_id=version.pk,
                figures=figures,
                indicators={
                    c.number: {i.key: i.text for i in c.indicators.all()} for c in characteristics
                },
            )
        )

    def row_labels(name: str, listed: list[tuple[str, str]]) -> list[tuple[str, str]]:
        # The listed teams or groups, then any row a round still holds (a team since removed).
        seen = dict(listed)
        for r in trend_rounds:
            for row in getattr(r.figures, name).rows:
                seen.setdefault(row.key, row.label)
        return list(seen.items())

    latest = by_version[rounds[-1].framework_version_id] if rounds else []
    return trends_module.build(
        trend_rounds,
        characteristics=[(c.number, c.name) for c in latest],
        team_labels=row_labels("teams", [(f"team:{pk}", label) for pk, label in teams]),
        group_labels=row_labels("groups", [(f"group:{slug}", label) for slug, label in offered]),
    )


def actions_before(round) -> dict[int, list[Action]]:
    """The actions that were in place when ``round`` was answered, by characteristic number
    (one query): what the round's results show beside each change in score."""
    grouped: dict[int, list[Action]] = defaultdict(list)
    for action in Action.objects.raised_before(round).order_by("characteristic_number", "pk"):
        grouped[action.characteristic_number].append(action)
    return dict(grouped)
