"""What a partner's pages read: the journey's lookups, the saved answers of a page, the review's
rows and the personal results page. Reads only: the writes are ``services.respond``'s.

The framework's content (the version, its characteristics and statements, the results page's
suggestions and tips) comes from the cache, keyed by the content revision
(``selectors.questionnaire``); per request a page reads only what is the partner's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import prefetch_related_objects

from assessments import charts, scoring
from assessments.models import (
    Answer,
    Comment,
    IndividualLink,
    Response,
    Round,
    TeamLink,
    token_digest,
)
from assessments.selectors import questionnaire
from assessments.selectors.content import characteristics_with_tips, suggestions_for
from assessments.selectors.content import value_mode_weights as mode_weights_of
from frameworks import revision
from frameworks.models import Characteristic, FrameworkVersion, Indicator, Suggestion, ValueMode

# --- The journey's lookups ------------------------------------------------------------------------


def _one(queryset):
    """The row a lookup on a unique field finds, or None: first() without the ORDER BY that
    first() adds (a unique lookup needs none)."""
    return next(iter(queryset[:1]), None)


def journey_response(pk: int) -> Response | None:
    """The draft (or, submitted meanwhile, the response) a session carries, with its round."""
    return _one(Response.objects.for_journey().filter(pk=pk))


def journey_response_by_token(token: str) -> Response | None:
    """The response a posted resume token reaches, with its round."""
    return _one(Response.objects.for_journey().by_resume_token(token))


def submitted_by_digest(digest: str, *, round: Round | None = None) -> Response | None:
    """The submitted response whose resume token has this digest (in ``round``, if given)."""
    responses = Response.objects.for_journey().submitted().filter(resume_digest=digest)
    if round is not None:
        responses = responses.filter(round=round)
    return _one(responses)


def journey_round(round_id: int) -> Round | None:
    """The round an invitation opened, before any response exists."""
    return _one(
        Round.objects.select_related("collaboration", "framework_version__framework").filter(
            pk=round_id
        )
    )


def is_open_draft(pk: int, round: Round) -> bool:
    return Response.objects.drafts().filter(pk=pk, round=round).exists()


def team_link_by_token(token: str) -> TeamLink | None:
    """A team link that still takes responses (an archived team's does not)."""
    return _one(
        TeamLink.objects.filter(token=token, team__archived_on__isnull=True).select_related("round")
    )


def personal_link_by_token(token: str) -> IndividualLink | None:
    return _one(
        IndividualLink.objects.filter(token_digest=token_digest(token)).select_related("round")
    )


def open_draft_of_link(link: IndividualLink) -> Response | None:
    return _one(Response.objects.drafts().filter(individual_link=link))


# --- Question pages and the review ----------------------------------------------------------------


def saved_page(
    response: Response, characteristic: Characteristic
) -> tuple[dict[int, int | None], str]:
    """The draft's answers on one page (indicator id → 1–5, or None for don't know) and its
    comment: two small queries. The page's indicators come from the cached questionnaire, so no
    join is needed."""
    indicator_ids = [indicator.pk for indicator in characteristic.indicators.all()]
    values = dict(
        Answer.objects.filter(response=response, indicator_id__in=indicator_ids).values_list(
            "indicator_id", "value"
        )
    )
    comment = _one(
        Comment.objects.filter(response=response, characteristic=characteristic).values_list(
            "text", flat=True
        )
    )
    return values, comment or ""


def answered_indicator_ids(response: Response) -> set[int]:
    return set(Answer.objects.filter(response=response).values_list("indicator_id", flat=True))


@dataclass
class ReviewRow:
    code: str  # "3.2": the characteristic's number and the statement's place on its page
    indicator: Indicator
    answer: str | None  # the answer's words; None when not answered


@dataclass
class ReviewSection:
    characteristic: Characteristic
    rows: list[ReviewRow]
    comment: str


@dataclass
class Review:
    """Every answer of a draft, page by page, and what is still unanswered."""

    sections: list[ReviewSection]
    unanswered: list[tuple[Characteristic, Indicator]]
    answered_count: int
    total: int


def review_of(
    response: Response, characteristics: list[Characteristic], *, words: Mapping[str, str]
) -> Review:
    """The draft's answers and comments (two queries), each answer in ``words`` (the scale's
    words by form value: "1".."5", "dk")."""
    answers = dict(Answer.objects.filter(response=response).values_list("indicator_id", "value"))
    comments = dict(
        Comment.objects.filter(response=response).values_list("characteristic_id", "text")
    )
    sections, unanswered = [], []
    for c in characteristics:
        rows = []
        for code, indicator in enumerate(c.indicators.all(), 1):
            if indicator.pk in answers:
                value = answers[indicator.pk]
                answer = words["dk" if value is None else str(value)]
            else:
                answer = None
                unanswered.append((c, indicator))
            rows.append(ReviewRow(f"{c.number}.{code}", indicator, answer))
        sections.append(ReviewSection(c, rows, comments.get(c.pk, "")))
    return Review(
        sections=sections,
        unanswered=unanswered,
        answered_count=len(answers),
        total=sum(len(c.indicators.all()) for c in characteristics),
    )


# --- Personal results -----------------------------------------------------------------------------


def personal_result_data(response: Response) -> dict:
    """One respondent's results as numbers and ids (``scoring.personal_result``): what the submit
    stores on the response, in 4 queries once the questionnaire is cached (the response's value
    modes, the round's recorded value modes, the answers, the weights)."""
    prefetch_related_objects([response], "value_modes", "round__value_modes")
    version = response.round.framework_version
    characteristics = questionnaire.characteristics(version.pk)
    values = dict(Answer.objects.filter(response=response).values_list("indicator_id", "value"))
    # The collaboration's value modes as the round recorded them when it opened (a later edit of
    # the collaboration changes nothing here); if there were none, the respondent's own view.
    modes = [m.slug for m in response.round.value_modes.all()]
    if not modes:
        modes = [m.slug for m in response.value_modes.all()]
    weights, mode_weights = mode_weights_of(version, modes)
    return scoring.personal_result(
        version_id=version.pk,
        pages=[(c.number, [i.pk for i in c.indicators.all()]) for c in characteristics],
        values=values,
        weights=weights,
        mode_weights=mode_weights,
        strength_min=version.strength_min,
        developing_min=version.developing_min,
    )


def is_current(data: dict | None) -> bool:
    """Is a stored personal result of the format ``scoring.personal_result`` now returns?"""
    return bool(data) and data.get("format") == scoring.PERSONAL_RESULT_FORMAT


@dataclass
class Row:
    characteristic: Characteristic
    result: scoring.CharacteristicResult
    band: str | None
    weight: float = 1.0
    suggestions: list[Suggestion] = field(default_factory=list)
    low: list[Indicator] = field(default_factory=list)  # the statements answered 3 or lower
    tips: list[Indicator] = field(default_factory=list)  # those of them with a tip
    weighted_by: list[str] = field(default_factory=list)  # value modes that weighted it up

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
    radar_frame: dict = field(default_factory=dict, repr=False)  # charts.personal_radar_frame

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

    def radar(self) -> dict:
        """The radar's plotly figure with these scores (``charts.personal_radar``)."""
        return charts.personal_radar_with(self.radar_frame, self.chart_data()["values"])


def _results_content(version: FrameworkVersion) -> dict:
    """What the results page words its numbers with, from the version's content: read once per
    version and content revision (frameworks.revision), so an admin's edit of a suggestion or a
    tip is on the next request. The characteristics with their indicators (+tips), every
    suggestion by (characteristic id, band) with its links, the value modes' names, and the
    radar's frame."""

    def build():
        characteristics = characteristics_with_tips(version.pk)
        suggestions = suggestions_for(
            {
                (c.pk, band)
                for c in characteristics
                for band in (scoring.PRIORITY, scoring.DEVELOPING, scoring.STRENGTH)
            }
        )
        frame = charts.personal_radar_frame(
            {
                "labels": [c.short_name for c in characteristics],
                "names": [f"{c.number}. {c.name}" for c in characteristics],
                "bands": {
                    "developing": float(version.developing_min),
                    "strength": float(version.strength_min),
                },
            }
        )
        return {
            "characteristics": characteristics,
            "suggestions": dict(suggestions),
            "modes": dict(ValueMode.objects.values_list("slug", "name")),
            "radar_frame": frame,
        }

    return revision.get_or_build(revision.cache_key("personal-results", version.pk), build)


def personal_results(response: Response) -> PersonalResults:
    """One respondent's results: the numbers stored when they submitted, worded from the cached
    content; no query when the content is cached. A draft's results, or those of a response
    stored before results were kept (or in an older format), are worked out now and not stored:
    ``manage.py backfill_personal_results`` stores them."""
    data = response.personal_result
    if not is_current(data):
        data = personal_result_data(response)
    version = response.round.framework_version
    content = _results_content(version)
    by_number = {}
    for characteristic, stored in zip(content["characteristics"], data["rows"], strict=True):
        rated_low = set(stored["low"])
        low = [i for i in characteristic.indicators.all() if i.pk in rated_low]
        by_number[characteristic.number] = Row(
            characteristic=characteristic,
            result=scoring.CharacteristicResult(**stored["result"]),
            band=stored["band"],
            weight=stored["weight"],
            low=low,
            tips=[i for i in low if hasattr(i, "tip")],
            weighted_by=[content["modes"].get(s, s) for s in stored.get("weighted_by", [])],
        )
    priorities = [by_number[n] for n in data["priorities"]]
    strengths = [by_number[n] for n in data["strengths"]]
    for row in [*priorities, *strengths]:
        row.suggestions = content["suggestions"].get((row.characteristic.pk, row.band), [])
    return PersonalResults(
        version=version,
        rows=list(by_number.values()),
        overall=data["overall"],
        overall_band=data["overall_band"],
        priorities=priorities,
        strengths=strengths,
        priorities_in_band=data["in_band"],
        scored=data["scored"],
        radar_frame=content["radar_frame"],
    )
