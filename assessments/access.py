"""What a signed-in user may see and change: the one place every facilitator page goes through.

Every facilitator URL carries a collaboration id. ``facilitator_view`` resolves it through the
signed-in user's memberships before anything else, so another collaboration's object is a 404
for every method (never a 403 that would confirm it exists). Then the method must be one the
page takes (405), then the member's role must allow it: reading needs ``read`` (viewers and up
by default), any other method needs ``write`` (facilitators and up by default); else 403.
Objects inside the collaboration are then looked up through it (``round_of``, ``team_of``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache

from assessments.models import Collaboration, Membership, Role, Round, Team

READ_METHODS = ("GET", "HEAD")


@dataclass(frozen=True)
class Access:
    """The signed-in member's collaboration and membership, as the view may use them."""

    collaboration: Collaboration
    membership: Membership

    def can(self, role: str) -> bool:
        return self.membership.can(role)

    @property
    def can_facilitate(self) -> bool:
        return self.can(Role.FACILITATOR)

    @property
    def is_owner(self) -> bool:
        return self.can(Role.OWNER)


def membership_for(user, collaboration_id: int) -> Membership:
    """The user's membership of the collaboration, with it (one query); else 404."""
    membership = (
        Membership.objects.select_related("collaboration")
        .filter(user=user, collaboration_id=collaboration_id)
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if membership is None:
        raise Http404("No such collaboration.")
    return membership


def facilitator_view(
    *,
    read: str = Role.VIEWER,
    write: str = Role.FACILITATOR,
    methods: tuple[str, ...] = ("GET", "HEAD", "POST"),
) -> Callable:
    """Decorate a view taking ``(request, access, ...)`` for URLs with a ``collaboration_id``.

    Anonymous users go to the sign-in page. Pages are never cached: they hold people's e-mail
    addresses and invitation links.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, collaboration_id: int, *args, **kwargs) -> HttpResponse:
            membership = membership_for(request.user, collaboration_id)
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            needed = read if request.method in READ_METHODS else write
            if not membership.can(needed):
                raise PermissionDenied("Your role in this collaboration does not allow this.")
            access = Access(collaboration=membership.collaboration, membership=membership)
            return view(request, access, *args, **kwargs)

        wrapper.access_rule = {"read": read, "write": write, "methods": methods}
        return login_required(never_cache(wrapper))

    return decorator


def round_of(access: Access, round_id: int) -> Round:
    round = get_object_or_404(
        Round.objects.select_related("framework_version__framework", "framework_version__source"),
        collaboration=access.collaboration,
        pk=round_id,
    )
    round.collaboration = access.collaboration
    return round


def team_of(access: Access, team_id: int) -> Team:
    return get_object_or_404(Team, collaboration=access.collaboration, pk=team_id)


def posted(request: HttpRequest):
    """A form's data: the POST on a POST (even an empty one, which must fail validation rather
    than show a blank form), None otherwise."""
    return request.POST if request.method == "POST" else None
