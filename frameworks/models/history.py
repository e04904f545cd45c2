"""The change history of framework content (written by ``frameworks.history``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


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
