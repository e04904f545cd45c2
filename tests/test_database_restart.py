"""After a PostgreSQL restart, no request fails on a stale persistent connection.

A private PostgreSQL cluster on its own port (initdb in a temporary directory) is restarted
under a Django process that keeps its connections (CONN_MAX_AGE=60), with the project's real
settings. Each "request" is what Django's handler does around a view: request_started (which
closes connections that are too old or, with CONN_HEALTH_CHECKS, broken), a query, and
request_finished.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from glob import glob
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import os, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "collabassess.settings"
django.setup()
from django.core.signals import request_finished, request_started
from django.db import connection

def request():
    request_started.send(sender=None)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as error:
        return type(error).__name__
    finally:
        request_finished.send(sender=None)

print(request(), flush=True)
sys.stdin.readline()  # the parent restarts the cluster meanwhile
print(request(), request(), flush=True)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    # initdb and pg_ctl refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@pytest.fixture
def private_cluster():
    binaries = sorted(glob("/usr/lib/postgresql/*/bin"))
    if not binaries:
        message = "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    bin_dir = Path(binaries[-1])
    # Not under pytest's tmp_path: its parents are private to root, and the server runs as
    # the postgres user.
    data = Path(tempfile.mkdtemp(prefix="collabassess-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    port = _free_port()
    subprocess.run(
        _as_postgres(
            [str(bin_dir / "initdb"), "-D", str(data / "db"), "-A", "trust", "-U", "postgres"]
        ),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
    log = data / "server.log"
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data / "db"), "-o", options, "-w", "-l", str(log)]
    subprocess.run(_as_postgres([*pg_ctl, "start"]), check=True, capture_output=True)
    try:
        yield port, pg_ctl
    finally:
        subprocess.run(
            _as_postgres([*pg_ctl, "-m", "immediate", "stop"]), check=False, capture_output=True
        )
        shutil.rmtree(data, ignore_errors=True)


def test_the_first_request_after_a_postgresql_restart_succeeds(private_cluster):
    port, pg_ctl = private_cluster
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/postgres",
        "CONN_MAX_AGE": "60",
    }
    env.pop("DEBUG", None)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().split() == ["ok"]
        subprocess.run(_as_postgres([*pg_ctl, "-m", "fast", "restart"]), check=True)
        child.stdin.write("\n")
        child.stdin.flush()
        after = child.stdout.readline().split()
    finally:
        child.kill()
        _, stderr = child.communicate()
    assert after == ["ok", "ok"], (after, stderr)


CHILD_TERMINATED = """
import os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "collabassess.settings"
django.setup()
import psycopg2
from django.core.signals import request_finished, request_started
from django.db import connection, connections

checks = []
wrapper = type(connections["default"])
usable = wrapper.is_usable
wrapper.is_usable = lambda self: checks.append(1) or usable(self)

def request(sql="SELECT 1"):
    request_started.send(sender=None)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]
    except Exception as error:
        return type(error).__name__
    finally:
        request_finished.send(sender=None)

pid = request("SELECT pg_backend_pid()")
print(request(), len(checks), flush=True)  # reused: checked without a round trip
# An administrator (or a restart) ends the backend between two requests.
settings = connection.settings_dict
killer = psycopg2.connect(host=settings["HOST"], port=settings["PORT"] or 5432,
                          user=settings["USER"], dbname=settings["NAME"])
killer.autocommit = True
killer.cursor().execute("SELECT pg_terminate_backend(%s)", [pid])
killer.close()
import time; time.sleep(0.3)
print(request(), request("SELECT pg_backend_pid()") != pid, len(checks), flush=True)
"""


def test_a_reused_connection_is_checked_without_a_round_trip_and_replaced_once_ended():
    """The check at the start of each request asks the operating system whether the idle
    connection has heard from the server (collabassess/db/postgresql), instead of running
    SELECT 1: no round trip, and a backend ended between two requests is still replaced
    before the request uses it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = "postgres://postgres@127.0.0.1:5432/postgres"  # the README's local server
        try:
            socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
        except OSError:
            if IN_CI:
                pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432")
            pytest.skip("needs PostgreSQL on 127.0.0.1:5432 (or DATABASE_URL=postgres://…)")
    # The server's own maintenance database: the test database exists only inside this process.
    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres", query=""))
    env = {**os.environ, "DATABASE_URL": maintenance, "CONN_MAX_AGE": "60"}
    env.pop("DEBUG", None)
    result = subprocess.run(
        [sys.executable, "-c", CHILD_TERMINATED],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    lines = [line.split() for line in result.stdout.splitlines()]
    assert lines == [["1", "0"], ["1", "True", "0"]], (lines, result.stderr[-2000:])
