"""The page's frame (head links, header, footer), rendered once per page for visitors who are
not signed in: partners, whose pages carry the most traffic, all see the same frame on a given
page. Signed-in visitors' frame (with the sign-out form's CSRF token) is rendered each time, and
so is everyone's with DEBUG on, so that template edits show at once."""

from django import template
from django.conf import settings
from django.template import Context
from django.urls import get_script_prefix

register = template.Library()

_rendered: dict[tuple, str] = {}


@register.simple_tag(takes_context=True)
def chrome(context, template_name: str) -> str:
    """``template_name`` rendered with ``request`` and ``user`` only: for a visitor who is not
    signed in it depends on nothing but the page (its URL name), so it is kept per page."""
    request, user = context.get("request"), context.get("user")
    partial = context.template.engine.get_template(template_name)
    signed_in = user is not None and user.is_authenticated
    if settings.DEBUG or request is None or signed_in:
        with context.push():
            return partial.render(context)
    match = request.resolver_match
    key = (template_name, match.url_name if match else None, get_script_prefix())
    html = _rendered.get(key)
    if html is None:
        html = _rendered[key] = partial.render(Context({"request": request, "user": user}))
    return html
