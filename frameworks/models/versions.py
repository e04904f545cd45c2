"""A framework's editions and everything in them, which freezes once an edition is published.

A version's themes, characteristics, indicators, examples, links to the reference content,
priority weights, suggestions and tips. Once a version is published the fields that scoring
depends on (wording, order, bands, weights) refuse to change (``frameworks.freeze``), so no edit
can ever change a result that was already given. Narrative fields and narrative content (why it
matters, examples, links, suggestions, tips) stay editable, and every admin edit is kept in
``ContentChange``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst

from frameworks.models.base import ContentModel, ContentQuerySet, NaturalKeyManager
from frameworks.models.reference import Consideration, KeyStep, Source, ValueMode

SCALE_MIN = 1
SCALE_MAX = 5


class Framework(ContentModel):
    NATURAL_KEY = ("slug",)

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FrameworkVersionQuerySet(ContentQuerySet):
    def published(self):
        return self.filter(status=FrameworkVersion.Status.PUBLISHED)

    def in_public_order(self):
        """Published editions, the one /framework/ shows first: the edition an admin chose to
        show there, else the publisher's newest, else (with no publisher's edition published)
        the newest local adaptation. A local adaptation is never shown merely for being newer."""
        publisher_first = models.Case(
            models.When(provenance=FrameworkVersion.Provenance.PUBLISHER, then=models.Value(1)),
            default=models.Value(0),
        )
        return self.published().order_by(
            "-show_on_framework_page", publisher_first.desc(), "-number"
        )

    def current_for(self, framework_slug: str) -> FrameworkVersion | None:
        """The edition /framework/ shows of a framework (``in_public_order``)."""
        return (
            self.in_public_order()
            .filter(framework__slug=framework_slug)
            .select_related("framework", "source", "adapted_from")
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
        return self.select_related("framework", "source", "adapted_from").prefetch_related(
            models.Prefetch(
                "themes",
                queryset=Theme.objects.order_by("number").prefetch_related(
                    models.Prefetch("characteristics", queryset=characteristics)
                ),
            )
        )


class FrameworkVersion(ContentModel):
    """One edition of a framework. Assessments are always made against a published version.

    Its provenance says whose it is. The publisher's editions are the ones ``load_content`` loads
    from the fixtures; every edition made on this site (a copy in the admin, or one added there)
    is a local adaptation: credited to whoever adapted it (``adapted_by``), from the publisher's
    edition it descends from (``adapted_from``), and never labelled as the publisher's own.
    ``number`` stays its key (URLs and fixtures use it); the labels (``edition_label``,
    ``credit``) never call a local adaptation "Edition <number>".
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    class Provenance(models.TextChoices):
        PUBLISHER = "publisher", "The publisher's edition"
        LOCAL = "local", "Adapted locally"

    NATURAL_KEY = ("framework", "number")
    # Changing any of these would change how a past answer is read or scored, or whom the
    # published wording is credited to.
    FROZEN_FIELDS = (
        "framework",
        "number",
        "strength_min",
        "developing_min",
        "provenance",
        "adapted_from",
    )

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
    # Local by default: only load_content, loading the publisher's fixtures, says otherwise, so
    # nothing made on this site can be credited to the publisher by leaving a field as it was.
    provenance = models.CharField(
        max_length=10,
        choices=Provenance.choices,
        default=Provenance.LOCAL,
        help_text="The publisher's editions are loaded from the fixtures; every edition made "
        "here is adapted locally.",
    )
    adapted_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adaptations",
        verbose_name="adapted from the publisher's",
        help_text="The publisher's edition this local adaptation descends from.",
    )
    adapted_by = models.CharField(
        "adapted by (organisation)",
        max_length=200,
        blank=True,
        help_text="The organisation that adapted this edition, as the public pages credit it "
        "(needed before it is published).",
    )
    adapted_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="adapted by (administrator)",
    )
    show_on_framework_page = models.BooleanField(
        "show on the public framework page",
        default=False,
        help_text="Without this choice the public framework page shows the publisher's newest "
        "published edition. One edition per framework at most.",
    )

    objects = NaturalKeyManager.from_queryset(FrameworkVersionQuerySet)()

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
            models.CheckConstraint(
                condition=Q(provenance__in=["publisher", "local"]),
                name="frameworkversion_provenance_valid",
            ),
            # The publisher's own edition is adapted by nobody and from nothing: an edition
            # that names an adapter or an original is a local one.
            models.CheckConstraint(
                condition=Q(provenance="local")
                | Q(adapted_from__isnull=True, adapted_by="", adapted_by_user__isnull=True),
                name="frameworkversion_publisher_edition_not_adapted",
            ),
            models.CheckConstraint(
                condition=Q(show_on_framework_page=False) | Q(status="published"),
                name="frameworkversion_shown_publicly_is_published",
            ),
            models.UniqueConstraint(
                fields=["framework"],
                condition=Q(show_on_framework_page=True),
                name="frameworkversion_one_shown_publicly",
                violation_error_message="Another edition of this framework is already shown on "
                "the public framework page: use the action “Show on the public framework page” "
                "on the framework versions list to move the choice.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework.name}, {self.edition_label} ({self.get_status_display().lower()})"

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def is_local(self) -> bool:
        return self.provenance != self.Provenance.PUBLISHER

    @property
    def edition_label(self) -> str:
        """What the edition is called: "Edition 2" for the publisher's, "Local adaptation no. 3
        of Edition 2" for one made here, never "Edition 3". Reads ``adapted_from`` (no query
        for the publisher's): select it with the versions where local ones are listed."""
        if not self.is_local:
            return f"Edition {self.number}"
        original = self.adapted_from
        of = f" of Edition {original.number}" if original is not None else ""
        return f"Local adaptation no. {self.number}{of}"

    @property
    def publisher(self) -> str:
        """The publisher credited for the original (``source``: for a local adaptation, the
        publisher's document it adapts)."""
        return self.source.publisher

    @property
    def credit(self) -> str:
        """How the edition is credited: "Edition 2 (Kaleidoscope Health & Care, 2025)", or
        "Adapted locally by Northshire ICS from Kaleidoscope Health & Care’s Edition 2": the
        publisher is credited for the original only, never for a local adaptation."""
        if not self.is_local:
            year = f", {self.published_at.year}" if self.published_at else ""
            return f"Edition {self.number} ({self.publisher}{year})"
        return capfirst(self.adaptation)

    @property
    def adaptation(self) -> str:
        """A local adaptation's credit in the middle of a sentence ("adapted locally by
        Northshire ICS from Kaleidoscope Health & Care’s Edition 2"); "" for the publisher's."""
        if not self.is_local:
            return ""
        by = f" by {self.adapted_by}" if self.adapted_by else ""
        original = self.adapted_from
        of = f"Edition {original.number}" if original is not None else "framework"
        return f"adapted locally{by} from {self.publisher}’s {of}"

    def clean(self):
        super().clean()
        if self.is_local and self.status != self.Status.DRAFT and not self.adapted_by.strip():
            raise ValidationError(
                {
                    "adapted_by": "A published local adaptation is credited to the organisation "
                    "that adapted it: say which."
                }
            )
        bands = (self.developing_min, self.strength_min)
        if None not in bands and not (SCALE_MIN < bands[0] < bands[1] <= SCALE_MAX):
            raise ValidationError(
                {
                    "strength_min": f"Bands must satisfy {SCALE_MIN} < developing from < "
                    f"strength from ≤ {SCALE_MAX}."
                }
            )

    def save(self, *args, **kwargs):
        if self.status != self.Status.DRAFT and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)


