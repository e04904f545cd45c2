"""A link that reaches nothing shows the app's own help, with DEBUG on as with it off.

Under ``make run`` (DEBUG on) Django answers a raised ``Http404``, or an address no URL matches,
with its yellow debug page. A partner who followed an invitation link cut short by their e-mail
client would see that; the invitation, resume and member-invitation addresses render the app's
"we can't find that page" help instead.
"""

from __future__ import annotations

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

HELP = "We can’t find that page"
DEBUG_PAGE = ("Using the URLconf", "Django tried these URL patterns", "technical_404")

ADDRESSES = [
    "/i/AbCdEfGh/",  # a truncated token
    "/i/AbCdEfGh",  # and without its slash (APPEND_SLASH adds it)
    "/i/",  # cut to nothing
    "/i/AbCdEfGh./",  # a full stop added by the e-mail client
    "/i/AbCd%20Ef/",
    "/resume/AbCdEfGh/",
    "/resume/AbCd).",
    "/accounts/invitation/AbCdEfGh/",
    "/accounts/invitation/AbCd>/",
]


@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
@pytest.mark.parametrize("address", ADDRESSES)
def test_a_broken_link_gets_the_apps_help(client, address, debug):
    with override_settings(DEBUG=debug):
        response = client.get(address, follow=True)
    html = response.content.decode()
    assert response.status_code == 404
    assert HELP in html
    assert not any(marker in html for marker in DEBUG_PAGE)


@override_settings(DEBUG=True)
@pytest.mark.parametrize(
    "address", ["/respond/about/", "/respond/review/", "/respond/results/", "/accounts/invitation/"]
)
def test_a_partner_page_without_a_journey_gets_the_apps_help(client, address):
    response = client.get(address)
    assert response.status_code == 404
    assert HELP in response.content.decode()
    assert "invitation link" in response.content.decode()


@override_settings(DEBUG=True)
def test_a_whole_token_without_its_slash_is_still_sent_to_its_page(client, team_link):
    response = client.get(f"/i/{team_link.token}", follow=True)
    assert response.redirect_chain[0] == (f"/i/{team_link.token}/", 301)
    assert response.status_code == 200
    assert HELP not in response.content.decode()
