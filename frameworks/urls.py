from django.urls import path

from frameworks import views

urlpatterns = [
    path("framework/", views.framework_current, name="framework"),
    path(
        "framework/<slug:framework_slug>/edition-<int:number>/",
        views.framework_edition,
        name="framework_edition",
    ),
    path("sources/", views.sources, name="sources"),
]
