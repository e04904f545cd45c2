"""Subject access and erasure: everything held about an e-mail address, found, exported and
erased, by an owner for their collaboration and by an admin for the site; anonymous responses
are never read, exported or changed.

The person: Pat (pat@example.org). In the Northshire collaboration Pat was invited to the Autumn
round by a personal link and answered through it, has a half-finished draft from a second
personal link in the Winter round, a member invitation, an account (user name
"Pat@Example.org", name "Pat Jones") that facilitates, changed an action and owns another by
name. Pat is also invited to and a member of Oscar's collaboration ("Elsewhere ICS").
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import (
    ActionChange,
    Agreement,
    Answer,
    BoardLink,
    Comment,
    IndividualLink,
    MemberInvitation,
    Membership,
    Response,
    ResultsPreference,
    ResultsRelease,
    Round,
    RoundSnapshot,
    Workshop,
    new_token,
    token_digest,
)
from assessments.services import subject_access as service
from assessments.services.actions import action_create, action_update
from tests.assessments.helpers import complete, start
from tests.assessments.results_data import submit
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

PAT = "pat@example.org"


def _everything_about_responses() -> dict:
    """Every stored field of every response, answer and comment, and the rounds' figures."""
    return {
        "responses": list(Response.objects.order_by("pk").values()),
        "value_modes": list(
            Response.value_modes.through.objects.order_by("pk").values_list(
                "response_id", "valuemode_id"
            )
        ),
        "answers": list(Answer.objects.order_by("pk").values()),
        "comments": list(Comment.objects.order_by("pk").values()),
        "snapshots": list(RoundSnapshot.objects.order_by("pk").values()),
    }


def member_invite(*, collaboration, email, role, invited_by) -> MemberInvitation:
    return MemberInvitation.objects.create(
        collaboration=collaboration,
        email=email,
        role=role,
        invited_by=invited_by,
        secret=new_token(),
        token_digest=token_digest(new_token()),
    )


@pytest.fixture
def pat_world(collaboration, open_round, olive, fred, oscar, other_collaboration_round, content):
    acute = collaboration.teams.order_by("name").first()
    # Pat answers through a personal link; four more of the same team and group answer too,
    # so the figures count five responses (k = 5), and one leaves a comment.
    link, token = IndividualLink.issue(round=open_round, team=acute, email="Pat@Example.org")
    IndividualLink.objects.filter(pk=link.pk).update(sent_on=timezone.localdate())
    IndividualLink.issue(round=open_round, team=acute, email="sam@example.org")
    pat_response = complete(Client(), token, content, values={1: "5", 2: "2"})
    for value in (2, 3, 4, 5):
        submit(open_round, team=acute, group="clinician", value=value, comments={1: "Good"})
    assert RoundSnapshot.objects.get(round=open_round).data
    # A second round with Pat's draft, still open, from another personal link.
    today = timezone.localdate()
    winter = Round.objects.create(
        collaboration=collaboration,
        framework_version=content,
        title="Winter round",
        opens_on=today,
        closes_on=today + timedelta(days=20),
        status=Round.Status.OPEN,
    )
    _winter_link, winter_token = IndividualLink.issue(round=winter, team=acute, email=PAT)
    draft = start(Client(), winter_token)
    # Pat's account, membership, member invitation, history and action.
    User = get_user_model()
    pat = User.objects.create_user(
        "Pat@Example.org", "PAT@example.org", "pw-pat-123", first_name="Pat", last_name="Jones"
    )
    Membership.objects.create(user=pat, collaboration=collaboration, role="facilitator")
    member_invite(collaboration=collaboration, email=PAT, role="viewer", invited_by=olive)
    sent_by_pat = member_invite(
        collaboration=collaboration, email="nia@example.org", role="viewer", invited_by=pat
    )
    action = action_create(
        collaboration=collaboration,
        user=pat,
        data={"title": "Shared risk log", "characteristic_number": 7, "owner": ""},
    )
    action_update(action=action, user=olive, data={"owner": "Pat Jones"})
    ResultsPreference.objects.create(user=pat, round=open_round)
    # Pat ran the round's workshop, recorded an agreement, released the results (Olive withdrew
    # them) and made a board link.
    workshop = Workshop.objects.create(round=open_round, participants=9, created_by=pat)
    Agreement.objects.create(
        workshop=workshop, characteristic_number=1, score=3, reasoning="Mixed", recorded_by=pat
    )
    now = timezone.now()
    ResultsRelease.objects.create(
        round=open_round, released_at=now, released_by=pat, withdrawn_at=now, withdrawn_by=olive
    )
    BoardLink.prepare(round=open_round, label="Board", expires_on=today, created_by=pat).save()
    # Elsewhere: Oscar's collaboration has Pat too.
    elsewhere = other_collaboration_round.collaboration
    IndividualLink.issue(round=other_collaboration_round, email=PAT)
    Membership.objects.create(user=pat, collaboration=elsewhere, role="viewer")
    member_invite(collaboration=elsewhere, email=PAT, role="viewer", invited_by=oscar)
    # Site-wide: a failed sign-in and an admin log entry that names the address.
    AccessAttempt.objects.create(
        username="pat@example.org", ip_address="10.0.0.1", user_agent="x", failures_since_start=1
    )
    LogEntry.objects.create(
        user=olive, object_repr=f"Invitation of {PAT} to Northshire", action_flag=1
    )
    return {
        "pat": pat,
        "pat_response": pat_response,
        "draft": draft,
        "winter": winter,
        "action": action,
        "sent_by_pat": sent_by_pat,
        "elsewhere": elsewhere,
    }


