"""Facilitators' writes that touch several models or need a lock: each one a transaction,
keyword-only, named entity_action.

A plain create or edit of one object is its ModelForm's ``save()`` (``assessments.forms``);
where that object brings other rows with it (a new round's team links, a new collaboration's
owner), the view calls the function here after the form validates, in one transaction with the
save. Views check who may call them (``assessments.access``); these functions keep the
invariants the database cannot hold alone: a collaboration never loses its last owner, a round
gets a link for every active team, an e-mail is sent once, reminders go out at most once a day
per round.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.utils import getaddresses

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.models import (
    CanvasAnswer,
    CanvasConsideration,
    Collaboration,
    IndividualLink,
    MemberInvitation,
    Membership,
    OfferedGroup,
    Response,
    Role,
    Round,
    Team,
    TeamLink,
    new_token,
    token_digest,
)
from assessments.models.membership import INVITATION_RESEND_AFTER
from frameworks.models import Consideration, PracticalQuestion

MAX_ADDRESSES = 500


class LastOwner(ValidationError):
    """The change would leave the collaboration without an owner."""


# --- Collaborations --------------------------------------------------------------------------


def _offer_groups(collaboration: Collaboration, groups: Iterable[str]) -> None:
    """Make the stakeholder groups respondents choose from exactly ``groups``."""
    groups = set(groups)
    collaboration.offered_groups.exclude(group__in=groups).delete()
    existing = set(collaboration.offered_groups.values_list("group", flat=True))
    OfferedGroup.objects.bulk_create(
        OfferedGroup(collaboration=collaboration, group=group) for group in groups - existing
    )


@transaction.atomic
def collaboration_set_up(*, collaboration: Collaboration, owner, groups: Iterable[str]) -> None:
    """What a new collaboration needs beyond its own row (``CollaborationForm`` saved that): its
    first owner, and the stakeholder groups it offers."""
    _offer_groups(collaboration, groups)
    Membership.objects.create(user=owner, collaboration=collaboration, role=Role.OWNER)


@transaction.atomic
def collaboration_apply_edit(*, collaboration: Collaboration, groups: Iterable[str]) -> None:
    """What an edit of the set-up changes beyond the collaboration's own row (``CollaborationForm``
    saved that, in the caller's transaction): the groups it offers become exactly ``groups``, and
    rounds that opened but have no submitted response yet take the new value modes too (a
    correction right after opening); rounds with results keep theirs.

    Two edits at once take turns on the collaboration's row (the form's save updated it, and
    the lock below makes the wait explicit), so the groups offered are one edit's, never a mix.
    """
    collaboration = Collaboration.objects.select_for_update().get(pk=collaboration.pk)
    _offer_groups(collaboration, groups)
    value_modes = list(collaboration.value_modes.all())
    unanswered = collaboration.rounds.filter(opened_on__isnull=False).exclude(
        responses__status=Response.Status.SUBMITTED
    )
    for round in unanswered:
        round.value_modes.set(value_modes)


@transaction.atomic
def collaboration_delete(*, collaboration: Collaboration) -> None:
    """Delete a collaboration and everything in it, its responses included."""
    collaboration = Collaboration.objects.select_for_update().get(pk=collaboration.pk)
    # Responses protect their round and team from being deleted by accident: here it is meant.
    Response.objects.filter(round__collaboration=collaboration).delete()
    collaboration.delete()


@transaction.atomic
def canvas_save(
    *,
    collaboration: Collaboration,
    answers: Mapping[PracticalQuestion, str],
    considerations: Mapping[Consideration, tuple[bool, str]],
) -> None:
    """Store the planning canvas: an answer per practical question, and per key consideration
    whether it was discussed, with notes (one upsert each)."""
    CanvasAnswer.objects.bulk_create(
        [
            CanvasAnswer(collaboration=collaboration, question=question, text=text.strip())
            for question, text in answers.items()
        ],
        update_conflicts=True,
        unique_fields=["collaboration", "question"],
        update_fields=["text"],
    )
    CanvasConsideration.objects.bulk_create(
        [
            CanvasConsideration(
                collaboration=collaboration,
                consideration=consideration,
                discussed=discussed,
                notes=notes.strip(),
            )
            for consideration, (discussed, notes) in considerations.items()
        ],
        update_conflicts=True,
        unique_fields=["collaboration", "consideration"],
        update_fields=["discussed", "notes"],
    )


# --- Teams ---------------------------------------------------------------------------------


def _open_or_planned_rounds(collaboration: Collaboration):
    return collaboration.rounds.exclude(status=Round.Status.CLOSED)


@transaction.atomic
def team_links_create_for_team(*, team: Team) -> None:
    """The team's link in every round that is not closed and has none for it yet: a new team
    (``TeamForm`` saved it) or one restored from the archive."""
    TeamLink.objects.bulk_create(
        TeamLink(round=round, team=team)
        for round in _open_or_planned_rounds(team.collaboration).exclude(team_links__team=team)
    )


@transaction.atomic
def team_archive(*, team: Team) -> Team:
    """Out of new rounds and the respondents' choices; its history stays."""
    team.archived_on = timezone.localdate()
    team.save(update_fields=["archived_on"])
    return team


