from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "CollabAssess administration"
admin.site.site_title = "CollabAssess admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("assessments.urls")),
    path("", include("frameworks.urls")),
]
