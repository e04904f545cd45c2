"""Collaborations, rounds, invitation links and anonymous responses.

Privacy by construction: a Response holds no account, e-mail address, IP address, user agent or
invitation token. Dates are kept to the day. To find a draft again the response stores only a
SHA-256 digest of its private resume secret; an individual invitation is referenced by a draft
while it is being filled in (so one link has at most one open draft) and the reference is cleared
when the response is submitted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from frameworks.models import (
    SCALE_MAX,
    SCALE_MIN,
    ApproachType,
    Characteristic,
    FrameworkVersion,
    Indicator,
    ValueMode,
)

TOKEN_BYTES = 32  # 256 bits from secrets: far above the 128 bits required
COMMENT_MAX_LENGTH = 2000
MIN_GROUP_SIZE_FLOOR = 3


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _derived_token(purpose: bytes, secret: str) -> str:
    mac = hmac.new(settings.SECRET_KEY.encode(), purpose + secret.encode(), "sha256")
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


def link_resume_token(invitation_token: str) -> str:
    """The resume token of the draft started from a personal link: derived, never stored.

    Deriving it lets the same personal link reach the same draft, with the same resume link, in
    any browser, without storing the link's token or tying a submitted response to the link.
    """
    return _derived_token(b"resume:", invitation_token)


def start_resume_token(start_key: str) -> str:
    """The resume token of the draft a browser starts from a team link, derived from the
    session's start key: however many Start clicks arrive at once from one browser, they all
    try to create the same draft, and the unique resume digest lets exactly one through."""
    return _derived_token(b"start:", start_key)


class Collaboration(models.Model):
    name = models.CharField(max_length=200)
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

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

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


class Team(models.Model):
    """A partner organisation or group within a collaboration."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["collaboration", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "name"], name="team_unique_name_per_collaboration"
            ),
        ]

    def __str__(self) -> str:
        return self.name


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
    title = models.CharField(max_length=200)
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
        return Response.objects.filter(round_id=self.pk).exists()

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


TEAM_NOT_IN_COLLABORATION = "The team must belong to the round's collaboration."


class TeamLink(models.Model):
    """One link per team and round: anyone holding it may respond for that team."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="team_links")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="links")
    # Kept in clear so the facilitator can share the link again; it identifies a team, not a person.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "team"], name="teamlink_one_per_team_and_round"
            ),
        ]

    def __str__(self) -> str:
        return f"Link for {self.team} ({self.round.title})"

    def clean(self):
        if (
            self.round_id
            and self.team_id
            and self.team.collaboration_id != self.round.collaboration_id
        ):
            raise ValidationError({"team": TEAM_NOT_IN_COLLABORATION})


class IndividualLink(models.Model):
    """A single-use link for one invitee. Only the token's digest is stored."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="individual_links")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="individual_links"
    )
    email = models.EmailField(blank=True)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_on = models.DateField(default=timezone.localdate)
    used_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["round", "created_on"]

    def __str__(self) -> str:
        return f"Individual link ({self.round.title}){' – used' if self.used_on else ''}"

    def clean(self):
        if (
            self.round_id
            and self.team_id
            and self.team.collaboration_id != self.round.collaboration_id
        ):
            raise ValidationError({"team": TEAM_NOT_IN_COLLABORATION})

    @classmethod
    def issue(
        cls, *, round: Round, team: Team | None = None, email: str = ""
    ) -> tuple[IndividualLink, str]:
        """Create a link; the token is returned once and never stored."""
        if team is not None and team.collaboration_id != round.collaboration_id:
            raise ValidationError({"team": TEAM_NOT_IN_COLLABORATION})
        token = new_token()
        link = cls.objects.create(
            round=round, team=team, email=email, token_digest=token_digest(token)
        )
        return link, token


class StakeholderGroup(models.TextChoices):
    PARTNER_STAFF = "partner_staff", "Staff of a partner organisation"
    CLINICIAN = "clinician", "Clinician"
    MANAGER = "manager", "Manager or leader"
    PATIENT = "patient", "Patient or service user"
    CARER = "carer", "Carer"
    COMMUNITY = "community", "Community or voluntary sector"
    OTHER = "other", "Other"


class ResponseQuerySet(models.QuerySet):
    def by_resume_token(self, token: str):
        return self.filter(resume_digest=token_digest(token))


class Response(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="responses")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )
    team_from_link = models.BooleanField(
        default=False, help_text="The invitation link fixed the team."
    )
    stakeholder_group = models.CharField(
        max_length=20, choices=StakeholderGroup.choices, blank=True
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    started_on = models.DateField(default=timezone.localdate)
    submitted_on = models.DateField(null=True, blank=True)
    resume_digest = models.CharField(max_length=64, unique=True, editable=False)
    # Only while a draft: lets one individual link have one open draft. Cleared on submit.
    individual_link = models.ForeignKey(
        IndividualLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    value_modes = models.ManyToManyField(ValueMode, blank=True, related_name="+")

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["round", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted"]), name="response_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="draft", submitted_on__isnull=True)
                | Q(status="submitted", submitted_on__isnull=False, individual_link__isnull=True),
                name="response_submitted_has_date_and_no_link",
            ),
            models.UniqueConstraint(
                fields=["individual_link"],
                condition=Q(status="draft", individual_link__isnull=False),
                name="response_one_draft_per_individual_link",
            ),
            models.CheckConstraint(
                condition=Q(stakeholder_group__in=[*StakeholderGroup.values, ""]),
                name="response_stakeholder_group_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Response #{self.pk} ({self.get_status_display()})"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Answer(models.Model):
    """One answer to one indicator. ``value`` NULL means "don't know / not applicable"."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "indicator"], name="answer_one_per_item_per_response"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=SCALE_MIN, value__lte=SCALE_MAX),
                name="answer_value_in_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value if self.value is not None else 'don’t know'}"


class Comment(models.Model):
    """An optional comment on one characteristic."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="comments")
    characteristic = models.ForeignKey(
        Characteristic, on_delete=models.PROTECT, related_name="comments"
    )
    text = models.TextField(max_length=COMMENT_MAX_LENGTH)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "characteristic"], name="comment_one_per_characteristic"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), COMMENT_MAX_LENGTH),
                name="comment_at_most_2000_characters",
            ),
        ]

    def __str__(self) -> str:
        return f"Comment on {self.characteristic_id}"


def refuse_round_value_mode_change(sender, instance, action, reverse, pk_set, **kwargs):
    """m2m_changed receiver: a round's recorded value modes stay once it has a submitted response.

    They weight the priorities of every result given in the round.
    """
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    round_ids = (pk_set or set()) if reverse else {instance.pk}
    submitted = Response.objects.filter(round_id__in=round_ids, status=Response.Status.SUBMITTED)
    if round_ids and submitted.exists():
        raise RoundLocked(
            "This round already has submitted responses, so the value modes recorded when it "
            "opened can't change: they order the priorities of those results."
        )
