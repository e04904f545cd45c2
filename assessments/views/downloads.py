"""Placeholder: being built (issue 20)."""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404("Not built yet.")


round_chart = trends_chart = _todo
