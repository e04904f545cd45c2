"""Framework content: reference data loaded from fixtures and edited in the admin.

Two kinds of content live here:

* **Versioned content** (a framework's editions with their themes, characteristics, indicators,
  examples, weights and suggestions). Once a version is published it is *frozen*: the fields that
  scoring depends on (wording, order, bands, weights) refuse to change, in the model layer, so no edit
  can ever change a result that was already given. Narrative fields (why it matters, examples, links,
  suggestion texts) stay editable and every admin edit is kept in :class:`ContentChange`.
* **Shared reference content** from THIS Institute and NHS Professionals, which no score depends on.

Every object has a natural key so fixtures can be loaded into any database and re-loaded safely.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

SCALE_MIN = 1
SCALE_MAX = 5


class FrozenContentError(ValidationError):
    """Raised when code tries to change or delete frozen content of a published version."""


class RevisionQuerySet(models.QuerySet):
    """Bulk writes bypass the save and delete signals that bump the content revision
    (``frameworks.revision``): they bump it themselves, so no cached page outlives an edit."""

    def update(self, **kwargs):
        from frameworks.revision import bump

        result = super().update(**kwargs)
        bump()
        return result

    def delete(self):
        from frameworks.revision import bump

        result = super().delete()
        bump()
        return result

    def bulk_create(self, objs, *args, **kwargs):
        from frameworks.revision import bump

        result = super().bulk_create(objs, *args, **kwargs)
        bump()
        return result


class SlugManager(models.Manager.from_queryset(RevisionQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Source(models.Model):
    """A publisher's document that content is taken from; shown on the Sources page."""

    slug = models.SlugField(unique=True)
    publisher = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    attribution = models.TextField(
        help_text="How the content must be credited wherever it is shown."
    )
    licence_note = models.TextField(blank=True)
    url = models.URLField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = SlugManager()

    class Meta:
        ordering = ["position", "publisher", "title"]

    def __str__(self) -> str:
        return f"{self.publisher}: {self.title}"

    def natural_key(self):
        return (self.slug,)


# --------------------------------------------------------------------------------------------
# Versioned framework content
# --------------------------------------------------------------------------------------------


class Framework(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    summary = models.TextField(blank=True)

    objects = SlugManager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.slug,)


class FrameworkVersionQuerySet(RevisionQuerySet):
    def published(self):
        return self.filter(status=FrameworkVersion.Status.PUBLISHED)

    def current_for(self, framework_slug: str) -> FrameworkVersion | None:
        """The newest published edition of a framework (what /framework/ shows)."""
        return (
            self.published()
            .filter(framework__slug=framework_slug)
            .select_related("framework", "source")
            .order_by("-number")
            .first()
        )

    def for_framework_page(self):
        """Everything /framework/ shows of a version, in a fixed number of queries.

        1 version (+framework, source), then one query each for themes, characteristics,
        indicators, examples, consideration links (+consideration), key step links (+key step).
        """
        characteristics = Characteristic.objects.order_by("number").prefetch_related(
            "indicators",
            "examples",
            models.Prefetch(
                "consideration_links",
                queryset=CharacteristicConsideration.objects.select_related("consideration"),
            ),
            models.Prefetch(
                "key_step_links",
                queryset=CharacteristicKeyStep.objects.select_related("key_step"),
            ),
        )
        return self.select_related("framework", "source").prefetch_related(
            models.Prefetch(
                "themes",
                queryset=Theme.objects.order_by("number").prefetch_related(
                    models.Prefetch("characteristics", queryset=characteristics)
                ),
            )
        )

    def delete(self):
        for version in self:
            version.check_deletable()
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        # New versions are harmless; overwriting an existing one on conflict is not checked row by
        # row, so it is refused outright when it would touch a frozen field.
        frozen = set(kwargs.get("update_fields") or ()) & set(FrameworkVersion.FROZEN_FIELDS)
        if kwargs.get("update_conflicts") and frozen:
            raise FrozenContentError(
                f"bulk_create cannot overwrite {', '.join(sorted(frozen))} of framework versions: "
                "published versions are frozen."
            )
        return super().bulk_create(objs, *args, **kwargs)

    def update(self, **kwargs):
        if self.exclude(status=FrameworkVersion.Status.DRAFT).exists():
            frozen = set(kwargs) & set(FrameworkVersion.FROZEN_FIELDS)
            if frozen:
                raise FrozenContentError(
                    f"Published versions are frozen: {', '.join(sorted(frozen))} cannot be changed."
                )
        return super().update(**kwargs)


