"""Formatting only: these filters never query."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from assessments import scoring
from assessments.figures import ScriptJSON, script_json

register = template.Library()


@register.filter
def score(value) -> str:
    """A 1–5 mean with two decimals, halves up, as its band reads it (``scoring.shown``), or an
    en dash when there is none."""
    return "–" if value is None else str(scoring.shown(value))


@register.filter
def percent(value) -> str:
    """A 0–100 figure, rounded to a whole number."""
    return "–" if value is None else f"{float(value):.0f}"


@register.filter
def share(value) -> str:
    """A 0–1 share as a whole percentage."""
    return "–" if value is None else f"{float(value) * 100:.0f}%"


@register.filter
def sd(value) -> str:
    """A standard deviation with two decimals."""
    return "–" if value is None else f"{float(value):.2f}"


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when absent)."""
    return mapping.get(key)


@register.filter
def trend_name(trends, number) -> str:
    """A characteristic's name in ``trends`` (what the latest round calls it)."""
    return trends.name(number)


@register.filter
def signed(value) -> str:
    """A change in score with its sign and two decimals: +0.25, −0.10, 0.00."""
    if value is None:
        return "–"
    if abs(value) < 0.005:
        return "0.00"
    return f"+{value:.2f}" if value > 0 else f"−{abs(value):.2f}"


@register.filter
def json_data(value, element_id):
    """Django's ``json_script``, the same output, faster: ``value`` may come serialised and
    escaped already (``figures.ScriptJSON``), as the personal radar does."""
    text = value if isinstance(value, ScriptJSON) else script_json(value)
    return format_html(
        '<script id="{}" type="application/json">{}</script>',
        element_id,
        mark_safe(text),  # noqa: S308 - JSON with <, > and & escaped, as json_script writes it
    )
