"""Error pages a partner may meet, with DEBUG off (as in production): the app's layout, a
viewport for phones, and what to do next."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import path, reverse

from tests.conftest import signed_in

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def assert_helpful(response, status, *phrases):
    html = response.content.decode()
    assert response.status_code == status
    assert VIEWPORT in html and "CollabAssess" in html
    for phrase in phrases:
        assert phrase in html, phrase
    assert "Not Found</h1>" not in html  # Django's bare page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/i/AbCdEfGh/",  # a truncated invitation link
        "/i/" + "x" * 101 + "/",  # too long to be a token
        "/resume/short/",
        "/no-such-page/",
    ],
)
def test_a_bad_or_truncated_link_shows_what_to_do(client, path):
    assert_helpful(
        client.get(path),
        404,
        "Check the link in your invitation e-mail",
        "ask your facilitator for a new link",
    )


@pytest.mark.django_db
def test_a_forbidden_change_explains_itself(collaboration, vera):
    response = signed_in(vera).post(reverse("facilitate_edit", args=[collaboration.pk]))
    assert_helpful(response, 403, "You can’t do that here", "ask an owner")


@pytest.mark.django_db
def test_an_expired_form_explains_itself(content):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("respond_start"))
    assert_helpful(response, 403, "Your form expired", "reload the page")


def test_the_500_page_has_no_template_code_that_could_fail():
    """It is rendered when something already went wrong: plain HTML only."""
    source = (Path(settings.BASE_DIR) / "templates" / "500.html").read_text()
    assert "{%" not in source and "{{" not in source
    assert VIEWPORT in source
    assert re.search(r'href="/static/vendor/bootstrap/bootstrap\.min\.css"', source)
    assert settings.STATIC_URL.strip("/") == "static"  # the page's hard-coded paths


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom)]


@pytest.mark.django_db
@pytest.mark.urls("tests.test_error_pages")
def test_a_server_error_shows_the_500_page(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert VIEWPORT in response.content.decode()
    assert b"Sorry, something went wrong on our side" in response.content
