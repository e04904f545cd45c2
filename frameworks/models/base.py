"""What every model of framework content shares: a natural key, and bulk writes that keep to
the freeze and say that content changed."""

from __future__ import annotations

from django.db import models

from frameworks import freeze
from frameworks.signals import content_bulk_written


class ContentQuerySet(freeze.FreezeQuerySet):
    """Bulk writes keep to the freeze (``FreezeQuerySet``) and, as they send no save signal per
    row, send ``content_bulk_written`` once (``frameworks.revision`` listens)."""

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        content_bulk_written.send(sender=self.model)
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        content_bulk_written.send(sender=self.model)
        return created


def natural_key_lookups(model) -> list[str]:
    """The model's ``NATURAL_KEY`` as ORM lookups, a relation spelled out as the related
    model's own natural key: ``("version", "slug")`` is ``version__framework__slug``,
    ``version__number`` and ``slug``."""
    lookups = []
    for name in model.NATURAL_KEY:
        field = model._meta.get_field(name)
        if field.is_relation:
            lookups += [f"{name}__{lookup}" for lookup in natural_key_lookups(field.related_model)]
        else:
            lookups.append(name)
    return lookups


class NaturalKeyManager(models.Manager.from_queryset(ContentQuerySet)):
    def get_by_natural_key(self, *key):
        return self.get(**dict(zip(natural_key_lookups(self.model), key, strict=True)))


class ContentModel(models.Model):
    """Framework content: loaded from fixtures by natural key, edited in the admin.

    ``NATURAL_KEY`` names the fields that identify an object in any database; a relation in it
    stands for the related object's own natural key (a theme is its version's key and its slug).
    Fixtures refer to objects by these keys, and ``manage.py load_content`` finds them by them.
    """

    NATURAL_KEY: tuple[str, ...] = ()

    objects = NaturalKeyManager()

    class Meta:
        abstract = True

    def natural_key(self) -> tuple:
        key = []
        for name in self.NATURAL_KEY:
            value = getattr(self, name)
            key += value.natural_key() if self._meta.get_field(name).is_relation else [value]
        return tuple(key)

    def clean(self):
        super().clean()
        freeze.check_save(self)

    def delete(self, *args, **kwargs):
        # Before Django collects what the delete reaches: a frozen object is refused as frozen
        # even where answers or other content protect it as well.
        freeze.check_delete(self)
        return super().delete(*args, **kwargs)
