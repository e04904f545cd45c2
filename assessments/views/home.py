"""The home page: what CollabAssess is, and on a development server the way into the demo."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from assessments.demo import DEMO_FACILITATOR, demo_links


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if settings.DEBUG:
        demo = [(team, request.build_absolute_uri(path)) for team, path in demo_links()]
        return render(request, "home.html", {"demo": demo, "demo_user": DEMO_FACILITATOR})
    return render(request, "home.html")
