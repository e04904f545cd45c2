"""A submitted response can no longer be tied to the personal link it came from.

Schema: a personal link says it was ``used``, not when (``used_on`` was the day of a submission);
a response keeps no date and no ``team_from_link`` flag (false only for personal-link responses),
and a draft from a personal link keeps its resume token sealed until the submit wipes it.

Data, what tied a response to its link until now:
- ``used_on`` becomes ``used``; a used link's ``reminded_on`` is wiped.
- The resume token of a personal link's draft was derived from the link's token, and so from
  its stored secret with SECRET_KEY. Every such response gets a new random resume token: a
  draft's is sealed with the key from the link's token (the link reaches it as before); a
  submitted response's old resume link stops working, as it would keep the tie. Links without a
  secret derive nothing (their token can't be worked out); their drafts are sealed at the next
  Start.
- Sessions: the personal link and its derived token leave every session; a session of a draft
  whose token changed gets the new one; a session that held a submitted response's signed id
  keeps that response's new token (if it got one) until a midnight set by the round's closing
  day, and otherwise nothing of it (its resume link still opens the results).

The derivations are written out here as they were, not imported: they must not follow later
changes of the code.
"""

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.db import migrations, models
from django.utils import timezone

BATCH = 500
OLD_RESULTS_SALT = "assessments.respondent_session.results"


def _mac(purpose: bytes, value: str) -> str:
    mac = hmac.new(settings.SECRET_KEY.encode(), purpose + value.encode(), "sha256")
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _seal(token: str, invitation_token: str) -> str:
    """``links.seal_resume_token(token, links.link_seal_key(invitation_token))`` as of now."""
    key = hmac.new(invitation_token.encode(), b"draft-seal", "sha256").hexdigest()
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    nonce = secrets.token_bytes(16)
    pad = hmac.new(bytes.fromhex(key), b"seal:" + nonce, "sha256").digest()
    return base64.urlsafe_b64encode(nonce + bytes(a ^ b for a, b in zip(raw, pad, strict=True))).decode()


def _results_expiry(closes_on) -> datetime:
    last = max(closes_on, timezone.localdate())
    days = -(-settings.SESSION_COOKIE_AGE // (24 * 60 * 60))
    return datetime.combine(last + timedelta(days=1 + days), time.min, tzinfo=UTC)


def _new_tokens(apps) -> tuple[dict[int, str], dict[int, str]]:
    """New resume tokens for the responses whose token was derived from a link's secret:
    ({draft id: token}, {submitted response id: token})."""
    IndividualLink = apps.get_model("assessments", "IndividualLink")
    Response = apps.get_model("assessments", "Response")
    drafts, submitted = {}, {}
    links = IndividualLink.objects.exclude(secret="").values_list("secret", flat=True)
    secrets_ = list(links.iterator())
    for start in range(0, len(secrets_), BATCH):
        by_digest = {}
        for secret in secrets_[start : start + BATCH]:
            invitation = _mac(b"personal-link:", secret)
            by_digest[_digest(_mac(b"resume:", invitation))] = invitation
        for response in Response.objects.filter(resume_digest__in=by_digest):
            invitation = by_digest[response.resume_digest]
            token = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
            response.resume_digest = _digest(token)
            if response.status == "draft":
                response.sealed_resume = _seal(token, invitation)
                drafts[response.pk] = token
            else:
                submitted[response.pk] = token
            response.save(update_fields=["resume_digest", "sealed_resume"])
    return drafts, submitted


def _clean_sessions(apps, drafts: dict[int, str], submitted: dict[int, str]) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    Session = apps.get_model("sessions", "Session")
    Response = apps.get_model("assessments", "Response")
    store = SessionStore()
    for row in Session.objects.iterator():
        data = store.decode(row.session_data)
        if not any(key in data for key in ("ca_link", "ca_link_resume", "ca_results")):
            continue
        data.pop("ca_link", None)
        data.pop("ca_link_resume", None)
        if data.get("ca_response") in drafts:
            data["ca_resume"] = drafts[data["ca_response"]]
        if "ca_results" in data:
            try:
                response_id = signing.loads(data.pop("ca_results"), salt=OLD_RESULTS_SALT)
            except (signing.BadSignature, TypeError):
                response_id = None
            if response_id in submitted:
                closes_on = (
                    Response.objects.filter(pk=response_id)
                    .values_list("round__closes_on", flat=True)
                    .first()
                )
                expiry = _results_expiry(closes_on)
                data["ca_results"] = submitted[response_id]
                data["_session_expiry"] = expiry.isoformat()
                row.expire_date = expiry
        row.session_data = store.encode(data)
        row.save(update_fields=["session_data", "expire_date"])


def forwards(apps, schema_editor):
    IndividualLink = apps.get_model("assessments", "IndividualLink")
    IndividualLink.objects.filter(used_on__isnull=False).update(used=True, reminded_on=None)
    drafts, submitted = _new_tokens(apps)
    _clean_sessions(apps, drafts, submitted)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0008_response_personal_result"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="individuallink",
            name="used",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="response",
            name="sealed_resume",
            field=models.CharField(blank=True, default="", editable=False, max_length=80),
        ),
        migrations.RemoveConstraint(
            model_name="response",
            name="response_submitted_has_date_and_no_link",
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="individuallink", name="used_on"),
        migrations.RemoveField(model_name="response", name="team_from_link"),
        migrations.RemoveField(model_name="response", name="started_on"),
        migrations.RemoveField(model_name="response", name="submitted_on"),
        migrations.AddConstraint(
            model_name="response",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status", "draft"),
                    models.Q(
                        ("individual_link__isnull", True),
                        ("sealed_resume", ""),
                        ("status", "submitted"),
                    ),
                    _connector="OR",
                ),
                name="response_submitted_keeps_no_link",
            ),
        ),
    ]
