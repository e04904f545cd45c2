"""Demo data for a first run: one collaboration with five teams and three rounds (two closed,
one open with team links), a facilitator who owns it (with the planning canvas partly filled) and
some personal invitations still waiting for an answer.

The rounds hold about 150 submitted responses, made up by a seeded ``random.Random`` (the same
data on every run) so that every group results view has something to show:

* a gentle improvement from round to round (the radar's previous round);
* one team clearly stronger on governance, at least 0.5 above the collaboration's mean in every
  round ("learn from");
* one characteristic on which views split (many 1–2 and many 4–5: "views differ");
* patients rating communication well below partner staff (perspective gaps);
* in the open round, carers and the community and voluntary sector with fewer responses than
  the minimum group size (their rows read "fewer than 5");
* value modes chosen by most respondents, a few don't-knows and skipped items, and a comment on
  about one response in four;
* after the first round, a consensus workshop (agreed scores on three characteristics, one the
  room could not agree, one with a dissent, and an action it agreed) and its results released to
  the partners. The later rounds have neither, so that a facilitator trying the product can run
  a workshop and release results themselves.

Responses are written in bulk, then ``results_rebuild`` computes each round's rollup and
snapshot as the submissions would have.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from assessments.models import (
    Agreement,
    Answer,
    CanvasAnswer,
    CanvasConsideration,
    Collaboration,
    Comment,
    IndividualLink,
    Membership,
    OfferedGroup,
    Response,
    ResultsRelease,
    Role,
    Round,
    StakeholderGroup,
    Team,
    TeamLink,
    Workshop,
    new_token,
    token_digest,
)
from assessments.services.facilitate import round_close
from assessments.services.snapshots import results_rebuild
from frameworks.models import (
    SCALE_MAX,
    SCALE_MIN,
    ApproachType,
    Characteristic,
    Consideration,
    FrameworkVersion,
    PracticalQuestion,
    ValueMode,
)

DEMO_NAME = "Riverside Integrated Care Partnership (demo)"
DEMO_TEAMS = [
    ("Riverside Hospitals NHS Trust", 40),
    ("Riverside Community Health Services", 30),
    ("Riverside Primary Care Network", 25),
    ("Riverside Council Adult Social Care", 30),
    ("Riverside Voluntary Sector Alliance", 15),
]
DEMO_GOVERNANCE_LEADER = "Riverside Council Adult Social Care"
DEMO_FACILITATOR = "demo-facilitator"
DEMO_INVITEES = ["alex.morgan@example.org", "sam.patel@example.org", "jo.clarke@example.org"]
DEMO_CANVAS = {
    1: "Joined-up care at home for older people with frailty, so that they spend fewer days in "
    "hospital.",
    2: "Fewer emergency admissions and shorter stays for people over 75 with frailty, within two "
    "years.",
}
DEMO_DISCUSSED = {
    0: "Agreed at the January board: a shared outcome, owned by all five partners.",
    1: "The voluntary sector alliance hosts the monthly huddle; the Trust funds the coordinator.",
}
DEMO_SEED = 20251122
DEMO_MIN_GROUP_SIZE = 5

G = StakeholderGroup


@dataclass(frozen=True)
class DemoRound:
    opens_ago: int  # days before today
    open_for: int  # days from opening to closing
    closed: bool
    groups: dict[str, int]  # submitted responses per stakeholder group
    teams: tuple[int, ...]  # submitted responses per team, in DEMO_TEAMS order


# Every offered group has at least k responses, except in the open round: carers (2) and the
# community and voluntary sector (3) together reach k and "Other" has none, so their rows read
# "fewer than 5" and no other row has to be hidden to protect them (``assessments.disclosure``).
DEMO_ROUNDS = [
    DemoRound(
        opens_ago=372,
        open_for=42,
        closed=True,
        groups={
            G.PARTNER_STAFF: 10,
            G.CLINICIAN: 8,
            G.MANAGER: 6,
            G.PATIENT: 6,
            G.CARER: 5,
            G.COMMUNITY: 5,
            G.OTHER: 5,
        },
        teams=(12, 9, 10, 8, 6),
    ),
    DemoRound(
        opens_ago=190,
        open_for=42,
        closed=True,
        groups={
            G.PARTNER_STAFF: 12,
            G.CLINICIAN: 9,
            G.MANAGER: 6,
            G.PATIENT: 7,
            G.CARER: 5,
            G.COMMUNITY: 6,
            G.OTHER: 5,
        },
        teams=(13, 10, 11, 9, 7),
    ),
    DemoRound(
        opens_ago=21,
        open_for=91,
        closed=False,
        groups={
            G.PARTNER_STAFF: 18,
            G.CLINICIAN: 12,
            G.MANAGER: 8,
            G.PATIENT: 12,
            G.CARER: 2,
            G.COMMUNITY: 3,
        },
        teams=(14, 11, 12, 10, 8),
    ),
]

# --- How the made-up respondents answer ----------------------------------------------------------

# The collaboration's level per characteristic number in the first round (default: DEFAULT_LEVEL).
LEVELS = {1: 3.6, 2: 3.4, 3: 3.2, 4: 3.3, 5: 3.3, 6: 2.9, 7: 3.0, 8: 2.9}
DEFAULT_LEVEL = 3.2
IMPROVEMENT_PER_ROUND = 0.25
RESPONDENT_SD = 0.35  # how much one respondent sits above or below their group
ITEM_SD = 0.45  # how much one answer varies around the respondent's level
TEAM_LEVEL = {  # by team name: a small general lean
    "Riverside Hospitals NHS Trust": -0.1,
    "Riverside Community Health Services": 0.05,
    "Riverside Primary Care Network": 0.0,
    "Riverside Council Adult Social Care": 0.05,
    "Riverside Voluntary Sector Alliance": 0.05,
}
GOVERNANCE_LEAD = 1.0  # the governance leader's extra level on governance
GROUP_LEVEL = {
    G.MANAGER: 0.2,
    G.CLINICIAN: -0.05,
    G.PATIENT: -0.2,
    G.CARER: -0.25,
}
COMMUNICATION_GAP = {G.PATIENT: -0.8, G.CARER: -0.6}  # on the communication characteristic
# The split characteristic: respondents fall in two camps, about half in each within every team
# and every group (so the split shows in the distributions, not as a team or group difference),
# and answer most of its items as their camp does.
SPLIT_LOW, SPLIT_HIGH = 1.9, 4.2
SPLIT_OTHER_CAMP = 0.2  # the share of a respondent's answers there that go the other way
DONT_KNOW = 0.04
DONT_KNOW_OUTSIDE = 0.2  # patients, carers, community: on governance, measurement and skills
OUTSIDERS = {G.PATIENT, G.CARER, G.COMMUNITY}
SKIPPED = 0.02
COMMENT_SHARE = 0.25
VALUE_MODE_NONE = 0.1  # respondents who skip the value modes question
# Most see the declared shared delivery; fewer the declared shared learning; patients, carers and
# the voluntary sector often choose shared voice, which the collaboration did not declare.
VALUE_MODE_CHANCE = {
    "shared-delivery": 0.9,
    "shared-learning": 0.5,
    "shared-voice": 0.15,
    "aligned-plans": 0.1,
}
VALUE_MODE_CHANCE_OUTSIDERS = {"shared-voice": 0.7}
VALUE_MODE_FALLBACK = "shared-delivery"  # for someone who would otherwise choose none

# Short comments per characteristic number: (said by someone who rates it well, … poorly).
COMMENTS = {
    1: (
        [
            "Everyone can say what we are trying to achieve for older people at home.",
            "The shared outcome comes up at every board meeting and shapes the agenda.",
            "Our purpose is clear and it helped us say no to a project that did not fit.",
        ],
        [
            "Each organisation still seems to put its own targets first.",
            "The purpose is written down but I rarely hear it used when decisions are made.",
            "Not sure how our day-to-day work links to the partnership's goals.",
        ],
    ),
    2: (
        [
            "Partners turn up and follow through on what they agreed.",
            "People carry the work forward between meetings without being chased.",
        ],
        [
            "The same few people do most of the work between meetings.",
            "Attendance drops whenever winter pressures hit.",
            "Frontline staff are not given the time to take part properly.",
        ],
    ),
    3: (
        [
            "We can raise problems openly now without it turning into blame.",
            "Partners offered staff and rooms when the discharge team was short.",
            "There is real goodwill between the organisations.",
        ],
        [
            "Some partners share problems, others keep them back until it is too late.",
            "It still feels like the big organisations decide and the rest follow.",
            "Trust has not recovered since the funding disagreement last year.",
        ],
    ),
    4: (
        [
            "Our leads make a point of working across organisations.",
            "Managers helped us understand how the council team works.",
        ],
        [
            "Leaders meet each other but it does not filter down to teams.",
            "Different professional cultures still get in the way.",
        ],
    ),
    5: (
        [
            "The monthly huddle keeps everyone up to date.",
            "The newsletter and shared drive make it easy to find things.",
        ],
        [
            "As a patient I only hear about changes after they have happened.",
            "Information goes round the managers but not to the people using services.",
            "Too many meetings, and not much is written down afterwards.",
            "Families are not told who to contact when something changes.",
        ],
    ),
    6: (
        [
            "The dashboard helps us see where we are making a difference.",
            "We review the numbers together every quarter and agree actions.",
        ],
        [
            "We collect data but rarely see what happens to it.",
            "The measures suit the hospital more than community services.",
            "No one is sure which figures we are meant to be improving.",
        ],
    ),
    7: (
        [
            "It is clear which group decides what, and decisions are written up.",
            "The terms of reference helped a lot.",
            "Decisions are made on evidence and explained to everyone.",
        ],
        [
            "Hard to know where decisions are actually made.",
            "Decisions seem to happen outside the formal meetings.",
            "Partners from smaller organisations are not at the table when it matters.",
        ],
    ),
    8: (
        [
            "The joint training days on collaborative working were useful.",
            "We know what each partner brings and use it.",
        ],
        [
            "No protected time for partnership work: it is on top of the day job.",
            "Training has been promised but has not happened yet.",
            "Skills gaps are talked about but not followed up.",
        ],
    ),
}
GENERAL_COMMENTS = (
    ["This is working better than a year ago."],
    ["This needs more attention from all partners."],
)


def _season_title(day: date) -> str:
    """'Spring 2026', 'Autumn 2025', 'Winter 2025/26' for the season a day falls in."""
    if day.month in (3, 4, 5):
        return f"Spring {day.year}"
    if day.month in (6, 7, 8):
        return f"Summer {day.year}"
    if day.month in (9, 10, 11):
        return f"Autumn {day.year}"
    start = day.year if day.month == 12 else day.year - 1
    return f"Winter {start}/{(start + 1) % 100:02d}"


def _find(characteristics: list[Characteristic], *words: str) -> Characteristic | None:
    for characteristic in characteristics:
        if any(word in characteristic.name.lower() for word in words):
            return characteristic
    return None


@dataclass(frozen=True)
class _Shape:
    """What the made-up answers need to know about the framework version."""

    characteristics: list[Characteristic]  # with their indicators prefetched
    governance: Characteristic | None
    split: Characteristic | None
    communication: Characteristic | None
    outsider_dont_know: set[int]  # characteristic numbers patients and carers often can't judge


def _shape(version: FrameworkVersion) -> _Shape:
    characteristics = list(
        version.characteristics.order_by("number").prefetch_related("indicators")
    )
    governance = _find(characteristics, "overnance")
    split = _find(characteristics, "trust") or next(
        (c for c in characteristics if c != governance), None
    )
    communication = _find(characteristics, "communicat")
    outsider = {
        c.number
        for c in characteristics
        if c == governance or any(w in c.name.lower() for w in ("measure", "skill"))
    }
    return _Shape(characteristics, governance, split, communication, outsider)


def _level(
    shape: _Shape, characteristic: Characteristic, *, round_index: int, team: Team, group: str
) -> float:
    level = LEVELS.get(characteristic.number, DEFAULT_LEVEL) + IMPROVEMENT_PER_ROUND * round_index
    level += TEAM_LEVEL.get(team.name, 0.0) + GROUP_LEVEL.get(group, 0.0)
    if characteristic == shape.governance and team.name == DEMO_GOVERNANCE_LEADER:
        level += GOVERNANCE_LEAD
    if characteristic == shape.communication:
        level += COMMUNICATION_GAP.get(group, 0.0)
    return level


def _answers(
    rng: random.Random,
    shape: _Shape,
    *,
    round_index: int,
    team: Team,
    group: str,
    low_camp: bool,
) -> dict[Characteristic, dict[int, int | None]]:
    """One respondent's answers: {characteristic: {indicator id: 1–5 or None (don't know)}},
    skipped items left out. Everyone has a score for every characteristic (enough answers)."""
    own = rng.gauss(0, RESPONDENT_SD)
    answers = {}
    for characteristic in shape.characteristics:
        level = _level(shape, characteristic, round_index=round_index, team=team, group=group)
        dont_know = (
            DONT_KNOW_OUTSIDE
            if group in OUTSIDERS and characteristic.number in shape.outsider_dont_know
            else DONT_KNOW
        )
        given: dict[int, int | None] = {}
        indicators = list(characteristic.indicators.all())
        for indicator in indicators:
            if characteristic == shape.split:
                low = low_camp != (rng.random() < SPLIT_OTHER_CAMP)
                level = (SPLIT_LOW if low else SPLIT_HIGH) + IMPROVEMENT_PER_ROUND * round_index
            value = min(SCALE_MAX, max(SCALE_MIN, round(level + own + rng.gauss(0, ITEM_SD))))
            draw = rng.random()
            if draw < SKIPPED:
                continue
            given[indicator.pk] = None if draw < SKIPPED + dont_know else value
        # Most people answer most items: at least half of them 1–5, so each has a score.
        while 2 * sum(v is not None for v in given.values()) < len(indicators):
            missing = next(i for i in indicators if given.get(i.pk) is None)
            given[missing.pk] = min(SCALE_MAX, max(SCALE_MIN, round(level + own)))
        answers[characteristic] = given
    return answers


def _value_modes(rng: random.Random, group: str, modes: list[ValueMode]) -> list[ValueMode]:
    if not modes or rng.random() < VALUE_MODE_NONE:
        return []
    chances = {**VALUE_MODE_CHANCE, **(VALUE_MODE_CHANCE_OUTSIDERS if group in OUTSIDERS else {})}
    chosen = [m for m in modes if rng.random() < chances.get(m.slug, 0.1)]
    fallback = [m for m in modes if m.slug == VALUE_MODE_FALLBACK] or modes[:1]
    return chosen or fallback


def _comment(
    rng: random.Random,
    shape: _Shape,
    answers: dict[Characteristic, dict[int, int | None]],
    used: set[str],
) -> tuple[Characteristic, str]:
    """A comment on the respondent's lowest characteristic or on another one, in keeping with
    how they rated it (a text not used yet in the round when there is one)."""

    def score(characteristic: Characteristic) -> float:
        values = [v for v in answers[characteristic].values() if v is not None]
        return sum(values) / len(values)

    on_lowest = rng.random() < 0.5
    characteristic = min(answers, key=score) if on_lowest else rng.choice(list(answers))
    good, poor = COMMENTS.get(characteristic.number, GENERAL_COMMENTS)
    texts = good if score(characteristic) >= 3.5 else poor
    fresh = [t for t in texts if t not in used] or texts
    text = rng.choice(fresh)
    used.add(text)
    return characteristic, text


def _responses(
    rng: random.Random,
    *,
    round: Round,
    spec: DemoRound,
    round_index: int,
    teams: list[Team],
    shape: _Shape,
    modes: list[ValueMode],
) -> int:
    """The round's submitted responses, their answers, value modes and comments, in bulk."""
    groups = [group for group, count in spec.groups.items() for _ in range(count)]
    team_of = [team for team, count in zip(teams, spec.teams, strict=True) for _ in range(count)]
    if len(groups) != len(team_of):
        raise ValueError("A demo round needs as many responses by team as by group.")
    rng.shuffle(groups)
    rng.shuffle(team_of)
    pairs = list(zip(team_of, groups, strict=True))
    # The split's camps: alternating within each team, its respondents ordered by group.
    low_camp = [False] * len(pairs)
    order = {group: index for index, group in enumerate(StakeholderGroup.values)}
    for team in teams:
        members = sorted(
            (i for i, (t, _) in enumerate(pairs) if t == team), key=lambda i: order[pairs[i][1]]
        )
        start = rng.random() < 0.5
        for position, i in enumerate(members):
            low_camp[i] = (position % 2 == 0) == start
    last_day = min(round.closes_on, timezone.localdate())
    days = (last_day - round.opens_on).days

    responses, made = [], []
    for (team, group), low in zip(pairs, low_camp, strict=True):
        # Two draws that once gave the response's days (a response keeps no date now): kept, so
        # that every answer drawn after them, and so every demo figure, stays as it was.
        rng.randint(0, days)
        rng.randint(0, 2)
        responses.append(
            Response(
                round=round,
                team=team,
                stakeholder_group=group,
                status=Response.Status.SUBMITTED,
                resume_digest=token_digest(new_token()),
                individual_link=None,
            )
        )
        made.append(
            (
                _answers(
                    rng,
                    shape,
                    round_index=round_index,
                    team=team,
                    group=group,
                    low_camp=low,
                ),
                _value_modes(rng, group, modes),
            )
        )
    Response.objects.bulk_create(responses)
    if any(r.pk is None for r in responses):  # a database that returns no ids from bulk inserts
        ids = dict(Response.objects.filter(round=round).values_list("resume_digest", "pk"))
        for response in responses:
            response.pk = ids[response.resume_digest]

    answers, chosen, comments, used = [], [], [], set()
    through = Response.value_modes.through
    commenting = set(rng.sample(range(len(responses)), int(len(responses) * COMMENT_SHARE + 0.5)))
    for index, (response, (given, value_modes)) in enumerate(zip(responses, made, strict=True)):
        for values in given.values():
            answers.extend(
                Answer(response_id=response.pk, indicator_id=indicator_id, value=value)
                for indicator_id, value in values.items()
            )
        chosen.extend(through(response_id=response.pk, valuemode_id=m.pk) for m in value_modes)
        if index in commenting and given:
            characteristic, text = _comment(rng, shape, given, used)
            comments.append(
                Comment(response_id=response.pk, characteristic=characteristic, text=text)
            )
    Answer.objects.bulk_create(answers, batch_size=1000)
    through.objects.bulk_create(chosen, batch_size=1000)
    Comment.objects.bulk_create(comments)
    return len(responses)


