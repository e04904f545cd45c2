"""Who may run a collaboration: memberships with a role, and e-mailed invitations to join.

Roles: an **owner** may do everything, members and deleting included; a **facilitator** sets up
teams, rounds and invitations and reads results; a **viewer** reads results only. A
collaboration always keeps at least one owner (``services.facilitate`` refuses the change that
would leave none, under a lock).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from assessments.models.collaborations import Collaboration
from assessments.models.links import SendFailure, send_failure_valid

INVITATION_VALID_FOR = timedelta(days=7)
# Inviting an address again while its invitation is waiting sends it again, at most this often.
INVITATION_RESEND_AFTER = timedelta(minutes=10)


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    FACILITATOR = "facilitator", "Facilitator"
    VIEWER = "viewer", "Viewer"


ROLE_RANK = {Role.VIEWER: 1, Role.FACILITATOR: 2, Role.OWNER: 3}
ROLE_HELP = {
    Role.OWNER: "Everything, including members and deleting the collaboration.",
    Role.FACILITATOR: "Set-up, teams, rounds, invitations and results.",
    Role.VIEWER: "Reads results only.",
}


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # A user who still belongs to a collaboration cannot be deleted: remove the membership
        # first, which refuses to leave a collaboration without an owner.
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=12, choices=Role.choices)
    joined_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["collaboration", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "collaboration"], name="membership_one_per_user_and_collaboration"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} of {self.collaboration}"

    def can(self, role: str) -> bool:
        """Does this membership's role include everything ``role`` may do?"""
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


class MemberInvitationQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


def _expiry():
    return timezone.now() + INVITATION_VALID_FOR


class MemberInvitation(models.Model):
    """An e-mailed, single-use invitation to join a collaboration with a role; expires in 7 days.

    Only a digest of the token is stored.
    """

    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="member_invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=12, choices=Role.choices)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    # The token is derived from this secret with SECRET_KEY when the e-mail is sent (the task
    # queue then holds an id, not a working link).
    secret = models.CharField(max_length=64, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(default=_expiry, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the e-mail last went out (claimed by the task before it sends), and the last send
    # that failed, with why: shown to the owners, who can try again.
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    send_failed_on = models.DateField(null=True, blank=True, editable=False)
    send_failure = models.CharField(
        max_length=20, choices=SendFailure.choices, blank=True, editable=False
    )

    objects = MemberInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["collaboration", "-created_at"]
        constraints = [
            send_failure_valid("memberinvitation"),
            models.CheckConstraint(
                condition=Q(role__in=Role.values), name="memberinvitation_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.collaboration} ({self.get_role_display()})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def token(self) -> str:
        from assessments.models.links import _derived_token

        return _derived_token(b"member-invitation:", self.secret)