class FrameworkVersionManager(models.Manager.from_queryset(FrameworkVersionQuerySet)):
    def get_by_natural_key(self, framework_slug, number):
        return self.get(framework__slug=framework_slug, number=number)


class FrameworkVersion(models.Model):
    """One edition of a framework. Assessments are always made against a published version."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    # Changing any of these would change how a past answer is read or scored.
    FROZEN_FIELDS = ("framework", "number", "strength_min", "developing_min")

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(help_text="Edition number, 1 for the first edition.")
    title = models.CharField(max_length=300)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="framework_versions")
    introduction = models.TextField(blank=True)
    example_heading = models.CharField(
        max_length=100,
        default="Examples",
        help_text='What the source calls its examples, e.g. "Who does it well?".',
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    strength_min = models.DecimalField(
        "strength from",
        max_digits=3,
        decimal_places=2,
        default=Decimal("4.00"),
        help_text="Mean scores (1–5) from this value upwards are a strength.",
    )
    developing_min = models.DecimalField(
        "developing from",
        max_digits=3,
        decimal_places=2,
        default=Decimal("3.00"),
        help_text="Mean scores from this value up to the strength threshold are developing; "
        "below it, a priority.",
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )

    objects = FrameworkVersionManager()

    class Meta:
        ordering = ["framework__name", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "number"], name="frameworkversion_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(developing_min__gt=SCALE_MIN)
                & Q(strength_min__gt=models.F("developing_min"))
                & Q(strength_min__lte=SCALE_MAX),
                name="frameworkversion_bands_ordered_in_scale",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "retired"]),
                name="frameworkversion_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="frameworkversion_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework.name}, edition {self.number} ({self.get_status_display().lower()})"

    def natural_key(self):
        return (*self.framework.natural_key(), self.number)

    natural_key.dependencies = ["frameworks.framework", "frameworks.source"]

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT

    def frozen_version(self) -> FrameworkVersion:
        return self

    def check_deletable(self):
        if self._db_is_frozen():
            raise FrozenContentError(
                f"{self} has been published and cannot be deleted. Retire it instead."
            )

    def _db_is_frozen(self) -> bool:
        if self.pk is None:
            return False
        status = (
            FrameworkVersion.objects.filter(pk=self.pk).values_list("status", flat=True).first()
        )
        return status is not None and status != self.Status.DRAFT

    def clean(self):
        errors = {}
        bands = (self.developing_min, self.strength_min)
        if None not in bands and not (SCALE_MIN < bands[0] < bands[1] <= SCALE_MAX):
            errors["strength_min"] = (
                f"Bands must satisfy {SCALE_MIN} < developing from < strength from ≤ {SCALE_MAX}."
            )
        problem = self._frozen_problem()
        if problem:
            errors["__all__"] = problem
        if errors:
            raise ValidationError(errors)

    def _frozen_problem(self) -> str | None:
        """Why this save would change a published version, or None when it may go ahead."""
        old = FrameworkVersion.objects.filter(pk=self.pk).first() if self.pk else None
        if old is None or old.status == self.Status.DRAFT:
            return None
        changed = [f for f in self.FROZEN_FIELDS if _field_changed(self, old, f)]
        if changed:
            return frozen_message(self, changed)
        if self.status == self.Status.DRAFT:
            return "A published version cannot go back to draft."
        return None

    def check_freeze(self) -> None:
        """Refuse a save that would change a published version (run by the pre_save guard)."""
        problem = self._frozen_problem()
        if problem:
            raise FrozenContentError(problem)

    def save(self, *args, **kwargs):
        if self.status != self.Status.DRAFT and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.check_deletable()
        return super().delete(*args, **kwargs)


def _field_changed(new: models.Model, old: models.Model, name: str) -> bool:
    field = new._meta.get_field(name)
    return field.value_from_object(new) != field.value_from_object(old)


def frozen_message(obj, fields) -> str:
    labels = ", ".join(str(obj._meta.get_field(f).verbose_name) for f in fields)
    return (
        f"This content belongs to a published framework version and is frozen ({labels}). "
        "Use “Create a new draft from this version” to change it."
    )


class FrozenQuerySet(RevisionQuerySet):
    """Bulk creates, deletes and updates check the freeze too: they bypass save() and the signals.

    ``bulk_update`` goes through ``update()``, so it is covered by it.
    """

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if not self.model.NARRATIVE and objs and self._any_in_frozen_version(objs):
            raise FrozenContentError(
                f"{self.model._meta.verbose_name_plural.capitalize()} cannot be added to (or "
                "overwritten in) a published framework version."
            )
        return super().bulk_create(objs, *args, **kwargs)

    def _any_in_frozen_version(self, objs) -> bool:
        """One query: does any object point (through VERSION_PATH) at a non-draft version?"""
        first, _, rest = self.model.VERSION_PATH.partition("__")
        field = self.model._meta.get_field(first)
        ids = {getattr(obj, field.attname) for obj in objs}
        if not rest:
            return (
                FrameworkVersion.objects.filter(pk__in=ids)
                .exclude(status=FrameworkVersion.Status.DRAFT)
                .exists()
            )
        return (
            field.related_model._base_manager.filter(pk__in=ids)
            .exclude(**{f"{rest}__status": FrameworkVersion.Status.DRAFT})
            .exists()
        )

    def _frozen(self):
        if self.model.NARRATIVE:
            return self.none()
        return self.exclude(**{f"{self.model.VERSION_PATH}__status": FrameworkVersion.Status.DRAFT})

    def delete(self):
        if self._frozen().exists():
            raise FrozenContentError(
                f"Some {self.model._meta.verbose_name_plural} belong to a published version and "
                "cannot be deleted."
            )
        return super().delete()

    def update(self, **kwargs):
        frozen = set(kwargs) & set(self.model.FROZEN_FIELDS)
        if frozen and self._frozen().exists():
            raise FrozenContentError(
                f"Some {self.model._meta.verbose_name_plural} belong to a published version: "
                f"{', '.join(sorted(frozen))} cannot be changed."
            )
        return super().update(**kwargs)


class VersionedContent(models.Model):
    """Base for content that belongs to a framework version.

    ``FROZEN_FIELDS`` may not change once the version is published; a frozen object may not be
    created or deleted either. ``VERSION_PATH`` is the ORM path from the model to its version.
    """

    FROZEN_FIELDS: tuple[str, ...] = ()
    VERSION_PATH: str = ""
    # Narrative content (examples, links, suggestions) can be added, edited and removed in a
    # published version: no score depends on it.
    NARRATIVE = False

    class Meta:
        abstract = True

    def frozen_version(self) -> FrameworkVersion:
        raise NotImplementedError

    def _version_is_frozen(self, obj) -> bool:
        try:
            version = obj.frozen_version()
        except models.ObjectDoesNotExist:
            return False
        if version is None or version.pk is None:
            return False
        # Read the status from the database, not from a possibly stale instance in memory.
        return version._db_is_frozen()

    def _frozen_changes(self) -> list[str] | None:
        """Frozen fields this save would change, or None when the save is allowed."""
        if self.NARRATIVE:
            return None
        old = type(self).objects.filter(pk=self.pk).first() if self.pk else None
        if old is None:
            if self._version_is_frozen(self):
                return ["__new__"]
            return None
        if self._version_is_frozen(old) or self._version_is_frozen(self):
            changed = [f for f in self.FROZEN_FIELDS if _field_changed(self, old, f)]
            return changed or None
        return None

    def clean(self):
        super().clean()
        changed = self._frozen_changes()
        if changed == ["__new__"]:
            raise ValidationError(
                f"A {self._meta.verbose_name} cannot be added to a published framework version."
            )
        if changed:
            raise ValidationError(frozen_message(self, changed))

    def check_freeze(self) -> None:
        """Refuse a save that would add or change scored content of a published version.

        Run by the pre_save guard (see ``refuse_frozen_save``), so it also covers
        ``save_base``, ``loaddata`` and every other raw save, not only ``save()``.
        """
        changed = self._frozen_changes()
        if changed == ["__new__"]:
            raise FrozenContentError(
                f"A {self._meta.verbose_name} cannot be added to a published framework version."
            )
        if changed:
            raise FrozenContentError(frozen_message(self, changed))

    def delete(self, *args, **kwargs):
        if (
            not self.NARRATIVE
            and self.pk
            and self._version_is_frozen(type(self).objects.get(pk=self.pk))
        ):
            raise FrozenContentError(
                f"This {self._meta.verbose_name} belongs to a published framework version "
                "and cannot be deleted."
            )
        return super().delete(*args, **kwargs)


class ThemeManager(models.Manager.from_queryset(FrozenQuerySet)):
    def get_by_natural_key(self, framework_slug, number, slug):
        return self.get(version__framework__slug=framework_slug, version__number=number, slug=slug)


class Theme(VersionedContent):
    FROZEN_FIELDS = ("version", "slug", "number", "name")
    VERSION_PATH = "version"

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="themes")
    slug = models.SlugField()
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    summary = models.CharField(max_length=300, blank=True)

    objects = ThemeManager()

    class Meta:
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "slug"], name="theme_unique_slug_per_version"
            ),
            models.UniqueConstraint(
                fields=["version", "number"], name="theme_unique_number_per_version"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (*self.version.natural_key(), self.slug)

    natural_key.dependencies = ["frameworks.frameworkversion"]

    def frozen_version(self):
        return self.version


class CharacteristicManager(models.Manager.from_queryset(FrozenQuerySet)):
    def get_by_natural_key(self, framework_slug, version_number, number):
        return self.get(
            version__framework__slug=framework_slug, version__number=version_number, number=number
        )


class Characteristic(VersionedContent):
    """One of the eight characteristics. Matched across editions by ``number``."""

    FROZEN_FIELDS = ("version", "theme", "number", "slug", "name", "short_name", "definition")
    VERSION_PATH = "version"

    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="characteristics"
    )
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="characteristics")
    number = models.PositiveSmallIntegerField()
    slug = models.SlugField()
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40, help_text="Label on chart axes.")
    definition = models.TextField()
    why_it_matters = models.TextField(
        help_text="“Why is this important?”: one point per line.", blank=True
    )

    objects = CharacteristicManager()

    class Meta:
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "number"], name="characteristic_unique_number_per_version"
            ),
            models.UniqueConstraint(
                fields=["version", "slug"], name="characteristic_unique_slug_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    def natural_key(self):
        return (*self.version.natural_key(), self.number)

    natural_key.dependencies = ["frameworks.frameworkversion", "frameworks.theme"]

    def frozen_version(self):
        return self.version

    @property
    def why_points(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.why_it_matters.splitlines() if line.strip()]

    def clean(self):
        super().clean()
        if self.theme_id and self.version_id and self.theme.version_id != self.version_id:
            raise ValidationError({"theme": "The theme must belong to the same framework version."})


class IndicatorManager(models.Manager.from_queryset(FrozenQuerySet)):
    def get_by_natural_key(self, framework_slug, version_number, characteristic_number, key):
        return self.get(
            characteristic__version__framework__slug=framework_slug,
            characteristic__version__number=version_number,
            characteristic__number=characteristic_number,
            key=key,
        )


class Indicator(VersionedContent):
    """A ✓ statement; becomes one scored questionnaire item.

    ``key`` is stable across editions where the meaning is the same, so results can be compared
    across editions.
    """

    FROZEN_FIELDS = ("characteristic", "position", "key", "text", "plain_english")
    VERSION_PATH = "characteristic__version"

    characteristic = models.ForeignKey(
        Characteristic, on_delete=models.CASCADE, related_name="indicators"
    )
    position = models.PositiveSmallIntegerField()
    key = models.SlugField(
        max_length=80, help_text="Stable across editions where the meaning is the same."
    )
    text = models.CharField(max_length=300)
    # Written for CollabAssess, not the publisher's: shown under the statement, credited as the
    # app's, and frozen with the version like the wording it explains.
    plain_english = models.CharField(
        "plain English",
        max_length=300,
        blank=True,
        help_text="A short plain-English line under the statement, written for CollabAssess "
        "(not part of the published framework).",
    )

    objects = IndicatorManager()

    class Meta:
        ordering = ["characteristic", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["characteristic", "position"], name="indicator_unique_position"
            ),
            models.UniqueConstraint(
                fields=["characteristic", "key"], name="indicator_unique_key_per_characteristic"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def natural_key(self):
        return (*self.characteristic.natural_key(), self.key)

    natural_key.dependencies = ["frameworks.characteristic"]

    def frozen_version(self):
        return self.characteristic.version


class ExampleManager(models.Manager.from_queryset(FrozenQuerySet)):
    def get_by_natural_key(self, framework_slug, version_number, characteristic_number, position):
        return self.get(
            characteristic__version__framework__slug=framework_slug,
            characteristic__version__number=version_number,
            characteristic__number=characteristic_number,
            position=position,
        )


class Example(VersionedContent):
    """A “Who does it well?” / “Inspiration for action” example. Narrative: stays editable."""

    NARRATIVE = True
    VERSION_PATH = "characteristic__version"

    characteristic = models.ForeignKey(
        Characteristic, on_delete=models.CASCADE, related_name="examples"
    )
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()

    objects = ExampleManager()

    class Meta:
        ordering = ["characteristic", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["characteristic", "position"], name="example_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def natural_key(self):
        return (*self.characteristic.natural_key(), self.position)

    natural_key.dependencies = ["frameworks.characteristic"]

    def frozen_version(self):
        return self.characteristic.version


# --------------------------------------------------------------------------------------------
# Shared reference content
# --------------------------------------------------------------------------------------------


class ValueMode(models.Model):
    """One of the four ways collaborations create value (Kaleidoscope)."""

    slug = models.SlugField(unique=True)
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    description = models.TextField()
    examples = models.TextField(blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="value_modes")

    objects = SlugManager()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.slug,)


class ApproachType(models.Model):
    """One of THIS Institute's four types of collaboration-based approach."""

    slug = models.SlugField(unique=True)
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    features = models.TextField(help_text="One feature per line.")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="approach_types")

    objects = SlugManager()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.slug,)

    @property
    def feature_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.features.splitlines() if line.strip()]


