"""Real-browser tests: Chromium driven by Playwright against pytest-django's live server.

Requirements, checked before any browser starts:

- Chromium at ``/usr/bin/chromium`` (``apt-get install chromium``; Playwright's own downloads
  are not used);
- axe-core at ``tests/browser/vendor/axe.min.js`` (``scripts/fetch_axe.sh``; ``make test`` runs it
  when the file is missing), for the accessibility tests only.

When one is missing the tests are skipped locally and fail under CI (env ``CI`` = 1/true), so a
CI run can never pass by skipping them.

How axe is injected: ``page.evaluate(axe_source)``. Playwright's ``add_script_tag(path=...)``
inserts an *inline* ``<script>`` element, which the app's ``script-src 'self'`` policy blocks
(that is the point of the policy). Code run through ``evaluate`` goes through the DevTools
protocol and is not subject to the page's CSP, so axe runs on the page exactly as served: no
``bypass_csp`` context is needed, and nothing the CSP tests check is weakened.

How CSP violations are seen: an init script (``context.add_init_script``) registers a
``securitypolicyviolation`` listener in every document before the page's own scripts run. Init
scripts are injected by the driver, not by the page, so the page's CSP does not block them;
``test_csp.py::test_the_csp_watcher_sees_a_violation`` proves the watcher works. Console
messages saying "Content Security Policy" or "Refused to" are collected too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

from tests.conftest import IN_CI  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
CHROMIUM_MISSING = f"Chromium not found at {CHROMIUM}: apt-get install chromium (CI installs it)"
AXE_MISSING = (
    "axe-core not found at tests/browser/vendor/axe.min.js: run scripts/fetch_axe.sh "
    "(make test runs it when the file is missing)"
)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# How long to wait for things that should be instant on a local server (milliseconds).
TIMEOUT_MS = 10_000


def _missing(message: str) -> None:
    """Fail under CI, skip elsewhere."""
    if IN_CI:
        pytest.fail(f"{message} [CI is set, so this is an error, not a skip]", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session", autouse=True)
def _require_chromium():
    """Runs before pytest-playwright launches anything (session scope, autouse)."""
    if not CHROMIUM.exists():
        _missing(CHROMIUM_MISSING)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, _require_chromium):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def context(context):
    """pytest-playwright's context with short timeouts: a local page that takes 10 s is broken."""
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


# --- axe-core -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.exists():
        _missing(AXE_MISSING)
    return AXE_JS.read_text(encoding="utf-8")


def axe_run(page, source: str, *, tags=None, rules=None) -> dict:
    """Run axe on the page as served (CSP on); return its violations, incomplete results (both
    made readable) and the targets that passed.

    ``source`` is axe.min.js (the ``axe_source`` fixture). It is evaluated through the driver
    (not an inline <script>, which the page's CSP would block) unless the page already has axe.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source)
    options = (
        {"runOnly": {"type": "rule", "values": rules}}
        if rules
        else {"runOnly": {"type": "tag", "values": tags or AXE_TAGS}}
    )
    return page.evaluate(
        """async (options) => {
            const result = await axe.run(document, options);
            const readable = list => list.map(v => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
            }));
            return {
                violations: readable(result.violations),
                incomplete: readable(result.incomplete),
                passed: result.passes.flatMap(p => p.nodes.map(n => p.id + ' ' + n.target.join(' '))),
            };
        }""",
        options,
    )


def axe_violations(page, source: str, *, tags=None, rules=None) -> list[dict]:
    """axe's violations on the page (see ``axe_run``): rule id, help and the nodes' targets."""
    return axe_run(page, source, tags=tags, rules=rules)["violations"]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary[:300]}")
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


# --- CSP watcher --------------------------------------------------------------------------------

CSP_INIT_SCRIPT = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => {
    window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@dataclass
class CSPWatcher:
    """Collects CSP violations (events and console) and page errors of one page."""

    page: object
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def _on_console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            self.console.append(f"{message.type}: {text}")
        elif message.type == "error":
            self.errors.append(f"console error: {text} ({message.location.get('url')})")

    def _on_page_error(self, error) -> None:
        self.errors.append(f"page error: {error}")

    def _on_response(self, response) -> None:
        # Every document must carry the policy, or "no violation" would prove nothing.
        if response.request.resource_type == "document" and response.status < 300:
            policy = response.headers.get("content-security-policy", "")
            if "default-src 'self'" not in policy or "unsafe-inline" in policy:
                self.errors.append(f"{response.url} was served with CSP {policy!r}")

    def attach(self) -> CSPWatcher:
        self.page.on("console", self._on_console)
        self.page.on("pageerror", self._on_page_error)
        self.page.on("response", self._on_response)
        return self

    def collect(self, label: str) -> list[str]:
        """Everything seen since the last call, for the current document; then reset."""
        # Violation events are queued tasks: let them run before reading.
        self.page.wait_for_timeout(50)
        events = self.page.evaluate("() => window.__cspViolations")
        if events is None:
            raise AssertionError(
                f"{label}: the CSP watcher's init script did not run on {self.page.url}"
            )
        self.page.evaluate("() => { window.__cspViolations.length = 0; }")
        found = [f"{label}: event {e}" for e in events]
        found += [f"{label}: {c}" for c in self.console]
        found += [f"{label}: {e}" for e in self.errors]
        self.console.clear()
        self.errors.clear()
        return found


@pytest.fixture
def csp(context) -> CSPWatcher:
    """A page (``csp.page``) whose documents report CSP violations; no bypass_csp anywhere."""
    context.add_init_script(CSP_INIT_SCRIPT)
    return CSPWatcher(context.new_page()).attach()


# --- Data ---------------------------------------------------------------------------------------


@pytest.fixture
def invitation_url(live_server, team_link):
    """The team invitation link a partner receives, on the live server."""
    return f"{live_server.url}/i/{team_link.token}/"
