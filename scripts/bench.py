"""Throughput of CollabAssess's main pages under a real server (gunicorn) on 127.0.0.1.

A benchmark, not a test: it prepares its own database (a fresh SQLite file under var/bench/, or
with --postgres a dropped and recreated PostgreSQL database), loads the content and the demo
round, seeds submitted responses through the app's services, seeds large rounds in bulk for the
facilitators' group results pages (5,000 and 50,000 responses by default), starts gunicorn with
production settings (DEBUG=0), and hammers each page with a fixed number of client threads for a
fixed time. It prints a Markdown table and writes it to var/bench/last.md. See docs/benchmark.md.

    .venv/bin/python scripts/bench.py                 # SQLite
    .venv/bin/python scripts/bench.py --postgres      # PostgreSQL on 127.0.0.1:5432
    .venv/bin/python scripts/bench.py --seconds 5 --concurrency 4 --responses 50
    .venv/bin/python scripts/bench.py --results-responses 5000      # one results round only
    .venv/bin/python scripts/bench.py --results-responses none      # no group results pages

The user's database (DATABASE_URL, var/db.sqlite3) and var/staticfiles are never touched.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
HOST = "127.0.0.1"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/collabassess_bench"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
# Settings variables of the user's environment that must not leak into the benchmark's server.
APP_ENV = (
    "DATABASE_URL",
    "REDIS_URL",
    "CONN_MAX_AGE",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "BEHIND_HTTPS_PROXY",
    "SESSION_COOKIE_AGE",
    "DJANGO_SETTINGS_MODULE",
)
MIN_EXPECTED_SHARE = 0.95
# Above this much CPU used elsewhere on the machine (in cores), a page's figures are flagged.
BUSY_MACHINE_CORES = 0.75
STEP_TIMEOUT = 600  # seconds, for each preparation command
DEFAULT_RESULTS_RESPONSES = (5_000, 50_000)
RESULTS_RESPONSES_MAX = 200_000
# The target: the group results page's throughput at the largest round within this share
# of its throughput at the smallest.
RESULTS_TARGET_DROP = 0.20
BENCH_USERNAME = "bench-facilitator"


class BenchError(RuntimeError):
    """The benchmark could not measure what it claims to: stop with a message."""


# --- Command line ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Measure throughput of CollabAssess's main pages under gunicorn on 127.0.0.1."
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help=f"use PostgreSQL: $BENCH_DATABASE_URL or {DEFAULT_POSTGRES_URL} (dropped and recreated)",
    )
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="measured duration per page (default 10)"
    )
    parser.add_argument(
        "--warmup", type=float, default=1.0, help="unmeasured warm-up per page (default 1)"
    )
    parser.add_argument("--concurrency", type=int, default=8, help="client threads (default 8)")
    parser.add_argument(
        "--responses", type=int, default=200, help="submitted responses to seed (default 200)"
    )
    parser.add_argument(
        "--results-responses",
        type=results_sizes,
        default=DEFAULT_RESULTS_RESPONSES,
        metavar="N[,N...]",
        help="submitted responses, seeded in bulk, of each round whose group results pages are "
        "measured (default 5000,50000; 'none' to skip those pages)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    args = parser.parse_args(argv)
    if not 0 < args.seconds <= 600:
        parser.error("--seconds must be between 0 and 600")
    if not 0 <= args.warmup <= 60:
        parser.error("--warmup must be between 0 and 60")
    if not 1 <= args.concurrency <= 256:
        parser.error("--concurrency must be between 1 and 256")
    if not 1 <= args.responses <= 100_000:
        parser.error("--responses must be between 1 and 100000")
    if not 1 <= args.workers <= 64:
        parser.error("--workers must be between 1 and 64")
    return args


def results_sizes(value: str) -> tuple[int, ...]:
    """'5000,50000' -> (5000, 50000); 'none', '0' or '' -> () (no group results pages)."""
    if value.strip().lower() in {"", "0", "none"}:
        return ()
    try:
        sizes = tuple(int(part.replace("_", "")) for part in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a comma-separated list of numbers: {value!r}"
        ) from None
    if len(sizes) > 4 or len(set(sizes)) != len(sizes):
        raise argparse.ArgumentTypeError("at most 4 different sizes")
    if not all(5 <= size <= RESULTS_RESPONSES_MAX for size in sizes):
        # At least the rounds' minimum group size (5), or the pages have no figures to show.
        raise argparse.ArgumentTypeError(f"each size must be between 5 and {RESULTS_RESPONSES_MAX}")
    return tuple(sorted(sizes))


# --- Database and server --------------------------------------------------------------------


@dataclass
class Database:
    url: str
    label: str


def venv_bin(name: str) -> str:
    candidate = ROOT / ".venv" / "bin" / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise BenchError(f"{name} not found: run `make install` first.")
    return found


def python() -> str:
    candidate = ROOT / ".venv" / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


def child_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in APP_ENV}
    env.update(
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY="bench",  # noqa: S106 - a local benchmark server on 127.0.0.1
        ALLOWED_HOSTS=HOST,
        # Required without DEBUG; the benchmark sends no e-mail, and none may leave the machine.
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        WHITENOISE_USE_FINDERS="1",
        LOG_LEVEL="WARNING",
        # Only STATIC_ROOT differs from collabassess.settings (see write_settings_overlay).
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=os.pathsep.join([str(BENCH_DIR), str(ROOT), str(ROOT / "scripts")]),
        PYTHONUNBUFFERED="1",
    )
    return env


def write_settings_overlay() -> None:
    """With DEBUG=0 the app uses whitenoise's manifest storage, so every page needs the
    collectstatic manifest. Collect into var/bench/staticfiles, never the user's var/staticfiles."""
    (BENCH_DIR / "bench_settings.py").write_text(
        '"""Generated by scripts/bench.py: the app\'s settings with its own STATIC_ROOT."""\n'
        "import os\n"
        "from collabassess.settings import *  # noqa: F403\n"
        f"STATIC_ROOT = {str(BENCH_DIR / 'staticfiles')!r}\n"
        "# bench_ratio.py's counting server reports each response's queries in a header.\n"
        'if os.environ.get("QUERY_COUNT_HEADER") == "1":\n'
        '    MIDDLEWARE = ["bench_middleware.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405\n'
    )