# --- Finding --------------------------------------------------------------------------------


def test_an_admin_finds_everything_held_about_the_address_whatever_its_case(pat_world):
    held = service.subject_find(address="  PAT@example.ORG ", collaboration=None)

    assert held.address == PAT
    assert len(held.personal_invitations) == 3
    assert {i["collaboration"] for i in held.personal_invitations} == {
        "Northshire Stroke Network",
        "Elsewhere ICS",
    }
    autumn = next(i for i in held.personal_invitations if i["round"] == "Autumn round")
    assert autumn["used"] is True and autumn["team"] == "Acute Trust" and autumn["sent_on"]
    assert len(held.member_invitations) == 2
    assert [a["user_name"] for a in held.accounts] == ["Pat@Example.org"]
    assert held.accounts[0]["date_joined"] and "last_login" in held.accounts[0]
    assert {(m["collaboration"], m["role"]) for m in held.memberships} == {
        ("Northshire Stroke Network", "Facilitator"),
        ("Elsewhere ICS", "Viewer"),
    }
    assert [a["action"] for a in held.actions_owned] == ["Shared risk log"]
    assert held.history == {
        "action_changes": 1,  # created it
        "actions_created": 1,
        "invitations_sent": 1,
        "owner_history": 1,  # Olive made Pat Jones its owner
        "results_preferences": 1,
        "workshops_opened": 1,
        "agreements_recorded": 1,
        "releases_given": 1,
        "releases_withdrawn": 0,  # Olive withdrew them
        "board_links_created": 1,
        "content_changes": 0,
        "admin_log_naming": 1,
        "sign_ins": 1,
    }


def test_the_export_holds_no_response_answer_or_link_secret(pat_world):
    exported = service.subject_find(address=PAT, collaboration=None).as_json()
    text = json.dumps(exported)

    for invitation in exported["personal_invitations"]:
        assert set(invitation) == {
            "collaboration",
            "round",
            "team",
            "created_on",
            "sent_on",
            "reminded_on",
            "used",
        }
    for link in IndividualLink.objects.all():
        assert link.token_digest not in text and link.secret not in text
    for response in Response.objects.all():
        assert response.resume_digest not in text
    assert "answer" not in {key.lower() for key in exported}
    assert "not_included" in exported


