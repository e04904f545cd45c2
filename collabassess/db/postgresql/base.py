"""Django's PostgreSQL backend, with a health check that costs no round trip.

With persistent connections (CONN_MAX_AGE) and CONN_HEALTH_CHECKS, Django checks a reused
connection at the start of each request by running ``SELECT 1``: a round trip to the server on
every request, a tenth of a question page's time. Between requests a connection is idle in
autocommit and the server has no reason to send anything, so this check asks the operating
system instead whether anything has arrived: a backend ended by a restart or by an
administrator sends its goodbye and closes the socket, which makes it readable. A readable idle
connection is closed and the request opens a new one; nothing is read, so nothing is lost.

Only the check at the start of a request changes. After a request whose queries failed, Django
still runs ``SELECT 1`` (``is_usable``) before keeping the connection.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.connection is None
            or not self.health_check_enabled
            or self.health_check_done
            or self.pool
        ):
            return
        if self._server_hung_up():
            self.close()
        self.health_check_done = True

    def _server_hung_up(self) -> bool:
        """Whether the server has sent anything (or closed) on this idle connection."""
        connection = self.connection
        if connection.closed:
            return True
        poller = select.poll()
        poller.register(connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
        return bool(poller.poll(0))
