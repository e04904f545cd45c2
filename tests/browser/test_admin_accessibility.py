"""Every admin page a content editor or an administrator opens passes axe-core (WCAG 2.0, 2.1 and
2.2, A and AA) at 375 and 1280 px, under the strict Content-Security-Policy.

The crawl signs in as a superuser through the admin's own sign-in page, with the framework content
and the demo collaboration loaded (rounds, teams, responses, actions, links, a member invitation,
a content change, throttling records, a queued task), so that no list is empty. It finds the
pages from the admin itself: ``admin.site.get_app_list()`` for the apps and models (their list and
add pages), then the links each page shows: a filter and a search on each list, the first row's
change page (with its inlines), its history and its delete confirmation (opened, never sent). The
index, each app's page and the password change pages are visited too.

One browser context per width; every page is visited in one loop and every problem reported at
once, with the list of pages visited.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from assessments.demo import demo_load
from assessments.models import Collaboration, MemberInvitation, Role
from assessments.services.facilitate import member_invite
from frameworks.history import content_changes_record
from frameworks.models import Characteristic
from tests.browser.conftest import CSPWatcher, axe_violations, describe_violations
from tests.browser.helpers import path_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH, DESKTOP_WIDTH = 375, 1280
HEIGHT = 800
USERNAME, PASSWORD = "ada", "pw-ada-123"
# Typed into every list's search box: a letter most names and e-mail addresses contain.
SEARCH_TERM = "a"
NAVIGATION_TIMEOUT_MS = 30_000


@pytest.fixture
def admin_data(content):
    """A superuser and a demo-like database in which every admin list has rows."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_tasks_db.models import DBTaskResult, get_date_max

    ada = get_user_model().objects.create_superuser(USERNAME, "ada@example.org", PASSWORD)
    Group.objects.create(name="Content editors").permissions.set(
        Permission.objects.filter(content_type__app_label="frameworks")
    )
    demo_load()
    collaboration = Collaboration.objects.get()
    invitation = member_invite(
        collaboration=collaboration,
        email="new.facilitator@example.org",
        role=Role.FACILITATOR,
        invited_by=ada,
    ).invitation
    # One change through the admin's own log (the index's "Recent actions" and a history page)
    # and one in the content history.
    request = RequestFactory().get("/admin/")
    request.user = ada
    admin.site.get_model_admin(Collaboration).log_change(request, collaboration, "Renamed.")
    characteristic = Characteristic.objects.filter(version=content).order_by("number").first()
    before = {"name": "An older name"}
    content_changes_record(user=ada, obj=characteristic, before=before)
    # What django-axes writes on a failed and on a successful sign-in, and a queued e-mail.
    seen = {
        "user_agent": "Mozilla/5.0",
        "ip_address": "192.0.2.1",
        "username": "mallory",
        "http_accept": "text/html",
        "path_info": "/admin/login/",
    }
    AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=3)
    AccessFailureLog.objects.create(**seen, locked_out=False)
    AccessLog.objects.create(**seen, logout_time=timezone.now())
    DBTaskResult.objects.create(
        args_kwargs={"args": [invitation.pk, "http://localhost/"], "kwargs": {}},
        task_path="assessments.tasks.send_member_invitation",
        backend_name="default",
        run_after=get_date_max(),  # as the database backend queues a task to run now
    )
    assert MemberInvitation.objects.exists()
    return ada


def admin_apps(user) -> list[dict]:
    """The apps and models the admin lists for ``user`` (its public ``get_app_list``): each app's
    ``app_url`` and ``models``, each model's ``admin_url`` and ``add_url`` (None without the add
    permission)."""
    request = RequestFactory().get(reverse("admin:index"))
    request.user = user
    return admin.site.get_app_list(request)


@dataclass
class Crawl:
    page: Page
    axe_source: str
    csp: CSPWatcher
    base: str
    visited: list[str] = field(default_factory=list)
    axe: dict[str, list] = field(default_factory=dict)
    csp_found: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)

    def visit(self, label: str, url: str) -> bool:
        if url.startswith("/"):
            url = self.base + url
        response = self.page.goto(url)
        return self.check(label, response.status if response else 0)

    def check(self, label: str, status: int = 200) -> bool:
        page = self.page
        page.wait_for_load_state()
        where = f"{label} ({path_of(page)})"
        self.visited.append(where)
        if status != 200:
            self.broken.append(f"{where}: status {status}")
            return False
        # The page's own violations first: axe's checks insert <style> elements of their own,
        # which the policy blocks as it should; what they set off is dropped after the run.
        self.csp_found.extend(self.csp.collect(where))
        violations = axe_violations(page, self.axe_source)
        if violations:
            self.axe[where] = violations
        self.csp.collect(where)
        return True

    def link(self, selector: str) -> str | None:
        """The address of the first link matching ``selector`` on the current page, if any."""
        link = self.page.locator(selector).first
        return link.evaluate("a => a.href") if link.count() else None

    def report(self) -> str:
        problems = []
        if self.axe:
            problems.append(
                "axe found violations:\n"
                + "\n".join(f"{where}:\n{describe_violations(v)}" for where, v in self.axe.items())
            )
        if self.csp_found:
            problems.append("CSP violations or script errors:\n" + "\n".join(self.csp_found))
        if self.broken:
            problems.append("Pages that did not open:\n" + "\n".join(self.broken))
        if problems:
            problems.append(f"Pages visited ({len(self.visited)}):\n" + "\n".join(self.visited))
        return "\n\n".join(problems)


