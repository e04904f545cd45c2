"""Keep invitation, personal and resume tokens out of the server's logs.

Django logs the path of every 4xx and 5xx request (``django.request``: "Gone: /i/<token>/",
"Internal Server Error: /resume/<token>/" with the traceback), and runserver logs every request
line. A token is a key to someone's answers, so every handler in ``settings.LOGGING`` carries
this filter: it rewrites the record (message, traceback text, the request's path) before any
handler formats it.
"""

from __future__ import annotations

import logging
import re

MASK = "[masked]"
# /i/<token>/, /resume/<token>/, /accounts/invitation/<token>/ and the password reset link's
# /accounts/reset/<uid>/<token>/ anywhere in a message (a path, a URL, a request line).
TOKEN_IN_PATH = re.compile(
    r"(/(?:i|resume|accounts/invitation|accounts/reset/[^/\s]+)/)(?!set-password/)[^/\s?#'\"]+"
)
# A posted or queried token field: resume=..., token=... (form bodies, query strings).
TOKEN_FIELD = re.compile(r"(\b(?:resume|token)=)[^&\s'\"]+")
# A token field in a QueryDict or dict repr: 'resume': ['...'].
TOKEN_ITEM = re.compile(r"(['\"](?:resume|token)['\"]\s*:\s*\[?\s*['\"])[^'\"]*")
# Anything else shaped like one of our tokens: 40+ URL-safe base64 characters, mixed case with
# a digit (identifiers in tracebacks are not; a random 43-character token almost surely is).
TOKEN_LIKE = re.compile(
    r"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*[A-Z])(?=[A-Za-z0-9_-]*[0-9])[A-Za-z0-9_-]{40,}"
)


def mask(text: str) -> str:
    text = TOKEN_IN_PATH.sub(rf"\g<1>{MASK}", text)
    text = TOKEN_FIELD.sub(rf"\g<1>{MASK}", text)
    text = TOKEN_ITEM.sub(rf"\g<1>{MASK}", text)
    return TOKEN_LIKE.sub(MASK, text)


class MaskedRequest:
    """What a log record keeps of a request: its method and masked path."""

    def __init__(self, request):
        self.method = getattr(request, "method", "")
        self.path = mask(getattr(request, "path", ""))
        self.META = {}

    def __repr__(self) -> str:
        return f"<Request: {self.method} {self.path!r}>"


class MaskTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logged as it is
            return True
        record.msg, record.args = mask(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            # The formatted traceback, masked, stands in for the exception itself (whose
            # message may hold a token); formatters print exc_text when it is set.
            record.exc_text = mask(record.exc_text)
            record.exc_info = None
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            record.request = MaskedRequest(request)
        return True
