"""Collaborations, their teams and the stakeholder groups they offer, and their rounds."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from frameworks.models import ApproachType, FrameworkVersion, ValueMode

MIN_GROUP_SIZE_FLOOR = 3
CANVAS_TEXT_MAX_LENGTH = 4000

# A name reaches e-mail subjects and From headers, where one line break made every e-mail of
# its collaboration fail: names are one line, without control characters (tab, NUL, the C1
# controls) or Unicode's line and paragraph separators either.
NOT_ONE_LINE = r"[\x00-\x1f\x7f-\x9f\u2028\u2029]"
validate_one_line = RegexValidator(
    NOT_ONE_LINE,
    inverse_match=True,
    message="Keep it to one line: line breaks, tabs and other control characters can't be used.",
    code="not_one_line",
)


def one_line_constraint(field: str, name: str) -> models.CheckConstraint:
    """The database's part of ``validate_one_line``: no line feed or carriage return (the two
    that break an e-mail header), with LIKE only, so SQLite needs no REGEXP function for it."""
    return models.CheckConstraint(
        condition=~Q(**{f"{field}__contains": "\n"}) & ~Q(**{f"{field}__contains": "\r"}),
        name=name,
        violation_error_message=validate_one_line.message,
    )


class StakeholderGroup(models.TextChoices):
    """The groups a respondent chooses one of ("which best describes you"). The hints make them
    mutually exclusive: a clinician who manages chooses the role they mostly bring, and "staff of
    a partner organisation" is everyone else employed by a partner (docs/stakeholder-groups.md).
    """

    PARTNER_STAFF = "partner_staff", "Staff of a partner organisation"
    CLINICIAN = "clinician", "Clinician"
    MANAGER = "manager", "Manager or leader"
    PATIENT = "patient", "Patient or service user"
    CARER = "carer", "Carer"
    COMMUNITY = "community", "Community or voluntary sector"
    OTHER = "other", "Other"


# What each group covers, shown under it where a respondent chooses, so that each person fits one.
STAKEHOLDER_GROUP_HINTS = {
    "partner_staff": "You work for a partner organisation in any role not listed above or below "
    "(for example administration, support, analysis, project or programme work).",
    "clinician": "You are a health or care professional (such as a doctor, nurse, therapist, "
    "pharmacist or social worker). Choose this even if you also manage or lead.",
    "manager": "You manage or lead a service, team or organisation and do not mainly work as a "
    "clinician or practitioner.",
    "patient": "You use the services the collaboration provides, or have used them recently.",
    "carer": "You look after a family member or friend who uses the services, unpaid.",
    "community": "You take part through a community, voluntary or faith organisation (as a "
    "volunteer or its staff), not through one of the statutory partners.",
    "other": "None of the above describes you.",
}


class CollaborationQuerySet(models.QuerySet):
    def for_user(self, user):
        """The collaborations ``user`` is a member of (any role): every facilitator page starts
        here, so another collaboration's objects are never found (a 404)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(memberships__user=user)

    def for_overview(self):
        """Everything the collaboration page shows, in a fixed number of queries whatever the
        number of teams, rounds and members: the collaboration (with its approach type and
        edition), then one query each for value modes, offered groups, teams, rounds, members
        (with their users) and canvas notes."""
        return self.select_related(
            "approach_type", "framework_version__framework"
        ).prefetch_related(
            "value_modes",
            "offered_groups",
            "teams",
            "rounds",
            "memberships__user",
            "canvas_considerations",
        )


class Collaboration(models.Model):
    name = models.CharField(max_length=200, validators=[validate_one_line])
    purpose = models.TextField("purpose statement", blank=True)
    approach_type = models.ForeignKey(
        ApproachType, null=True, blank=True, on_delete=models.PROTECT, related_name="collaborations"
    )
    value_modes = models.ManyToManyField(
        ValueMode,
        blank=True,
        related_name="collaborations",
        help_text="How this collaboration aims to create value.",
    )
    framework_version = models.ForeignKey(
        FrameworkVersion,
        on_delete=models.PROTECT,
        related_name="collaborations",
        help_text="The framework version new rounds assess against by default.",
    )
    created_on = models.DateField(default=timezone.localdate)

    objects = CollaborationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [one_line_constraint("name", "collaboration_name_one_line")]

    def __str__(self) -> str:
        return self.name

    @property
    def offered_group_choices(self) -> list[tuple[str, str]]:
        """The stakeholder groups respondents choose from (all of them when none was chosen).

        Reads ``offered_groups`` (prefetch it for many collaborations).
        """
        chosen = {offered.group for offered in self.offered_groups.all()}
        return [choice for choice in StakeholderGroup.choices if not chosen or choice[0] in chosen]

    def clean(self):
        # A retired default stays where it is; choosing a new one needs a published version.
        if not self.framework_version_id:
            return
        old = (
            type(self)
            .objects.filter(pk=self.pk)
            .values_list("framework_version_id", flat=True)
            .first()
            if self.pk
            else None
        )
        published = self.framework_version.status == FrameworkVersion.Status.PUBLISHED
        if old != self.framework_version_id and not published:
            raise ValidationError(
                {"framework_version": "Only a published framework version can be chosen."}
            )


