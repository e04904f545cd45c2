"""The questionnaire of a framework version, built once and kept in the cache.

A published version's characteristics and indicators are frozen; the narrative around them is
not, so everything here is keyed by the content revision (``frameworks.revision``): an admin
edit is on the next request. Per request a question page then reads only what changes per
respondent: their draft's answers and comment on that page.

* ``version(version_id)``: the version with its framework.
* ``characteristics(version_id)``: the characteristics, in order, with their indicators
  prefetched (model instances, as the forms and services take them).
* ``items_html(version_id, number, values)``: the statements of one page with their answer
  scales, rendered once per version and revision by the same partial as a page with errors
  (``assessments/_items.html``), then marked with this respondent's answers (``checked``).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from frameworks import revision
from frameworks.models import Characteristic, FrameworkVersion, Indicator


def version(version_id: int) -> FrameworkVersion:
    """The framework version with its framework (their narrative fields are in the revision)."""

    def build():
        return FrameworkVersion.objects.select_related("framework").get(pk=version_id)

    return revision.get_or_build(revision.cache_key("version", version_id), build)


def characteristics(version_id: int) -> list[Characteristic]:
    def build():
        return list(
            Characteristic.objects.filter(version_id=version_id)
            .order_by("number")
            .prefetch_related(
                Prefetch("indicators", queryset=Indicator.objects.order_by("position"))
            )
        )

    return revision.get_or_build(revision.cache_key("questionnaire", version_id), build)


def _blank_items(version_id: int, number: int) -> str | None:
    from assessments.forms.respond import CharacteristicForm

    def build():
        characteristic = next((c for c in characteristics(version_id) if c.number == number), None)
        if characteristic is None:
            return ""
        form = CharacteristicForm(indicators=list(characteristic.indicators.all()))
        return str(render_to_string("assessments/_items.html", {"form": form}))

    return revision.get_or_build(revision.cache_key("items", version_id, number), build) or None


def items_html(version_id: int, number: int, values: Mapping[int, str]) -> SafeString | None:
    """The page's statements and scales with ``values`` (indicator id → "1".."5" or "dk")
    ticked: exactly what ``_items.html`` renders for a form with those initial values."""
    html = _blank_items(version_id, number)
    if html is None:
        return None
    for indicator_id, value in values.items():
        radio = f'name="item_{indicator_id}" value="{value}" id="id_item_{indicator_id}_'
        start = html.find(radio)
        if start < 0:
            continue
        end = html.index(">", start)
        html = f"{html[:end]} checked{html[end:]}"
    # Rendered (and escaped) by our template; only " checked" is added, inside a tag it holds.
    return mark_safe(html)  # noqa: S308
