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
