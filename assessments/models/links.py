"""Invitation links and the tokens behind them.

A team link's token is kept in clear (it identifies a team, not a person, and facilitators share
it again). A personal link stores only a digest of its token, plus a random secret from which the
token is derived again with SECRET_KEY when an invitation or reminder e-mail is sent: neither a
copy of the database alone nor the e-mail log reveals a working link.

Once submitted, a response can't be tied to the personal link it came from, from the database
alone or with SECRET_KEY (which gives back every link's token): a draft's resume token is
random, not derived from the link; while the draft is open it keeps the token sealed with a key
made from the link's token (so the link reaches the same draft in any browser), and the submit
wipes the seal and the draft's reference to the link in the same UPDATE. A used link records
that it was used, not when; a response records no date and nothing about how its partner came.
Ids are left as they are: responses and links number in separate sequences (the order partners
start, the order a facilitator adds addresses), and with no date on a response neither order
can be placed against the other.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, TextChoices
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


def link_seal_key(invitation_token: str) -> str:
    """The key that seals the resume token of a personal link's open draft: made from the
    link's token (which only its holder has, in the URL), so the database alone can't open the
    seal. SECRET_KEY gives it back too (the token is derived from the stored secret): that is
    why the seal lives only while the draft is open, and why it opens nothing after submit."""
    return hmac.new(invitation_token.encode(), b"draft-seal", "sha256").hexdigest()


_SEAL_NONCE_BYTES = 16


def _pad(key: str, nonce: bytes, length: int) -> bytes:
    pad = hmac.new(bytes.fromhex(key), b"seal:" + nonce, "sha256").digest()
    if length > len(pad):
        raise ValueError("Only tokens of at most 32 bytes can be sealed.")
    return pad[:length]


def seal_resume_token(token: str, key: str) -> str:
    """``token`` (from ``new_token``) encrypted with ``key``: a random nonce and the token's
    bytes XORed with HMAC-SHA256(key, nonce), a keystream used once."""
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    nonce = secrets.token_bytes(_SEAL_NONCE_BYTES)
    sealed = bytes(a ^ b for a, b in zip(raw, _pad(key, nonce, len(raw)), strict=True))
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal_resume_token(sealed: str, key: str) -> str | None:
    """The token ``seal_resume_token`` sealed with ``key``; None for anything else. (Without
    the right key it gives a wrong token, which matches no digest: callers check the digest.)"""
    try:
        data = base64.urlsafe_b64decode(sealed)
        nonce, body = data[:_SEAL_NONCE_BYTES], data[_SEAL_NONCE_BYTES:]
        if len(nonce) < _SEAL_NONCE_BYTES or not body:
            return None
        raw = bytes(a ^ b for a, b in zip(body, _pad(key, nonce, len(body)), strict=True))
    except (ValueError, TypeError):
        return None
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def start_resume_token(start_key: str) -> str:
    """The resume token of the draft a browser starts from a team link, derived from the
    session's start key: however many Start clicks arrive at once from one browser, they all
    try to create the same draft, and the unique resume digest lets exactly one through."""
    return _derived_token(b"start:", start_key)


def personal_link_token(secret: str) -> str:
    """A personal link's token, from the random secret stored with it and SECRET_KEY."""
    return _derived_token(b"personal-link:", secret)


def board_link_token(secret: str) -> str:
    """A board link's token (``sharing.BoardLink``), from its stored secret and SECRET_KEY."""
    return _derived_token(b"board-link:", secret)


TEAM_NOT_IN_COLLABORATION = "The team must belong to the round's collaboration."


class SendFailure(TextChoices):
    """Why an e-mail could not be sent, in words a facilitator can act on. Never the mail
    server's own message: that names the address, and the address is not for every page."""

    ADDRESS_REFUSED = "address_refused", "the mail server refused the address"
    SERVER_UNREACHABLE = "unreachable", "the mail server could not be reached"
    SIGN_IN_REFUSED = "sign_in", "the mail server refused CollabAssess's sign-in"
    MESSAGE_REFUSED = "message", "the mail server refused the message"
    OTHER = "other", "an unexpected error"


def send_failure_valid(model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(send_failure__in=["", *SendFailure.values]),
        name=f"{model}_send_failure_valid",
    )


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
    response ever points to the link once submitted. ``used`` says that, not when: a day of use
    would be the day of a submission.
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
    used = models.BooleanField(default=False, editable=False)
    sent_on = models.DateField(null=True, blank=True, editable=False)
    # Only while unused (it claims today's reminder): wiped when the link is used, as a used
    # link's last reminder would say its response came after that day.
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    # The last send that failed (the invitation or a reminder), and why; cleared by the next
    # attempt. The facilitator sees it and can try again.
    send_failed_on = models.DateField(null=True, blank=True, editable=False)
    send_failure = models.CharField(
        max_length=20, choices=SendFailure.choices, blank=True, editable=False
    )

    class Meta:
        ordering = ["round", "created_on"]
        constraints = [
            send_failure_valid("individuallink"),
            models.UniqueConstraint(
                Lower("email"),
                "round",
                condition=~Q(email=""),
                name="individuallink_one_per_address_per_round",
            ),
        ]

    def __str__(self) -> str:
        return f"Individual link ({self.round.title}){' – used' if self.used else ''}"

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