class ApproachFeature(models.Model):
    """One of the four features of collaboration-based approaches (THIS Institute)."""

    slug = models.SlugField(unique=True)
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    description = models.TextField()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="approach_features")

    objects = SlugManager()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.slug,)


class Consideration(models.Model):
    """One of THIS Institute's eight key considerations."""

    slug = models.SlugField(unique=True)
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    description = models.TextField()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="considerations")

    objects = SlugManager()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.slug,)


class NumberManager(models.Manager.from_queryset(RevisionQuerySet)):
    def get_by_natural_key(self, number):
        return self.get(number=number)


class PracticalQuestion(models.Model):
    class Group(models.TextChoices):
        PURPOSE = "purpose", "Purpose and goals"
        STAKEHOLDERS = "stakeholders", "Stakeholders and participation"

    number = models.PositiveSmallIntegerField(unique=True)
    group = models.CharField(max_length=20, choices=Group.choices)
    text = models.TextField()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="practical_questions")

    objects = NumberManager()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(group__in=["purpose", "stakeholders"]),
                name="practicalquestion_group_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"

    def natural_key(self):
        return (self.number,)


class ResourceManager(models.Manager.from_queryset(RevisionQuerySet)):
    def get_by_natural_key(self, source_slug, position):
        return self.get(source__slug=source_slug, position=position)


