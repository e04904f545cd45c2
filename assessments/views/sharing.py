"""Placeholder: being built (issue 20)."""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404("Not built yet.")


sharing = revoke_board_link = board = board_updated = _todo
