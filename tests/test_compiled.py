"""collabassess.compiled: a QuerySet compiled once gives what the ORM gives, for any values."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.db.transaction import TransactionManagementError

from assessments.models import Response
from assessments.services import respond as services
from collabassess.compiled import CompiledQuery
from tests.assessments.helpers import complete

pytestmark = pytest.mark.django_db

WITH_ROUND = CompiledQuery(
    lambda pk: Response.objects.select_related("round__collaboration", "team").filter(pk=pk),
    -1_000_001,
)


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_the_same_objects_as_the_orm_for_each_value(anon_client, team_link, content):
    submitted = complete(anon_client, team_link.token, content)
    draft, _ = services.response_start(round=team_link.round, team=team_link.team)
    for response in (submitted, draft):
        expected = Response.objects.select_related("round__collaboration", "team").get(
            pk=response.pk
        )
        got = WITH_ROUND.first(response.pk)
        assert _fields(got) == _fields(expected)
        assert _fields(got.round) == _fields(expected.round)
        assert _fields(got.round.collaboration) == _fields(expected.round.collaboration)
        assert _fields(got.team) == _fields(expected.team)
        assert got._state.adding is False and got._state.db == "default"
    # Converted as the ORM converts: a date, a dict from the JSON field.
    got = WITH_ROUND.first(submitted.pk)
    assert isinstance(got.personal_result, dict) and got.personal_result["rows"]
    assert isinstance(got.round.opens_on, datetime.date)


def test_no_row_is_none(db):
    assert WITH_ROUND.first(987_654_321) is None


def test_a_marker_must_be_among_the_parameters_exactly_once(db):
    twice = CompiledQuery(lambda pk: Response.objects.filter(pk=pk, round_id=pk), 77)
    with pytest.raises(ValueError, match="2 times"):
        twice.first(1)
    with pytest.raises(TypeError):
        WITH_ROUND.first()


@pytest.mark.django_db(transaction=True)
def test_select_for_update_needs_a_transaction(anon_client, team_link, content):
    locked = CompiledQuery(lambda pk: Response.objects.select_for_update().filter(pk=pk), -3)
    response = complete(anon_client, team_link.token, content)
    with transaction.atomic():
        assert locked.first(response.pk).pk == response.pk
    with pytest.raises(TransactionManagementError):
        locked.first(response.pk)
