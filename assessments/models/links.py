"""Invitation links and the tokens behind them.

A team link's token is kept in clear (it identifies a team, not a person, and facilitators share
it again). A personal link stores only a digest of its token, plus a random secret from which the
token is derived again with SECRET_KEY when an invitation or reminder e-mail is sent: neither a
copy of the database alone nor the e-mail log reveals a working link.
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
from django.db.models.functions import Lower
from django.utils import timezone

from assessments.models.collaborations import Round, Team

TOKEN_BYTES = 32  # 256 bits from secrets: far above the 128 bits required


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


def personal_link_token(secret: str) -> str:
    """A personal link's token, from the random secret stored with it and SECRET_KEY."""
    return _derived_token(b"personal-link:", secret)


TEAM_NOT_IN_COLLABORATION = "The team must belong to the round's collaboration."


def check_team_in_round(*, round: Round, team: Team | None) -> None:
    """A link (team or personal) may only carry a team of its round's collaboration."""
    if team is not None and team.collaboration_id != round.collaboration_id:
        raise ValidationError({"team": TEAM_NOT_IN_COLLABORATION})


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
        if self.round_id and self.team_id:
            check_team_in_round(round=self.round, team=self.team)


class IndividualLink(models.Model):
    """A single-use link for one invitee. The token itself is never stored: only its digest (to
    find the link) and a random secret it is derived from with SECRET_KEY (to e-mail it again).

    The e-mail address is deleted a configurable number of days after the round closes, and no
    response ever points to the link once submitted.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="individual_links")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="individual_links"
    )
    email = models.EmailField(blank=True)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    # Links issued before this field existed have none: they cannot be e-mailed again.
    secret = models.CharField(max_length=64, blank=True, editable=False)
    created_on = models.DateField(default=timezone.localdate)
    used_on = models.DateField(null=True, blank=True, editable=False)
    sent_on = models.DateField(null=True, blank=True, editable=False)
    reminded_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["round", "created_on"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "round",
                condition=~Q(email=""),
                name="individuallink_one_per_address_per_round",
            ),
        ]

    def __str__(self) -> str:
        return f"Individual link ({self.round.title}){' – used' if self.used_on else ''}"

    def clean(self):
        if self.round_id and self.team_id:
            check_team_in_round(round=self.round, team=self.team)

    @classmethod
    def issue(
        cls, *, round: Round, team: Team | None = None, email: str = ""
    ) -> tuple[IndividualLink, str]:
        """Create a link; the token is returned once and never stored."""
        link = cls.prepare(round=round, team=team, email=email)
        link.save()
        return link, link.token

    @classmethod
    def prepare(cls, *, round: Round, team: Team | None = None, email: str = "") -> IndividualLink:
        """An unsaved link with a new secret (for bulk creation); see ``issue``."""
        check_team_in_round(round=round, team=team)
        secret = new_token()
        return cls(
            round=round,
            team=team,
            email=email,
            token_digest=token_digest(personal_link_token(secret)),
            secret=secret,
        )

    @property
    def token(self) -> str | None:
        """The link's token, derived again from its secret (None for links without one)."""
        return personal_link_token(self.secret) if self.secret else None
