"""Demo data for a first run: one collaboration, four teams, an open round with team links."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from assessments.models import Collaboration, Round, Team, TeamLink
from frameworks.models import ApproachType, FrameworkVersion, ValueMode

DEMO_NAME = "Riverside Integrated Care Partnership (demo)"
DEMO_TEAMS = [
    "Riverside Hospitals NHS Trust",
    "Riverside Primary Care Network",
    "Riverside Council Adult Social Care",
    "Riverside Voluntary Sector Alliance",
]


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
    teams = [Team.objects.create(collaboration=collaboration, name=name) for name in DEMO_TEAMS]
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
    return round
