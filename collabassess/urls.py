from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from assessments.views import subject_access
from collabassess import health

urlpatterns = [
    path("healthz/", health.healthz, name="healthz"),
    path("readyz/", health.readyz, name="readyz"),
    # An admin-site view (signed-in staff, CSRF, no-cache), before the admin's own catch-all.
    path(
        "admin/subject-access/",
        admin.site.admin_view(subject_access.admin_subject_access),
        name="admin_subject_access",
    ),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico whatever the page says.
    # The unhashed name: static() here would need collectstatic's manifest at import time.
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}favicon.svg")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("assessments.urls")),
    path("", include("frameworks.urls")),
]
