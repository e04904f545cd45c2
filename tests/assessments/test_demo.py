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