class VersionedContent(ContentModel):
    """Content that belongs to a framework version and freezes with it (``frameworks.freeze``).

    ``FROZEN_FIELDS`` may not change once the version is published, and such content may not be
    added to or deleted from it either, unless the model is ``NARRATIVE``: no score depends on
    it. ``VERSION_PATH`` is the ORM path from the model to its version.
    """

    FROZEN_FIELDS: tuple[str, ...] = ()
    VERSION_PATH: str = ""
    NARRATIVE = False

    class Meta:
        abstract = True


class Theme(VersionedContent):
    NATURAL_KEY = ("version", "slug")
    FROZEN_FIELDS = ("version", "slug", "number", "name")
    VERSION_PATH = "version"

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="themes")
    slug = models.SlugField()
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    summary = models.CharField(max_length=300, blank=True)

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


class Characteristic(VersionedContent):
    """One of the eight characteristics. Matched across editions by ``number``."""

    NATURAL_KEY = ("version", "number")
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

    @property
    def why_points(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.why_it_matters.splitlines() if line.strip()]

    def clean(self):
        super().clean()
        if self.theme_id and self.version_id and self.theme.version_id != self.version_id:
            raise ValidationError({"theme": "The theme must belong to the same framework version."})


class Indicator(VersionedContent):
    """A ✓ statement; becomes one scored questionnaire item.

    ``key`` is stable across editions where the meaning is the same, so results can be compared
    across editions.
    """

    NATURAL_KEY = ("characteristic", "key")
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


