from django.urls import path

from assessments import views

urlpatterns = [
    path("i/<str:token>/", views.invitation, name="invitation"),
    path("resume/<str:token>/", views.resume, name="respond_resume"),
    path("respond/", views.landing, name="respond_landing"),
    path("respond/start/", views.start, name="respond_start"),
    path("respond/about/", views.about, name="respond_about"),
    path("respond/c/<int:number>/", views.characteristic_page, name="respond_characteristic"),
    path("respond/value/", views.value_modes, name="respond_value"),
    path("respond/review/", views.review, name="respond_review"),
    path("respond/results/", views.results, name="respond_results"),
]
