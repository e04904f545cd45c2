"""Demo data for a first run: one collaboration with four teams, an open round with team links,
a facilitator who owns it (with the planning canvas partly filled) and some personal invitations
still waiting for an answer."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assessments.models import (
    CanvasAnswer,
    CanvasConsideration,
    Collaboration,
    IndividualLink,
    Membership,
    OfferedGroup,
    Role,
    Round,
    StakeholderGroup,
    Team,
    TeamLink,
)
from frameworks.models import (
    ApproachType,
    Consideration,
    FrameworkVersion,
    PracticalQuestion,
    ValueMode,
)

DEMO_NAME = "Riverside Integrated Care Partnership (demo)"
DEMO_TEAMS = [
    ("Riverside Hospitals NHS Trust", 40),
    ("Riverside Primary Care Network", 25),
    ("Riverside Council Adult Social Care", 30),
    ("Riverside Voluntary Sector Alliance", 15),
]
DEMO_FACILITATOR = "demo-facilitator"
DEMO_INVITEES = ["alex.morgan@example.org", "sam.patel@example.org", "jo.clarke@example.org"]
DEMO_CANVAS = {
    1: "Joined-up care at home for older people with frailty, so that they spend fewer days in "
    "hospital.",
    2: "Fewer emergency admissions and shorter stays for people over 75 with frailty, within two "
    "years.",
}
DEMO_DISCUSSED = {
    0: "Agreed at the January board: a shared outcome, owned by all four partners.",
    1: "The voluntary sector alliance hosts the monthly huddle; the Trust funds the coordinator.",
}


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
    today = timezone.localdate()
    round = Round.objects.create(
        collaboration=collaboration,
        framework_version=version,
        title="Baseline assessment",
        opens_on=today - timedelta(days=7),
        closes_on=today + timedelta(days=90),
        status=Round.Status.OPEN,
        min_group_size=5,
    )
    for team in teams:
        TeamLink.objects.create(round=round, team=team)
    facilitator = get_user_model().objects.create_user(
        DEMO_FACILITATOR, "demo-facilitator@example.org", first_name="Dee", last_name="Mo"
    )
    facilitator.set_unusable_password()  # demo_facilitator_password() sets one, with DEBUG on
    facilitator.save()
    Membership.objects.create(user=facilitator, collaboration=collaboration, role=Role.OWNER)
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
