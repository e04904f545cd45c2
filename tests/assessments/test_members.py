"""Members and roles: invitations that work once and expire, and a collaboration that always
keeps an owner."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import MemberInvitation, Membership, token_digest
from assessments.services import facilitate as services
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def _invitation_link(message) -> str:
    return next(line for line in message.body.splitlines() if "/accounts/invitation/" in line)


def _invite(olive, collaboration, email="nia@example.org", role="facilitator"):
    response = signed_in(olive).post(
        reverse("facilitate_members", args=[collaboration.pk]), {"email": email, "role": role}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return _invitation_link(mail.outbox[-1])


def test_an_owner_invites_a_new_person_who_sets_a_password_and_joins(olive, collaboration):
    url = _invite(olive, collaboration)
    message = mail.outbox[-1]
    assert collaboration.name in message.subject and message.alternatives
    invitation = MemberInvitation.objects.get()
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert invitation.token_digest == token_digest(token)
    assert token not in str(MemberInvitation.objects.values().get())  # only a digest is stored

    newcomer = Client()
    response = newcomer.get(url)
    assert response["Location"] == reverse("member_invitation_accept")
    page = newcomer.get(response["Location"]).content.decode()
    assert "Choose a password" in page and "nia@example.org" in page
    response = newcomer.post(
        reverse("member_invitation_accept"),
        {
            "name": "Nia Khan",
            "password1": "a long Passphrase 42",
            "password2": "a long Passphrase 42",
        },
    )

    assert response["Location"] == reverse("facilitate_collaboration", args=[collaboration.pk])
    membership = Membership.objects.get(user__username="nia@example.org")
    assert membership.role == "facilitator" and membership.user.get_full_name() == "Nia Khan"
    assert newcomer.get(response["Location"]).status_code == 200
    # The link works once.
    assert Client().get(url).status_code == 410


def test_an_existing_user_signs_in_and_accepts(olive, collaboration, django_user_model):
    user = django_user_model.objects.create_user("nia@example.org", "nia@example.org", "pw-nia-123")
    url = _invite(olive, collaboration, role="viewer")
    browser = Client()
    page = browser.get(browser.get(url)["Location"]).content.decode()
    assert "Sign in to accept" in page
    browser.force_login(user)
    assert (
        "Accept the invitation" in browser.get(reverse("member_invitation_accept")).content.decode()
    )
    browser.post(reverse("member_invitation_accept"))
    assert Membership.objects.get(user=user).role == "viewer"


def test_an_invitation_expires_after_7_days(olive, collaboration):
    url = _invite(olive, collaboration)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1), tick=False):
        response = Client().get(url)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not Membership.objects.filter(user__username="nia@example.org").exists()


def test_a_weak_or_mismatched_password_is_refused(olive, collaboration):
    url = _invite(olive, collaboration)
    browser = Client()
    browser.get(url)
    response = browser.post(
        reverse("member_invitation_accept"), {"password1": "12345678", "password2": "12345678"}
    )
    assert response.status_code == 400
    assert (
        "too common" in response.content.decode() or "entirely numeric" in response.content.decode()
    )
    response = browser.post(
        reverse("member_invitation_accept"),
        {"password1": "a long Passphrase 42", "password2": "another one 42"},
    )
    assert "The two passwords are not the same." in response.content.decode()
    assert not Membership.objects.filter(user__username="nia@example.org").exists()


def test_an_unknown_invitation_link_is_a_404(content):
    assert Client().get(reverse("member_invitation", args=["nope" * 10])).status_code == 404
    assert Client().get(reverse("member_invitation_accept")).status_code == 404


def test_the_last_owner_cannot_leave_or_be_demoted_or_removed(olive, fred, collaboration):
    owner = Membership.objects.get(user=olive)
    client = signed_in(olive)
    response = client.post(
        reverse("facilitate_member", args=[collaboration.pk, owner.pk]), {"role": "viewer"}
    )
    assert response.status_code == 400
    assert "at least one owner" in response.content.decode()
    client.post(
        reverse("facilitate_member", args=[collaboration.pk, owner.pk]), {"action": "remove"}
    )
    response = client.post(reverse("facilitate_leave", args=[collaboration.pk]), follow=True)
    assert "at least one owner" in response.content.decode()
    assert Membership.objects.get(pk=owner.pk).role == "owner"
    # With a second owner, the first may step down.
    fred_membership = Membership.objects.get(user=fred)
    client.post(
        reverse("facilitate_member", args=[collaboration.pk, fred_membership.pk]), {"role": "owner"}
    )
    client.post(reverse("facilitate_leave", args=[collaboration.pk]))
    assert not Membership.objects.filter(pk=owner.pk).exists()
    assert list(collaboration.memberships.values_list("role", flat=True)) == ["owner"]


@pytest.mark.django_db(transaction=True)
def test_two_owners_demoting_each_other_at_once_leave_one_owner(collaboration, django_user_model):
    from tests.conftest import _member

    first = _member(django_user_model, "ana", collaboration, "owner")
    second = _member(django_user_model, "bo", collaboration, "owner")
    memberships = [Membership.objects.get(user=first), Membership.objects.get(user=second)]

    def demote(membership):
        try:
            services.membership_change_role(membership=membership, role="viewer")
            return "demoted"
        except services.LastOwner:
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(demote, memberships))

    assert outcomes == ["demoted", "refused"]
    assert collaboration.memberships.filter(role="owner").count() == 1


def test_a_member_can_leave(fred, collaboration):
    signed_in(fred).post(reverse("facilitate_leave", args=[collaboration.pk]))
    assert not Membership.objects.filter(user=fred).exists()
    assert (
        signed_in(fred)
        .get(reverse("facilitate_collaboration", args=[collaboration.pk]))
        .status_code
        == 404
    )


def test_an_owner_deletes_the_collaboration_with_everything_in_it(
    olive, collaboration, team_link, content
):
    from assessments.models import Collaboration, Response
    from tests.assessments.helpers import complete

    complete(Client(), team_link.token, content)
    client = signed_in(olive)
    url = reverse("facilitate_delete", args=[collaboration.pk])
    assert client.post(url, {"name": "wrong"}).status_code == 400
    assert client.post(url, {"name": collaboration.name})["Location"] == reverse("facilitate_home")
    assert not Collaboration.objects.filter(pk=collaboration.pk).exists()
    assert not Response.objects.exists()


def test_facilitator_sign_in_is_throttled_too(fred):
    for _ in range(10):
        Client().post(
            reverse("login"), {"username": "fred", "password": "wrong"}, REMOTE_ADDR="10.1.1.1"
        )
    response = Client().post(
        reverse("login"), {"username": "fred", "password": "pw-fred-123"}, REMOTE_ADDR="10.1.1.2"
    )
    assert response.status_code == 429
    assert "Signing in is paused" in response.content.decode()


def test_sign_in_lands_on_my_collaborations_and_password_reset_sends_an_email(fred, collaboration):
    client = Client()
    response = client.post(reverse("login"), {"username": "fred", "password": "pw-fred-123"})
    assert response["Location"] == reverse("facilitate_home")
    assert collaboration.name in client.get(reverse("facilitate_home")).content.decode()
    Client().post(reverse("password_reset"), {"email": "fred@example.org"})
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body


# --- Inviting an address again, and how many invitations go out -------------------------------


def _post_invite(client, collaboration, email="nia@example.org", role="facilitator"):
    return client.post(
        reverse("facilitate_members", args=[collaboration.pk]),
        {"email": email, "role": role},
        follow=True,
    )


def test_inviting_an_address_again_reuses_its_waiting_invitation(olive, collaboration):
    client = signed_in(olive)
    _post_invite(client, collaboration, role="viewer")
    response = _post_invite(client, collaboration, email="NIA@example.org ", role="facilitator")

    assert len(mail.outbox) == 1
    invitation = MemberInvitation.objects.get()
    assert invitation.role == "facilitator"  # the role asked for last
    assert "already has an invitation waiting, sent moments ago" in response.content.decode()
    # After the cool-down, inviting again sends the same invitation (the same link) again.
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        response = _post_invite(client, collaboration)
    assert "it is on its way again" in response.content.decode()
    assert MemberInvitation.objects.count() == 1
    assert len(mail.outbox) == 2
    assert _invitation_link(mail.outbox[0]) == _invitation_link(mail.outbox[1])


def test_new_member_invitations_are_limited_per_collaboration_and_hour(
    olive, collaboration, settings
):
    settings.MEMBER_INVITATIONS_PER_HOUR = 3
    client = signed_in(olive)
    for n in range(3):
        _post_invite(client, collaboration, email=f"p{n}@example.org")

    response = client.post(
        reverse("facilitate_members", args=[collaboration.pk]),
        {"email": "p3@example.org", "role": "viewer"},
    )

    assert response.status_code == 400
    assert "sent 3 new invitations in the last hour" in response.content.decode()
    assert MemberInvitation.objects.count() == 3 and len(mail.outbox) == 3
    # An address already invited is not a new invitation: not refused.
    assert _post_invite(client, collaboration, email="p0@example.org").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1), tick=False):
        _post_invite(client, collaboration, email="p3@example.org")
    assert MemberInvitation.objects.filter(email="p3@example.org").exists()


def test_the_member_invitation_task_sends_once_however_often_it_runs(olive, collaboration):
    from assessments.tasks import send_member_invitation

    invite = services.member_invite(
        collaboration=collaboration, email="nia@example.org", role="viewer", invited_by=olive
    )
    for _ in range(3):
        send_member_invitation.enqueue(invite.invitation.pk, "http://testserver/")
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_20_concurrent_invitations_of_one_address_send_one_email(olive, collaboration):
    """Each request takes the collaboration's row in turn: the first invites, the others find
    its invitation waiting; the task's claim lets one e-mail through."""
    url = reverse("facilitate_members", args=[collaboration.pk])

    def invite(_):
        client = signed_in(olive)
        try:
            return client.post(url, {"email": "nia@example.org", "role": "viewer"}).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(invite, range(20)))

    assert statuses == [302] * 20, statuses
    assert MemberInvitation.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["nia@example.org"]]
