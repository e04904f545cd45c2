"""CollabAssess settings: one file, driven by environment variables (see .env.example).

With nothing set the app runs locally: DEBUG on, SQLite under var/. Production differs only by
environment: DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and the SECURE_* switches.
"""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from collabassess.env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
    sqlite_database,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "The environment variable SECRET_KEY must be set when DEBUG is off."
        )
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105

LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", LOCAL_HOSTS if DEBUG else [])
# DEBUG defaults to on so that every manage.py command works on a fresh clone, but a public
# deployment must never run that way (tracebacks and settings would be shown to anyone).
_public_hosts = [
    host
    for host in ALLOWED_HOSTS
    if host not in {*LOCAL_HOSTS, "::1", "testserver"} and not host.endswith(".localhost")
]
if DEBUG and _public_hosts:
    raise ImproperlyConfigured(
        f"DEBUG is on while ALLOWED_HOSTS names {', '.join(_public_hosts)}: a public host must "
        "not run in debug mode. Set DEBUG=0 (with SECRET_KEY) for a deployment, or leave "
        "ALLOWED_HOSTS unset for local development."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "frameworks",
    "assessments",
    # Last: its admin.py adjusts what the apps above registered (the throttling screens).
    "collabassess",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "collabassess.middleware.RequestSanityMiddleware",
    # Above the session middleware: it sees whether a response read the session.
    "collabassess.middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "collabassess.middleware.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: refuses sign-ins from a locked-out username or address.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "collabassess.urls"
WSGI_APPLICATION = "collabassess.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL, base_dir=BASE_DIR)}
else:
    DATABASES = {"default": sqlite_database(BASE_DIR / "var" / "db.sqlite3")}
# Persistent connections on PostgreSQL (docs/benchmark.md); 0 closes the connection after each request.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60 if DATABASE_URL else 0, minimum=0)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# After a database restart each persistent connection failed one request (a 500) until it was
# replaced: check a reused connection before the request uses it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// or unix://.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# Framework content built once and cached (frameworks.revision): kept until an edit bumps the
# revision when the cache is shared (Redis); without Redis each process has its own cache, and
# keeps what it built only this long, so an edit reaches every process within it.
CACHE_IS_SHARED = bool(REDIS_URL)
CONTENT_CACHE_SECONDS = env_int("CONTENT_CACHE_SECONDS", 60, minimum=0)

# --- Auth, sessions -------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions in the database; with Redis, read through the shared cache and written to both
# (Django's cached_db, as pretix does), so the cache can be flushed without signing anyone out.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 24 * 14, minimum=60)

# Failed sign-ins (admin and facilitators) are throttled by django-axes: 10 failures for one
# username, or from one address, within 15 minutes lock that username or that address (not
# everyone) for 15 minutes from the last failure. Attempts are kept in the database, so the
# count holds across processes.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins need no record of address and browser
AXES_CLIENT_IP_CALLABLE = "collabassess.middleware.client_ip"
AXES_USERNAME_CALLABLE = "collabassess.middleware.client_username"  # fits axes' column
AXES_VERBOSE = False

# Facilitators sign in with Django's auth views (no open sign-up: invitations only).
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "facilitate_home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static files (everything served by the app itself: no CDN) ------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
# Serve straight from static/ unless collectstatic has been run for production.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names need collectstatic's manifest: only when not serving static/.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if WHITENOISE_USE_FINDERS
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail -------------------------------------------------------------------------------
# Invitation, member and password-reset e-mails carry working links: without DEBUG they must
# go where they are meant to, not into the process output, so the backend must be chosen (the
# console backend is allowed when set on purpose).
EMAIL_BACKEND = env_str("EMAIL_BACKEND")
if not EMAIL_BACKEND:
    if not DEBUG:
        raise ImproperlyConfigured(
            "The environment variable EMAIL_BACKEND must be set when DEBUG is off, for example "
            "django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST and DEFAULT_FROM_EMAIL: "
            "otherwise the e-mails' working links would be printed to the console. Set it to "
            "django.core.mail.backends.console.EmailBackend only if that is what you want."
        )
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# E-mails come from "<facilitator> via <this name>" over this address (assessments/emails.py).
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "CollabAssess <noreply@localhost>")
# New member invitations a collaboration may send in an hour (inviting an address again while
# its invitation waits re-sends that one, at most every 10 minutes, and is not counted).
MEMBER_INVITATIONS_PER_HOUR = env_int("MEMBER_INVITATIONS_PER_HOUR", 20, minimum=1)

# --- Background tasks (e-mails) ----------------------------------------------------------------
# Invitation and reminder e-mails are sent by a task. "database" queues them for the worker
# (manage.py db_worker); "immediate" runs them in the request (development and tests).
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate" if DEBUG else "database")
if TASKS_BACKEND not in {"immediate", "database"}:
    raise ImproperlyConfigured("TASKS_BACKEND must be 'immediate' or 'database'.")
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TASKS_BACKEND == "immediate"
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
if env_bool("BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# A strict policy on every page, the Django admin included (Django 5.2's admin needs neither
# inline scripts nor inline styles). Charts read their data from json_script blocks, which are
# data (type="application/json") and not executed, so no 'unsafe-inline' is needed anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# --- Product settings -----------------------------------------------------------------------
# The default framework that /framework/ shows and new collaborations assess against.
DEFAULT_FRAMEWORK_SLUG = "eight-characteristics"
# How long submitted responses are kept before they may be deleted; shown in the privacy notice.
RESPONSE_RETENTION_MONTHS = env_int("RESPONSE_RETENTION_MONTHS", 36, minimum=1)
PRIVACY_CONTACT = env_str("PRIVACY_CONTACT", "the facilitator of your collaboration")
# Invitees' e-mail addresses are deleted this many days after their round closes.
INVITATION_EMAIL_RETENTION_DAYS = env_int("INVITATION_EMAIL_RETENTION_DAYS", 30, minimum=0)

LOG_LEVEL = env_str("LOG_LEVEL", "WARNING")
# Every handler masks invitation and resume tokens (collabassess/log_filters.py). Django's own
# loggers are routed to the same handler, so no handler without the filter is left anywhere.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_tokens": {"()": "collabassess.log_filters.MaskTokens"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["mask_tokens"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # runserver's request lines (development only).
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