class Resource(models.Model):
    """A “useful resources” / “further reading” entry listed by a source."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="resources")
    position = models.PositiveSmallIntegerField()
    author = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=300)
    url = models.URLField(blank=True)

    objects = ResourceManager()

    class Meta:
        ordering = ["source", "position"]
        constraints = [
            models.UniqueConstraint(fields=["source", "position"], name="resource_unique_position"),
        ]

    def __str__(self) -> str:
        return self.title

    def natural_key(self):
        return (*self.source.natural_key(), self.position)

    natural_key.dependencies = ["frameworks.source"]


class KeyStep(models.Model):
    """One of NHS Professionals' twelve key steps for collaboration."""

    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=150, help_text="A short heading (the step's first idea).")
    text = models.TextField()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="key_steps")

    objects = NumberManager()

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def natural_key(self):
        return (self.number,)


# --------------------------------------------------------------------------------------------
# Links from characteristics to the other frameworks (narrative: editable after publishing)
# --------------------------------------------------------------------------------------------


class CharacteristicConsiderationManager(models.Manager.from_queryset(FrozenQuerySet)):
    def get_by_natural_key(self, framework_slug, version_number, number, consideration_slug):
        return self.get(
            characteristic__version__framework__slug=framework_slug,
            characteristic__version__number=version_number,
            characteristic__number=number,
            consideration__slug=consideration_slug,
        )


