"""Formatting only: these filters never query."""

from django import template

from assessments import scoring

register = template.Library()


@register.filter
def score(value) -> str:
    """A 1–5 mean with two decimals, halves up, as its band reads it (``scoring.shown``), or an
    en dash when there is none."""
    return "–" if value is None else str(scoring.shown(value))


@register.filter
def percent(value) -> str:
    """A 0–100 figure, rounded to a whole number, halves up (``scoring.rounded``)."""
    return "–" if value is None else str(scoring.rounded(value, 0))


@register.filter
def share(value) -> str:
    """A 0–1 share as a whole percentage, halves up: 1/8 reads 13% (``scoring.shown_share``)."""
    return "–" if value is None else f"{scoring.shown_share(value)}%"


@register.filter
def sd(value, n) -> str:
    """A standard deviation of ``n`` values with one decimal, or an en dash below
    ``scoring.SD_MIN_N`` values (``scoring.shown_sd``): ``{{ result.sd|sd:result.n }}``."""
    figure = scoring.shown_sd(value, n)
    return "–" if figure is None else str(figure)


@register.filter
def decimals(value, places) -> str:
    """Any other figure to ``places`` decimals, halves up (``scoring.rounded``)."""
    return "–" if value is None else str(scoring.rounded(value, int(places)))


@register.filter
def interval(value) -> str:
    """A 95 % interval (``scoring.Interval``) as "2.52 to 4.48", each end as a score is shown
    (two decimals, halves up), a minus sign where an end is below zero; an en dash when there
    is none."""
    return "–" if value is None else value.text


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
    figure = scoring.rounded(value, scoring.SCORE_PLACES)
    if not figure:
        return "0.00"
    return f"+{figure}" if figure > 0 else f"−{abs(figure)}"
