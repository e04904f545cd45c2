"""The questionnaire of a framework version, read once and kept in the cache.

A published version's characteristics and indicators are frozen; the narrative around them is
not, so everything here is keyed by the content revision (``frameworks.revision``): an admin
edit is on the next request. Per request a question page then reads only what changes per
respondent: their draft's answers and comment on that page (``selectors.partner``).

* ``version(version_id)``: the version with its framework.
* ``characteristics(version_id)``: the characteristics, in order, with their indicators
  prefetched (model instances, as the forms and services take them).
"""

from __future__ import annotations

from django.db.models import Prefetch

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
