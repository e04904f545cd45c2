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
    FrameworkVersion,
    Indicator,
    IndicatorTip,
    Suggestion,
    Theme,
    ValueModeWeight,
)


@transaction.atomic
def version_copy(*, version: FrameworkVersion) -> FrameworkVersion:
    """Copy a version with everything in it into a new draft with the next edition number."""
    # Lock the framework's versions so two copies started at once cannot take the same number.
    numbers = FrameworkVersion.objects.select_for_update().filter(framework=version.framework)
    next_number = (numbers.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = FrameworkVersion.objects.create(
        framework=version.framework,
        number=next_number,
        title=version.title,
        source=version.source,
        introduction=version.introduction,
        example_heading=version.example_heading,
        status=FrameworkVersion.Status.DRAFT,
        strength_min=version.strength_min,
        developing_min=version.developing_min,
        copied_from=version,
    )

    themes = {}
    for theme in version.themes.all():
        themes[theme.pk] = Theme.objects.create(
            version=draft,
            slug=theme.slug,
            number=theme.number,
            name=theme.name,
            summary=theme.summary,
        )

    characteristics = {}
    source_characteristics = version.characteristics.prefetch_related(
        "indicators__tip",
        "examples",
        "consideration_links",
        "key_step_links",
        "value_mode_weights",
        "suggestions__considerations",
        "suggestions__key_steps",
        "suggestions__examples",
    )
    for old in source_characteristics:
        new = Characteristic.objects.create(
            version=draft,
            theme=themes[old.theme_id],
            number=old.number,
            slug=old.slug,
            name=old.name,
            short_name=old.short_name,
            definition=old.definition,
            why_it_matters=old.why_it_matters,
        )
        characteristics[old.pk] = new
        for indicator in old.indicators.all():
            copy = Indicator.objects.create(
                characteristic=new,
                position=indicator.position,
                key=indicator.key,
                text=indicator.text,
            )
            tip = getattr(indicator, "tip", None)
            if tip is not None:
                IndicatorTip.objects.create(indicator=copy, text=tip.text)
        examples = {}
        for example in old.examples.all():
            examples[example.pk] = Example.objects.create(
                characteristic=new,
                position=example.position,
                title=example.title,
                body=example.body,
            )
        CharacteristicConsideration.objects.bulk_create(
            CharacteristicConsideration(
                characteristic=new, consideration_id=link.consideration_id, reason=link.reason
            )
            for link in old.consideration_links.all()
        )
        CharacteristicKeyStep.objects.bulk_create(
            CharacteristicKeyStep(
                characteristic=new, key_step_id=link.key_step_id, reason=link.reason
            )
            for link in old.key_step_links.all()
        )
        ValueModeWeight.objects.bulk_create(
            ValueModeWeight(
                characteristic=new,
                value_mode_id=weight.value_mode_id,
                weight=weight.weight,
                reason=weight.reason,
            )
            for weight in old.value_mode_weights.all()
        )
        for suggestion in old.suggestions.all():
            copy = Suggestion.objects.create(
                characteristic=new,
                band=suggestion.band,
                position=suggestion.position,
                text=suggestion.text,
            )
            copy.considerations.set(suggestion.considerations.all())
            copy.key_steps.set(suggestion.key_steps.all())
            copy.examples.set(
                [examples[e.pk] for e in suggestion.examples.all() if e.pk in examples]
            )
    return draft


def version_problems(version: FrameworkVersion) -> list[str]:
    """What stops a draft from being published (empty when it is ready)."""
    problems = []
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
    version.save(update_fields=["status"])
    return version
