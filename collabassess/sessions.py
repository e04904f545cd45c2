"""Django's database sessions, read with one plain SQL query.

Every page a partner opens loads their session; Django's ``SessionStore`` builds that lookup
through the ORM each time, and compiling it cost more than running it. This store reads the
same row with the same conditions (the key, and not expired) in plain SQL; writing, cycling keys
and clearing expired sessions are Django's own.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        if not self.session_key:
            return None
        model = self.model
        connection = connections[router.db_for_read(model)]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        sql = (
            f"SELECT session_data FROM {connection.ops.quote_name(model._meta.db_table)} "  # noqa: S608
            "WHERE session_key = %s AND expire_date > %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's store does for a missing or expired session
            return None
        return SimpleNamespace(session_data=row[0])
