"""The editing screen for framework content.

Published versions are frozen (``frameworks.freeze``); the admin mirrors that by showing frozen
fields read-only, refusing to add or delete frozen rows, and explaining why. Every save is
recorded in the change history (ContentChange).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from frameworks import freeze, services
from frameworks.history import content_changes_record, snapshot
from frameworks.models import (
    ApproachFeature,
    ApproachType,
    Characteristic,
    CharacteristicConsideration,
    CharacteristicKeyStep,
    Consideration,
    ContentChange,
    Example,
    Framework,
    FrameworkVersion,
    FrozenContentError,
    Indicator,
    IndicatorTip,
    KeyStep,
    PracticalQuestion,
    Resource,
    Source,
    Suggestion,
    Theme,
    ValueMode,
    ValueModeWeight,
)

FROZEN_NOTICE = (
    "This belongs to a published framework version: its scored content (wording, order, bands, "
    "weights) is frozen so no past result can change. Narrative texts stay editable. To change "
    "frozen content, use “Create a new draft from this version” on the framework versions list."
)


class EditionFilter(admin.SimpleListFilter):
    """Rows by the edition they belong to (the model's ``VERSION_PATH``), each edition named as it
    is credited: a local adaptation never as the publisher's. The choices are one query, however
    many editions there are."""

    title = "edition"
    parameter_name = "edition"

    def __init__(self, request, params, model, model_admin):
        self.version_path = "pk" if model is FrameworkVersion else model.VERSION_PATH
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        versions = FrameworkVersion.objects.select_related("framework", "adapted_from")
        return [(str(version.pk), str(version)) for version in versions]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(**{self.version_path: value})


def _is_frozen(obj) -> bool:
    if obj is None or obj.pk is None:
        return False
    version = freeze.version_of(obj)
    return version is not None and version.is_frozen


class HistoryMixin:
    """Record every admin add, change and delete (including inlines) in ContentChange."""

    def save_model(self, request, obj, form, change):
        # Recorded in save_related, once the many-to-many links are saved too.
        old = type(obj).objects.filter(pk=obj.pk).first() if change and obj.pk else None
        request._content_before = snapshot(old) if old is not None else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        content_changes_record(
            user=request.user, obj=form.instance, before=getattr(request, "_content_before", None)
        )

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        obj.pk = pk
        content_changes_record(user=request.user, obj=obj, before=None, deleted=True)

    def save_formset(self, request, form, formset, change):
        befores = {}
        for inline_form in formset.forms:
            instance = inline_form.instance
            if instance.pk:
                old = type(instance).objects.filter(pk=instance.pk).first()
                if old is not None:
                    befores[instance.pk] = snapshot(old)
        # Deleting sets an instance's pk to None: keep each one to record the deletion by it.
        deleted = [(f.instance, f.instance.pk) for f in formset.deleted_forms if f.instance.pk]
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            content_changes_record(user=request.user, obj=obj, before=None)
        for obj, _fields in formset.changed_objects:
            content_changes_record(user=request.user, obj=obj, before=befores.get(obj.pk))
        for obj, pk in deleted:
            obj.pk = pk
            content_changes_record(user=request.user, obj=obj, before=None, deleted=True)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            if _is_frozen(obj):
                messages.warning(request, FROZEN_NOTICE)
        return super().change_view(request, object_id, form_url, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The form shows frozen fields read-only, but a version can be published in another tab
        # between page load and save: then the model refuses and the admin says why.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except FrozenContentError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except FrozenContentError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def get_actions(self, request):
        # Bulk delete would bypass the per-object checks and messages: delete one by one.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class FrozenAdminMixin(HistoryMixin):
    """For models that belong to a version: frozen fields read-only once it is published.

    Their lists say which edition each row belongs to (``edition``, with ``EditionFilter``);
    ``list_select_related`` takes the version and its ``adapted_from`` so the column costs no
    query per row."""

    @admin.display(description="Edition")
    def edition(self, obj):
        return freeze.version_of(obj).edition_label

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if _is_frozen(obj):
            fields += [f for f in self.model.FROZEN_FIELDS if f not in fields]
        return fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not self.model.NARRATIVE and _is_frozen(obj):
            return False
        return super().has_delete_permission(request, obj)


class FrozenInlineMixin:
    """Inline rows of a frozen parent: frozen fields read-only; no adding or removing scored rows."""

    def _parent_frozen(self, obj) -> bool:
        return _is_frozen(obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self._parent_frozen(obj):
            fields += [f for f in self.model.FROZEN_FIELDS if f not in fields]
        return fields

    def has_add_permission(self, request, obj=None):
        if self._parent_frozen(obj) and not self.model.NARRATIVE:
            return False
        return super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._parent_frozen(obj) and not self.model.NARRATIVE:
            return False
        return super().has_delete_permission(request, obj)


# --- Versions -----------------------------------------------------------------------------


class ThemeInline(FrozenInlineMixin, admin.TabularInline):
    model = Theme
    extra = 0
    fields = ["number", "slug", "name", "summary"]


class CharacteristicLinkInline(admin.TabularInline):
    model = Characteristic
    extra = 0
    fields = ["number", "name", "theme", "edit_link"]
    readonly_fields = ["number", "name", "theme", "edit_link"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="Edit")
    def edit_link(self, obj):
        url = reverse("admin:frameworks_characteristic_change", args=[obj.pk])
        return format_html('<a href="{}">Edit characteristic</a>', url)


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "framework",
        "number",
        "credit",
        "status",
        "published_at",
        "show_on_framework_page",
    ]
    list_filter = ["framework", "provenance", "status", "show_on_framework_page"]
    list_select_related = ["framework", "source", "adapted_from"]
    search_fields = ["title", "framework__name", "adapted_by"]
    # Provenance is never typed in: the publisher's editions come from the fixtures only, and an
    # edition added or copied here is a local adaptation. The public page's choice is made by
    # an action, which moves it from the edition shown before in one transaction.
    readonly_fields = [
        "status",
        "published_at",
        "copied_from",
        "provenance",
        "adapted_from",
        "adapted_by_user",
        "show_on_framework_page",
    ]
    inlines = [ThemeInline, CharacteristicLinkInline]
    actions = ["copy_to_draft", "publish", "retire", "show_publicly", "show_default"]
    fieldsets = [
        (None, {"fields": ["framework", "number", "title", "source", "status", "published_at"]}),
        (
            "Whose edition",
            {"fields": ["provenance", "adapted_from", "adapted_by", "adapted_by_user"]},
        ),
        ("Public framework page", {"fields": ["show_on_framework_page"]}),
        ("Text", {"fields": ["introduction", "example_heading"]}),
        ("Score bands (1–5 scale)", {"fields": ["strength_min", "developing_min"]}),
        ("History", {"fields": ["copied_from"]}),
    ]

    @admin.display(description="Credited as")
    def credit(self, obj):
        return obj.credit

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_frozen:
            fields += [f for f in FrameworkVersion.FROZEN_FIELDS if f not in fields]
        return fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)

    def has_add_and_change_permission(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    @admin.action(
        description="Create a new draft from this version", permissions=["add_and_change"]
    )
    def copy_to_draft(self, request, queryset):
        for version in queryset:
            draft = services.version_copy(version=version, adapted_by_user=request.user)
            content_changes_record(user=request.user, obj=draft, before=None)
            url = reverse("admin:frameworks_frameworkversion_change", args=[draft.pk])
            self.message_user(
                request,
                format_html(
                    'Created <a href="{}">{}</a> from {}. It is adapted locally: say which '
                    "organisation adapted it before publishing it.",
                    url,
                    draft,
                    version.edition_label,
                ),
                messages.SUCCESS,
            )

    @admin.action(description="Publish (freezes the scored content)", permissions=["change"])
    def publish(self, request, queryset):
        self._transition(request, queryset, services.version_publish, "Published")

    @admin.action(description="Retire (no new rounds; past results stay)", permissions=["change"])
    def retire(self, request, queryset):
        self._transition(request, queryset, services.version_retire, "Retired")

    @admin.action(description="Show on the public framework page", permissions=["change"])
    def show_publicly(self, request, queryset):
        versions = list(queryset[:2])
        if len(versions) != 1:
            self.message_user(
                request, "Choose one edition to show on the public framework page.", messages.ERROR
            )
            return
        self._transition(
            request, versions, services.version_show_publicly, "The public framework page shows"
        )

    @admin.action(
        description="Show the publisher’s newest edition on the public framework page",
        permissions=["change"],
    )
    def show_default(self, request, queryset):
        versions = queryset.select_related("framework")
        frameworks = {version.framework_id: version.framework for version in versions}
        for framework in frameworks.values():
            shown = [
                (version, snapshot(version))
                for version in framework.versions.filter(show_on_framework_page=True)
            ]
            services.framework_show_default(framework=framework)
            for version, before in shown:
                version.refresh_from_db()
                content_changes_record(user=request.user, obj=version, before=before)
            self.message_user(
                request,
                f"The public page of {framework} shows the publisher’s newest published edition.",
                messages.SUCCESS,
            )

    def _transition(self, request, queryset, service, verb):
        for version in queryset:
            before = snapshot(version)
            try:
                changed = service(version=version)
            except ValidationError as error:
                self.message_user(request, f"{version}: {' '.join(error.messages)}", messages.ERROR)
                continue
            content_changes_record(user=request.user, obj=changed, before=before)
            self.message_user(request, f"{verb} {changed}.", messages.SUCCESS)


@admin.register(Framework)
class FrameworkAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


# --- Characteristics and their content ------------------------------------------------------


class IndicatorInline(FrozenInlineMixin, admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["position", "key", "text"]
    ordering = ["position"]


class ExampleInline(FrozenInlineMixin, admin.StackedInline):
    model = Example
    extra = 0
    fields = ["position", "title", "body"]


class ConsiderationLinkInline(FrozenInlineMixin, admin.TabularInline):
    model = CharacteristicConsideration
    extra = 0
    fields = ["consideration", "reason"]
    verbose_name = "related THIS consideration"
    verbose_name_plural = "related THIS considerations"


class KeyStepLinkInline(FrozenInlineMixin, admin.TabularInline):
    model = CharacteristicKeyStep
    extra = 0
    fields = ["key_step", "reason"]
    verbose_name = "related NHS key step"
    verbose_name_plural = "related NHS key steps"


class ValueModeWeightInline(FrozenInlineMixin, admin.TabularInline):
    model = ValueModeWeight
    extra = 0
    fields = ["value_mode", "weight", "reason"]


class SuggestionInline(FrozenInlineMixin, admin.StackedInline):
    model = Suggestion
    extra = 0
    fields = ["band", "position", "text", "considerations", "key_steps", "examples"]
    filter_horizontal = ["considerations", "key_steps"]


@admin.register(Characteristic)
class CharacteristicAdmin(FrozenAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "short_name", "theme", "edition", "version_status"]
    list_filter = ["version__framework", EditionFilter, "version__status", "theme__slug"]
    search_fields = ["name", "definition", "indicators__text"]
    list_select_related = ["version__framework", "version__adapted_from", "theme"]
    ordering = ["version__framework", "version__number", "number"]
    inlines = [
        IndicatorInline,
        ExampleInline,
        ConsiderationLinkInline,
        KeyStepLinkInline,
        ValueModeWeightInline,
        SuggestionInline,
    ]
    fields = [
        "version",
        "theme",
        "number",
        "slug",
        "name",
        "short_name",
        "definition",
        "why_it_matters",
    ]

    @admin.display(description="Status", ordering="version__status")
    def version_status(self, obj):
        return obj.version.get_status_display()

    def get_search_results(self, request, queryset, search_term):
        queryset, _ = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False


@admin.register(Indicator)
class IndicatorAdmin(FrozenAdminMixin, admin.ModelAdmin):
    list_display = ["text", "key", "characteristic", "position", "edition"]
    list_filter = ["characteristic__version__framework", EditionFilter]
    search_fields = ["text", "key"]
    list_select_related = ["characteristic__version__adapted_from"]
    ordering = ["characteristic__version", "characteristic__number", "position"]


@admin.register(IndicatorTip)
class IndicatorTipAdmin(FrozenAdminMixin, admin.ModelAdmin):
    list_display = ["indicator", "text", "edition"]
    list_filter = [EditionFilter]
    search_fields = ["text", "indicator__text"]
    list_select_related = ["indicator__characteristic__version__adapted_from"]


@admin.register(Suggestion)
class SuggestionAdmin(FrozenAdminMixin, admin.ModelAdmin):
    list_display = ["characteristic", "band", "position", "text", "edition"]
    list_filter = [EditionFilter, "band"]
    search_fields = ["text"]
    filter_horizontal = ["considerations", "key_steps", "examples"]
    list_select_related = ["characteristic__version__adapted_from"]


@admin.register(Example)
class ExampleAdmin(FrozenAdminMixin, admin.ModelAdmin):
    list_display = ["title", "characteristic", "position", "edition"]
    list_filter = [EditionFilter]
    search_fields = ["title", "body"]
    list_select_related = ["characteristic__version__adapted_from"]


# --- Shared reference content ---------------------------------------------------------------


@admin.register(Source)
class SourceAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ["title", "publisher", "position"]
    search_fields = ["title", "publisher"]


@admin.register(ValueMode)
class ValueModeAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ["name", "position", "source"]


@admin.register(ApproachType)
class ApproachTypeAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ["name", "position"]


@admin.register(ApproachFeature)
class ApproachFeatureAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ["name", "position"]


@admin.register(Consideration)
class ConsiderationAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ["name", "position"]
    search_fields = ["name", "description"]


@admin.register(PracticalQuestion)
class PracticalQuestionAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ["number", "group", "text"]
    list_filter = ["group"]


@admin.register(Resource)
class ResourceAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ["title", "author", "source", "position"]
    list_filter = ["source"]
    search_fields = ["title", "author"]


@admin.register(KeyStep)
class KeyStepAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ["number", "title"]
    search_fields = ["title", "text"]


@admin.register(ContentChange)
class ContentChangeAdmin(admin.ModelAdmin):
    """The change history: read-only."""

    list_display = ["changed_at", "user", "model", "object_repr", "field", "old_value", "new_value"]
    list_filter = ["model", "field", "user"]
    search_fields = ["object_repr", "old_value", "new_value"]
    date_hierarchy = "changed_at"
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