def test_an_owner_finds_only_what_their_collaboration_holds(pat_world, collaboration):
    held = service.subject_find(address=PAT, collaboration=collaboration)

    assert {i["collaboration"] for i in held.personal_invitations} == {collaboration.name}
    assert len(held.personal_invitations) == 2
    assert {i["collaboration"] for i in held.member_invitations} == {collaboration.name}
    assert [m["collaboration"] for m in held.memberships] == [collaboration.name]
    # The account as a member of the collaboration, without the site's facts about it.
    assert held.accounts == [
        {"user_name": "Pat@Example.org", "name": "Pat Jones", "email": "PAT@example.org"}
    ]
    assert set(held.history) == {
        "action_changes",
        "actions_created",
        "invitations_sent",
        "owner_history",
        "results_preferences",
        "workshops_opened",
        "agreements_recorded",
        "releases_given",
        "releases_withdrawn",
        "board_links_created",
    }


def test_an_owner_is_shown_no_account_that_is_not_a_member(pat_world, oscar):
    """Oscar's collaboration holds Pat's membership: remove it and he learns nothing of the
    account, though the address is still invited there."""
    Membership.objects.filter(user=pat_world["pat"], collaboration=pat_world["elsewhere"]).delete()
    held = service.subject_find(address=PAT, collaboration=pat_world["elsewhere"])
    assert held.accounts == [] and held.memberships == []
    assert len(held.personal_invitations) == 1


def test_finding_takes_the_same_queries_for_one_row_or_many(
    pat_world, collaboration, open_round, django_assert_num_queries
):
    # The accounts with the address (then those that are members here), links, member
    # invitations, memberships, actions owned; one count each of action changes, actions
    # created, invitations sent, owner history, preferences, workshops opened, agreements
    # recorded, releases given and withdrawn, board links created.
    with django_assert_num_queries(16):
        service.subject_find(address=PAT, collaboration=collaboration)
    for _ in range(6):
        member_invite(collaboration=collaboration, email=PAT, role="viewer", invited_by=None)
    with django_assert_num_queries(16):
        held = service.subject_find(address=PAT, collaboration=collaboration)
    assert len(held.member_invitations) == 7


# --- Erasing --------------------------------------------------------------------------------


def test_erasing_leaves_every_response_answer_comment_and_figure_as_it_was(
    pat_world, open_round, collaboration, ada
):
    before = _everything_about_responses()
    invited = IndividualLink.objects.filter(round=open_round).count()
    used = IndividualLink.objects.filter(round=open_round, used=True).count()
    assert Response.objects.filter(round=open_round, status="submitted").count() == 5
    assert pat_world["draft"].individual_link_id is not None

    service.subject_erase(address=PAT, collaboration=None, by=ada)

    assert _everything_about_responses() == before
    # The tracking page's invitations and the links used stay as they were.
    assert IndividualLink.objects.filter(round=open_round).count() == invited
    assert IndividualLink.objects.filter(round=open_round, used=True).count() == used
    page = signed_in_owner(collaboration).get(
        reverse("facilitate_tracking", args=[collaboration.pk, open_round.pk])
    )
    assert page.status_code == 200 and page.context["invited"] == invited


def signed_in_owner(collaboration) -> Client:
    owner = Membership.objects.filter(collaboration=collaboration, role="owner").first().user
    return signed_in(owner)


