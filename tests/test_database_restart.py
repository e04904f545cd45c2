"""A PostgreSQL backend ended between two requests (a restart, an administrator) costs no
request: with persistent connections (CONN_MAX_AGE) Django's CONN_HEALTH_CHECKS replaces the
dead connection at the start of the next request, before the view uses it.

The child process is a Django process with the project's real settings; each "request" is what
Django's handler does around a view: request_started, a query, request_finished.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "collabassess.settings"
django.setup()
import psycopg2
from django.core.signals import request_finished, request_started
from django.db import connection

def request(sql):
    request_started.send(sender=None)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return str(cursor.fetchone()[0])
    except Exception as error:
        return type(error).__name__
    finally:
        request_finished.send(sender=None)

pid = request("SELECT pg_backend_pid()")
print(request("SELECT pg_backend_pid()") == pid, flush=True)  # the connection is kept
settings = connection.settings_dict
killer = psycopg2.connect(host=settings["HOST"], port=settings["PORT"] or 5432,
                          user=settings["USER"], dbname=settings["NAME"])
killer.autocommit = True
killer.cursor().execute("SELECT pg_terminate_backend(%s)", [int(pid)])
killer.close()
import time; time.sleep(0.3)
after = request("SELECT pg_backend_pid()")
print(after.isdigit() and after != pid, request("SELECT 1"), flush=True)
"""


def test_a_request_after_the_backend_ended_gets_a_new_connection():
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
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    lines = [line.split() for line in result.stdout.splitlines()]
    assert lines == [["True"], ["True", "1"]], (lines, result.stderr[-2000:])