class OfferedGroup(models.Model):
    """A stakeholder group this collaboration's respondents can choose (see StakeholderGroup)."""

    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="offered_groups"
    )
    group = models.CharField(max_length=20, choices=StakeholderGroup.choices)

    class Meta:
        ordering = ["collaboration", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "group"], name="offeredgroup_unique_per_collaboration"
            ),
            models.CheckConstraint(
                condition=Q(group__in=StakeholderGroup.values), name="offeredgroup_group_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.get_group_display()


class TeamQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_on__isnull=True)


class Team(models.Model):
    """A partner organisation or group within a collaboration.

    Archiving keeps its history (responses, links, results) and takes it out of new rounds and
    of the respondents' choices.
    """

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=200, validators=[validate_one_line])
    headcount = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="How many people could answer for this team, if known: gives response rates.",
    )
    archived_on = models.DateField(null=True, blank=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["collaboration", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "name"], name="team_unique_name_per_collaboration"
            ),
            models.CheckConstraint(
                condition=Q(headcount__isnull=True) | Q(headcount__gte=1),
                name="team_headcount_at_least_1",
            ),
            one_line_constraint("name", "team_name_one_line"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_on is not None


class CanvasAnswer(models.Model):
    """The collaboration's answer to one of THIS Institute's practical questions."""

    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="canvas_answers"
    )
    question = models.ForeignKey(
        "frameworks.PracticalQuestion", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(max_length=CANVAS_TEXT_MAX_LENGTH, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "question"], name="canvasanswer_one_per_question"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), CANVAS_TEXT_MAX_LENGTH),
                name="canvasanswer_text_at_most_4000",
            ),
        ]


class CanvasConsideration(models.Model):
    """Whether the collaboration has discussed one of the eight key considerations, and notes."""

    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="canvas_considerations"
    )
    consideration = models.ForeignKey(
        "frameworks.Consideration", on_delete=models.PROTECT, related_name="+"
    )
    discussed = models.BooleanField(default=False)
    notes = models.TextField(max_length=CANVAS_TEXT_MAX_LENGTH, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "consideration"],
                name="canvasconsideration_one_per_consideration",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("notes"), CANVAS_TEXT_MAX_LENGTH),
                name="canvasconsideration_notes_at_most_4000",
            ),
        ]


class RoundLocked(ValidationError):
    """A change that would alter results already given in a round."""


ROUND_EDITION_LOCKED = (
    "This round already has responses, so its framework version can't change: the answers "
    "were given to that version's statements."
)


class RoundQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # Bulk updates send no pre_save signal: the edition lock is checked here too.
        if {"framework_version", "framework_version_id"} & set(kwargs):
            target = kwargs.get("framework_version_id", kwargs.get("framework_version"))
            target_id = getattr(target, "pk", target)
            if self.filter(responses__isnull=False).exclude(framework_version=target_id).exists():
                raise RoundLocked(ROUND_EDITION_LOCKED)
        return super().update(**kwargs)


class ReminderSchedule(models.TextChoices):
    """When a round's personal invitees who have not answered are reminded, by days before the
    round closes (``Round.reminder_dates``). The days of each choice are ``REMINDER_DAYS``."""

    WEEK_AND_TWO_DAYS = "7,2", "A week and two days before the round closes"
    TWO_WEEKS_WEEK_AND_TWO_DAYS = "14,7,2", "Two weeks, a week and two days before it closes"
    WEEK = "7", "A week before it closes"
    TWO_DAYS = "2", "Two days before it closes"
    NONE = "none", "No automatic reminders"


REMINDER_DAYS: dict[str, tuple[int, ...]] = {
    ReminderSchedule.WEEK_AND_TWO_DAYS: (7, 2),
    ReminderSchedule.TWO_WEEKS_WEEK_AND_TWO_DAYS: (14, 7, 2),
    ReminderSchedule.WEEK: (7,),
    ReminderSchedule.TWO_DAYS: (2,),
    ReminderSchedule.NONE: (),
}