def test_an_admin_erasure_takes_the_address_and_the_account_everywhere(pat_world, ada):
    pat = pat_world["pat"]

    erased = service.subject_erase(address="Pat@Example.ORG", collaboration=None, by=ada)

    assert not IndividualLink.objects.filter(email__iexact=PAT).exists()
    assert IndividualLink.objects.filter(email="").count() == 3  # the rows stay
    assert not MemberInvitation.objects.filter(email__iexact=PAT).exists()
    assert not Membership.objects.filter(user=pat).exists()
    pat.refresh_from_db()
    assert pat.username == f"erased-{pat.pk}"
    assert (pat.email, pat.first_name, pat.last_name) == ("", "", "")
    assert not pat.is_active and not pat.has_usable_password()
    # History keeps its rows, without Pat.
    action = pat_world["action"]
    assert ActionChange.objects.filter(action=action).count() == 2
    assert not ActionChange.objects.filter(user=pat).exists()
    action.refresh_from_db()
    assert action.created_by is None and action.owner == service.ERASED
    owner_change = ActionChange.objects.get(action=action, field="owner")
    assert owner_change.new == service.ERASED and owner_change.user is not None  # Olive's
    pat_world["sent_by_pat"].refresh_from_db()
    assert pat_world["sent_by_pat"].invited_by is None
    assert not ResultsPreference.objects.filter(user=pat).exists()
    # The workshop, its agreement, the release and the board link stay, without Pat; Olive's
    # withdrawal keeps her name.
    assert Agreement.objects.filter(recorded_by=None).count() == 1
    assert Workshop.objects.filter(created_by=None).count() == 1
    release = ResultsRelease.objects.get()
    assert release.released_by is None and release.withdrawn_by is not None
    assert BoardLink.objects.filter(created_by=None).count() == 1
    assert erased.counts["agreements_recorded"] == 1
    assert not AccessAttempt.objects.filter(username__iexact=PAT).exists()
    assert not LogEntry.objects.filter(object_repr__icontains=PAT).exists()
    assert erased.counts["personal_invitations"] == 3
    assert erased.counts["memberships"] == 2
    assert erased.counts["accounts"] == 1
    # Nothing is left to find.
    assert service.subject_find(address=PAT, collaboration=None).is_empty


def test_an_owner_erasure_stays_inside_their_collaboration(pat_world, collaboration, olive):
    pat = pat_world["pat"]
    elsewhere = pat_world["elsewhere"]

    service.subject_erase(address=PAT, collaboration=collaboration, by=olive)

    assert not IndividualLink.objects.filter(
        round__collaboration=collaboration, email__iexact=PAT
    ).exists()
    assert not MemberInvitation.objects.filter(
        collaboration=collaboration, email__iexact=PAT
    ).exists()
    assert not Membership.objects.filter(user=pat, collaboration=collaboration).exists()
    assert not ActionChange.objects.filter(user=pat).exists()
    # Another collaboration's rows and the account itself are left alone.
    assert IndividualLink.objects.filter(round__collaboration=elsewhere, email=PAT).count() == 1
    assert MemberInvitation.objects.filter(collaboration=elsewhere, email=PAT).count() == 1
    assert Membership.objects.filter(user=pat, collaboration=elsewhere).exists()
    pat.refresh_from_db()
    assert pat.is_active and pat.email == "PAT@example.org"
    assert AccessAttempt.objects.filter(username=PAT).exists()


def test_the_only_owner_of_a_collaboration_is_not_erased_and_nothing_changes(
    pat_world, collaboration, olive, ada
):
    Membership.objects.filter(user=pat_world["pat"], collaboration=collaboration).update(
        role="owner"
    )
    Membership.objects.filter(user=olive).update(role="facilitator")
    before = list(IndividualLink.objects.order_by("pk").values_list("email", flat=True))

    with pytest.raises(service.ErasureRefused, match="only owner of Northshire Stroke Network"):
        service.subject_erase(address=PAT, collaboration=None, by=ada)

    assert list(IndividualLink.objects.order_by("pk").values_list("email", flat=True)) == before
    assert Membership.objects.filter(user=pat_world["pat"]).count() == 2
    assert get_user_model().objects.get(pk=pat_world["pat"].pk).is_active


def test_nobody_erases_their_own_address(pat_world, collaboration, olive):
    with pytest.raises(service.ErasureRefused, match="your own address"):
        service.subject_erase(address="olive@example.org", collaboration=collaboration, by=olive)
    assert Membership.objects.filter(user=olive).exists()


