"""The database holds the invariants, by named constraints."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.models import (
    Answer,
    Comment,
    IndividualLink,
    Response,
    Round,
    TeamLink,
    token_digest,
)
from frameworks.models import Indicator

pytestmark = pytest.mark.django_db


def _draft(round, **kwargs):
    return Response.objects.create(
        round=round, resume_digest=token_digest(str(kwargs.pop("n", 1))), **kwargs
    )


def _fails(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_one_answer_per_item_per_response(open_round, content):
    response = _draft(open_round)
    indicator = Indicator.objects.filter(characteristic__version=content).first()
    Answer.objects.create(response=response, indicator=indicator, value=3)
    _fails(lambda: Answer.objects.create(response=response, indicator=indicator, value=4))


@pytest.mark.parametrize("value", [0, 6, 9])
def test_answer_value_inside_the_scale(open_round, content, value):
    response = _draft(open_round)
    indicator = Indicator.objects.filter(characteristic__version=content).first()
    _fails(lambda: Answer.objects.create(response=response, indicator=indicator, value=value))


def test_dont_know_is_a_null_value(open_round, content):
    response = _draft(open_round)
    indicator = Indicator.objects.filter(characteristic__version=content).first()
    assert Answer.objects.create(response=response, indicator=indicator, value=None).value is None


def test_comment_length_is_limited_in_the_database(open_round, content):
    response = _draft(open_round)
    characteristic = content.characteristics.first()
    _fails(
        lambda: Comment.objects.create(
            response=response, characteristic=characteristic, text="x" * 2001
        )
    )


def test_min_group_size_never_below_three(collaboration, content):
    today = timezone.localdate()
    _fails(
        lambda: Round.objects.create(
            collaboration=collaboration,
            framework_version=content,
            title="x",
            opens_on=today,
            closes_on=today,
            min_group_size=2,
        )
    )


def test_round_closes_after_it_opens(collaboration, content):
    today = timezone.localdate()
    _fails(
        lambda: Round.objects.create(
            collaboration=collaboration,
            framework_version=content,
            title="x",
            opens_on=today,
            closes_on=today - timedelta(days=1),
        )
    )


def test_one_team_link_per_team_and_round(team_link):
    _fails(lambda: TeamLink.objects.create(round=team_link.round, team=team_link.team))


def test_one_open_draft_per_individual_link(open_round):
    link, _ = IndividualLink.issue(round=open_round)
    _draft(open_round, n=1, individual_link=link)
    _fails(lambda: _draft(open_round, n=2, individual_link=link))


def test_a_submitted_response_keeps_no_link_and_no_sealed_token(open_round):
    link, _ = IndividualLink.issue(round=open_round)
    _fails(lambda: _draft(open_round, n=4, status="submitted", individual_link=link))
    _fails(lambda: _draft(open_round, n=5, status="submitted", sealed_resume="sealed"))
    _draft(open_round, n=6, status="submitted")


def test_tokens_have_at_least_128_bits(team_link, open_round):
    import base64

    raw = base64.urlsafe_b64decode(team_link.token + "==")
    assert len(raw) * 8 >= 128
    link, token = IndividualLink.issue(round=open_round)
    assert len(base64.urlsafe_b64decode(token + "==")) * 8 >= 128
    # Only a digest is stored: no column of the link's row holds the token.
    row = IndividualLink.objects.filter(pk=link.pk).values().get()
    assert row["token_digest"] == token_digest(token)
    assert not any(token in str(value) for value in row.values())


def test_a_response_stores_no_personal_data():
    names = {f.name for f in Response._meta.get_fields()}
    for forbidden in [
        "user",
        "email",
        "ip",
        "ip_address",
        "user_agent",
        "token",
        "created_at",
        "updated_at",
    ]:
        assert forbidden not in names
    date_fields = {
        f.name for f in Response._meta.concrete_fields if f.get_internal_type() == "DateTimeField"
    }
    assert date_fields == set()  # dates to the day only


def test_published_rounds_only(collaboration, content):
    from django.core.exceptions import ValidationError

    from frameworks.services import version_copy

    draft_version = version_copy(version=content)
    today = timezone.localdate()
    round = Round(
        collaboration=collaboration,
        framework_version=draft_version,
        title="x",
        opens_on=today,
        closes_on=today,
    )
    with pytest.raises(ValidationError, match="published"):
        round.full_clean()


def test_framework_content_used_by_answers_cannot_be_deleted(open_round, content):
    from django.db.models import ProtectedError

    from frameworks.models import FrozenContentError

    response = _draft(open_round)
    indicator = Indicator.objects.filter(characteristic__version=content).first()
    Answer.objects.create(response=response, indicator=indicator, value=2)
    with pytest.raises(FrozenContentError):
        content.delete()
    # Even bypassing the freeze (the base manager skips it), answers protect their items.
    with pytest.raises(ProtectedError):
        Indicator._base_manager.filter(pk=indicator.pk).delete()
    assert Indicator.objects.filter(pk=indicator.pk).exists()
