"""Project-wide admin settings, and django-axes' and the accounts' screens made to follow the
project's rules."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

admin.site.site_header = "CollabAssess administration"
admin.site.site_title = "CollabAssess admin"
# The index adds a link to subject access and erasure (assessments.views.subject_access).
admin.site.index_template = "admin/subject_access_index.html"


class ThrottleAttemptAdmin(AccessAttemptAdmin):
    """django-axes' failed sign-in list; its clean-up action needs the change permission, as
    every admin action here does (axes' own declares none)."""

    @admin.action(description="Clean up expired attempts", permissions=["change"])
    def cleanup_expired_attempts(self, request, queryset):
        return super().cleanup_expired_attempts(request, queryset)


admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, ThrottleAttemptAdmin)


class AccountAdmin(UserAdmin):
    """Django's user screens, with the sign-in dates shown, not edited: they are facts the site
    records, and Django's date-and-time pair of inputs has no label for either input (axe:
    label), which a read-only field does not need."""

    readonly_fields = ["last_login", "date_joined"]


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), AccountAdmin)
