"""Subject access and erasure: everything the app holds about one e-mail address, exported or
erased.

What names an address, and what erasing does to it:

| Held | Found by | Erased how |
|---|---|---|
| personal invitations (``IndividualLink``) | its e-mail | the address is blanked; the row stays |
| member invitations (``MemberInvitation``) | its e-mail | deleted (its e-mailed link stops working) |
| a facilitator account (``User``) | e-mail or user name | anonymised and switched off (admins only) |
| memberships | the account | deleted (never a collaboration's last owner) |
| history that records what the account did: action changes, actions created, member invitations sent, content changes, workshops opened and agreements recorded, results released or withdrawn, board links created | the account | the row stays, without the account ("a former member") |
| actions whose owner is the address, or the account's name | the action's owner text | the owner (and the history's copies of it) becomes "(erased)" |
| results page preferences | the account | deleted |
| admin log entries naming the address; failed sign-ins (django-axes) | their text | the entry's name becomes "(erased)"; sign-in records deleted (admins only) |

A personal invitation keeps its row because the tracking page counts invitations, and a used one
says someone took part: deleting it would change the round's figures. Nothing here reads or
writes a response, an answer or a comment: a personal link is unlinkable from its response
(``docs/privacy.md``), and an export must not be the place that ties them together.

Scope: an owner passes their collaboration and sees and erases only what belongs to it (its
invitations, its memberships, its history); an admin passes ``None`` and reaches everything,
the account itself included. The same querysets serve the export and the erasure, so what is
erased is exactly what was shown.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from assessments.models import (
    Action,
    ActionChange,
    Agreement,
    BoardLink,
    Collaboration,
    IndividualLink,
    MemberInvitation,
    Membership,
    ResultsPreference,
    ResultsRelease,
    Role,
    Workshop,
)
from frameworks.models import ContentChange

logger = logging.getLogger(__name__)

ERASED = "(erased)"


def normalise_address(address: str) -> str:
    """The form every lookup uses: trimmed, lower case (matches are case-insensitive too)."""
    return address.strip().lower()


class ErasureRefused(ValidationError):
    """The erasure would break an invariant (a collaboration left without an owner) or erase
    the person asking: nothing was changed."""


# --- Where it is --------------------------------------------------------------------------------


@dataclass
class _Rows:
    """The querysets of everything held about one address, in one scope."""

    address: str
    collaboration: Collaboration | None
    names: set[str]  # the texts that name the person: the address, user names, full names
    accounts: QuerySet
    personal_invitations: QuerySet
    member_invitations: QuerySet
    memberships: QuerySet
    actions_owned: QuerySet
    owner_history: QuerySet
    action_changes: QuerySet
    actions_created: QuerySet
    invitations_sent: QuerySet
    results_preferences: QuerySet
    workshops_opened: QuerySet
    agreements_recorded: QuerySet
    releases_given: QuerySet
    releases_withdrawn: QuerySet
    board_links_created: QuerySet
    # Admins only (None for an owner): rows about the whole site, not one collaboration.
    content_changes: QuerySet | None
    admin_log_naming: QuerySet | None
    sign_ins: list[QuerySet] | None


def _names_q(field_name: str, names: Iterable[str]) -> Q:
    query = Q(pk__in=[])
    for name in names:
        query |= Q(**{f"{field_name}__iexact": name})
    return query


def _rows(address: str, collaboration: Collaboration | None) -> _Rows:
    User = get_user_model()
    everyone = collaboration is None
    # Accounts are looked up site-wide (an account is the same person in every collaboration),
    # but an owner reaches only what they hold within their collaboration.
    all_accounts = list(
        User.objects.filter(Q(email__iexact=address) | Q(username__iexact=address)).order_by("pk")
    )
    user_names = {address} | {user.get_username().lower() for user in all_accounts}
    names = user_names | {
        u.get_full_name().strip() for u in all_accounts if u.get_full_name().strip()
    }

    def scoped(queryset: QuerySet, path: str) -> QuerySet:
        return queryset if everyone else queryset.filter(**{path: collaboration})

    memberships = scoped(
        Membership.objects.filter(user__in=all_accounts).select_related("user", "collaboration"),
        "collaboration",
    ).order_by("collaboration__name", "pk")
    accounts = User.objects.filter(pk__in=[u.pk for u in all_accounts])
    if not everyone:
        accounts = accounts.filter(memberships__collaboration=collaboration)
    actions_owned = scoped(
        Action.objects.filter(_names_q("owner", names)).select_related("collaboration"),
        "collaboration",
    ).order_by("collaboration__name", "pk")
    owner_history = scoped(
        ActionChange.objects.filter(field="owner").filter(
            _names_q("old", names) | _names_q("new", names)
        ),
        "action__collaboration",
    )
    return _Rows(
        address=address,
        collaboration=collaboration,
        names=names,
        accounts=accounts.order_by("pk"),
        personal_invitations=scoped(
            IndividualLink.objects.filter(email__iexact=address).select_related(
                "round__collaboration", "team"
            ),
            "round__collaboration",
        ).order_by("round__collaboration__name", "round__opens_on", "pk"),
        member_invitations=scoped(
            MemberInvitation.objects.filter(email__iexact=address).select_related("collaboration"),
            "collaboration",
        ).order_by("collaboration__name", "created_at", "pk"),
        memberships=memberships,
        actions_owned=actions_owned,
        owner_history=owner_history,
        action_changes=scoped(
            ActionChange.objects.filter(user__in=all_accounts), "action__collaboration"
        ),
        actions_created=scoped(Action.objects.filter(created_by__in=all_accounts), "collaboration"),
        invitations_sent=scoped(
            MemberInvitation.objects.filter(invited_by__in=all_accounts), "collaboration"
        ),
        results_preferences=scoped(
            ResultsPreference.objects.filter(user__in=all_accounts), "round__collaboration"
        ),
        workshops_opened=scoped(
            Workshop.objects.filter(created_by__in=all_accounts), "round__collaboration"
        ),
        agreements_recorded=scoped(
            Agreement.objects.filter(recorded_by__in=all_accounts),
            "workshop__round__collaboration",
        ),
        releases_given=scoped(
            ResultsRelease.objects.filter(released_by__in=all_accounts), "round__collaboration"
        ),
        releases_withdrawn=scoped(
            ResultsRelease.objects.filter(withdrawn_by__in=all_accounts), "round__collaboration"
        ),
        board_links_created=scoped(
            BoardLink.objects.filter(created_by__in=all_accounts), "round__collaboration"
        ),
        content_changes=ContentChange.objects.filter(user__in=all_accounts) if everyone else None,
        admin_log_naming=(
            LogEntry.objects.filter(object_repr__icontains=address) if everyone else None
        ),
        sign_ins=(
            [model.objects.filter(_names_q("username", user_names)) for model in SIGN_IN_RECORDS]
            if everyone
            else None
        ),
    )


SIGN_IN_RECORDS = (AccessAttempt, AccessFailureLog, AccessLog)


# --- What is held -------------------------------------------------------------------------------


@dataclass
class Held:
    """Everything held about one address in one scope, as plain data (the page and the JSON
    export show the same)."""

    address: str
    scope: str
    personal_invitations: list[dict[str, Any]] = field(default_factory=list)
    member_invitations: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[dict[str, Any]] = field(default_factory=list)
    memberships: list[dict[str, Any]] = field(default_factory=list)
    actions_owned: list[dict[str, Any]] = field(default_factory=list)
    history: dict[str, int] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (
            self.personal_invitations
            or self.member_invitations
            or self.accounts
            or self.memberships
            or self.actions_owned
            or any(self.history.values())
        )

    @property
    def history_rows(self) -> list[tuple[str, int]]:
        return [(HISTORY_LABELS[key], count) for key, count in self.history.items() if count]

    def as_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "scope": self.scope,
            "exported_at": timezone.now().isoformat(),
            "personal_invitations": self.personal_invitations,
            "member_invitations": self.member_invitations,
            "accounts": self.accounts,
            "memberships": self.memberships,
            "actions_owned": self.actions_owned,
            "history_records": {
                key: {"label": HISTORY_LABELS[key], "rows": count}
                for key, count in self.history.items()
            },
            "not_included": NOT_INCLUDED,
        }


HISTORY_LABELS = {
    "action_changes": "Changes to actions they made (kept, without their name)",
    "actions_created": "Actions they created (kept, without their name)",
    "invitations_sent": "Member invitations they sent (kept, without their name)",
    "owner_history": "History entries naming them as an action's owner",
    "results_preferences": "Their display preferences on results pages",
    "workshops_opened": "Consensus workshops they opened (kept, without their name)",
    "agreements_recorded": "Workshop agreements they recorded (kept, without their name)",
    "releases_given": "Results releases they gave (kept, without their name)",
    "releases_withdrawn": "Results releases they withdrew (kept, without their name)",
    "board_links_created": "Board links they created (kept, without their name)",
    "content_changes": "Framework content changes they made (kept, without their name)",
    "admin_log_naming": "Admin log entries naming the address",
    "sign_ins": "Failed sign-in records for their user name",
}

NOT_INCLUDED = (
    "Responses to questionnaires are anonymous: nothing ties a response to an invitation or to "
    "an e-mail address, so none is included here, and an erasure does not touch them."
)


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _scope_label(collaboration: Collaboration | None) -> str:
    return "every collaboration" if collaboration is None else collaboration.name


def subject_find(*, address: str, collaboration: Collaboration | None) -> Held:
    """What is held about ``address``: within ``collaboration`` (an owner's request), or
    everywhere (``None``: an admin's). Never a response or an answer. A fixed number of
    queries, whatever the number of rows."""
    rows = _rows(normalise_address(address), collaboration)
    everyone = collaboration is None
    held = Held(address=rows.address, scope=_scope_label(collaboration))
    held.personal_invitations = [
        {
            "collaboration": link.round.collaboration.name,
            "round": link.round.title,
            "team": link.team.name if link.team else None,
            "created_on": _date(link.created_on),
            "sent_on": _date(link.sent_on),
            "reminded_on": _date(link.reminded_on),
            "used": link.used,
        }
        for link in rows.personal_invitations
    ]
    held.member_invitations = [
        {
            "collaboration": invitation.collaboration.name,
            "role": invitation.get_role_display(),
            "created_at": _date(invitation.created_at),
            "expires_at": _date(invitation.expires_at),
            "accepted_at": _date(invitation.accepted_at),
        }
        for invitation in rows.member_invitations
    ]
    for user in rows.accounts:
        account = {
            "user_name": user.get_username(),
            "name": user.get_full_name(),
            "email": user.email,
        }
        if everyone:  # site-wide facts about the account: for admins only
            account |= {
                "active": user.is_active,
                "staff": user.is_staff,
                "last_login": _date(user.last_login),
                "date_joined": _date(user.date_joined),
            }
        held.accounts.append(account)
    held.memberships = [
        {
            "user_name": membership.user.get_username(),
            "collaboration": membership.collaboration.name,
            "role": membership.get_role_display(),
            "joined_on": _date(membership.joined_on),
        }
        for membership in rows.memberships
    ]
    held.actions_owned = [
        {
            "collaboration": action.collaboration.name,
            "action": action.title,
            "owner": action.owner,
            "status": action.get_status_display(),
        }
        for action in rows.actions_owned
    ]
    held.history = _history_counts(rows)
    return held


def _history_counts(rows: _Rows) -> dict[str, int]:
    counts = {
        "action_changes": rows.action_changes.count(),
        "actions_created": rows.actions_created.count(),
        "invitations_sent": rows.invitations_sent.count(),
        "owner_history": rows.owner_history.count(),
        "results_preferences": rows.results_preferences.count(),
        "workshops_opened": rows.workshops_opened.count(),
        "agreements_recorded": rows.agreements_recorded.count(),
        "releases_given": rows.releases_given.count(),
        "releases_withdrawn": rows.releases_withdrawn.count(),
        "board_links_created": rows.board_links_created.count(),
    }
    if rows.content_changes is not None:
        counts["content_changes"] = rows.content_changes.count()
        counts["admin_log_naming"] = rows.admin_log_naming.count()
        counts["sign_ins"] = sum(queryset.count() for queryset in rows.sign_ins)
    return counts


# --- Erasure ------------------------------------------------------------------------------------


@dataclass
class Erased:
    """How many rows of each kind an erasure changed (never the address)."""

    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        changed = [f"{ERASURE_LABELS[key]}: {n}" for key, n in self.counts.items() if n]
        return "; ".join(changed) or "nothing was held"


ERASURE_LABELS = {
    "personal_invitations": "personal invitations without their address",
    "member_invitations": "member invitations deleted",
    "memberships": "memberships removed",
    "accounts": "accounts anonymised and switched off",
    "actions_owned": "action owners erased",
    "owner_history": "action history entries naming them erased",
    "action_changes": "action changes kept without their name",
    "actions_created": "actions kept without their creator",
    "invitations_sent": "member invitations kept without their sender",
    "results_preferences": "results page preferences deleted",
    "workshops_opened": "workshops kept without who opened them",
    "agreements_recorded": "workshop agreements kept without who recorded them",
    "releases_given": "results releases kept without who gave them",
    "releases_withdrawn": "results releases kept without who withdrew them",
    "board_links_created": "board links kept without who created them",
    "content_changes": "content changes kept without their name",
    "admin_log_naming": "admin log entries renamed",
    "sign_ins": "failed sign-in records deleted",
}


def _refuse_last_owners(rows: _Rows) -> None:
    """Lock the collaborations whose memberships go (in id order, so two erasures cannot
    deadlock) and refuse if any would be left without an owner."""
    removed = list(rows.memberships.values_list("pk", "collaboration_id"))
    collaboration_ids = sorted({c for _pk, c in removed})
    list(Collaboration.objects.select_for_update().filter(pk__in=collaboration_ids).order_by("pk"))
    removed_ids = {pk for pk, _c in removed}
    orphaned = []
    for collaboration in Collaboration.objects.filter(pk__in=collaboration_ids).order_by("name"):
        owners = set(
            Membership.objects.filter(collaboration=collaboration, role=Role.OWNER).values_list(
                "pk", flat=True
            )
        )
        if owners and owners <= removed_ids:
            orphaned.append(collaboration.name)
    if orphaned:
        raise ErasureRefused(
            "Nothing was erased: this person is the only owner of "
            + ", ".join(orphaned)
            + ". Make someone else an owner first (or delete the collaboration)."
        )


def _anonymise_accounts(accounts: list) -> None:
    for user in accounts:
        user.username = f"erased-{user.pk}"
        user.email = ""
        user.first_name = ""
        user.last_name = ""
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        # A new, unusable password also ends every session the account has (their auth hash
        # no longer matches).
        user.set_unusable_password()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()


@transaction.atomic
def subject_erase(*, address: str, collaboration: Collaboration | None, by) -> Erased:
    """Erase what ``subject_find`` shows for the same address and scope, in one transaction;
    record that it happened (who, when, how many of each kind: never the address).

    Raises ``ErasureRefused`` (nothing changed) when it would leave a collaboration without an
    owner or erase the account of ``by``, the person asking."""
    rows = _rows(normalise_address(address), collaboration)
    accounts = list(rows.accounts) if collaboration is None else []
    member_accounts = set(rows.memberships.values_list("user_id", flat=True))
    if by.pk in member_accounts or by.pk in {user.pk for user in accounts}:
        raise ErasureRefused(
            "Nothing was erased: this is your own address. Ask another owner or an administrator."
        )
    _refuse_last_owners(rows)

    counts = {
        "personal_invitations": rows.personal_invitations.update(email=""),
        "member_invitations": rows.member_invitations.delete()[0],
        "memberships": rows.memberships.delete()[0],
        "actions_owned": rows.actions_owned.update(owner=ERASED),
        "owner_history": rows.owner_history.count(),
        "action_changes": rows.action_changes.update(user=None),
        "actions_created": rows.actions_created.update(created_by=None),
        "invitations_sent": rows.invitations_sent.update(invited_by=None),
        "results_preferences": rows.results_preferences.delete()[0],
        "workshops_opened": rows.workshops_opened.update(created_by=None),
        "agreements_recorded": rows.agreements_recorded.update(recorded_by=None),
        "releases_given": rows.releases_given.update(released_by=None),
        "releases_withdrawn": rows.releases_withdrawn.update(withdrawn_by=None),
        "board_links_created": rows.board_links_created.update(created_by=None),
    }
    # History of an action's owner: the copies of their name go, the rows and the rest stay.
    rows.owner_history.filter(_names_q("old", rows.names)).update(old=ERASED)
    rows.owner_history.filter(_names_q("new", rows.names)).update(new=ERASED)
    if collaboration is None:
        counts["content_changes"] = rows.content_changes.update(user=None)
        counts["admin_log_naming"] = rows.admin_log_naming.update(object_repr=ERASED)
        counts["sign_ins"] = sum(queryset.delete()[0] for queryset in rows.sign_ins)
        _anonymise_accounts(accounts)
        counts["accounts"] = len(accounts)
    erased = Erased(counts=counts)
    _record(erased, collaboration=collaboration, by=by)
    return erased


def _record(erased: Erased, *, collaboration: Collaboration | None, by) -> None:
    """The audit record: the admin log (Django's ``LogEntry``: when and by whom, shown in the
    collaboration's admin history) and the server log. Counts only: never the address."""
    message = f"Subject erasure in {_scope_label(collaboration)}: {erased.summary()}."
    LogEntry.objects.create(
        user=by,
        content_type=(
            ContentType.objects.get_for_model(Collaboration) if collaboration is not None else None
        ),
        object_id=str(collaboration.pk) if collaboration is not None else None,
        object_repr=(collaboration.name if collaboration is not None else "Subject erasure")[:200],
        action_flag=CHANGE,
        change_message=message,
    )
    logger.info(
        "Subject erasure by user %s in %s: %s",
        by.pk,
        f"collaboration {collaboration.pk}" if collaboration is not None else "every collaboration",
        {key: n for key, n in erased.counts.items() if n},
    )