class Example(VersionedContent):
    """A “Who does it well?” / “Inspiration for action” example. Narrative: stays editable."""

    NATURAL_KEY = ("characteristic", "position")
    NARRATIVE = True
    VERSION_PATH = "characteristic__version"

    characteristic = models.ForeignKey(
        Characteristic, on_delete=models.CASCADE, related_name="examples"
    )
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()

    class Meta:
        ordering = ["characteristic", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["characteristic", "position"], name="example_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CharacteristicConsideration(VersionedContent):
    NATURAL_KEY = ("characteristic", "consideration")
    NARRATIVE = True
    VERSION_PATH = "characteristic__version"

    characteristic = models.ForeignKey(
        Characteristic, on_delete=models.CASCADE, related_name="consideration_links"
    )
    consideration = models.ForeignKey(
        Consideration, on_delete=models.PROTECT, related_name="characteristic_links"
    )
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["characteristic", "consideration__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["characteristic", "consideration"], name="charconsideration_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.characteristic} → {self.consideration}"


class CharacteristicKeyStep(VersionedContent):
    NATURAL_KEY = ("characteristic", "key_step")
    NARRATIVE = True
    VERSION_PATH = "characteristic__version"

    characteristic = models.ForeignKey(
        Characteristic, on_delete=models.CASCADE, related_name="key_step_links"
    )
    key_step = models.ForeignKey(
        KeyStep, on_delete=models.PROTECT, related_name="characteristic_links"
    )
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["characteristic", "key_step__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["characteristic", "key_step"], name="charkeystep_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.characteristic} → {self.key_step}"


class Band(models.TextChoices):
    STRENGTH = "strength", "Strength"
    DEVELOPING = "developing", "Developing"
    PRIORITY = "priority", "Priority"


class ValueModeWeight(VersionedContent):
    """How much more a characteristic matters for a collaboration creating value this way.

    Weights order a collaboration's priorities, so they are frozen with their version; the reason
    is narrative and stays editable. A missing weight means 1 (no extra weight).
    """

    NATURAL_KEY = ("characteristic", "value_mode")
    FROZEN_FIELDS = ("characteristic", "value_mode", "weight")
    VERSION_PATH = "characteristic__version"

    characteristic = models.ForeignKey(
        Characteristic, on_delete=models.CASCADE, related_name="value_mode_weights"
    )
    value_mode = models.ForeignKey(ValueMode, on_delete=models.PROTECT, related_name="weights")
    weight = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("1.00"))
    reason = models.CharField(max_length=300)

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


class Suggestion(VersionedContent):
    """A concrete action for a characteristic scored in a band. Narrative: stays editable."""

    NATURAL_KEY = ("characteristic", "band", "position")
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


class IndicatorTip(VersionedContent):
    """What would move one indicator. Narrative: stays editable."""

    NATURAL_KEY = ("indicator",)
    NARRATIVE = True
    VERSION_PATH = "indicator__characteristic__version"

    indicator = models.OneToOneField(Indicator, on_delete=models.CASCADE, related_name="tip")
    text = models.TextField()

    class Meta:
        ordering = ["indicator"]

    def __str__(self) -> str:
        return f"Tip: {self.indicator}"
