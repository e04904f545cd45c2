"""Tampered posts get a form error, a 400 or a 404: never a 500, never a partial save."""

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Answer, Comment, Response
from frameworks.models import Indicator
from tests.assessments.helpers import answer_page, resume_token, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(anon_client, team_link):
    return start(anon_client, team_link.token)


def test_a_value_outside_the_scale_is_a_form_error_and_saves_nothing(anon_client, draft, content):
    indicators = list(
        Indicator.objects.filter(characteristic__version=content, characteristic__number=1)
    )
    data = {f"item_{i.pk}": "4" for i in indicators}
    data[f"item_{indicators[2].pk}"] = "9"
    data.update({"nav": "next", "resume": resume_token(anon_client), "comment": "kept?"})
    response = anon_client.post(reverse("respond_characteristic", args=[1]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose one of the options for this statement." in html
    assert "nothing on this page was saved" in html
    assert not Answer.objects.filter(response=draft).exists()
    assert not Comment.objects.filter(response=draft).exists()


def test_an_over_long_comment_is_a_form_error_and_saves_nothing(anon_client, draft, content):
    response = answer_page(anon_client, content, 1, value="4", comment="x" * 10_000)
    assert response.status_code == 400
    assert "Please keep your comment to 2,000 characters" in response.content.decode()
    assert not Answer.objects.filter(response=draft).exists()


def test_unknown_item_ids_are_a_400_and_save_nothing(anon_client, draft, content):
    response = answer_page(anon_client, content, 1, value="4", extra={"item_99999999": "5"})
    assert response.status_code == 400
    assert not Answer.objects.filter(response=draft).exists()


def test_items_of_another_page_or_framework_version_are_a_400(
    anon_client, draft, content, edition1
):
    other_page = Indicator.objects.filter(
        characteristic__version=content, characteristic__number=2
    ).first()
    other_version = Indicator.objects.filter(
        characteristic__version=edition1, characteristic__number=1
    ).first()
    for foreign in (other_page, other_version):
        response = answer_page(
            anon_client, content, 1, value="4", extra={f"item_{foreign.pk}": "5"}
        )
        assert response.status_code == 400
    assert not Answer.objects.filter(response=draft).exists()


def test_a_characteristic_number_that_does_not_exist_is_a_404(anon_client, draft):
    assert anon_client.get(reverse("respond_characteristic", args=[9])).status_code == 404
    assert anon_client.post(reverse("respond_characteristic", args=[0]), {}).status_code == 404


def test_a_forged_resume_token_is_a_404_and_saves_nothing(anon_client, draft, content):
    indicators = Indicator.objects.filter(characteristic__version=content, characteristic__number=1)
    data = {f"item_{i.pk}": "4" for i in indicators}
    data.update({"nav": "next", "resume": "forged-token"})
    response = Client().post(reverse("respond_characteristic", args=[1]), data)
    assert response.status_code == 404
    assert not Answer.objects.exists()


def test_an_invalid_stakeholder_group_is_a_form_error(anon_client, draft):
    response = anon_client.post(
        reverse("respond_about"),
        {"stakeholder_group": "astronaut", "resume": resume_token(anon_client)},
    )
    assert response.status_code == 200
    assert "Choose one of the groups listed." in response.content.decode()
    draft.refresh_from_db()
    assert draft.stakeholder_group == ""


def test_an_unknown_value_mode_is_a_form_error(anon_client, draft):
    response = anon_client.post(
        reverse("respond_value"),
        {"value_modes": ["99999", "abc"], "resume": resume_token(anon_client)},
    )
    assert response.status_code == 400
    assert "Choose from the options listed." in response.content.decode()
    assert not draft.value_modes.exists()


@pytest.mark.parametrize(
    "name,args",
    [
        ("respond_start", []),
        ("respond_about", []),
        ("respond_characteristic", [1]),
        ("respond_value", []),
        ("respond_review", []),
    ],
)
def test_a_post_without_the_trailing_slash_never_redirects(anon_client, draft, content, name, args):
    url = reverse(name, args=args).rstrip("/")
    response = anon_client.post(
        url, {"resume": resume_token(anon_client), "stakeholder_group": "carer"}
    )
    assert response.status_code == 404
    assert "Location" not in response
    assert Response.objects.get(pk=draft.pk).status == "draft"


def test_every_form_action_ends_with_a_slash(anon_client, draft):
    import re

    pages = [
        reverse("respond_landing"),
        reverse("respond_about"),
        reverse("respond_characteristic", args=[1]),
    ]
    pages += [reverse("respond_value"), reverse("respond_review")]
    for url in pages:
        for action in re.findall(
            r'<form[^>]*action="([^"]*)"', anon_client.get(url).content.decode()
        ):
            assert action.endswith("/"), (url, action)


def test_posts_without_a_csrf_token_are_refused(team_link, content):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("invitation", args=[team_link.token]))
    response = client.post(reverse("respond_start"))
    assert response.status_code == 403
    assert not Response.objects.exists()


def test_fuzzed_posts_never_give_a_500(anon_client, draft, content):
    import random

    rng = random.Random(20261122)
    indicators = list(
        Indicator.objects.filter(characteristic__version=content, characteristic__number=4)
    )
    junk = ["", "0", "6", "-1", "4.5", "dk", "DK", "x" * 300, "\x00", "<script>", "5 ", "١"]
    statuses = {}
    for _ in range(120):
        data = {f"item_{i.pk}": rng.choice(junk + ["1", "2", "3", "4", "5"]) for i in indicators}
        data["comment"] = rng.choice(["", "ok", "y" * 2001])
        data["nav"] = rng.choice(["next", "back", "sideways", ""])
        data["resume"] = resume_token(anon_client)
        response = anon_client.post(reverse("respond_characteristic", args=[4]), data)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert response.status_code in (302, 400), response.status_code
        if response.status_code == 400:
            continue
        saved = dict(
            Answer.objects.filter(response=draft, indicator__in=indicators).values_list(
                "indicator_id", "value"
            )
        )
        for indicator in indicators:
            raw = data[f"item_{indicator.pk}"]
            if raw in {"1", "2", "3", "4", "5"}:
                assert saved[indicator.pk] == int(raw)
    # Both outcomes really happened: the fuzzing reached the view and the save.
    assert statuses.get(302) and statuses.get(400), statuses


@pytest.mark.parametrize(
    "path", ["/i/abc%00def/", "/resume/abc%00def/", "/i/abc%2Fdef/", "/i/" + "x" * 300 + "/"]
)
def test_a_malformed_token_is_a_404_before_any_query(anon_client, content, path):
    response = anon_client.get(path)
    assert response.status_code in (400, 404), response.status_code


def test_a_nul_byte_in_a_query_string_is_a_clear_400(anon_client, content):
    response = anon_client.get("/framework/?edition=1%00")
    assert response.status_code == 400
    assert "cannot be part of a link" in response.content.decode()


@pytest.mark.parametrize("charset", ["latin-1", "nonsense", "utf-16"])
def test_a_form_posted_in_another_charset_is_a_400_and_saves_nothing(anon_client, draft, charset):
    body = f"stakeholder_group=carer&resume={resume_token(anon_client)}"
    # generic() sends the bytes as they are (post() would encode them in that charset itself).
    response = anon_client.generic(
        "POST",
        reverse("respond_about"),
        data=body.encode(),
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    draft.refresh_from_db()
    assert draft.stakeholder_group == ""


def test_a_utf8_form_with_its_charset_declared_is_saved(anon_client, draft):
    body = f"stakeholder_group=carer&resume={resume_token(anon_client)}"
    response = anon_client.post(
        reverse("respond_about"),
        data=body,
        content_type="application/x-www-form-urlencoded; charset=UTF-8",
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.stakeholder_group == "carer"


def test_line_breaks_count_once_as_in_the_browser(anon_client, draft, content):
    # 2,000 characters in the browser's counter, sent with CRLF line breaks: over 2,000 here.
    comment = "\r\n".join(["y" * 181] * 10 + ["y" * 180])
    browser_length = len(comment.replace("\r\n", "\n"))
    assert browser_length == 2000 and len(comment) == 2010
    response = answer_page(anon_client, content, 1, value="4", comment=comment)
    assert response.status_code == 302
    stored = Comment.objects.get(response=draft).text
    assert "\r" not in stored and len(stored) == browser_length
    too_long = comment.replace("\r\n", "\n") + "z" * (2001 - browser_length)
    assert answer_page(anon_client, content, 2, value="4", comment=too_long).status_code == 400


def test_a_service_refusal_is_a_form_error_not_a_500(anon_client, draft, monkeypatch):
    from django.core.exceptions import ValidationError

    from assessments.services import respond as services

    def refuse(**kwargs):
        raise ValidationError("That team is not part of this collaboration.")

    monkeypatch.setattr(services, "response_save_about", refuse)
    response = anon_client.post(
        reverse("respond_about"),
        {"stakeholder_group": "carer", "resume": resume_token(anon_client)},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "That team is not part of this collaboration." in html
    assert "nothing on this page was saved" in html