def test_an_erasure_is_recorded_with_counts_and_without_the_address(
    pat_world, collaboration, olive, caplog
):
    with caplog.at_level(logging.INFO, logger="assessments.services.subject_access"):
        service.subject_erase(address=PAT, collaboration=collaboration, by=olive)

    entry = LogEntry.objects.get(change_message__startswith="Subject erasure")
    assert entry.user == olive and entry.object_id == str(collaboration.pk)
    assert "personal invitations without their address: 2" in entry.change_message
    assert "memberships removed: 1" in entry.change_message
    assert "pat" not in entry.change_message.lower() + entry.object_repr.lower()
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "Subject erasure" in logged and "pat" not in logged.lower()


# --- The owner's page -----------------------------------------------------------------------


def _page(collaboration) -> str:
    return reverse("facilitate_subject_access", args=[collaboration.pk])


def test_the_owner_page_finds_exports_and_erases(pat_world, collaboration, olive):
    client = signed_in(olive)
    page = client.get(_page(collaboration))
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]

    found = client.post(_page(collaboration), {"email": " PAT@example.org", "action": "find"})
    html = found.content.decode()
    assert found.status_code == 200 and "no-store" in found["Cache-Control"]
    assert "Personal invitations (2)" in html and "Elsewhere ICS" not in html
    assert 'name="confirm"' in html

    exported = client.post(_page(collaboration), {"email": PAT, "action": "export"})
    assert exported.status_code == 200 and exported["Content-Type"] == "application/json"
    assert exported["Content-Disposition"] == 'attachment; filename="subject-access.json"'
    assert "no-store" in exported["Cache-Control"]
    assert exported.json()["scope"] == collaboration.name
    assert len(exported.json()["personal_invitations"]) == 2

    erased = client.post(
        _page(collaboration),
        {"email": PAT, "confirm": " Pat@Example.org ", "action": "erase"},
        follow=True,
    )
    assert erased.redirect_chain == [(_page(collaboration), 302)]
    assert "Erased. Personal invitations without their address: 2" in erased.content.decode()
    assert PAT not in erased.content.decode()
    assert not IndividualLink.objects.filter(
        round__collaboration=collaboration, email__iexact=PAT
    ).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not an address", "action": "find"}, "Enter a valid email address."),
        ({"email": "", "action": "find"}, "This field is required."),
        ({"email": "pat\x00@example.org", "action": "find"}, "Null characters are not allowed."),
        ({"email": "a" * 300 + "@example.org", "action": "export"}, "at most 254 characters"),
        ({}, "This field is required."),
        ({"email": PAT, "confirm": "sam@example.org", "action": "erase"}, "not the same address"),
        ({"email": PAT, "action": "erase"}, "This field is required."),
        ({"email": "bad", "confirm": "bad", "action": "erase"}, "Enter a valid email address."),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(
    pat_world, collaboration, olive, data, message
):
    before = list(IndividualLink.objects.order_by("pk").values_list("email", flat=True))
    page = signed_in(olive).post(_page(collaboration), data)
    assert page.status_code == 400
    assert message in page.content.decode()
    assert list(IndividualLink.objects.order_by("pk").values_list("email", flat=True)) == before


def test_a_refused_erasure_says_why_on_the_page(pat_world, collaboration, olive):
    page = signed_in(olive).post(
        _page(collaboration), {"email": "olive@example.org", "confirm": "olive@example.org",
                               "action": "erase"}
    )  # fmt: skip
    assert page.status_code == 400
    assert "this is your own address" in page.content.decode()
    assert Membership.objects.filter(user=olive).exists()


def test_only_owners_open_the_page_and_another_collaboration_is_a_404(
    pat_world, collaboration, fred, vera, oscar
):
    url = _page(collaboration)
    assert signed_in(fred).get(url).status_code == 403
    assert signed_in(vera).get(url).status_code == 403
    assert signed_in(fred).post(url, {"email": PAT, "action": "export"}).status_code == 403
    assert signed_in(oscar).get(url).status_code == 404
    erase = {"email": PAT, "confirm": PAT, "action": "erase"}
    assert signed_in(oscar).post(url, erase).status_code == 404
    assert Client().get(url).status_code == 302  # to the sign-in page
    assert IndividualLink.objects.filter(email=PAT).count() == 2


