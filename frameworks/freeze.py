"""The freeze: once a framework version is published, nothing a score depends on may change.

What is frozen is declared on the models (``frameworks.models.versions``): a version's
``FROZEN_FIELDS``; for the content in a version, its ``FROZEN_FIELDS``, its ``VERSION_PATH`` (the
ORM path to its version) and whether it is ``NARRATIVE`` (no score depends on it: it can be
added, edited and removed in a published version). A published version can also not go back to
draft or be deleted, and no scored content can be added to or removed from it.

This module enforces that on every path a write can take:

* every save, ``save_base``, ``loaddata`` and other raw saves included: the pre_save receiver;
* every delete, of an object, of a queryset or in cascade: the pre_delete receiver, and the
  model's ``delete()`` before Django collects what else the delete reaches (``check_delete``);
* bulk ``update()`` (so ``bulk_update()`` too), ``delete()`` and ``bulk_create()``, which send
  no signal per row or send it too late to say why: ``FreezeQuerySet``;
* forms, the admin's included: the model's ``clean()`` calls ``check_save`` so the form says
  why.

The checks read whether a version is published from the database, never from an instance in
memory that may be stale.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models.signals import pre_delete, pre_save


class FrozenContentError(ValidationError):
    """Raised when code tries to change or delete frozen content of a published version."""


def _versions():
    return apps.get_model("frameworks", "FrameworkVersion")


def _draft() -> str:
    return _versions().Status.DRAFT


def _is_version(model) -> bool:
    return model is _versions()


def _is_content(model) -> bool:
    """Content that belongs to a version (it declares the path to it)."""
    return bool(getattr(model, "VERSION_PATH", ""))


def _guarded(model) -> bool:
    """A model with something to freeze: the version itself and scored content in it."""
    return _is_version(model) or (_is_content(model) and not model.NARRATIVE)


def _status_lookup(model) -> str:
    return "status" if _is_version(model) else f"{model.VERSION_PATH}__status"


def _any_published(queryset) -> bool:
    """One query: does any row of ``queryset`` belong to a version that is not a draft?"""
    return queryset.exclude(**{_status_lookup(queryset.model): _draft()}).exists()


def _first_step(model):
    """The foreign key that starts ``VERSION_PATH``, and the status lookup from its model."""
    first, _, rest = model.VERSION_PATH.partition("__")
    return model._meta.get_field(first), f"{rest}__status" if rest else "status"


def _any_placed_in_published(model, objs) -> bool:
    """One query: does any of ``objs`` point (through ``VERSION_PATH``, as the objects are in
    memory, not as stored) at a version that is not a draft?"""
    field, status = _first_step(model)
    ids = {getattr(obj, field.attname) for obj in objs} - {None}
    if not ids:
        return False
    return field.related_model.objects.filter(pk__in=ids).exclude(**{status: _draft()}).exists()


def field_changed(new: models.Model, old: models.Model, name: str) -> bool:
    field = new._meta.get_field(name)
    return field.value_from_object(new) != field.value_from_object(old)


def frozen_message(obj, fields) -> str:
    labels = ", ".join(str(obj._meta.get_field(f).verbose_name) for f in fields)
    return (
        f"This content belongs to a published framework version and is frozen ({labels}). "
        "Use “Create a new draft from this version” to change it."
    )


def version_of(obj):
    """The framework version ``obj`` belongs to (itself for a version), or None."""
    if _is_version(type(obj)):
        return obj
    if not _is_content(type(obj)):
        return None
    try:
        for name in obj.VERSION_PATH.split("__"):
            obj = getattr(obj, name)
            if obj is None:
                return None
    except ObjectDoesNotExist:
        return None
    return obj


def _stored(obj):
    return type(obj).objects.filter(pk=obj.pk).first() if obj.pk is not None else None


def frozen_changes(obj, old) -> list[str]:
    """The frozen fields in which ``obj`` differs from its stored copy ``old``, when either
    belongs to a published version ([] when a save may go ahead)."""
    model = type(obj)
    if not _guarded(model):
        return []
    changed = [name for name in model.FROZEN_FIELDS if field_changed(obj, old, name)]
    if not changed:
        return []
    if _is_version(model):
        return changed if old.status != _draft() else []
    return changed if _any_placed_in_published(model, [old, obj]) else []


def save_problem(obj) -> str | None:
    """Why saving ``obj`` would change a published version, or None when it may go ahead."""
    model = type(obj)
    if not _guarded(model):
        return None
    old = _stored(obj)
    if old is None:
        if _is_content(model) and _any_placed_in_published(model, [obj]):
            return f"A {model._meta.verbose_name} cannot be added to a published framework version."
        return None
    changed = frozen_changes(obj, old)
    if changed:
        return frozen_message(obj, changed)
    if _is_version(model) and old.status != _draft() and obj.status == _draft():
        return "A published version cannot go back to draft."
    return None


def check_save(obj) -> None:
    """Refuse a save that would change a published version: from the pre_save receiver, and
    from ``Model.clean()``, where a form shows the error beside the fields."""
    problem = save_problem(obj)
    if problem:
        raise FrozenContentError(problem)


def check_delete(obj) -> None:
    model = type(obj)
    if obj.pk is None or not _guarded(model):
        return
    if not _any_published(model.objects.filter(pk=obj.pk)):
        return
    if _is_version(model):
        raise FrozenContentError(
            f"{obj} has been published and cannot be deleted. Retire it instead."
        )
    raise FrozenContentError(
        f"This {model._meta.verbose_name} belongs to a published framework version and "
        "cannot be deleted."
    )


class FreezeQuerySet(models.QuerySet):
    """The freeze for bulk writes, which bypass ``save()`` and send no save signal.

    One query decides for the whole queryset or batch. A bulk ``delete()`` does send a
    pre_delete signal per row, but only after Django has collected every row the delete
    reaches: checking first says that the rows are frozen, not merely protected.
    """

    def update(self, **kwargs):
        model = self.model
        if _guarded(model):
            names = {model._meta.get_field(name).name for name in kwargs}
            frozen = names & set(model.FROZEN_FIELDS)
            if _is_version(model) and kwargs.get("status") == _draft():
                frozen.add("status")
            if frozen and self._touches_published(kwargs):
                raise FrozenContentError(
                    f"Some {model._meta.verbose_name_plural} belong to a published version: "
                    f"{', '.join(sorted(frozen))} cannot be changed."
                )
        return super().update(**kwargs)

    def _touches_published(self, kwargs) -> bool:
        """Does this update change rows of a published version, or move rows into one?"""
        if _any_published(self):
            return True
        if _is_version(self.model):
            return False
        field, status = _first_step(self.model)
        target = kwargs.get(field.name, kwargs.get(field.attname))
        if target is None:
            return False
        if hasattr(target, "resolve_expression"):
            return True  # computed per row: cannot be told apart from a move into a published one
        return (
            field.related_model.objects.filter(pk=getattr(target, "pk", target))
            .exclude(**{status: _draft()})
            .exists()
        )

    def delete(self):
        model = self.model
        if _guarded(model) and _any_published(self):
            if _is_version(model):
                published = self.exclude(status=_draft()).first()
                raise FrozenContentError(
                    f"{published} has been published and cannot be deleted. Retire it instead."
                )
            raise FrozenContentError(
                f"Some {model._meta.verbose_name_plural} belong to a published version and "
                "cannot be deleted."
            )
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        model = self.model
        if _is_version(model):
            # New versions are harmless; overwriting an existing one on conflict is not checked
            # row by row, so it is refused outright when it would touch a frozen field.
            frozen = set(kwargs.get("update_fields") or ()) & set(model.FROZEN_FIELDS)
            if kwargs.get("update_conflicts") and frozen:
                raise FrozenContentError(
                    f"bulk_create cannot overwrite {', '.join(sorted(frozen))} of framework "
                    "versions: published versions are frozen."
                )
        elif _guarded(model) and objs and _any_placed_in_published(model, objs):
            raise FrozenContentError(
                f"{model._meta.verbose_name_plural.capitalize()} cannot be added to (or "
                "overwritten in) a published framework version."
            )
        return super().bulk_create(objs, *args, **kwargs)


def _refuse_frozen_save(sender, instance, **kwargs):
    check_save(instance)


def _refuse_frozen_delete(sender, instance, origin=None, **kwargs):
    # Rows deleted in cascade belong to the same version as the object or queryset the delete
    # started from (each cascading foreign key is the first step of the row's VERSION_PATH, a
    # test holds that), and that origin is checked in this same delete: an object by its own
    # pre_delete here, a queryset by FreezeQuerySet.delete() before it. Only the origin needs a
    # query.
    if isinstance(origin, (FreezeQuerySet, models.Model)) and origin is not instance:
        origin_model = origin.model if isinstance(origin, models.QuerySet) else type(origin)
        if _guarded(origin_model):
            return
    check_delete(instance)


def connect() -> None:
    """Guard every save and delete of the frozen models (AppConfig.ready)."""
    for model in apps.get_app_config("frameworks").get_models():
        if _guarded(model):
            label = model._meta.label_lower
            pre_save.connect(_refuse_frozen_save, sender=model, dispatch_uid=f"freeze-save:{label}")
            pre_delete.connect(
                _refuse_frozen_delete, sender=model, dispatch_uid=f"freeze-delete:{label}"
            )
