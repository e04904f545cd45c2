"""Public, read-only framework pages (no login)."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from frameworks import revision
from frameworks.models import (
    ApproachFeature,
    ApproachType,
    Consideration,
    FrameworkVersion,
    KeyStep,
    PracticalQuestion,
    Source,
    ValueMode,
)

VISIBLE = (FrameworkVersion.Status.PUBLISHED, FrameworkVersion.Status.RETIRED)


def _get_visible_version(framework_slug: str, number: int | None = None) -> FrameworkVersion:
    """A published (or retired) version, or 404: drafts are not public."""
    versions = FrameworkVersion.objects.for_framework_page().filter(
        framework__slug=framework_slug, status__in=VISIBLE
    )
    if number is None:
        # The edition an admin chose to show, else the publisher's newest: never a local
        # adaptation merely because it is newer.
        version = versions.in_public_order().first()
        if version is None:
            raise Http404("No published edition of this framework yet.")
        return version
    return get_object_or_404(versions, number=number)


@require_safe
def framework_current(request: HttpRequest) -> HttpResponse:
    return _framework_page(request, settings.DEFAULT_FRAMEWORK_SLUG, None)


@require_safe
def framework_edition(request: HttpRequest, framework_slug: str, number: int) -> HttpResponse:
    return _framework_page(request, framework_slug, number)


def _framework_page(request: HttpRequest, framework_slug: str, number: int | None) -> HttpResponse:
    """The edition with everything the page shows is read once per edition and content revision
    (``frameworks.revision``: any edit of framework content changes it) and the page is rendered
    from its template on every request. A 404 is never cached."""
    key = revision.cache_key("framework-page", framework_slug, number or "current")
    context = revision.get_or_build(
        key, lambda: _framework_context(_get_visible_version(framework_slug, number))
    )
    return render(request, "frameworks/framework.html", context)


def _framework_context(version: FrameworkVersion) -> dict:
    editions = FrameworkVersion.objects.filter(
        framework=version.framework, status__in=VISIBLE
    ).order_by("-number")
    return {
        "version": version,
        "editions": list(
            editions.only(
                "number", "status", "provenance", "framework__slug", "adapted_from__number"
            ).select_related("framework", "adapted_from")
        ),
        # Lists, not querysets: the context is kept in the content cache as it is.
        "value_modes": list(ValueMode.objects.select_related("source")),
        "approach_features": list(ApproachFeature.objects.select_related("source")),
        "approach_types": list(ApproachType.objects.select_related("source")),
        "considerations": list(Consideration.objects.select_related("source")),
        "practical_questions": list(PracticalQuestion.objects.select_related("source")),
        "key_steps": list(KeyStep.objects.select_related("source")),
    }


@require_safe
def sources(request: HttpRequest) -> HttpResponse:
    # Local adaptations shown publicly are credited here too: to whoever adapted them, with
    # the publisher credited for the original only.
    adaptations = (
        FrameworkVersion.objects.filter(
            provenance=FrameworkVersion.Provenance.LOCAL, status__in=VISIBLE
        )
        .select_related("framework", "source", "adapted_from")
        .order_by("framework__name", "number")
    )
    return render(
        request,
        "frameworks/sources.html",
        {"sources": Source.objects.prefetch_related("resources"), "adaptations": adaptations},
    )