class CharacteristicConsideration(VersionedContent):
    NARRATIVE = True
    VERSION_PATH = "characteristic__version"

    characteristic = models.ForeignKey(
        Characteristic, on_delete=models.CASCADE, related_name="consideration_links"
    )
    consideration = models.ForeignKey(
        Consideration, on_delete=models.PROTECT, related_name="characteristic_links"
    )
    reason = models.CharField(max_length=300)

    objects = CharacteristicConsiderationManager()

    class Meta:
        ordering = ["characteristic", "consideration__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["characteristic", "consideration"], name="charconsideration_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.characteristic} → {self.consideration}"

    def natural_key(self):
        return (*self.characteristic.natural_key(), self.consideration.slug)

    natural_key.dependencies = ["frameworks.characteristic", "frameworks.consideration"]

    def frozen_version(self):
        return self.characteristic.version


class CharacteristicKeyStepManager(models.Manager.from_queryset(FrozenQuerySet)):
    def get_by_natural_key(self, framework_slug, version_number, number, step_number):
        return self.get(
            characteristic__version__framework__slug=framework_slug,
            characteristic__version__number=version_number,
            characteristic__number=number,
            key_step__number=step_number,
        )


class CharacteristicKeyStep(VersionedContent):
    NARRATIVE = True
    VERSION_PATH = "characteristic__version"

    characteristic = models.ForeignKey(
        Characteristic, on_delete=models.CASCADE, related_name="key_step_links"
    )
    key_step = models.ForeignKey(
        KeyStep, on_delete=models.PROTECT, related_name="characteristic_links"
    )
    reason = models.CharField(max_length=300)

    objects = CharacteristicKeyStepManager()

    class Meta:
        ordering = ["characteristic", "key_step__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["characteristic", "key_step"], name="charkeystep_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.characteristic} → {self.key_step}"

    def natural_key(self):
        return (*self.characteristic.natural_key(), self.key_step.number)

    natural_key.dependencies = ["frameworks.characteristic", "frameworks.keystep"]

    def frozen_version(self):
        return self.characteristic.version