def _rounds(
    collaboration: Collaboration, version: FrameworkVersion, teams: list[Team]
) -> list[Round]:
    """The demo's rounds, oldest first, each with its responses, rollup and snapshot; the
    closed ones closed once their responses are in."""
    rng = random.Random(DEMO_SEED)
    shape = _shape(version)
    modes = list(ValueMode.objects.order_by("position"))
    declared = list(collaboration.value_modes.all())
    today = timezone.localdate()
    rounds = []
    for index, spec in enumerate(DEMO_ROUNDS):
        opens_on = today - timedelta(days=spec.opens_ago)
        round = Round.objects.create(
            collaboration=collaboration,
            framework_version=version,
            title=_season_title(opens_on),
            opens_on=opens_on,
            closes_on=opens_on + timedelta(days=spec.open_for),
            status=Round.Status.OPEN,
            min_group_size=DEMO_MIN_GROUP_SIZE,
            opened_on=opens_on,  # as if opened on its day: the value modes are recorded below
        )
        round.value_modes.set(declared)
        TeamLink.objects.bulk_create(
            TeamLink(round=round, team=team, created_on=opens_on - timedelta(days=3))
            for team in teams
        )
        _responses(
            rng,
            round=round,
            spec=spec,
            round_index=index,
            teams=teams,
            shape=shape,
            modes=modes,
        )
        results_rebuild(round=round)
        if spec.closed:
            round = round_close(round=round)
        rounds.append(round)
    return rounds


