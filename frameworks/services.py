"""Writes that touch several framework models: each one a transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from frameworks.models import (
    Characteristic,
    CharacteristicConsideration,
    CharacteristicKeyStep,
    Example,
    Framework,
    FrameworkVersion,
    Indicator,
    IndicatorTip,
    Suggestion,
    Theme,
    ValueModeWeight,
)


def _copy_rows(model, rows, **changes):
    """Bulk-create copies of ``rows`` with ``changes`` (values or callables of the old row).

    Returns {old pk: new object}; bulk_create returns primary keys on PostgreSQL and SQLite.
    """
    rows = list(rows)
    concrete = [f for f in model._meta.concrete_fields if not f.primary_key]
    copies = []
    for row in rows:
        values = {f.attname: getattr(row, f.attname) for f in concrete}
        for name, change in changes.items():
            values[name] = change(row) if callable(change) else change
        copies.append(model(**values))
    created = model.objects.bulk_create(copies)
    return {row.pk: copy for row, copy in zip(rows, created, strict=True)}


def _copy_links(m2m_field, old_to_new: dict, target_map: dict | None = None) -> None:
    """Copy a many-to-many field's rows from old objects to their copies (one read, one write)."""
    through = m2m_field.remote_field.through
    source_name = m2m_field.m2m_field_name()
    target_name = m2m_field.m2m_reverse_field_name()
    rows = through.objects.filter(**{f"{source_name}__in": list(old_to_new)}).values_list(
        f"{source_name}_id", f"{target_name}_id"
    )
    through.objects.bulk_create(
        through(
            **{
                f"{source_name}_id": old_to_new[source].pk,
                f"{target_name}_id": target_map[target].pk if target_map else target,
            }
        )
        for source, target in rows
        if target_map is None or target in target_map
    )


@transaction.atomic
def version_copy(*, version: FrameworkVersion, adapted_by_user=None) -> FrameworkVersion:
    """Copy a version with everything in it into a new draft with the next edition number.

    The copy is a local adaptation, whatever it was copied from: adapted from the publisher's
    edition the original is or descends from, by the organisation the original names (if it
    is itself local) and by ``adapted_by_user``. It is never the publisher's.

    A fixed number of queries whatever the size of the version (one read and one bulk write per
    kind of content), pinned by a test.
    """
    # Lock the framework's row so two copies started at once are serialised and cannot take the
    # same number. (Locking the versions with select_for_update() and then aggregating took no
    # lock at all: the aggregate query carries no FOR UPDATE.) SQLite serialises writers anyway.
    Framework.objects.select_for_update().filter(pk=version.framework_id).get()
    numbers = FrameworkVersion.objects.filter(framework=version.framework_id)
    next_number = (numbers.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = FrameworkVersion.objects.create(
        framework_id=version.framework_id,
        number=next_number,
        title=version.title,
        source_id=version.source_id,
        introduction=version.introduction,
        example_heading=version.example_heading,
        status=FrameworkVersion.Status.DRAFT,
        strength_min=version.strength_min,
        developing_min=version.developing_min,
        copied_from=version,
        provenance=FrameworkVersion.Provenance.LOCAL,
        adapted_from_id=version.adapted_from_id if version.is_local else version.pk,
        adapted_by=version.adapted_by,
        adapted_by_user=adapted_by_user,
    )
    themes = _copy_rows(Theme, Theme.objects.filter(version=version), version_id=draft.pk)
    characteristics = _copy_rows(
        Characteristic,
        Characteristic.objects.filter(version=version),
        version_id=draft.pk,
        theme_id=lambda old: themes[old.theme_id].pk,
    )

    def new_characteristic(old):
        return characteristics[old.characteristic_id].pk

    in_version = {"characteristic__version": version}
    indicators = _copy_rows(
        Indicator, Indicator.objects.filter(**in_version), characteristic_id=new_characteristic
    )
    _copy_rows(
        IndicatorTip,
        IndicatorTip.objects.filter(indicator__characteristic__version=version),
        indicator_id=lambda old: indicators[old.indicator_id].pk,
    )
    examples = _copy_rows(
        Example, Example.objects.filter(**in_version), characteristic_id=new_characteristic
    )
    for model in (CharacteristicConsideration, CharacteristicKeyStep, ValueModeWeight):
        _copy_rows(model, model.objects.filter(**in_version), characteristic_id=new_characteristic)
    suggestions = _copy_rows(
        Suggestion, Suggestion.objects.filter(**in_version), characteristic_id=new_characteristic
    )
    _copy_links(Suggestion._meta.get_field("considerations"), suggestions)
    _copy_links(Suggestion._meta.get_field("key_steps"), suggestions)
    _copy_links(Suggestion._meta.get_field("examples"), suggestions, target_map=examples)
    return draft


def version_problems(version: FrameworkVersion) -> list[str]:
    """What stops a draft from being published (empty when it is ready)."""
    problems = []
    if version.is_local and not version.adapted_by.strip():
        problems.append(
            "Say which organisation adapted it (“adapted by”): the public pages credit a local "
            "adaptation to it, never to the publisher."
        )
    characteristics = list(version.characteristics.prefetch_related("indicators"))
    if not characteristics:
        problems.append("It has no characteristics.")
    for characteristic in characteristics:
        if not characteristic.indicators.all():
            problems.append(f"Characteristic {characteristic} has no indicators.")
    return problems


@transaction.atomic
def version_publish(*, version: FrameworkVersion) -> FrameworkVersion:
    """Publish a draft: from now on its scored content is frozen."""
    version = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != FrameworkVersion.Status.DRAFT:
        raise ValidationError(f"{version} is not a draft, so it cannot be published again.")
    problems = version_problems(version)
    if problems:
        raise ValidationError(problems)
    version.status = FrameworkVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    return version


@transaction.atomic
def version_retire(*, version: FrameworkVersion) -> FrameworkVersion:
    """Retire a published version: its results stay readable, new rounds cannot use it."""
    version = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != FrameworkVersion.Status.PUBLISHED:
        raise ValidationError(f"Only a published version can be retired; {version} is not.")
    version.status = FrameworkVersion.Status.RETIRED
    # A retired edition is not offered for new rounds: the public page goes back to its default.
    version.show_on_framework_page = False
    version.save(update_fields=["status", "show_on_framework_page"])
    return version


@transaction.atomic
def version_show_publicly(*, version: FrameworkVersion) -> FrameworkVersion:
    """Make ``version`` the edition the public framework page shows, in place of the default
    (the publisher's newest) or of the edition chosen before."""
    # The framework's row is locked so two admins choosing at once end with one choice, not an
    # IntegrityError from the one-shown-per-framework constraint.
    Framework.objects.select_for_update().filter(pk=version.framework_id).get()
    version = FrameworkVersion.objects.get(pk=version.pk)
    if version.status != FrameworkVersion.Status.PUBLISHED:
        raise ValidationError(
            f"{version} is not published, so it cannot be shown on the public framework page."
        )
    FrameworkVersion.objects.filter(
        framework=version.framework_id, show_on_framework_page=True
    ).exclude(pk=version.pk).update(show_on_framework_page=False)
    version.show_on_framework_page = True
    version.save(update_fields=["show_on_framework_page"])
    return version


@transaction.atomic
def framework_show_default(*, framework: Framework) -> None:
    """The public framework page goes back to the publisher's newest published edition."""
    FrameworkVersion.objects.filter(framework=framework, show_on_framework_page=True).update(
        show_on_framework_page=False
    )