# --------------------------------------------------------------------------------------------
# Interpretation: priority weights and suggestions
# --------------------------------------------------------------------------------------------


class Band(models.TextChoices):
    STRENGTH = "strength", "Strength"
    DEVELOPING = "developing", "Developing"
    PRIORITY = "priority", "Priority"


class ValueModeWeightManager(models.Manager.from_queryset(FrozenQuerySet)):
    def get_by_natural_key(self, framework_slug, version_number, number, value_mode_slug):
        return self.get(
            characteristic__version__framework__slug=framework_slug,
            characteristic__version__number=version_number,
            characteristic__number=number,
            value_mode__slug=value_mode_slug,
        )


class ValueModeWeight(VersionedContent):
    """How much more a characteristic matters for a collaboration creating value this way.

    Weights order a collaboration's priorities, so they are frozen with their version; the reason
    is narrative and stays editable. A missing weight means 1 (no extra weight).
    """

    FROZEN_FIELDS = ("characteristic", "value_mode", "weight")
    VERSION_PATH = "characteristic__version"

    characteristic = models.ForeignKey(
        Characteristic, on_delete=models.CASCADE, related_name="value_mode_weights"
    )
    value_mode = models.ForeignKey(ValueMode, on_delete=models.PROTECT, related_name="weights")
    weight = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("1.00"))
    reason = models.CharField(max_length=300)

    objects = ValueModeWeightManager()

    class Meta:
        ordering = ["characteristic", "value_mode__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["characteristic", "value_mode"], name="valuemodeweight_unique"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=3), name="valuemodeweight_weight_1_to_3"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value_mode} × {self.characteristic}: {self.weight}"

    def natural_key(self):
        return (*self.characteristic.natural_key(), self.value_mode.slug)

    natural_key.dependencies = ["frameworks.characteristic", "frameworks.valuemode"]

    def frozen_version(self):
        return self.characteristic.version


class SuggestionManager(models.Manager.from_queryset(FrozenQuerySet)):
    def get_by_natural_key(self, framework_slug, version_number, number, band, position):
        return self.get(
            characteristic__version__framework__slug=framework_slug,
            characteristic__version__number=version_number,
            characteristic__number=number,
            band=band,
            position=position,
        )


class Suggestion(VersionedContent):
    """A concrete action for a characteristic scored in a band. Narrative: stays editable."""

    NARRATIVE = True
    VERSION_PATH = "characteristic__version"

    characteristic = models.ForeignKey(
        Characteristic, on_delete=models.CASCADE, related_name="suggestions"
    )
    band = models.CharField(max_length=10, choices=Band.choices)
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    considerations = models.ManyToManyField(Consideration, blank=True, related_name="suggestions")
    key_steps = models.ManyToManyField(KeyStep, blank=True, related_name="suggestions")
    examples = models.ManyToManyField(Example, blank=True, related_name="suggestions")

    objects = SuggestionManager()

    class Meta:
        ordering = ["characteristic", "band", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["characteristic", "band", "position"], name="suggestion_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(band__in=["strength", "developing", "priority"]),
                name="suggestion_band_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.characteristic} ({self.band}) #{self.position}"

    def natural_key(self):
        return (*self.characteristic.natural_key(), self.band, self.position)

    natural_key.dependencies = [
        "frameworks.characteristic",
        "frameworks.example",
        "frameworks.consideration",
        "frameworks.keystep",
    ]

    def frozen_version(self):
        return self.characteristic.version


class IndicatorTipManager(models.Manager.from_queryset(FrozenQuerySet)):
    def get_by_natural_key(self, framework_slug, version_number, number, key):
        return self.get(
            indicator__characteristic__version__framework__slug=framework_slug,
            indicator__characteristic__version__number=version_number,
            indicator__characteristic__number=number,
            indicator__key=key,
        )


class IndicatorTip(VersionedContent):
    """What would move one indicator. Narrative: stays editable."""

    NARRATIVE = True
    VERSION_PATH = "indicator__characteristic__version"

    indicator = models.OneToOneField(Indicator, on_delete=models.CASCADE, related_name="tip")
    text = models.TextField()

    objects = IndicatorTipManager()

    class Meta:
        ordering = ["indicator"]

    def __str__(self) -> str:
        return f"Tip: {self.indicator}"

    def natural_key(self):
        return self.indicator.natural_key()

    natural_key.dependencies = ["frameworks.indicator"]

    def frozen_version(self):
        return self.indicator.characteristic.version


# --------------------------------------------------------------------------------------------
# History of admin edits
# --------------------------------------------------------------------------------------------


class ContentChange(models.Model):
    """Who changed which field of which content object, from what to what, and when."""

    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    model = models.CharField(max_length=60)
    object_id = models.PositiveIntegerField()
    object_repr = models.CharField(max_length=300)
    field = models.CharField(max_length=60)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["model", "object_id"], name="contentchange_object_idx")]

    def __str__(self) -> str:
        return f"{self.model} #{self.object_id}: {self.field}"


# --------------------------------------------------------------------------------------------
# The freeze guard
# --------------------------------------------------------------------------------------------


def refuse_frozen_save(sender, instance, raw=False, **kwargs):
    """pre_save receiver: every save of versioned content passes the freeze check.

    A check in ``save()`` alone is skipped by ``loaddata`` and deserialised objects (raw saves)
    and by ``save_base``; the pre_save signal is sent by all of them. Bulk creates and updates
    send no signal: ``FrozenQuerySet`` and ``FrameworkVersionQuerySet`` guard those.
    """
    instance.check_freeze()


def connect_freeze_guard() -> None:
    from django.apps import apps
    from django.db.models.signals import pre_save

    for model in apps.get_app_config("frameworks").get_models():
        if hasattr(model, "check_freeze"):
            pre_save.connect(
                refuse_frozen_save, sender=model, dispatch_uid=f"freeze:{model._meta.label}"
            )