# The action plan the partners agreed after each closed round: (round index, characteristic
# number, title, owner, due in days from today (negative: past), status).
DEMO_ACTIONS = [
    (
        0,
        6,
        "Agree three shared measures and report them to every board meeting",
        "Performance lead, Riverside Hospitals",
        -120,
        "done",
    ),
    (
        0,
        8,
        "Run a joint workshop with carers on what good joined-up care looks like",
        "Voluntary Sector Alliance",
        -90,
        "done",
    ),
    (
        1,
        7,
        "Write a shared risk and decision log for the partnership board",
        "Partnership board secretary",
        -14,
        "doing",
    ),
    (
        1,
        6,
        "Publish a quarterly dashboard of the shared measures",
        "Business intelligence team",
        45,
        "planned",
    ),
    (
        1,
        5,
        "Hold a quarterly open meeting for front-line staff across partners",
        "",
        None,
        "dropped",
    ),
]


# The consensus workshop the partners held after the first round, as its notes were written up:
# (characteristic number, agreed score or None when the room could not agree, reasoning,
# dissent). Numbers as in DEMO_ACTIONS: 3 trust (the split one), 6 measuring, 7 governance.
DEMO_WORKSHOP_AFTER = 9  # days after the first round closed
DEMO_WORKSHOP_PARTICIPANTS = 11
DEMO_AGREEMENTS = [
    (
        3,
        None,
        "The room split as the survey did. Staff in the joint discharge team see real goodwill; "
        "others say trust has not recovered since last year's funding disagreement. To come "
        "back to once the new funding agreement is signed.",
        "",
    ),
    (
        6,
        2,
        "We collect plenty of data but rarely look at it together, and no one could name the "
        "measures we share. A 2 until the board reviews shared measures every quarter.",
        "",
    ),
    (
        7,
        3,
        "Terms of reference are agreed and the board meets monthly, but some decisions are "
        "still made outside it. A 3: the structure is there, the habit is not yet.",
        "A minority would score 2: smaller partners are often not in the room when the "
        "decisions that affect them are made.",
    ),
]
DEMO_WORKSHOP_ACTION = 0  # the action of DEMO_ACTIONS that the workshop agreed


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _workshop(round: Round, user) -> Workshop:
    """The first round's consensus workshop, a few days after it closed, and its results
    released to the partners that afternoon (team names hidden, comments not shared)."""
    held_on = round.closes_on + timedelta(days=DEMO_WORKSHOP_AFTER)
    workshop = Workshop.objects.create(
        round=round,
        held_on=held_on,
        participants=DEMO_WORKSHOP_PARTICIPANTS,
        hide_team_names=True,
        created_by=user,
        created_at=_at(held_on, 9, 30),
    )
    Agreement.objects.bulk_create(
        Agreement(
            workshop=workshop,
            characteristic_number=number,
            score=score,
            reasoning=reasoning,
            dissent=dissent,
            recorded_by=user,
            recorded_at=_at(held_on, 10, 15 * position),
        )
        for position, (number, score, reasoning, dissent) in enumerate(DEMO_AGREEMENTS)
    )
    ResultsRelease.objects.create(
        round=round,
        released_at=_at(held_on, 15),
        released_by=user,
        share_team_names=False,
        share_comments=False,
    )
    return workshop


