"""Placeholder: being built (issue 20)."""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404("Not built yet.")


collaboration_results = collaboration_results_updated = _todo