def sqlite_database() -> Database:
    path = BENCH_DIR / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return Database(url=f"sqlite:///{path}", label="SQLite (WAL)")


RECREATE_POSTGRES = """
import sys
import psycopg2
from psycopg2 import sql
host, port, user, password, name = sys.argv[1:6]
connection = psycopg2.connect(host=host, port=port, user=user, password=password, dbname="postgres")
connection.autocommit = True
with connection.cursor() as cursor:
    cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    cursor.execute("SELECT version()")
    print(cursor.fetchone()[0].split(" on ")[0])
connection.close()
"""


def postgres_database(url: str) -> Database:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    host = parts.hostname or ""
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise BenchError(f"BENCH_DATABASE_URL must be a postgres:// URL, not {url!r}.")
    if host not in LOCAL_HOSTS:
        raise BenchError(f"The benchmark runs only on this machine; {host!r} is not local.")
    if "bench" not in name:
        # It is dropped and recreated: refuse anything that might be someone's real database.
        raise BenchError(f"Refusing to drop database {name!r}: its name must contain 'bench'.")
    result = subprocess.run(  # noqa: S603
        [
            python(),
            "-c",
            RECREATE_POSTGRES,
            host,
            str(parts.port or 5432),
            parts.username or "postgres",
            parts.password or "",
            name,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(f"Could not recreate PostgreSQL database {name!r}:\n{result.stderr}")
    return Database(url=url, label=f"{result.stdout.strip()} ({name})")


def manage(env: dict[str, str], *args: str) -> str:
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603
        [python(), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(
            f"manage.py {args[0]} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
        )
    log(f"  manage.py {args[0]}: {time.monotonic() - started:.1f} s")
    return result.stdout


# Runs inside `manage.py shell -c`: N submitted responses through the app's own services.
SEED = """
import json, random
from django.db import transaction
from assessments.services import respond as services
from assessments.demo import DEMO_NAME
from assessments.models import Round, StakeholderGroup
from frameworks.models import ValueMode

COUNT = {count}
rng = random.Random(20261122)
round = Round.objects.filter(collaboration__name=DEMO_NAME).order_by("-opens_on").first()
assert round is not None and round.is_accepting, "the demo round is missing or not open"
teams = list(round.collaboration.teams.order_by("name"))
characteristics = list(
    round.framework_version.characteristics.order_by("number").prefetch_related("indicators")
)
groups = list(StakeholderGroup.values)
modes = list(ValueMode.objects.all())
resume_tokens = []
for start in range(0, COUNT, 50):
    with transaction.atomic():
        for n in range(start, min(COUNT, start + 50)):
            response, token = services.response_start(round=round, team=teams[n % len(teams)])
            services.response_save_about(
                response=response, team=None, stakeholder_group=groups[n % len(groups)]
            )
            bias = rng.randint(2, 4)
            for characteristic in characteristics:
                answers = {{
                    indicator: None if rng.random() < 0.05
                    else min(5, max(1, bias + rng.randint(-1, 1)))
                    for indicator in characteristic.indicators.all()
                }}
                comment = "Seeded by the benchmark." if rng.random() < 0.2 else ""
                services.response_save_page(
                    response=response, characteristic=characteristic, answers=answers,
                    comment=comment,
                )
            services.response_save_value_modes(
                response=response, value_modes=rng.sample(modes, k=min(2, len(modes)))
            )
            services.response_submit(response=response)
            resume_tokens.append(token)
links = [link.token for link in round.team_links.order_by("team__name")]
print("BENCH_SEED " + json.dumps({{
    "round": str(round), "teams": len(teams), "characteristics": len(characteristics),
    "items": sum(len(c.indicators.all()) for c in characteristics),
    "team_links": links, "resume_tokens": resume_tokens,
}}))
"""


def seed(env: dict[str, str], count: int) -> dict:
    output = manage(env, "shell", "--no-imports", "-c", SEED.format(count=count))
    for line in output.splitlines():
        if line.startswith("BENCH_SEED "):
            return json.loads(line.removeprefix("BENCH_SEED "))
    raise BenchError(f"The seeding step printed no result:\n{output[-2000:]}")


# Runs inside `manage.py shell -c`, after load_demo (which adds nothing once a collaboration
# exists): for each size, a collaboration of its own (5 teams, every stakeholder group offered)
# with one open round on the demo's framework version, and that many submitted responses written
# in bulk: the service path (about 40 queries a response) would take hours for 50,000. Then
# results_rebuild computes the rollup and moves the snapshot, as the submissions would have. A
# facilitator who is a member of every one of these collaborations reads the pages.
SEED_RESULTS = """
import json, os, random, time
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from assessments.demo import DEMO_NAME
from assessments.models import (
    Answer, Collaboration, Comment, Membership, OfferedGroup, Response, Role, Round,
    RoundSnapshot, StakeholderGroup, Team, new_token, token_digest,
)
from assessments.services.snapshots import results_rebuild
from frameworks.models import Indicator, ValueMode

PARAMS = json.loads(__PARAMS__)
CHUNK = 2000  # responses per transaction: about 66,000 answers
COMMENT_SHARE = 0.25  # as in the demo: a comment on about one response in four
COMMENTS = [
    "We share a purpose but each partner still reports against its own targets first.",
    "The monthly huddle works well; the data we bring to it is often out of date.",
    "Patients are asked for their views, but we rarely tell them what changed as a result.",
    "Decisions are made quickly when the right people are in the room, which is not often.",
]
# Each characteristic's level, clear of the bands' thresholds (3.00 and 4.00) so that every round
# shows the same bands, priorities and suggestions whatever its size: two priorities, three
# developing, two strengths and one more priority.
LEVELS = [2.4, 2.6, 3.3, 3.5, 3.7, 4.4, 4.6, 2.5]
rng = random.Random(20261123)
version = Collaboration.objects.get(name=DEMO_NAME).framework_version
indicators = list(
    Indicator.objects.filter(characteristic__version=version)
    .order_by("characteristic__number", "position", "pk")
    .values_list("pk", "characteristic_id")
)
characteristic_ids = sorted({c for _, c in indicators})
level_of = {c: LEVELS[n % len(LEVELS)] for n, c in enumerate(characteristic_ids)}
modes = list(ValueMode.objects.order_by("position"))
groups = list(StakeholderGroup.values)
through = Response.value_modes.through
user = get_user_model().objects.create_user(
    PARAMS["username"], f"{PARAMS['username']}@example.org", os.environ["BENCH_PASSWORD"]
)
today = timezone.localdate()
rounds = []
for size in PARAMS["sizes"]:
    began = time.perf_counter()
    with transaction.atomic():
        collaboration = Collaboration.objects.create(
            name=f"Benchmark collaboration, {size:,} responses", framework_version=version
        )
        collaboration.value_modes.set(modes[:2])
        OfferedGroup.objects.bulk_create(
            OfferedGroup(collaboration=collaboration, group=group) for group in groups
        )
        teams = [
            Team.objects.create(collaboration=collaboration, name=f"Partner organisation {n + 1}")
            for n in range(PARAMS["teams"])
        ]
        bench_round = Round.objects.create(  # opening records the collaboration's value modes
            collaboration=collaboration,
            framework_version=version,
            title=f"Benchmark round, {size:,} responses",
            opens_on=today - timedelta(days=60),
            closes_on=today + timedelta(days=30),
            status=Round.Status.OPEN,
        )
        Membership.objects.create(user=user, collaboration=collaboration, role=Role.FACILITATOR)
    for start in range(0, size, CHUNK):
        with transaction.atomic():
            responses = []
            for n in range(start, min(size, start + CHUNK)):
                rng.randint(0, 60)  # the day it once drew: the answers drawn after stay the same
                responses.append(
                    Response(
                        round=bench_round,
                        team=teams[n % len(teams)],
                        stakeholder_group=groups[n % len(groups)],
                        status=Response.Status.SUBMITTED,
                        resume_digest=token_digest(new_token()),
                        individual_link=None,
                    )
                )
            Response.objects.bulk_create(responses)
            if any(r.pk is None for r in responses):  # a database that returns no ids
                ids = dict(
                    Response.objects.filter(
                        resume_digest__in=[r.resume_digest for r in responses]
                    ).values_list("resume_digest", "pk")
                )
                for response in responses:
                    response.pk = ids[response.resume_digest]
            answers, chosen, comments = [], [], []
            for response in responses:
                lean = rng.gauss(0, 0.4)  # this respondent's general lean
                answers.extend(
                    Answer(
                        response_id=response.pk,
                        indicator_id=indicator_id,
                        value=None if rng.random() < 0.05  # don't know
                        else min(5, max(1, round(level_of[c] + lean + rng.gauss(0, 0.6)))),
                    )
                    for indicator_id, c in indicators
                )
                chosen.extend(
                    through(response_id=response.pk, valuemode_id=mode.pk)
                    for mode in rng.sample(modes, k=rng.randint(0, min(2, len(modes))))
                )
                if rng.random() < COMMENT_SHARE:
                    comments.append(
                        Comment(
                            response_id=response.pk,
                            characteristic_id=rng.choice(characteristic_ids),
                            text=rng.choice(COMMENTS),
                        )
                    )
            Answer.objects.bulk_create(answers, batch_size=PARAMS["batch"])
            through.objects.bulk_create(chosen, batch_size=PARAMS["batch"])
            Comment.objects.bulk_create(comments, batch_size=PARAMS["batch"])
    seeded = time.perf_counter() - began
    results_rebuild(round=bench_round)
    rebuilt = time.perf_counter() - began - seeded
    snapshot = RoundSnapshot.objects.get(round=bench_round)
    assert snapshot.responses == size, (snapshot.responses, size)
    rounds.append({
        "responses": size, "collaboration": collaboration.pk, "round": bench_round.pk,
        "seed_seconds": seeded, "rebuild_seconds": rebuilt,
        "answers": Answer.objects.filter(response__round=bench_round).count(),
    })
print("BENCH_RESULTS " + json.dumps({
    "items": len(indicators), "teams": PARAMS["teams"], "rounds": rounds,
}))
"""


def seed_results(env: dict[str, str], sizes: tuple[int, ...], password: str) -> dict:
    # Django caps SQLite's batches at 999 variables (333 answers); PostgreSQL takes 5,000 rows.
    params = {"sizes": list(sizes), "teams": 5, "username": BENCH_USERNAME, "batch": 5000}
    code = SEED_RESULTS.replace("__PARAMS__", repr(json.dumps(params)))
    output = manage({**env, "BENCH_PASSWORD": password}, "shell", "--no-imports", "-c", code)
    for line in output.splitlines():
        if line.startswith("BENCH_RESULTS "):
            return json.loads(line.removeprefix("BENCH_RESULTS "))
    raise BenchError(f"The bulk seeding step printed no result:\n{output[-2000:]}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def no_control_socket() -> list[str]:
    """Gunicorn 24+ opens a control socket under ~/.gunicorn shared by every instance: not ours."""
    result = subprocess.run(  # noqa: S603
        [venv_bin("gunicorn"), "--help"], capture_output=True, text=True, timeout=30, check=False
    )
    return ["--no-control-socket"] if "--no-control-socket" in result.stdout else []


def start_server(env: dict[str, str], port: int, workers: int, log_path: Path):
    log_file = log_path.open("w")
    process = subprocess.Popen(  # noqa: S603
        [
            venv_bin("gunicorn"),
            "collabassess.wsgi",
            "-b",
            f"{HOST}:{port}",
            "-w",
            str(workers),
            "--threads",
            "1",
            "--error-logfile",
            "-",
            *no_control_socket(),
        ],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    log_file.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited with {process.returncode}:\n{tail(log_path)}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/framework/")
            connection.getresponse().read()
            connection.close()
            return process
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise BenchError(f"gunicorn did not answer within 30 s:\n{tail(log_path)}")


def stop_server(process) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def machine_busy_seconds() -> float | None:
    """CPU seconds all processors spent busy since boot (Linux /proc/stat), None elsewhere."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[:8])
        return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def worker_cpu_seconds(master_pid: int) -> float | None:
    """User + system CPU of gunicorn's workers (Linux /proc); None where unavailable."""
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in children:
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks
    except (OSError, ValueError):
        return None


# --- HTTP client ----------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Client:
    """One browser: its own connection (kept alive when the server allows) and cookies."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None) -> Reply:
        headers = {"Host": f"{HOST}:{self.port}", "User-Agent": "collabassess-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                payload = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A kept-alive connection the server closed meanwhile: reconnect once.
                self.connection.close()
                if attempt:
                    raise
        for header in response.msg.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        if response.will_close:
            self.connection.close()
        return Reply(response.status, response.msg, payload)

    def close(self) -> None:
        self.connection.close()


CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RESUME_RE = re.compile(r'name="resume" value="([^"]+)"')
ITEM_RE = re.compile(r'name="(item_\d+)"')


def expect(reply: Reply, status: int, what: str) -> Reply:
    if reply.status != status:
        raise BenchError(
            f"{what}: expected HTTP {status}, got {reply.status} "
            f"(Location: {reply.headers.get('Location')}):\n{reply.text[:600]}"
        )
    return reply


@dataclass
class Draft:
    """A client inside a started draft, ready to show and save characteristic page 3."""

    client: Client
    csrf: str
    resume: str
    items: list[str]


def start_draft(port: int, team_link: str, page: int) -> Draft:
    client = Client(port)
    expect(client.request("GET", f"/i/{team_link}/"), 302, "Following the invitation link")
    landing = expect(client.request("GET", "/respond/"), 200, "The landing page")
    csrf = CSRF_RE.search(landing.text)
    if csrf is None:
        raise BenchError("The landing page has no CSRF token in its start form.")
    started = client.request("POST", "/respond/start/", {"csrfmiddlewaretoken": csrf[1]})
    expect(started, 302, "Starting a draft (POST /respond/start/)")
    shown = expect(client.request("GET", f"/respond/c/{page}/"), 200, f"GET /respond/c/{page}/")
    resume, csrf = RESUME_RE.search(shown.text), CSRF_RE.search(shown.text)
    items = sorted(set(ITEM_RE.findall(shown.text)))
    if resume is None or csrf is None or not items:
        raise BenchError(f"/respond/c/{page}/ lacks its resume token, CSRF token or items.")
    return Draft(client=client, csrf=csrf[1], resume=resume[1], items=items)


def page_answers(draft: Draft, rng: random.Random) -> dict[str, str]:
    data = {item: rng.choice("12345") for item in draft.items}
    data.update(
        csrfmiddlewaretoken=draft.csrf,
        resume=draft.resume,
        comment="Benchmark comment." if rng.random() < 0.3 else "",
        nav="next",
    )
    return data


def results_client(port: int, resume_token: str) -> Client:
    client = Client(port)
    reply = client.request("GET", f"/resume/{resume_token}/")
    expect(reply, 302, "Following a resume link of a submitted response")
    if reply.headers.get("Location") != "/respond/results/":
        raise BenchError(f"The resume link led to {reply.headers.get('Location')}, not results.")
    expect(client.request("GET", "/respond/results/"), 200, "GET /respond/results/")
    return client


FIGURES_RE = re.compile(r"These figures count <strong>([\d,]+) submitted response")


def facilitator_client(port: int, username: str, password: str) -> Client:
    """A browser signed in as the bench's facilitator through the sign-in form."""
    client = Client(port)
    form = expect(client.request("GET", "/accounts/login/"), 200, "GET /accounts/login/")
    csrf = CSRF_RE.search(form.text)
    if csrf is None:
        raise BenchError("The sign-in page has no CSRF token in its form.")
    data = {"csrfmiddlewaretoken": csrf[1], "username": username, "password": password}
    signed_in = expect(client.request("POST", "/accounts/login/", data), 302, "Signing in")
    if "/accounts/login/" in (signed_in.headers.get("Location") or ""):
        raise BenchError("Signing in as the bench's facilitator did not work.")
    return client


def check_results_page(client: Client, path: str, responses: int) -> None:
    """The page answers 200 with figures, not an empty state: all the round's responses, or all
    but the few whose parts still wait for others to change the same figures (docs/privacy.md)."""
    reply = expect(client.request("GET", path), 200, f"GET {path}")
    shown = FIGURES_RE.search(reply.text)
    if shown is None:
        raise BenchError(f"GET {path} shows no figures ('These figures count' is missing).")
    counted = int(shown[1].replace(",", ""))
    if not 0.9 * responses <= counted <= responses:
        raise BenchError(f"GET {path} counts {shown[1]} of its {responses} responses.")


# --- Measuring ------------------------------------------------------------------------------


@dataclass
class Scenario:
    name: str
    expected: int
    # Called by each thread with its index; returns the thread's request function.
    make: Callable[[int], Callable[[], Reply]]
    # ("results", "overview" or "heatmap", responses) for the group results pages.
    group: tuple | None = None


@dataclass
class Result:
    name: str
    expected: int
    group: tuple | None = None
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    sizes: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cpu_seconds: float | None = None
    # CPU seconds the rest of the machine used meanwhile: other processes, PostgreSQL included.
    other_cpu_seconds: float | None = None

    @property
    def count(self) -> int:
        return len(self.latencies) + len(self.errors)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    @property
    def failed(self) -> int:
        """Requests without a 2xx/3xx response: 4xx, 5xx and connection errors."""
        bad = sum(n for status, n in self.statuses.items() if not 200 <= status < 400)
        return bad + len(self.errors)

    @property
    def expected_share(self) -> float:
        return self.statuses.get(self.expected, 0) / self.count if self.count else 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] * 1000


def run(scenario: Scenario, threads: int, seconds: float) -> Result:
    result = Result(scenario.name, scenario.expected, group=scenario.group)
    senders = [scenario.make(i) for i in range(threads)]
    lock = threading.Lock()
    barrier = threading.Barrier(threads + 1)
    deadline = [0.0]

    def worker(send: Callable[[], Reply]) -> None:
        latencies, statuses, sizes, errors = [], {}, [], []
        barrier.wait()
        while time.perf_counter() < deadline[0]:
            began = time.perf_counter()
            try:
                reply = send()
            except Exception as exc:  # counted and reported, never hidden
                errors.append(f"{type(exc).__name__}: {exc}")
                continue
            latencies.append(time.perf_counter() - began)
            statuses[reply.status] = statuses.get(reply.status, 0) + 1
            sizes.append(len(reply.body))
        with lock:
            result.latencies.extend(latencies)
            result.sizes.extend(sizes)
            result.errors.extend(errors)
            for status, n in statuses.items():
                result.statuses[status] = result.statuses.get(status, 0) + n

    pool = [threading.Thread(target=worker, args=(send,), daemon=True) for send in senders]
    for thread in pool:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    barrier.wait()
    for thread in pool:
        thread.join(timeout=seconds + 60)
    result.elapsed = time.perf_counter() - began
    return result


def scenarios(
    port: int, seeded: dict, threads: int, results: dict | None, password: str
) -> list[Scenario]:
    links, tokens = seeded["team_links"], seeded["resume_tokens"]
    page = 3
    log(f"  starting {threads} drafts (invitation link, landing, POST /respond/start/)")
    drafts = [start_draft(port, links[i % len(links)], page) for i in range(threads)]
    log(f"  opening {threads} submitted responses through their resume links")
    readers = [results_client(port, tokens[i % len(tokens)]) for i in range(threads)]
    # Check one save end to end before measuring thousands of them.
    probe = drafts[0]
    saved = probe.client.request(
        "POST", f"/respond/c/{page}/", page_answers(probe, random.Random(0))
    )
    expect(saved, 302, f"POST /respond/c/{page}/")
    if saved.headers.get("Location") != f"/respond/c/{page + 1}/":
        raise BenchError(f"Saving page {page} led to {saved.headers.get('Location')}.")
    anonymous = [Client(port) for _ in range(threads)]

    def get(clients: list[Client], path: str):
        return lambda i: lambda: clients[i].request("GET", path)

    def post_page(i: int) -> Callable[[], Reply]:
        draft, rng = drafts[i], random.Random(i)
        path = f"/respond/c/{page}/"
        return lambda: draft.client.request("POST", path, page_answers(draft, rng))

    plan = [
        Scenario("GET /framework/", 200, get(anonymous, "/framework/")),
        Scenario("GET /", 200, get(anonymous, "/")),
        Scenario(
            f"GET /respond/c/{page}/ (draft)",
            200,
            get([d.client for d in drafts], f"/respond/c/{page}/"),
        ),
        Scenario(f"POST /respond/c/{page}/ (save page)", 302, post_page),
        Scenario("GET /respond/results/ (submitted)", 200, get(readers, "/respond/results/")),
    ]
    if not results or not results["rounds"]:
        return plan
    log(f"  signing in {threads} facilitators (GET and POST /accounts/login/)")
    facilitators = [facilitator_client(port, BENCH_USERNAME, password) for _ in range(threads)]
    # One page at every size, then the next page: the figures compared with each other are
    # measured one after the other, so that a machine that gets busier disturbs them less.
    for page_name, suffix in (("overview", "results/"), ("heatmap", "results/heatmap/")):
        for seeded_round in results["rounds"]:
            size = seeded_round["responses"]
            path = (
                f"/facilitate/c/{seeded_round['collaboration']}/rounds/{seeded_round['round']}/"
                f"{suffix}"
            )
            # The first view after the snapshot moved builds the charts: done here, unmeasured.
            check_results_page(facilitators[0], path, size)
            plan.append(
                Scenario(
                    f"GET results {page_name} ({size:,} responses)",
                    200,
                    get(facilitators, path),
                    group=("results", page_name, size),
                )
            )
    return plan


# --- Exports: one round's CSV and PDF, one at a time -----------------------------------------

EXPORTS = (
    # (name, path under the round, expected start of the body, how many downloads)
    ("CSV of the round's figures", "results/figures.csv", "\ufeff".encode(), 10),
    ("PDF report of the round", "results/report.pdf", b"%PDF-", 3),
)


@dataclass
class ExportTiming:
    name: str
    responses: int
    seconds: list[float]
    size: int

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def time_exports(client: Client, results: dict | None) -> list[ExportTiming]:
    """Each export of each seeded results round, downloaded a few times in a row by one signed-in
    facilitator (what a person clicking the link waits for): checked to be the real file, timed
    from request to last byte."""
    timings = []
    for seeded_round in (results or {}).get("rounds", []):
        base = f"/facilitate/c/{seeded_round['collaboration']}/rounds/{seeded_round['round']}/"
        for name, suffix, start, repeats in EXPORTS:
            seconds, size = [], 0
            for _ in range(repeats + 1):  # the first, unmeasured, warms the worker
                began = time.perf_counter()
                reply = expect(client.request("GET", base + suffix), 200, f"GET {base + suffix}")
                seconds.append(time.perf_counter() - began)
                if not reply.body.startswith(start):
                    raise BenchError(f"GET {base + suffix} is not the expected file.")
                size = len(reply.body)
            timings.append(ExportTiming(name, seeded_round["responses"], seconds[1:], size))
    return timings


def exports_table(timings: list[ExportTiming]) -> str:
    if not timings:
        return ""
    rows = [
        "**Exports** (one facilitator, downloads one after another):",
        "",
        "| Export | Round's responses | Downloads | Median s | Slowest s | Size KB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for t in timings:
        rows.append(
            f"| {t.name} | {t.responses:,} | {len(t.seconds)} | {t.median:.3f} "
            f"| {max(t.seconds):.3f} | {t.size / 1024:.1f} |"
        )
    return "\n".join(rows) + "\n"


# --- Report ---------------------------------------------------------------------------------


def cheapest(results: list[Result]) -> Result:
    """The page with the highest throughput in this run (the home page, in practice)."""
    return max(results, key=lambda r: r.rate)


def table(results: list[Result]) -> str:
    rows = [
        "| Page | Requests | Req/s | Share of cheapest | Median ms | p95 ms | Non-2xx/3xx "
        "| Expected status | Server CPU ms/req | Other CPU, cores | Body KB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    top = cheapest(results).rate
    for r in results:
        cpu = f"{r.cpu_seconds * 1000 / r.count:.1f}" if r.cpu_seconds and r.count else "n/a"
        size = statistics.median(r.sizes) / 1024 if r.sizes else 0
        other = (
            f"{r.other_cpu_seconds / r.elapsed:.2f}" if r.other_cpu_seconds is not None else "n/a"
        )
        rows.append(
            f"| `{r.name}` | {r.count:,} | {r.rate:,.1f} | {share(r.rate, top)} "
            f"| {r.percentile(0.5):.1f} "
            f"| {r.percentile(0.95):.1f} | {r.failed:,} | {r.expected_share:.1%} ({r.expected}) "
            f"| {cpu} | {other} | {size:.1f} |"
        )
    return "\n".join(rows)


def share(rate: float, of: float) -> str:
    return f"{rate / of:.1%}" if of else "n/a"


def results_summary(results: list[Result], seeded: dict | None) -> str:
    """The group results pages against the run's cheapest page, and the issue's target: the
    results page at the largest round within RESULTS_TARGET_DROP of its figure at the smallest."""
    pages = {r.group[1:]: r for r in results if r.group and r.group[0] == "results"}
    if not pages or not seeded:
        return ""
    top = cheapest(results)
    lines = [
        f"**Group results pages** (rounds of {seeded['items']} items, {seeded['teams']} teams, "
        f"7 stakeholder groups; responses seeded in bulk), as a share of the cheapest page in "
        f"this run, `{top.name}` at {top.rate:,.1f} req/s:",
        "",
    ]
    for seeded_round in seeded["rounds"]:
        size = seeded_round["responses"]
        figures = ", ".join(
            f"{name} {pages[name, size].rate:,.1f} req/s ({share(pages[name, size].rate, top.rate)})"
            for name in ("overview", "heatmap")
            if (name, size) in pages
        )
        lines.append(
            f"- {size:,} responses ({seeded_round['answers']:,} answers): {figures}; seeded in "
            f"{seeded_round['seed_seconds']:.1f} s + results_rebuild "
            f"{seeded_round['rebuild_seconds']:.1f} s"
        )
    sizes = sorted(size for name, size in pages if name == "overview")
    if len(sizes) >= 2:
        small, large = pages["overview", sizes[0]], pages["overview", sizes[-1]]
        ratio = large.rate / small.rate if small.rate else 0.0
        met = ratio >= 1 - RESULTS_TARGET_DROP
        lines += [
            "",
            f"Target (results page at {sizes[-1]:,} responses within "
            f"{RESULTS_TARGET_DROP:.0%} of its figure at {sizes[0]:,}): "
            f"**{'met' if met else 'NOT met'}**: {large.rate:,.1f} req/s at {sizes[-1]:,} vs "
            f"{small.rate:,.1f} req/s at {sizes[0]:,} ({ratio - 1:+.1%})."
            + cpu_comparison(small, large)
            + (
                " The machine was busy during these pages: repeat on a quiet machine before "
                "believing this verdict."
                if machine_was_busy(small) or machine_was_busy(large)
                else ""
            ),
        ]
    return "\n".join(lines) + "\n"


def machine_was_busy(result: Result) -> bool:
    """Did the rest of the machine use more than BUSY_MACHINE_CORES while this page ran?"""
    other = result.other_cpu_seconds
    return (
        other is not None and bool(result.elapsed) and other / result.elapsed > BUSY_MACHINE_CORES
    )


def cpu_comparison(small: Result, large: Result) -> str:
    """Server CPU per request of the two, which a busy machine disturbs less than req/s."""
    if not (small.cpu_seconds and large.cpu_seconds and small.count and large.count):
        return ""
    before, after = small.cpu_seconds / small.count, large.cpu_seconds / large.count
    return (
        f" Server CPU per request: {after * 1000:.1f} ms vs {before * 1000:.1f} ms "
        f"({after / before - 1:+.1%})."
    )


def load_average() -> str:
    try:
        return " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    server = None
    began = time.monotonic()
    try:
        postgres_url = os.environ.get("BENCH_DATABASE_URL")
        if args.postgres or postgres_url:
            database = postgres_database(postgres_url or DEFAULT_POSTGRES_URL)
        else:
            database = sqlite_database()
        log(f"Benchmark database: {database.label}")
        write_settings_overlay()
        env = child_env(database.url)
        log("Preparing it:")
        # First: with DEBUG=0 anything that loads the URLconf needs the static manifest.
        manage(env, "collectstatic", "--no-input", "--clear")
        manage(env, "migrate", "--no-input")
        manage(env, "load_content")
        manage(env, "load_demo")
        seeded = seed(env, args.responses)
        log(
            f"  seeded {len(seeded['resume_tokens'])} submitted responses over "
            f"{seeded['teams']} teams ({seeded['characteristics']} characteristics, "
            f"{seeded['items']} items per response) in {seeded['round']!r}"
        )
        password = secrets.token_urlsafe(16)
        results_seeded = None
        if args.results_responses:
            results_seeded = seed_results(env, args.results_responses, password)
            for seeded_round in results_seeded["rounds"]:
                log(
                    f"  seeded {seeded_round['responses']:,} submitted responses in bulk "
                    f"({seeded_round['answers']:,} answers, {results_seeded['items']} items) in "
                    f"{seeded_round['seed_seconds']:.1f} s, results_rebuild "
                    f"{seeded_round['rebuild_seconds']:.1f} s"
                )
        port = free_port()
        log_path = BENCH_DIR / "gunicorn.log"
        server = start_server(env, port, args.workers, log_path)
        log(f"gunicorn on http://{HOST}:{port}/ ({args.workers} workers, 1 thread each)")
        plan = scenarios(port, seeded, args.concurrency, results_seeded, password)
        load_before = load_average()
        results = []
        for scenario in plan:
            if args.warmup:
                run(scenario, args.concurrency, args.warmup)
            before = worker_cpu_seconds(server.pid), machine_busy_seconds(), own_cpu_seconds()
            result = run(scenario, args.concurrency, args.seconds)
            after = worker_cpu_seconds(server.pid), machine_busy_seconds(), own_cpu_seconds()
            if None not in before and None not in after:
                workers, busy, own = (b - a for a, b in zip(before, after, strict=True))
                result.cpu_seconds = workers
                result.other_cpu_seconds = max(0.0, busy - workers - own)
            results.append(result)
            log(f"  {result.name}: {result.rate:,.1f} req/s, {result.failed} failed")
            if server.poll() is not None:
                raise BenchError(f"gunicorn died during {scenario.name}:\n{tail(log_path)}")
        exports = []
        if results_seeded:
            log("  timing the exports (CSV and PDF) of each results round")
            exports = time_exports(
                facilitator_client(port, BENCH_USERNAME, password), results_seeded
            )
            for t in exports:
                log(f"  {t.name} ({t.responses:,} responses): median {t.median:.3f} s")
    finally:
        stop_server(server)

    header = (
        f"CollabAssess benchmark, {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}: "
        f"{database.label}; gunicorn {args.workers} workers x 1 thread on {os.cpu_count()} CPUs; "
        f"{args.concurrency} client threads, {args.seconds:g} s per page "
        f"(after {args.warmup:g} s warm-up); {args.responses} submitted responses seeded"
        + (
            f" through the services, group results rounds of "
            f"{', '.join(f'{n:,}' for n in args.results_responses)} responses seeded in bulk. "
            if args.results_responses
            else ". "
        )
        + f"Load average (1/5/15 min) before: {load_before}, after: {load_average()}."
    )
    report = f"{header}\n\n{table(results)}\n"
    summary = results_summary(results, results_seeded)
    if summary:
        report += f"\n{summary}"
    if exports:
        report += f"\n{exports_table(exports)}"
    disturbed = [r.name for r in results if machine_was_busy(r)]
    if disturbed:
        report += (
            f"\nOther processes (PostgreSQL included) used more than {BUSY_MACHINE_CORES} cores "
            f"during: {', '.join(disturbed)}. Those figures are low: run again on a quiet machine.\n"
        )
    print(report)
    (BENCH_DIR / "last.md").write_text(report)
    log(
        f"Written to {(BENCH_DIR / 'last.md').relative_to(ROOT)} ({time.monotonic() - began:.0f} s)"
    )

    problems = [
        f"{r.name}: only {r.expected_share:.1%} of {r.count} requests got HTTP {r.expected} "
        f"(statuses {dict(sorted(r.statuses.items()))}, {len(r.errors)} errors"
        + (f", first: {r.errors[0]}" if r.errors else "")
        + ")"
        for r in results
        if r.count == 0 or r.expected_share < MIN_EXPECTED_SHARE
    ]
    if problems:
        log("BENCHMARK INVALID: these pages mostly did not answer as expected:")
        for problem in problems:
            log(f"  {problem}")
        log(f"Server log: {log_path.relative_to(ROOT)}\n{tail(log_path, 20)}")
        return 1
    if any(r.failed for r in results):
        log(f"Some requests failed (see the table and {log_path.relative_to(ROOT)}).")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        log(f"bench: {error}")
        sys.exit(2)