def _actions(collaboration, rounds: list[Round], user, today, workshop: Workshop) -> None:
    """The demo's action plan, raised from the closed rounds' results, so that the open round's
    results show each action beside the change in score (one overdue); one of them agreed in
    the first round's workshop."""
    from assessments.services.actions import action_create

    for position, (index, number, title, owner, due_in, status) in enumerate(DEMO_ACTIONS):
        action_create(
            collaboration=collaboration,
            user=user,
            round=rounds[index],
            workshop=workshop if position == DEMO_WORKSHOP_ACTION else None,
            data={
                "title": title,
                "characteristic_number": number,
                "owner": owner,
                "due_on": today + timedelta(days=due_in) if due_in is not None else None,
                "status": status,
                "notes": "",
            },
        )


@transaction.atomic
def demo_load() -> Round | None:
    """Create the demo collaboration unless the database has one. Returns its open round."""
    existing = Round.objects.filter(collaboration__name=DEMO_NAME).order_by("-opens_on").first()
    if existing is not None or Collaboration.objects.exists():
        return existing
    version = FrameworkVersion.objects.current_for(settings.DEFAULT_FRAMEWORK_SLUG)
    if version is None:
        raise RuntimeError("Load the framework content first: manage.py load_content")
    collaboration = Collaboration.objects.create(
        name=DEMO_NAME,
        purpose=(
            "Partners across Riverside working together so that older people with frailty get "
            "joined-up care at home and spend fewer days in hospital."
        ),
        approach_type=ApproachType.objects.filter(slug="managed-clinical-networks").first(),
        framework_version=version,
    )
    collaboration.value_modes.set(
        ValueMode.objects.filter(slug__in=["shared-delivery", "shared-learning"])
    )
    OfferedGroup.objects.bulk_create(
        OfferedGroup(collaboration=collaboration, group=group) for group in StakeholderGroup.values
    )
    teams = [
        Team.objects.create(collaboration=collaboration, name=name, headcount=headcount)
        for name, headcount in DEMO_TEAMS
    ]
    rounds = _rounds(collaboration, version, teams)
    round = rounds[-1]
    today = timezone.localdate()
    facilitator = get_user_model().objects.create_user(
        DEMO_FACILITATOR, "demo-facilitator@example.org", first_name="Dee", last_name="Mo"
    )
    facilitator.set_unusable_password()  # demo_facilitator_password() sets one, with DEBUG on
    facilitator.save()
    Membership.objects.create(user=facilitator, collaboration=collaboration, role=Role.OWNER)
    workshop = _workshop(rounds[0], facilitator)
    _actions(collaboration, rounds, facilitator, today, workshop)
    questions = {q.number: q for q in PracticalQuestion.objects.all()}
    CanvasAnswer.objects.bulk_create(
        CanvasAnswer(collaboration=collaboration, question=questions[number], text=text)
        for number, text in DEMO_CANVAS.items()
        if number in questions
    )
    considerations = list(Consideration.objects.all())
    CanvasConsideration.objects.bulk_create(
        CanvasConsideration(
            collaboration=collaboration,
            consideration=considerations[index],
            discussed=True,
            notes=notes,
        )
        for index, notes in DEMO_DISCUSSED.items()
        if index < len(considerations)
    )
    for email in DEMO_INVITEES:
        link, _token = IndividualLink.issue(round=round, team=teams[0], email=email)
        link.sent_on = today - timedelta(days=6)
        link.save(update_fields=["sent_on"])
    return round


def demo_facilitator_password() -> str | None:
    """A fresh password for the demo facilitator (DEBUG only), so every `make run` can print it."""
    if not settings.DEBUG:
        return None
    user = get_user_model().objects.filter(username=DEMO_FACILITATOR).first()
    if user is None:
        return None
    password = secrets.token_urlsafe(9)
    user.set_password(password)
    user.save(update_fields=["password"])
    return password


def demo_links() -> list[tuple[str, str]]:
    """(team name, invitation path) of the demo's open round, for the home page with DEBUG on,
    so that someone who ran `make run` in the background can still start."""
    round = (
        Round.objects.filter(collaboration__name=DEMO_NAME, status=Round.Status.OPEN)
        .order_by("-opens_on")
        .first()
    )
    if round is None:
        return []
    return [
        (link.team.name, reverse("invitation", args=[link.token]))
        for link in round.team_links.select_related("team").order_by("team__name")
    ]