@transaction.atomic
def team_restore(*, team: Team) -> Team:
    team.archived_on = None
    team.save(update_fields=["archived_on"])
    team_links_create_for_team(team=team)
    return team


# --- Rounds --------------------------------------------------------------------------------


@transaction.atomic
def team_links_create_for_round(*, round: Round) -> None:
    """A link in a new round (``RoundForm`` saved it) for every active team."""
    TeamLink.objects.bulk_create(
        TeamLink(round=round, team=team) for team in round.collaboration.teams.active()
    )


@transaction.atomic
def round_open(*, round: Round) -> Round:
    """Open a planned or closed round (reopening needs a closing date still to come)."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    if round.status == Round.Status.OPEN:
        return round
    if round.closes_on < timezone.localdate():
        raise ValidationError(
            "This round's closing date has passed: change the closing date before opening it."
        )
    round.status = Round.Status.OPEN
    round.save()  # records the collaboration's value modes the first time
    return round


@transaction.atomic
def round_close(*, round: Round) -> Round:
    round = Round.objects.select_for_update().get(pk=round.pk)
    round.status = Round.Status.CLOSED
    round.save(update_fields=["status"])
    return round


# --- Personal invitations -------------------------------------------------------------------


@dataclass
class AddressReport:
    added: list[IndividualLink] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # given twice in this list
    existing: list[str] = field(default_factory=list)  # already invited to this round
    refused: list[tuple[str, str]] = field(default_factory=list)  # (entry, why)

    @property
    def skipped(self) -> int:
        return len(self.duplicates) + len(self.existing)


def addresses_from_text(text: str) -> list[str]:
    """Addresses from pasted text: one per line or separated by commas or semicolons, with or
    without names ("Sam Jones <sam@example.org>")."""
    entries = []
    for name, address in getaddresses(text.replace(";", ",").splitlines()):
        entry = (address or name).strip()
        if entry:
            entries.append(entry)
    return entries


NOT_CSV_TEXT = (
    "The file must be a CSV file saved as UTF-8 text (in a spreadsheet program: "
    "“Save as”, then “CSV UTF-8”)."
)


def addresses_from_csv(data: bytes) -> list[str]:
    """Addresses from an uploaded CSV: every cell with an @ in it (names and headers are left
    out). Raises ValidationError, saying what to do, for any file that is not that: not UTF-8
    text (a spreadsheet renamed .csv, UTF-16, a picture), a cell too long for the csv module,
    or no address at all (the wrong columns, an empty list)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(NOT_CSV_TEXT) from None
    if "\x00" in text:  # no text file has one: UTF-16 without its mark, or binary
        raise ValidationError(NOT_CSV_TEXT)
    entries = []
    try:
        # newline="": the csv module reads the line ends itself (a file from an old Mac ends its
        # lines with CR alone).
        for row in csv.reader(io.StringIO(text, newline="")):
            entries += [cell.strip() for cell in row if "@" in cell]
    except csv.Error:
        # A cell longer than the csv module's limit (131,072 characters): not a list of people.
        raise ValidationError(
            "The file could not be read as CSV: one of its cells is far longer than an e-mail "
            "address. Save the list of addresses as CSV UTF-8 and upload that."
        ) from None
    if not entries:
        raise ValidationError(
            "The file has no e-mail addresses in it: put them in a column of the CSV file."
        )
    return entries


def _shortened(entry: str, length: int = 80) -> str:
    """An entry as the page repeats it: a pasted page of text is not echoed back whole."""
    return entry if len(entry) <= length else entry[: length - 1] + "…"


