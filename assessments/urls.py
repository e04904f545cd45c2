from django.urls import path, register_converter

from assessments.views import respond


class TokenConverter:
    """Invitation and resume tokens: URL-safe base64 only. Anything else (a NUL byte, a slash,
    a truncated or padded link) is not a token and never reaches the database: a 404."""

    regex = "[A-Za-z0-9_-]{1,100}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TokenConverter, "token")

urlpatterns = [
    path("i/<token:token>/", respond.invitation, name="invitation"),
    path("resume/<token:token>/", respond.resume, name="respond_resume"),
    path("respond/", respond.landing, name="respond_landing"),
    path("respond/start/", respond.start, name="respond_start"),
    path("respond/about/", respond.about, name="respond_about"),
    path("respond/c/<int:number>/", respond.characteristic_page, name="respond_characteristic"),
    path("respond/value/", respond.value_modes, name="respond_value"),
    path("respond/review/", respond.review, name="respond_review"),
    path("respond/results/", respond.results, name="respond_results"),
]
