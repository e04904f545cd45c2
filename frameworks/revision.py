"""The content revision: what every cached piece of framework content is keyed by.

A published edition's scored fields are frozen, but its narrative fields (why it matters,
examples, suggestions, tips, links, …) stay editable in the admin. Pages that show content keep
what they build from it in the cache under a key that ends with the current revision
(``cache_key``), and **every write to framework content bumps the revision** (``connect``: one
receiver on every save, delete and many-to-many change of every model of the ``frameworks``
app, and on ``content_bulk_written``, which its querysets send for bulk updates and creates).
The next request, in any process that shares the cache, builds afresh: nothing is ever stale
after an edit. The models know nothing of this.

The revision lives in the cache itself, so reading it costs no query. With ``REDIS_URL`` set
that cache is shared by every process. Without it each process has its own (local memory):
fine for one process; with several, an edit reaches the other processes only when their own
copies expire (``CONTENT_CACHE_SECONDS``), which the README says.

A revision is a fresh random token, never a counter: a revision evicted from the cache comes
back as a new token, so it can never bring back fragments cached under an older one.

Two things spare a request the shared cache (both measured; see the commit that kept them):
the revision is read once per request, and what ``get_or_build`` returns is also kept in this
process, under the same key (so an edit changes it) and for no longer than the cache keeps it.
The caller gets the same object each time: content, never markup, and never changed.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from frameworks.signals import content_bulk_written

KEY = "frameworks:content-revision"
LOCAL_ENTRIES = 256

# The revision as this request first read it: set between request_started and
# request_finished only, in the request's thread; a bump in the request clears it.
_request = threading.local()

# What this process last read or built, by cache key: {key: (value, expires at or None)},
# the least recently used dropped first.
_local: OrderedDict = OrderedDict()
_lock = threading.Lock()


def _token() -> str:
    return secrets.token_hex(8)


def current() -> str:
    """The current revision (one cache read per request; never a query)."""
    if not getattr(_request, "active", False):
        return _read()
    if getattr(_request, "revision", None) is None:
        _request.revision = _read()
    return _request.revision


def _read() -> str:
    value = cache.get(KEY)
    if value is None:
        cache.add(KEY, _token(), timeout=None)
        value = cache.get(KEY) or _token()
    return value


def bump() -> None:
    """Framework content changed: everything cached under the old revision is out of date.

    Bumped at once and again when the transaction commits: a request that read the old content
    just before the commit may have cached it under the revision bumped at once."""
    _set(_token())
    transaction.on_commit(lambda: _set(_token()))


def _set(value: str) -> None:
    cache.set(KEY, value, timeout=None)
    _request.revision = None


def cache_key(*parts) -> str:
    """A cache key for something built from framework content, valid for this revision."""
    return ":".join(["content", current(), *(str(part) for part in parts)])


def timeout() -> int | None:
    """How long content built from framework content is kept: as long as the cache likes when it
    is shared (the revision keeps it right), else CONTENT_CACHE_SECONDS."""
    return None if getattr(settings, "CACHE_IS_SHARED", False) else settings.CONTENT_CACHE_SECONDS


def get_or_build(key: str, build):
    """``build()``'s value, cached under ``key`` (made with ``cache_key``)."""
    now = time.monotonic()
    with _lock:
        entry = _local.get(key)
        if entry is not None and (entry[1] is None or entry[1] > now):
            _local.move_to_end(key)
            return entry[0]
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout())
    seconds = timeout()
    with _lock:
        _local[key] = (value, None if seconds is None else now + seconds)
        _local.move_to_end(key)
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)
    return value


def _changed(sender, **kwargs) -> None:
    bump()


def _m2m_changed(sender, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        bump()


def _migrated(**kwargs) -> None:
    # What the cache holds is pickled: after an upgrade the classes it names may have moved or
    # changed, so a deploy (which migrates) starts from a new revision.
    bump()


def _request_started(**kwargs) -> None:
    _request.active, _request.revision = True, None


def _request_finished(**kwargs) -> None:
    _request.active, _request.revision = False, None


def connect() -> None:
    """Bump the revision on every write of framework content and on every migrate, and read it
    once per request (AppConfig.ready)."""
    request_started.connect(_request_started, dispatch_uid="revision-request-started")
    request_finished.connect(_request_finished, dispatch_uid="revision-request-finished")
    content_bulk_written.connect(_changed, dispatch_uid="revision-bulk-written")
    post_migrate.connect(
        _migrated, sender=apps.get_app_config("frameworks"), dispatch_uid="revision-migrated"
    )
    for model in apps.get_app_config("frameworks").get_models():
        post_save.connect(_changed, sender=model, dispatch_uid=f"revision-save-{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"revision-delete-{model.__name__}"
        )
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _m2m_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"revision-m2m-{model.__name__}-{field.name}",
            )
