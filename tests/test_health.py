"""Health checks: liveness without the database, readiness with it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError


def test_healthz_answers_ok_without_touching_the_database(client):
    # No django_db mark: any database access here would raise.
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "Set-Cookie" not in response.headers
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_readyz_asks_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/readyz/")
    assert (response.status_code, response.content) == (200, b"ok\n")


@pytest.mark.django_db
def test_readyz_is_a_503_when_the_database_does_not_answer(client):
    from django.db import connection

    def down(execute, sql, params, many, context):
        raise DatabaseError("connection refused")

    with connection.execute_wrapper(down):
        response = client.get("/readyz/")
    assert response.status_code == 503
    assert b"database unavailable" in response.content


def test_a_post_to_healthz_is_refused(client):
    assert client.post("/healthz/").status_code == 405
