"""Anonymous responses, their answers and comments.

Privacy by construction: a Response holds no account, e-mail address, IP address, user agent or
invitation token, and no date: the round says when it was open, and a day of submission could be
set against the days a personal link was added or e-mailed (``assessments.models.links``). To
find a draft again the response stores only a SHA-256 digest of its private resume token. A
draft started from a personal link refers to the link and keeps its resume token sealed with a
key from the link's token (so one link has one open draft, reached from any browser); the submit
clears both, so a submitted response looks the same however its partner was invited.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from assessments.models.collaborations import Round, RoundLocked, StakeholderGroup, Team
from assessments.models.links import IndividualLink, token_digest
from frameworks.models import SCALE_MAX, SCALE_MIN, Characteristic, Indicator, ValueMode

COMMENT_MAX_LENGTH = 2000


class ResponseQuerySet(models.QuerySet):
    def by_resume_token(self, token: str):
        return self.filter(resume_digest=token_digest(token))

    def for_journey(self):
        """With the round and its collaboration, unordered: what every partner's page opens with
        (one row; the framework version comes from the content cache)."""
        return self.select_related("round__collaboration").order_by()

    def submitted(self):
        return self.filter(status=Response.Status.SUBMITTED)

    def drafts(self):
        return self.filter(status=Response.Status.DRAFT)

    def counts_by(self, field: str) -> dict:
        """{value of ``field``: (started, submitted)}, counted in the database in one query.

        "Started" counts every response, submitted ones included. Only for pages that pass the
        counts through ``assessments.disclosure``.
        """
        rows = (
            self.order_by()
            .values(field)
            .annotate(
                started=models.Count("id"),
                submitted=models.Count("id", filter=Q(status=Response.Status.SUBMITTED)),
            )
            .values_list(field, "started", "submitted")
        )
        return {key: (started, submitted) for key, started, submitted in rows}


class Response(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="responses")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )
    stakeholder_group = models.CharField(
        max_length=20, choices=StakeholderGroup.choices, blank=True
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    resume_digest = models.CharField(max_length=64, unique=True, editable=False)
    # Only while a draft: lets one individual link have one open draft, which the link reaches
    # in any browser by opening the sealed resume token (``links.unseal_resume_token``) with a
    # key from its token. Both cleared by the submit's UPDATE.
    individual_link = models.ForeignKey(
        IndividualLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sealed_resume = models.CharField(max_length=80, blank=True, default="", editable=False)
    value_modes = models.ManyToManyField(ValueMode, blank=True, related_name="+")
    # The respondent's own results, worked out once by scoring.py in the transaction that submits
    # (a submitted response and its round's weights can no longer change): numbers and ids only,
    # the words come from the content (``selectors.partner.personal_results``).
    personal_result = models.JSONField(null=True, blank=True, editable=False)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["round", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted"]), name="response_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(status="submitted", individual_link__isnull=True, sealed_resume=""),
                name="response_submitted_keeps_no_link",
            ),
            models.UniqueConstraint(
                fields=["individual_link"],
                condition=Q(status="draft", individual_link__isnull=False),
                name="response_one_draft_per_individual_link",
            ),
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(personal_result__isnull=True),
                name="response_result_only_when_submitted",
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

    @property
    def asks_team(self) -> bool:
        """Does the partner choose their team? Not from a team link, nor from a personal link
        that names one. Worked out from the draft's link (one query when it has one) rather than
        stored: a flag kept on the response would say, after submit, how its partner came."""
        if self.individual_link_id is None:
            return self.team_id is None
        return self.individual_link.team_id is None


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