@transaction.atomic
def invitations_add(*, round: Round, team: Team | None, entries: list[str]) -> AddressReport:
    """Personal links for new addresses: each checked, duplicates and existing invitees skipped.

    The caller sends the e-mails once this has committed (``tasks.send_invitations``).
    """
    report = AddressReport()
    if len(entries) > MAX_ADDRESSES:
        raise ValidationError(f"Add at most {MAX_ADDRESSES} addresses at a time.")
    # Two facilitators adding one address at once would both find it new and the second insert
    # would break the unique constraint (a 500 whose message names the address). Locking the
    # round serialises the additions to it: the second reads the first's links once it commits
    # and reports the address as already invited, as it would a minute later.
    Round.objects.select_for_update().filter(pk=round.pk).get()
    existing = {
        email.lower()
        for email in round.individual_links.exclude(email="").values_list("email", flat=True)
    }
    seen: set[str] = set()
    longest = IndividualLink._meta.get_field("email").max_length
    for entry in entries:
        address = entry.strip().lower()
        try:
            validate_email(address)
        except ValidationError:
            report.refused.append((_shortened(entry), "not a valid e-mail address"))
            continue
        if len(address) > longest:  # valid in form (up to 320), but longer than the column
            report.refused.append((_shortened(entry), "longer than an e-mail address can be"))
            continue
        if address in seen:
            report.duplicates.append(address)
            continue
        seen.add(address)
        if address in existing:
            report.existing.append(address)
            continue
        report.added.append(IndividualLink.prepare(round=round, team=team, email=address))
    report.added = IndividualLink.objects.bulk_create(report.added)
    return report


class AlreadyRemindedToday(ValidationError):
    pass


@transaction.atomic
def reminders_claim(*, round: Round, invited_before: date | None = None) -> list[int]:
    """Claim today's reminder for the round; return the personal links to remind: sent (before
    ``invited_before``, if given), not used, with an address. At most once a day per round (a
    conditional update decides)."""
    today = timezone.localdate()
    claimed = (
        Round.objects.filter(pk=round.pk)
        .exclude(last_reminder_on=today)
        .update(last_reminder_on=today)
    )
    if not claimed:
        raise AlreadyRemindedToday("A reminder already went out for this round today.")
    links = round.individual_links.filter(used=False, sent_on__isnull=False)
    if invited_before is not None:
        links = links.filter(sent_on__lt=invited_before)
    return list(links.exclude(email="").exclude(secret="").values_list("pk", flat=True))


@transaction.atomic
def reminders_claim_due(*, round_id: int) -> list[int]:
    """Claim today's automatic reminder for a round, if one is due today
    (``Round.reminder_due``); return the personal links to remind, or none.

    The round is read again here, locked, whenever this runs: since the reminder was queued its
    closing date or schedule may have changed, it may have been closed or deleted, or another
    run (a retry, a second worker, the daily command) may have sent today's. Someone invited
    today is not reminded the same day."""
    today = timezone.localdate()
    round = Round.objects.select_for_update().filter(pk=round_id).first()
    if round is None or not round.reminder_due(today):
        return []
    try:
        return reminders_claim(round=round, invited_before=today)
    except AlreadyRemindedToday:
        return []


# --- Members -------------------------------------------------------------------------------


def _lock_owners(collaboration_id: int) -> list[int]:
    """Lock the collaboration row (serialising membership changes), then read its owners."""
    Collaboration.objects.select_for_update().filter(pk=collaboration_id).get()
    return list(
        Membership.objects.filter(collaboration_id=collaboration_id, role=Role.OWNER).values_list(
            "pk", flat=True
        )
    )


LAST_OWNER = "A collaboration must keep at least one owner: make someone else an owner first."


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str) -> Membership:
    owners = _lock_owners(membership.collaboration_id)
    membership = Membership.objects.get(pk=membership.pk)
    if role != Role.OWNER and owners == [membership.pk]:
        raise LastOwner(LAST_OWNER)
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    owners = _lock_owners(membership.collaboration_id)
    if owners == [membership.pk]:
        raise LastOwner(LAST_OWNER)
    Membership.objects.filter(pk=membership.pk).delete()


class TooManyInvitations(ValidationError):
    """The collaboration sent its MEMBER_INVITATIONS_PER_HOUR already."""


@dataclass
class MemberInvite:
    invitation: MemberInvitation
    # "new": a new invitation; "again": the address's waiting invitation, to be sent again
    # (its last send failed, or was longer ago than INVITATION_RESEND_AFTER); "waiting": it
    # went out moments ago, and is not sent again yet.
    outcome: str

    @property
    def send(self) -> bool:
        return self.outcome != "waiting"