def crawl_model(crawl: Crawl, label: str, list_url: str, add_url: str | None) -> None:
    """A model's list, the list filtered and searched, its add page, and its first row's change,
    history and delete confirmation pages (each link taken from the page that shows it)."""
    page = crawl.page
    if not crawl.visit(f"{label} list", list_url):
        return
    change_url = crawl.link("#result_list tbody tr a[href*='/change/']")
    if not change_url:
        crawl.broken.append(f"{label}: the list has no row to open")
    filtered_url = crawl.link("#changelist-filter li:not(.selected) a[href^='?']")
    if page.locator("#searchbar").count():
        page.locator("#searchbar").fill(SEARCH_TERM)
        with page.expect_navigation():
            page.locator("#searchbar").press("Enter")
        crawl.check(f"{label} list, searched")
    if filtered_url:
        crawl.visit(f"{label} list, filtered", filtered_url)
    if add_url:
        crawl.visit(f"{label} add", add_url)
    if change_url and crawl.visit(f"{label} change", change_url):
        history_url, delete_url = crawl.link("a.historylink"), crawl.link("a.deletelink")
        if history_url:
            crawl.visit(f"{label} history", history_url)
        if delete_url:
            crawl.visit(f"{label} delete", delete_url)


@pytest.mark.parametrize("width", [PHONE_WIDTH, DESKTOP_WIDTH])
def test_every_admin_page_passes_axe_without_csp_violations(
    width, context, csp, axe_source, live_server, admin_data
):
    page = csp.page
    page.set_viewport_size({"width": width, "height": HEIGHT})
    # The content's biggest change pages (a characteristic with every inline) take a few seconds
    # on a busy machine; conftest's 10 s is for the site's own pages.
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    crawl = Crawl(page, axe_source, csp, live_server.url)

    crawl.visit("sign in", reverse("admin:login"))
    sign_in(page, live_server.url)
    crawl.check("index")
    assert path_of(page) == reverse("admin:index"), page.url

    apps = admin_apps(admin_data)
    for app in apps:
        crawl.visit(f"app {app['app_label']}", app["app_url"])
        for model in app["models"]:
            crawl_model(crawl, model["model"]._meta.label, model["admin_url"], model["add_url"])
    crawl.visit("password change", reverse("admin:password_change"))
    crawl.visit(
        "a user's password", reverse("admin:auth_user_password_change", args=[admin_data.pk])
    )

    problems = crawl.report()
    if problems:
        pytest.fail(problems, pytrace=False)


# --- The focus ring -----------------------------------------------------------------------------

# What has focus, its outline, and how its ring stands out from what is around it: the ring is
# two colours (the outline and a rim drawn by box-shadow), so the better of the two counts.
FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const rgb = text => ((text || '').match(/rgba?\\([^)]*\\)/) || [''])[0];
    const parse = c => (rgb(c).match(/[\\d.]+/g) || []).map(Number);
    const solid = c => c.length === 3 || (c.length === 4 && c[3] === 1);
    const backgroundOf = start => {
        for (let e = start; e; e = e.parentElement) {
            const c = parse(getComputedStyle(e).backgroundColor);
            if (solid(c)) { return c.slice(0, 3); }
        }
        return [255, 255, 255];
    };
    const lum = ([r, g, b]) => {
        const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const ratio = (a, b) => {
        const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
        return (x + 0.05) / (y + 0.05);
    };
    const behind = backgroundOf(el.parentElement);
    const colours = [parse(style.outlineColor), parse(style.boxShadow)].filter(c => c.length >= 3);
    return {
        what: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${(el.textContent || el.value || el.name || '').trim().slice(0, 40)}"`,
        body: el === document.body,
        width: parseFloat(style.outlineWidth),
        style: style.outlineStyle,
        contrast: Math.max(0, ...colours.map(c => ratio(c.slice(0, 3), behind))),
    };
}"""
TAB_LIMIT = 150


@pytest.fixture
def editor(content):
    return get_user_model().objects.create_superuser(USERNAME, "ada@example.org", PASSWORD)


def sign_in(page: Page, base: str) -> None:
    page.goto(base + reverse("admin:login"))
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def test_the_focus_ring_is_clearly_visible_on_every_control(page: Page, live_server, editor):
    """Tab through a list (header, breadcrumbs, the apps' sidebar, search, actions, rows, filters)
    and an add form (inputs, selects, text areas, the related-object links, the buttons): every
    element that takes focus shows a solid ring at least 2 px thick, at least 3:1 against the
    page around it (WCAG 2.2 focus appearance)."""
    page.set_viewport_size({"width": DESKTOP_WIDTH, "height": HEIGHT})
    sign_in(page, live_server.url)
    faint, seen = [], []
    for url in (
        reverse("admin:frameworks_characteristic_changelist"),
        reverse("admin:frameworks_characteristic_add"),
    ):
        page.goto(live_server.url + url)
        for _ in range(TAB_LIMIT):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            if focused["body"]:
                break
            seen.append(f"{url}: {focused['what']}")
            if focused["style"] != "solid" or focused["width"] < 2 or focused["contrast"] < 3:
                faint.append(f"{url}: {focused}")
    assert len(seen) > 40, seen
    assert not faint, "A faint or missing focus ring:\n" + "\n".join(faint)
