"""Admin screens for collaborations, teams, rounds and invitation links.

Responses and answers are deliberately not registered: nobody browses one person's answers.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html

from assessments.models import (
    ROUND_EDITION_LOCKED,
    Collaboration,
    IndividualLink,
    MemberInvitation,
    Membership,
    OfferedGroup,
    Response,
    Role,
    Round,
    Team,
    TeamLink,
    token_digest,
)
from frameworks.models import FrameworkVersion


class VersionChoiceMixin:
    """Offer published versions, plus the one the object already uses (even if since retired).

    A retired version stays on the rounds and collaborations that use it, so they can still be
    edited (closed, renamed); only a new choice has to be a published version.
    """

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        field = form.base_fields.get("framework_version")
        if field is not None:
            current = obj.framework_version_id if obj is not None else None
            field.queryset = FrameworkVersion.objects.filter(
                Q(status=FrameworkVersion.Status.PUBLISHED) | Q(pk=current)
            ).select_related("framework")
        return form


class TeamInline(admin.TabularInline):
    model = Team
    extra = 1


class OwnerRequiredFormSet(BaseInlineFormSet):
    """A collaboration always has an owner: the admin cannot save one without."""

    def clean(self):
        super().clean()
        owners = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("role") == Role.OWNER
        ]
        if not owners:
            raise ValidationError("A collaboration needs at least one owner.")


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = OwnerRequiredFormSet
    extra = 1
    autocomplete_fields = ["user"]


class OfferedGroupInline(admin.TabularInline):
    model = OfferedGroup
    extra = 0
    verbose_name = "stakeholder group offered"
    verbose_name_plural = "stakeholder groups offered (none: all of them)"


@admin.register(Collaboration)
class CollaborationAdmin(VersionChoiceMixin, admin.ModelAdmin):
    list_display = ["name", "approach_type", "framework_version", "created_on"]
    search_fields = ["name", "purpose"]
    filter_horizontal = ["value_modes"]
    inlines = [MembershipInline, TeamInline, OfferedGroupInline]


class TeamLinkInline(admin.TabularInline):
    model = TeamLink
    extra = 0
    fields = ["team", "invitation_url", "created_on"]
    readonly_fields = ["invitation_url", "created_on"]

    @admin.display(description="Invitation link")
    def invitation_url(self, obj):
        if not obj.pk:
            return "Saved links appear here."
        return reverse("invitation", args=[obj.token])


@admin.register(Round)
class RoundAdmin(VersionChoiceMixin, admin.ModelAdmin):
    list_display = ["title", "collaboration", "status", "opens_on", "closes_on", "submitted"]
    list_filter = ["status", "collaboration"]
    search_fields = ["title", "collaboration__name"]
    inlines = [TeamLinkInline]
    actions = ["create_team_links"]
    exclude = ["value_modes"]
    readonly_fields = ["opened_on", "recorded_value_modes"]

    @admin.display(description="Value modes recorded when it opened")
    def recorded_value_modes(self, obj):
        if obj is None or not obj.has_recorded_value_modes:
            return "Recorded from the collaboration when the round first opens."
        return ", ".join(m.name for m in obj.value_modes.all()) or "None (each respondent's own)"

    def _has_responses(self, obj) -> bool:
        return obj is not None and Response.objects.filter(round=obj).exists()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self._has_responses(obj):
            fields.append("framework_version")
        return fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            if self._has_responses(obj):
                messages.info(request, ROUND_EDITION_LOCKED)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("collaboration")
            .annotate(n_submitted=Count("responses", filter=Q(responses__status="submitted")))
        )

    @admin.display(description="Submitted responses", ordering="n_submitted")
    def submitted(self, obj):
        return obj.n_submitted

    @admin.action(
        description="Create a team link for every team without one", permissions=["change"]
    )
    def create_team_links(self, request, queryset):
        created = 0
        for round in queryset.select_related("collaboration"):
            existing = set(round.team_links.values_list("team_id", flat=True))
            for team in round.collaboration.teams.exclude(pk__in=existing):
                TeamLink.objects.create(round=round, team=team)
                created += 1
        self.message_user(request, f"Created {created} team link(s).", messages.SUCCESS)


@admin.register(IndividualLink)
class IndividualLinkAdmin(admin.ModelAdmin):
    """Adding a link shows its URL once: only a digest of the token is stored."""

    list_display = ["round", "team", "email", "created_on", "used"]
    list_filter = ["round", "used"]
    search_fields = ["email"]
    fields = ["round", "team", "email"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        link, token = IndividualLink.issue(round=obj.round, team=obj.team, email=obj.email)
        obj.pk = link.pk
        obj.token_digest = token_digest(token)
        url = request.build_absolute_uri(reverse("invitation", args=[token]))
        self.message_user(
            request,
            format_html(
                "Personal link (shown only now; copy it for the invitee): <code>{}</code>", url
            ),
            messages.SUCCESS,
        )


@admin.register(MemberInvitation)
class MemberInvitationAdmin(admin.ModelAdmin):
    """Admins invite people to a collaboration too; the e-mail goes out on saving."""

    list_display = ["email", "collaboration", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", "collaboration"]
    search_fields = ["email"]
    fields = ["collaboration", "email", "role"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        from assessments.services.facilitate import member_invite
        from assessments.tasks import send_member_invitation

        invite = member_invite(
            collaboration=obj.collaboration, email=obj.email, role=obj.role, invited_by=request.user
        )
        invitation = invite.invitation
        obj.pk = invitation.pk
        # As the members page does: an address whose invitation went out moments ago is not
        # e-mailed again.
        if invite.send:
            send_member_invitation.enqueue(invitation.pk, request.build_absolute_uri("/"))
        self.message_user(request, f"An invitation is on its way to {invitation.email}.")
