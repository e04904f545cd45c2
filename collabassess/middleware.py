from django.middleware.common import CommonMiddleware as DjangoCommonMiddleware


class CommonMiddleware(DjangoCommonMiddleware):
    """Never redirect a POST to add a trailing slash.

    Django answers a slashless POST with a 301 (DEBUG off; the browser re-sends it as a GET and
    the answers are gone) or a 500 (DEBUG on). Here it simply does not match a URL: a 404.
    """

    def should_redirect_with_slash(self, request):
        if request.method not in ("GET", "HEAD"):
            return False
        return super().should_redirect_with_slash(request)


class NoStoreWhenSignedInMiddleware:
    """What a signed-in person is shown is never kept by their browser or a proxy
    (``Cache-Control: no-store``), whichever view drew it: Django's own account pages (changing
    the password) and the admin's password pages send no such header themselves.

    It goes above the session middleware, so that it sees the response as that leaves it: a
    response that read the session varies on the cookie. One that did not cannot show who is
    signed in, and is left as it is; this also keeps strangers' responses from loading a session
    they never sent.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils.cache import add_never_cache_headers, has_vary_header

        response = self.get_response(request)
        user = getattr(request, "user", None)
        if has_vary_header(response, "Cookie") and user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class RequestSanityMiddleware:
    """Refuse, with a 400 and a clear page, requests that no browser sends and that would
    otherwise reach the views and end in a 500.

    - A NUL byte in the path or the query string: PostgreSQL cannot take one in a filter
      (``ValueError``), so ``/i/abc%00def/`` was a server error there.
    - A form posted in a character set other than UTF-8 (every form here is UTF-8, and the
      browser sends it back so): an unknown charset was a ``LookupError``.
    """

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem:
            from django.shortcuts import render

            return render(request, "400.html", {"message": problem}, status=400)
        return self.get_response(request)

    def problem(self, request) -> str | None:
        from urllib.parse import unquote_plus

        if "\x00" in request.path or "\x00" in unquote_plus(request.META.get("QUERY_STRING", "")):
            return "This address contains a character that cannot be part of a link."
        if request.method in ("POST", "PUT", "PATCH") and request.content_type in self.FORM_TYPES:
            charset = request.content_params.get("charset")
            if charset and _codec_name(charset) != "utf-8":
                return "Forms must be sent as UTF-8."
        return None


def _codec_name(charset: str) -> str | None:
    import codecs

    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None


def client_ip(request) -> str:
    """The address that sign-in throttling counts failures for.

    Behind the HTTPS proxy (BEHIND_HTTPS_PROXY) every request comes from the proxy, so the
    address the proxy appended to X-Forwarded-For (the last one: a client can forge the others)
    is used; otherwise REMOTE_ADDR.
    """
    from django.conf import settings

    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last and _is_ip_address(last):
            return last
    return request.META.get("REMOTE_ADDR", "")


def _is_ip_address(value: str) -> bool:
    # django-axes stores the address in an IP address column: anything else would be a 500.
    import ipaddress

    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_username(request, credentials=None) -> str | None:
    """The user name that sign-in throttling counts failures for: the one typed, as django-axes
    would take it, made storable in its column.

    django-axes records each failure with the user name in a column of 255 characters. A longer
    one (10,000 characters, 300 emoji) was a 500 on PostgreSQL instead of "wrong user name or
    password", so it is cut to the column's length: no account has a name that long (Django's
    are at most 150), so the names cut together all count against nobody's account. A NUL byte,
    which PostgreSQL cannot store in text, is written as axes writes it in the posted data.
    """
    from axes.models import AccessAttempt
    from django.conf import settings

    field = settings.AXES_USERNAME_FORM_FIELD
    username = credentials.get(field) if credentials else request.POST.get(field)
    if username is None:
        return None
    column = AccessAttempt._meta.get_field("username").max_length
    return str(username).replace("\x00", "0x00")[:column]
