"""Formatting for the PDF reports only: these filters never query."""

import base64

from django import template

register = template.Library()


@register.filter
def chart_src(markup: str) -> str:
    """An SVG chart drawn by ``assessments.svg`` as the ``src`` of an <img> (a data: URL, which
    ``reports.StaticFilesFetcher`` decodes without fetching anything). WeasyPrint tags an <img>
    with its ``alt`` as a figure with alternative text in the PDF; an inline <svg> it does not:
    ``<img class="chart-image" src="{{ radar_svg|chart_src }}" alt="…">``."""
    return "data:image/svg+xml;base64," + base64.b64encode(str(markup).encode()).decode("ascii")
