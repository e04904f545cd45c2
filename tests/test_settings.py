"""Settings come from the environment and fail loudly, naming the variable, on bad values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from collabassess.env import database_from_url, env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent


def test_env_bool_rejects_a_malformed_value(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG", True)


def test_env_int_rejects_text_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", "twenty-five")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
        env_int("EMAIL_PORT", 25)
    monkeypatch.setenv("EMAIL_PORT", "0")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
        env_int("EMAIL_PORT", 25, minimum=1)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example, b.example,")
    assert env_list("ALLOWED_HOSTS", []) == ["a.example", "b.example"]


def test_database_url_for_postgres():
    db = database_from_url(
        "postgres://u:p%40ss@db.example:5433/collab?sslmode=require", base_dir=ROOT
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "collab",
        "u",
        "p@ss",
        "db.example",
        "5433",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_database_url_for_sqlite_is_configured_for_concurrent_writers():
    db = database_from_url("sqlite:///var/other.sqlite3", base_dir=ROOT)
    assert db["NAME"] == ROOT / "var" / "other.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


@pytest.mark.parametrize("url", ["mysql://x/y", "postgres://host", "nonsense"])
def test_database_url_rejects_what_it_cannot_use(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url(url, base_dir=ROOT)


SETUP = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='collabassess.settings'; django.setup()"


def _settings_in_subprocess(code="", **env):
    """Start Django in a fresh process with this environment, then run ``code``."""
    unset = {"DEBUG", "SECRET_KEY", "WHITENOISE_USE_FINDERS", "ALLOWED_HOSTS", "EMAIL_BACKEND"}
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", SETUP + "\n" + code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_secret_key_is_required_when_debug_is_off():
    result = _settings_in_subprocess(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_malformed_debug_stops_start_up_with_a_message():
    result = _settings_in_subprocess(DEBUG="sometimes")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "collab.example",
    "EMAIL_BACKEND": SMTP,
}


def test_production_settings_start_with_the_required_variables():
    result = _settings_in_subprocess(**PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_without_debug_the_email_backend_must_be_chosen():
    """The console default printed working invitation and password-reset links into the
    process output of a production server."""
    without_backend = {**PRODUCTION, "EMAIL_BACKEND": ""}
    result = _settings_in_subprocess(**without_backend)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "EMAIL_BACKEND" in result.stderr


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({**PRODUCTION, "EMAIL_BACKEND": CONSOLE}, CONSOLE),  # on purpose: allowed
        (PRODUCTION, SMTP),
        ({}, CONSOLE),  # DEBUG on (the default): the console, for development
    ],
)
def test_the_email_backend_is_the_one_set_or_the_console_with_debug(env, backend):
    code = "from django.conf import settings as s; print(s.EMAIL_BACKEND)"
    result = _settings_in_subprocess(code, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == backend


PAGE = """
from django.test import Client
response = Client().get("/", HTTP_HOST="collab.example")
print(response.status_code)
print(Client().get("/favicon.ico", HTTP_HOST="collab.example")["Location"])
"""


def test_production_serves_pages_from_static_without_collectstatic_when_asked():
    result = _settings_in_subprocess(PAGE, **PRODUCTION, WHITENOISE_USE_FINDERS="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "/static/favicon.svg"]


def test_production_urls_load_before_collectstatic():
    # migrate and load_content run before collectstatic on a new server: the URLconf must
    # not need the static manifest to import.
    code = "from django.urls import resolve; print(resolve('/favicon.ico').url_name is None)"
    result = _settings_in_subprocess(code, **PRODUCTION)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("hosts", ["collab.example.org", "127.0.0.1,collab.example.org", "*"])
def test_debug_with_a_public_host_refuses_to_start(hosts):
    result = _settings_in_subprocess(ALLOWED_HOSTS=hosts)  # DEBUG unset: on by default
    assert result.returncode != 0
    assert "DEBUG" in result.stderr and "ALLOWED_HOSTS" in result.stderr


@pytest.mark.parametrize("hosts", [None, "localhost,127.0.0.1", "[::1]", "app.localhost"])
def test_debug_on_local_hosts_starts(hosts):
    env = {"ALLOWED_HOSTS": hosts} if hosts else {}
    result = _settings_in_subprocess("print('started')", **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


def test_persistent_connections_are_health_checked():
    code = (
        "from django.conf import settings as s; print(s.DATABASES['default']['CONN_HEALTH_CHECKS'])"
    )
    result = _settings_in_subprocess(
        code, DATABASE_URL="postgres://postgres@127.0.0.1:5432/collabassess"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
