"""Security headers on every URL pattern, and no inline scripts or styles anywhere."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

SAMPLE_VALUES = {
    "int": "1",
    "slug": "eight-characteristics",
    "str": "x",
    "path": "x",
    "uuid": "0" * 32,
}
CONVERTER = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


def _walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def _concrete(route: str) -> str:
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", "1", route)  # regex patterns in the admin
    route = CONVERTER.sub(lambda m: SAMPLE_VALUES.get(m.group("conv") or "str", "x"), route)
    return "/" + route.replace("\\", "")


def all_urls():
    return sorted({_concrete(route) for route in _walk(get_resolver().url_patterns)})


def assert_security_headers(response, url):
    csp = response.headers.get("Content-Security-Policy", "")
    for directive in [
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]:
        assert directive in csp, (url, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, (url, csp)
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url
    # Stricter still where the address holds a private token (board links, shared results).
    assert response.headers.get("Referrer-Policy") in ("same-origin", "no-referrer"), url


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+=\"", re.I)


def assert_no_inline_code(response, url):
    if "text/html" not in response.headers.get("Content-Type", ""):
        return
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group(0))
    assert not INLINE_STYLE.search(html), (url, INLINE_STYLE.search(html).group(0))
    assert not INLINE_HANDLER.search(html), (url, INLINE_HANDLER.search(html).group(0))


def test_the_walk_covers_the_public_and_admin_pages():
    urls = all_urls()
    assert "/framework/" in urls and "/sources/" in urls and "/admin/" in urls
    assert len(urls) > 50


def test_every_url_pattern_sends_the_security_headers(anon_client, admin_client, content):
    statuses = {}
    for url in all_urls():
        for client in (anon_client, admin_client):
            response = client.get(url)
            statuses.setdefault(response.status_code, 0)
            statuses[response.status_code] += 1
            assert response.status_code != 500, url
            assert_security_headers(response, url)
            assert_no_inline_code(response, url)
    # The walk must reach real pages, not only redirects and 404s.
    assert statuses.get(200, 0) > 30, statuses


def test_production_switches_come_from_the_environment():
    """The settings module itself (not the env helpers) turns the switches on from the env."""
    from tests.test_settings import _settings_in_subprocess

    code = (
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, "
        "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_PROXY_SSL_HEADER, s.DEBUG)"
    )
    production = {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "collab.example",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    }
    result = _settings_in_subprocess(
        code,
        **production,
        SECURE_HSTS_SECONDS="31536000",
        SECURE_SSL_REDIRECT="true",
        SESSION_COOKIE_SECURE="1",
        CSRF_COOKIE_SECURE="yes",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="on",
        BEHIND_HTTPS_PROXY="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "31536000",
        "True",
        "True",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "False",
    ]
    # And with nothing set they are off.
    result = _settings_in_subprocess(code, **production)
    assert result.stdout.split() == ["0", "False", "False", "False", "False", "None", "False"]


def test_hsts_and_ssl_redirect_apply_when_switched_on(anon_client, settings, content):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_SSL_REDIRECT = True
    response = anon_client.get("/framework/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    response = anon_client.get("/framework/", secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=3600")


def test_every_facilitator_page_sends_the_headers_and_no_inline_code(
    olive, collaboration, team_link, content
):
    """The walk above reaches facilitator pages only as strangers (404): walk them as an owner."""

    from assessments.models import Membership
    from tests.assessments.test_facilitate_access import (
        EXPECTED,
        _action,
        _board_link,
        _url,
    )
    from tests.conftest import signed_in

    values = {
        "collaboration_id": collaboration.pk,
        "round_id": team_link.round_id,
        "team_id": team_link.team_id,
        "membership_id": Membership.objects.get(user=olive).pk,
        "action_id": _action(collaboration, olive).pk,
        "link_id": _board_link(team_link.round, olive).pk,
        "number": 1,
        "chart": "radar",
        "fmt": "csv",
    }
    # Enough responses for the results pages to draw their charts (json_script, not inline).
    from tests.assessments.results_data import submit

    for team in collaboration.teams.all():
        for _ in range(5):
            submit(team_link.round, team=team, group="clinician")
    client = signed_in(olive)
    seen = 0
    for name in sorted(EXPECTED):
        url = _url(name, values)
        response = client.get(url)
        assert response.status_code in (200, 405), (url, response.status_code)
        assert_security_headers(response, url)
        assert_no_inline_code(response, url)
        seen += response.status_code == 200
    assert seen >= 15


def _signed_in_urls(olive, collaboration, team_link):
    """Every page a signed-in person can open: each URL pattern, and the facilitator pages with
    an owner's ids."""

    from assessments.models import Membership
    from tests.assessments.test_facilitate_access import (
        EXPECTED,
        _action,
        _board_link,
        _url,
    )

    values = {
        "collaboration_id": collaboration.pk,
        "round_id": team_link.round_id,
        "team_id": team_link.team_id,
        "membership_id": Membership.objects.get(user=olive).pk,
        "action_id": _action(collaboration, olive).pk,
        "link_id": _board_link(team_link.round, olive).pk,
        "number": 1,
        "chart": "radar",
        "fmt": "csv",
    }
    facilitator = [_url(name, values) for name in EXPECTED]
    return sorted(set(all_urls()) | set(facilitator))


def test_no_page_a_signed_in_person_opens_is_stored(ada, olive, collaboration, team_link):
    """What a signed-in person sees is never kept by the browser or a proxy (``no-store``):
    their collaborations, results, members, the admin, their account pages (changing the
    password), the public pages that show who is signed in, whatever view draws them. A
    response that never read the session (it does not vary on the cookie) cannot show who is
    signed in: only redirects, error answers and the health checks (no-store too) are such."""
    from django.utils.cache import has_vary_header

    from assessments.models import Membership
    from tests.conftest import signed_in

    Membership.objects.create(user=ada, collaboration=collaboration, role="owner")
    urls = _signed_in_urls(olive, collaboration, team_link)
    account_pages = ["/accounts/password_change/", "/accounts/password_change/done/"]
    assert set(account_pages) <= set(urls)
    stored, personal = [], 0
    for client in (signed_in(ada), signed_in(olive)):
        for url in urls:
            response = client.get(url)
            no_store = "no-store" in response.get("Cache-Control", "")
            if has_vary_header(response, "Cookie"):
                personal += 1
            elif response.status_code != 200:
                continue
            if not no_store:
                stored.append((url, response.status_code, response.get("Cache-Control")))
    assert not stored, "\n".join(map(str, stored))
    assert personal > 150
    for client, pages in [
        (signed_in(olive), account_pages),
        (signed_in(ada), [*account_pages, "/admin/password_change/"]),
    ]:
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200 and "no-store" in response["Cache-Control"], url
