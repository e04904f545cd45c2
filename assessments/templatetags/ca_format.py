"""Formatting only: these filters never query."""

from django import template

register = template.Library()


@register.filter
def score(value) -> str:
    """A 1–5 mean with two decimals, or an en dash when there is none."""
    return "–" if value is None else f"{value:.2f}"


@register.filter
def percent(value) -> str:
    """A 0–100 figure, rounded to a whole number."""
    return "–" if value is None else f"{value:.0f}"


@register.filter
def share(value) -> str:
    """A 0–1 share as a whole percentage."""
    return "–" if value is None else f"{value * 100:.0f}%"
