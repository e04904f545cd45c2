"""The demo data that `make run` loads."""

import pytest
from django.core.management import call_command

from assessments.models import Collaboration, Round, TeamLink

pytestmark = pytest.mark.django_db


def test_load_demo_creates_an_open_round_and_prints_links_once(content, capsys, client):
    call_command("load_demo")
    out = capsys.readouterr().out
    round = Round.objects.get()
    assert round.is_accepting
    assert TeamLink.objects.filter(round=round).count() == 4
    link = TeamLink.objects.first()
    assert f"/i/{link.token}/" in out
    # The printed link works.
    response = client.get(f"/i/{link.token}/")
    assert response.status_code == 302

    call_command("load_demo")
    assert Collaboration.objects.count() == 1
    assert f"/i/{link.token}/" in capsys.readouterr().out


def test_the_demo_has_a_facilitator_whose_sign_in_is_printed_with_debug_on(
    content, capsys, settings
):
    from django.test import Client

    from assessments.models import CanvasAnswer, IndividualLink, Membership

    settings.DEBUG = True
    call_command("load_demo", "--base-url", "http://127.0.0.1:8123")
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("Facilitator sign-in:"))
    assert "http://127.0.0.1:8123/accounts/login/" in line
    assert "http://127.0.0.1:8123/i/" in out
    password = line.split("password: ")[1].strip()
    membership = Membership.objects.get()
    assert membership.role == "owner" and membership.user.username == "demo-facilitator"
    assert CanvasAnswer.objects.exists()
    assert IndividualLink.objects.filter(used_on__isnull=True).exclude(email="").count() == 3
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "demo-facilitator", "password": password}
    )
    assert response.status_code == 302
    assert client.get(f"/facilitate/c/{membership.collaboration_id}/").status_code == 200


def test_without_debug_no_password_is_set_or_printed(content, capsys, settings):
    from django.contrib.auth import get_user_model

    settings.DEBUG = False
    call_command("load_demo")
    assert "password" not in capsys.readouterr().out
    assert not get_user_model().objects.get(username="demo-facilitator").has_usable_password()