def test_an_owner_of_another_collaboration_sees_only_theirs(pat_world, oscar, collaboration):
    page = signed_in(oscar).post(_page(pat_world["elsewhere"]), {"email": PAT, "action": "find"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Personal invitations (1)" in html and collaboration.name not in html


# --- The admin's page -----------------------------------------------------------------------

ADMIN_PAGE = "/admin/subject-access/"


def _staff(django_user_model, *perms):
    user = django_user_model.objects.create_user("sid", "sid@example.org", "pw-sid-123")
    user.is_staff = True
    user.save()
    for perm in perms:
        app, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app, codename=codename)
        )
    return user


def test_the_admin_page_is_linked_from_the_index_and_finds_everything(pat_world, admin_client):
    assert reverse("admin_subject_access") == ADMIN_PAGE
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert f'href="{ADMIN_PAGE}"' in index

    page = admin_client.get(ADMIN_PAGE)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    found = admin_client.post(ADMIN_PAGE, {"email": PAT, "action": "find"})
    html = found.content.decode()
    assert "Personal invitations (3)" in html and "Elsewhere ICS" in html
    exported = admin_client.post(ADMIN_PAGE, {"email": PAT, "action": "export"})
    assert "no-store" in exported["Cache-Control"]
    assert exported.json()["accounts"][0]["user_name"] == "Pat@Example.org"

    erased = admin_client.post(ADMIN_PAGE, {"email": PAT, "confirm": PAT, "action": "erase"})
    assert erased.status_code == 302 and erased["Location"] == ADMIN_PAGE
    assert not get_user_model().objects.get(pk=pat_world["pat"].pk).is_active


def test_admin_bad_input_is_a_400_with_its_message(pat_world, admin_client):
    page = admin_client.post(ADMIN_PAGE, {"email": "nope", "action": "find"})
    assert page.status_code == 400 and "Enter a valid email address." in page.content.decode()
    page = admin_client.post(ADMIN_PAGE, {"email": PAT, "confirm": "x@y.org", "action": "erase"})
    assert page.status_code == 400 and "not the same address" in page.content.decode()
    assert get_user_model().objects.get(pk=pat_world["pat"].pk).is_active


def test_staff_need_the_permissions_to_see_and_more_to_erase(
    pat_world, django_user_model, collaboration
):
    sid = _staff(django_user_model)
    client = signed_in(sid)
    assert client.get(ADMIN_PAGE).status_code == 403
    assert ADMIN_PAGE not in client.get(reverse("admin:index")).content.decode()

    sid.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[p.split(".")[1] for p in ("auth.view_user", "a.view_individuallink",
                                                     "a.view_memberinvitation", "a.view_membership")]
        )
    )  # fmt: skip
    client = signed_in(get_user_model().objects.get(pk=sid.pk))
    assert ADMIN_PAGE in client.get(reverse("admin:index")).content.decode()
    found = client.post(ADMIN_PAGE, {"email": PAT, "action": "find"})
    assert found.status_code == 200 and 'name="confirm"' not in found.content.decode()
    erase = client.post(ADMIN_PAGE, {"email": PAT, "confirm": PAT, "action": "erase"})
    assert erase.status_code == 403
    assert IndividualLink.objects.filter(email__iexact=PAT).count() == 3


def test_the_admin_page_is_for_staff_only(pat_world, fred):
    page = signed_in(fred).get(ADMIN_PAGE)
    assert page.status_code == 302 and page["Location"].startswith(reverse("admin:login"))
    assert Client().post(ADMIN_PAGE, {"email": PAT, "action": "export"}).status_code == 302


def test_the_members_page_links_owners_and_only_owners_to_the_requests_page(
    collaboration, olive, fred
):
    page = reverse("facilitate_members", args=[collaboration.pk])
    target = reverse("facilitate_subject_access", args=[collaboration.pk])
    assert f'href="{target}"' in signed_in(olive).get(page).content.decode()
    assert target not in signed_in(fred).get(page).content.decode()
