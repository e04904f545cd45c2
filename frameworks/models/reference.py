"""Shared reference content from the sources (THIS Institute, NHS Professionals, Kaleidoscope).

No score depends on it, so it is never frozen; characteristics, weights and suggestions of a
framework version point to it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from frameworks.models.base import ContentModel


class Source(ContentModel):
    """A publisher's document that content is taken from; shown on the Sources page."""

    NATURAL_KEY = ("slug",)

    slug = models.SlugField(unique=True)
    publisher = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    attribution = models.TextField(
        help_text="How the content must be credited wherever it is shown."
    )
    licence_note = models.TextField(blank=True)
    url = models.URLField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "publisher", "title"]

    def __str__(self) -> str:
        return f"{self.publisher}: {self.title}"


class ValueMode(ContentModel):
    """One of the four ways collaborations create value (Kaleidoscope)."""

    NATURAL_KEY = ("slug",)

    slug = models.SlugField(unique=True)
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    description = models.TextField()
    examples = models.TextField(blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="value_modes")

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class ApproachType(ContentModel):
    """One of THIS Institute's four types of collaboration-based approach."""

    NATURAL_KEY = ("slug",)

    slug = models.SlugField(unique=True)
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    features = models.TextField(help_text="One feature per line.")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="approach_types")

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name

    @property
    def feature_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.features.splitlines() if line.strip()]


class ApproachFeature(ContentModel):
    """One of the four features of collaboration-based approaches (THIS Institute)."""

    NATURAL_KEY = ("slug",)

    slug = models.SlugField(unique=True)
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    description = models.TextField()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="approach_features")

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class Consideration(ContentModel):
    """One of THIS Institute's eight key considerations."""

    NATURAL_KEY = ("slug",)

    slug = models.SlugField(unique=True)
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    description = models.TextField()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="considerations")

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class PracticalQuestion(ContentModel):
    class Group(models.TextChoices):
        PURPOSE = "purpose", "Purpose and goals"
        STAKEHOLDERS = "stakeholders", "Stakeholders and participation"

    NATURAL_KEY = ("number",)

    number = models.PositiveSmallIntegerField(unique=True)
    group = models.CharField(max_length=20, choices=Group.choices)
    text = models.TextField()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="practical_questions")

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


class Resource(ContentModel):
    """A “useful resources” / “further reading” entry listed by a source."""

    NATURAL_KEY = ("source", "position")

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="resources")
    position = models.PositiveSmallIntegerField()
    author = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=300)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["source", "position"]
        constraints = [
            models.UniqueConstraint(fields=["source", "position"], name="resource_unique_position"),
        ]

    def __str__(self) -> str:
        return self.title


class KeyStep(ContentModel):
    """One of NHS Professionals' twelve key steps for collaboration."""

    NATURAL_KEY = ("number",)

    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=150, help_text="A short heading (the step's first idea).")
    text = models.TextField()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="key_steps")

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"