class Round(models.Model):
    """One assessment cycle of a collaboration."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="rounds"
    )
    framework_version = models.ForeignKey(
        FrameworkVersion,
        on_delete=models.PROTECT,
        related_name="rounds",
        help_text="Fixed once the round has a response.",
    )
    title = models.CharField(max_length=200, validators=[validate_one_line])
    opens_on = models.DateField()
    closes_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    min_group_size = models.PositiveSmallIntegerField(
        default=5,
        help_text="Group results are never shown for fewer respondents than this (3 at least).",
    )
    # Recorded when the round first opens, so that later edits of the collaboration's value modes
    # cannot reorder the priorities of results already given (they weight the priorities).
    opened_on = models.DateField(null=True, blank=True, editable=False)
    # Reminders to personal invitees go out at most once a day per round.
    last_reminder_on = models.DateField(null=True, blank=True, editable=False)
    reminder_schedule = models.CharField(
        "automatic reminders",
        max_length=10,
        choices=ReminderSchedule.choices,
        default=ReminderSchedule.WEEK_AND_TWO_DAYS,
        help_text="Sent by e-mail to personal invitees who have not answered yet.",
    )
    expected_response_rate = models.PositiveSmallIntegerField(
        "expected response rate (%)",
        default=60,
        help_text="Teams not known to have this share of their headcount answering (without "
        "a headcount: the minimum group size) are listed on the tracking page to chase up.",
    )
    value_modes = models.ManyToManyField(
        ValueMode,
        blank=True,
        related_name="+",
        help_text="The collaboration's value modes when the round first opened; results use these.",
    )

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["collaboration", "-opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_group_size__gte=MIN_GROUP_SIZE_FLOOR),
                name="round_min_group_size_at_least_3",
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="round_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "open", "closed"]), name="round_status_valid"
            ),
            one_line_constraint("title", "round_title_one_line"),
            models.CheckConstraint(
                condition=Q(reminder_schedule__in=ReminderSchedule.values),
                name="round_reminder_schedule_valid",
            ),
            models.CheckConstraint(
                condition=Q(expected_response_rate__gte=1, expected_response_rate__lte=100),
                name="round_expected_response_rate_1_to_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collaboration}: {self.title}"

    def clean(self):
        # A retired version stays on rounds that already use it; new ones need a published one.
        unpublished = (
            self.framework_version_id
            and self.framework_version.status != FrameworkVersion.Status.PUBLISHED
        )
        if unpublished and (self._state.adding or self._changed("framework_version_id")):
            raise ValidationError(
                {"framework_version": "Only a published framework version can be used."}
            )
        if self._edition_locked():
            raise ValidationError({"framework_version": ROUND_EDITION_LOCKED})
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError(
                {"closes_on": "The round must close on or after the day it opens."}
            )
        if self.min_group_size is not None and self.min_group_size < MIN_GROUP_SIZE_FLOOR:
            raise ValidationError(
                {"min_group_size": f"The minimum group size is at least {MIN_GROUP_SIZE_FLOOR}."}
            )

    def _changed(self, attname: str) -> bool:
        old = type(self).objects.filter(pk=self.pk).values_list(attname, flat=True).first()
        return old != getattr(self, attname)

    def _edition_locked(self) -> bool:
        """Would this save move a round that has responses to another framework version?"""
        if self.pk is None or self._state.adding or not self._changed("framework_version_id"):
            return False
        return self.responses.exists()

    def check_freeze(self) -> None:
        """Run by the pre_save guard on every save, raw and fixture saves included."""
        if self._edition_locked():
            raise RoundLocked(ROUND_EDITION_LOCKED)

    def save(self, *args, **kwargs):
        first_opening = self.status == self.Status.OPEN and self.opened_on is None
        if first_opening:
            self.opened_on = timezone.localdate()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "opened_on"}
        super().save(*args, **kwargs)
        if first_opening:
            self.value_modes.set(self.collaboration.value_modes.all())

    @property
    def has_recorded_value_modes(self) -> bool:
        return self.opened_on is not None

    @property
    def availability(self) -> str:
        """'open', 'not_open' (draft, or before the opening day) or 'closed'."""
        today = timezone.localdate()
        if self.status == self.Status.CLOSED or today > self.closes_on:
            return "closed"
        if self.status == self.Status.DRAFT or today < self.opens_on:
            return "not_open"
        return "open"

    @property
    def is_accepting(self) -> bool:
        return self.availability == "open"

    def reminder_dates(self) -> list[date]:
        """The days automatic reminders are due, earliest first: read from the closing date
        each time, so moving the closing date moves them."""
        return sorted(
            self.closes_on - timedelta(days=days)
            for days in REMINDER_DAYS.get(self.reminder_schedule, ())
        )

    def reminder_due(self, today: date) -> bool:
        """Is an automatic reminder due on ``today``? Only on a scheduled day while the round
        accepts responses (open, between its opening and closing days), and not if a reminder
        already went out that day. A day missed (no worker, no cron) is not made up later: a
        reminder a day late could land after people were told the round closes in two days."""
        return (
            self.status == self.Status.OPEN
            and self.opens_on <= today <= self.closes_on
            and today in self.reminder_dates()
            and self.last_reminder_on != today
        )

    def next_reminder_on(self, today: date) -> date | None:
        """The next day an automatic reminder is due (today included), or None."""
        if self.status == self.Status.CLOSED:
            return None
        upcoming = [
            day
            for day in self.reminder_dates()
            if day >= max(today, self.opens_on) and self.last_reminder_on != day
        ]
        return upcoming[0] if upcoming else None
