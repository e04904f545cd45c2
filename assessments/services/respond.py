"""Writes that touch several assessment models. Each is one transaction.

Double submissions are settled by the database: a draft becomes submitted through a conditional
UPDATE (``WHERE status = 'draft'``), so of any number of concurrent submits exactly one changes the
row and the rest see it already submitted. Answers are upserted on the unique (response, indicator)
constraint, so two concurrent saves of one page cannot store two answers to one item.

The results a partner sees are worked out once, in the transaction that submits, and stored with
the response (``personal_result``); ``personal_results_backfill`` stores them for responses
submitted before they were kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from assessments import scoring
from assessments.models import (
    Answer,
    Comment,
    IndividualLink,
    Response,
    Round,
    Team,
    new_token,
    seal_resume_token,
    token_digest,
    unseal_resume_token,
)
from assessments.selectors.partner import personal_result_data
from assessments.services.snapshots import rollup_add_response
from frameworks.models import Characteristic, Indicator, ValueMode


class RoundNotOpen(ValidationError):
    """The round does not accept answers (closed, or not open yet)."""


class AlreadySubmitted(ValidationError):
    """The response was submitted: it cannot change any more."""


class LinkAlreadyUsed(ValidationError):
    """A single-use invitation link has already been used for a submitted response."""


def _check_open(round: Round) -> None:
    if not round.is_accepting:
        raise RoundNotOpen("This assessment round is not open for answers.")


def _locked_draft(response: Response) -> Response:
    """Re-read the response inside the transaction, locked, and make sure it is still a draft.

    Only the response's row is locked (OF self), as a submit locks it: locking the round's row
    too would make every save in a round wait for the others. The round is re-read with it, to
    check it still takes answers.
    """
    fresh = (
        Response.objects.select_for_update(of=("self",)).select_related("round").get(pk=response.pk)
    )
    if fresh.status != Response.Status.DRAFT:
        raise AlreadySubmitted("This response has already been submitted.")
    _check_open(fresh.round)
    return fresh


@transaction.atomic
def response_start(
    *,
    round: Round,
    team: Team | None = None,
    individual_link: IndividualLink | None = None,
    link_key: str | None = None,
    resume_token: str | None = None,
) -> tuple[Response, str]:
    """Open a draft for a respondent. Returns the draft and its private resume token.

    From a team link, the caller passes a ``resume_token`` derived from the browser session's
    start key: any number of concurrent starts then try to create the same draft, and the
    unique resume digest lets exactly one through; the others get that draft back.

    From a personal link, the caller passes the link and ``link_key``
    (``links.link_seal_key`` of its token). The link's row is locked, so starts from any number
    of browsers queue: the first creates the draft with a random resume token, sealed with the
    key, and the others open the seal and get the same draft and token back.
    """
    _check_open(round)
    if team is not None and team.collaboration_id != round.collaboration_id:
        raise ValidationError("That team is not part of this collaboration.")
    if individual_link is not None:
        return _start_from_personal_link(round=round, link=individual_link, key=link_key)
    token = resume_token or new_token()
    try:
        with transaction.atomic():
            response = Response.objects.create(
                round=round, team=team, resume_digest=token_digest(token)
            )
    except IntegrityError:
        response = (
            Response.objects.select_for_update().filter(resume_digest=token_digest(token)).first()
        )
        if response is None:
            raise
        if response.is_submitted:
            raise AlreadySubmitted("This response has already been submitted.") from None
    return response, token


def _start_from_personal_link(
    *, round: Round, link: IndividualLink, key: str | None
) -> tuple[Response, str]:
    if not key:
        raise ValidationError("A personal link's draft needs the key from its token.")
    # Locked: a submit from this link waits, or has finished and ``used`` is read as set. (A
    # submit takes the link's lock before its draft's, in this order: the two never deadlock.)
    link = IndividualLink.objects.select_for_update().get(pk=link.pk)
    if link.used:
        raise LinkAlreadyUsed("This invitation link has already been used.")
    draft = Response.objects.filter(individual_link=link, status=Response.Status.DRAFT).first()
    if draft is not None:
        token = unseal_resume_token(draft.sealed_resume, key)
        if token and token_digest(token) == draft.resume_digest:
            return draft, token
        # A draft from before its token was sealed (or a key that does not open the seal):
        # it gets a new token, sealed with this key; a resume link given before stops working.
        token = new_token()
        draft.resume_digest = token_digest(token)
        draft.sealed_resume = seal_resume_token(token, key)
        draft.save(update_fields=["resume_digest", "sealed_resume"])
        return draft, token
    token = new_token()
    draft = Response.objects.create(
        round=round,
        team_id=link.team_id,
        individual_link=link,
        resume_digest=token_digest(token),
        sealed_resume=seal_resume_token(token, key),
    )
    return draft, token


@transaction.atomic
def response_save_about(
    *, response: Response, team: Team | None, stakeholder_group: str
) -> Response:
    response = _locked_draft(response)
    if team is not None:
        if team.collaboration_id != response.round.collaboration_id:
            raise ValidationError("That team is not part of this collaboration.")
        response.team = team
    response.stakeholder_group = stakeholder_group
    response.save(update_fields=["team", "stakeholder_group"])
    return response


@transaction.atomic
def response_save_page(
    *,
    response: Response,
    characteristic: Characteristic,
    answers: Mapping[Indicator, int | None],
    blank: Iterable[Indicator] = (),
    comment: str,
) -> Response:
    """Store one characteristic page as shown on the page: its answers, the statements left
    blank and its comment.

    ``answers`` maps indicators of the page to a value 1–5 or None (don't know); an earlier
    answer to an indicator in ``blank`` is removed, and so is the page's comment when ``comment``
    is empty. Answers and the comment are upserted on their unique constraints
    (``answer_one_per_item_per_response``, ``comment_one_per_characteristic``), so two concurrent
    saves of one page cannot store two answers to one item; the check constraints still apply.
    """
    response = _locked_draft(response)
    if characteristic.version_id != response.round.framework_version_id:
        raise ValidationError("That characteristic is not part of this round's framework.")
    blank = list(blank)
    for indicator in [*answers, *blank]:
        if indicator.characteristic_id != characteristic.pk:
            raise ValidationError("An item does not belong to this page.")
    if answers:
        Answer.objects.bulk_create(
            [
                Answer(response=response, indicator=indicator, value=value)
                for indicator, value in answers.items()
            ],
            update_conflicts=True,
            unique_fields=["response", "indicator"],
            update_fields=["value"],
        )
    if blank:
        Answer.objects.filter(response=response, indicator__in=blank).delete()
    comment = comment.strip()
    if comment:
        Comment.objects.bulk_create(
            [Comment(response=response, characteristic=characteristic, text=comment)],
            update_conflicts=True,
            unique_fields=["response", "characteristic"],
            update_fields=["text"],
        )
    else:
        Comment.objects.filter(response=response, characteristic=characteristic).delete()
    return response


@transaction.atomic
def response_save_value_modes(*, response: Response, value_modes: Iterable[ValueMode]) -> Response:
    response = _locked_draft(response)
    response.value_modes.set(value_modes)
    return response


@transaction.atomic
def response_submit(*, response: Response) -> Response:
    """Submit a draft. Submitting an already submitted response returns it unchanged."""
    round = Round.objects.get(pk=response.round_id)
    if response.individual_link_id is not None:
        # The personal link first, as a start from it locks it: a start waits for this submit
        # (and then finds the link used), and the two never wait for each other's lock.
        list(
            IndividualLink.objects.select_for_update()
            .filter(pk=response.individual_link_id)
            .values_list("pk", flat=True)
        )
    # Locked: a page saved at the same moment waits, so the results worked out below are those
    # of the answers submitted.
    current = (
        Response.objects.select_for_update()
        .filter(pk=response.pk)
        .values("status", "individual_link_id")
        .get()
    )
    if current["status"] == Response.Status.SUBMITTED:
        return Response.objects.get(pk=response.pk)
    _check_open(round)
    link_id = current["individual_link_id"]
    # The respondent's own results, worked out once by scoring.py and stored with the
    # submission: its answers and the round's recorded value modes can no longer change.
    result = personal_result_data(
        Response.objects.select_related("round__framework_version").get(pk=response.pk)
    )
    # The conditional UPDATE is the guard: only one of many concurrent submits matches 'draft'.
    # It also wipes what tied the draft to a personal link (the reference and the sealed resume
    # token), and records no date: a submitted response can't be paired with its link.
    changed = Response.objects.filter(pk=response.pk, status=Response.Status.DRAFT).update(
        status=Response.Status.SUBMITTED,
        individual_link=None,
        sealed_resume="",
        personal_result=result,
    )
    if changed and link_id is not None:
        # That it was used, not when; and no last reminder or failed send, which would date
        # the use.
        marked = IndividualLink.objects.filter(pk=link_id, used=False).update(
            used=True, reminded_on=None, send_failed_on=None, send_failure=""
        )
        if not marked:
            raise LinkAlreadyUsed("This invitation link has already been used.")
    submitted = Response.objects.get(pk=response.pk)
    if changed:
        # In this transaction: the group results never miss or double-count a submission.
        rollup_add_response(response=submitted, round=round)
    return submitted


def personal_results_backfill(*, batch_size: int = 500) -> int:
    """Store the results of submitted responses that have none, or have them in an older format
    (responses submitted before results were stored at submit). Returns how many were stored.

    Each is worked out as at submit (``personal_result_data``: the round's recorded value modes
    and the answers, which a submitted response can no longer change).
    """
    stored = 0
    last = 0
    while True:
        batch = list(
            Response.objects.submitted()
            .filter(pk__gt=last)
            .filter(
                Q(personal_result__isnull=True)
                | ~Q(personal_result__format=scoring.PERSONAL_RESULT_FORMAT)
            )
            .select_related("round__framework_version")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            return stored
        last = batch[-1].pk
        for response in batch:
            with transaction.atomic():
                stored += (
                    Response.objects.submitted()
                    .filter(pk=response.pk)
                    .update(personal_result=personal_result_data(response))
                )