@transaction.atomic
def member_invite(
    *, collaboration: Collaboration, email: str, role: str, invited_by
) -> MemberInvite:
    """An invitation to join; the caller e-mails it when ``send`` (``tasks.send_member_invitation``,
    which claims each e-mail, so of requests at once only one sends).

    An address with an invitation still waiting gets that one again (with the role asked for
    now), not a second: at most one e-mail each INVITATION_RESEND_AFTER. New invitations are
    limited to MEMBER_INVITATIONS_PER_HOUR per collaboration. Both are decided with the
    collaboration's row locked, so requests at once take turns and the count is exact.
    """
    email = email.strip().lower()
    validate_email(email)
    now = timezone.now()
    Collaboration.objects.select_for_update().filter(pk=collaboration.pk).get()
    waiting = (
        MemberInvitation.objects.usable()
        .filter(collaboration=collaboration, email__iexact=email)
        .order_by("-created_at")
        .first()
    )
    if waiting is not None:
        if waiting.role != role:
            waiting.role = role
            waiting.full_clean()
            waiting.save(update_fields=["role"])
        last_sent = waiting.sent_at or waiting.created_at
        if waiting.send_failed_on is None and last_sent > now - INVITATION_RESEND_AFTER:
            return MemberInvite(waiting, "waiting")
        return MemberInvite(waiting, "again")
    limit = settings.MEMBER_INVITATIONS_PER_HOUR
    recent = MemberInvitation.objects.filter(
        collaboration=collaboration, created_at__gt=now - timedelta(hours=1)
    ).count()
    if recent >= limit:
        raise TooManyInvitations(
            f"This collaboration has sent {limit} new invitations in the last hour, the most it "
            "may: please invite more people later."
        )
    invitation = MemberInvitation(
        collaboration=collaboration,
        email=email,
        role=role,
        invited_by=invited_by,
        secret=new_token(),
    )
    invitation.token_digest = token_digest(invitation.token)
    invitation.full_clean()
    invitation.save()
    return MemberInvite(invitation, "new")


def member_invitation_for(token: str) -> MemberInvitation | None:
    return (
        MemberInvitation.objects.select_related("collaboration")
        .filter(token_digest=token_digest(token))
        .first()
    )


class InvitationUnusable(ValidationError):
    pass


ACCOUNT_EXISTS = "An account with this e-mail address exists: sign in instead."


def _lock_usable(invitation: MemberInvitation) -> MemberInvitation:
    """The invitation, locked until the transaction ends: of several acceptances at once, the
    first uses it and the others, once it commits, find it used."""
    invitation = MemberInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationUnusable("This invitation has already been used.")
    if invitation.is_expired:
        raise InvitationUnusable("This invitation has expired: ask for a new one.")
    return invitation


@transaction.atomic
def member_invitation_accept(*, invitation: MemberInvitation, user) -> Membership:
    """Join with the invited role (single use; a member keeps a higher role they already have)."""
    invitation = _lock_usable(invitation)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    membership, created = Membership.objects.get_or_create(
        user=user, collaboration=invitation.collaboration, defaults={"role": invitation.role}
    )
    if not created and not membership.can(invitation.role):
        membership.role = invitation.role
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def member_account_create(*, invitation: MemberInvitation, password: str, name: str = ""):
    """A new facilitator account from an invitation (the e-mail address is the user name)."""
    # The invitation is locked before the account is made: the same form posted from several
    # browsers at once makes one account, and the others find the invitation used.
    invitation = _lock_usable(invitation)
    User = get_user_model()
    if User.objects.filter(username__iexact=invitation.email).exists():
        raise InvitationUnusable(ACCOUNT_EXISTS)
    first, _, last = name.strip().partition(" ")
    try:
        # An account for the address made at the same moment another way (the admin): the unique
        # user name refuses it, inside a savepoint so that the transaction goes on. The error
        # names the address, so it is dropped here, never chained into a log.
        with transaction.atomic():
            user = User.objects.create_user(
                username=invitation.email,
                email=invitation.email,
                password=password,
                first_name=first[:150],
                last_name=last[:150],
            )
    except IntegrityError:
        raise InvitationUnusable(ACCOUNT_EXISTS) from None
    member_invitation_accept(invitation=invitation, user=user)
    return user
