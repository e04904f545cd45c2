"""The public framework pages."""

import re

import pytest
from django.test import TestCase
from django.urls import reverse

from frameworks.models import Indicator
from frameworks.services import version_copy, version_publish, version_show_publicly
from tests.conftest import ensure_content

pytestmark = pytest.mark.django_db


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_framework_page_shows_edition_two_with_its_33_indicators(anon_client, content):
    response = anon_client.get(reverse("framework"))
    assert response.status_code == 200
    html = text_of(response)
    for characteristic in content.characteristics.all():
        assert f"{characteristic.number}. {characteristic.name}" in html
        assert characteristic.definition in html
    indicators = Indicator.objects.filter(characteristic__version=content)
    assert indicators.count() == 33
    for indicator in indicators:
        assert indicator.text.replace("'", "&#x27;") in html
    assert html.count('<ul class="indicators">') == 8


def test_framework_page_shows_the_other_frameworks_with_their_sources(anon_client, content):
    html = text_of(anon_client.get(reverse("framework")))
    for heading in [
        "Four ways collaborations create value",
        "Shared learning",
        "Quality Improvement Collaboratives",
        "Balance structure and autonomy",
        "Twelve key steps",
        "Think patient first, system second",
    ]:
        assert heading in html, heading
    assert "Source: THIS Institute" in html
    assert "Source: NHS Professionals" in html
    assert "Source: Kaleidoscope Health &amp; Care" in html


def test_earlier_editions_are_reachable(anon_client, content):
    html = text_of(anon_client.get(reverse("framework")))
    url = reverse("framework_edition", args=["eight-characteristics", 1])
    assert f'href="{url}"' in html
    response = anon_client.get(url)
    assert response.status_code == 200
    assert "Purpose driven strategy" in text_of(response)
    assert "Who does it well?" in text_of(response)


def test_drafts_are_not_public(anon_client, content):
    draft = version_copy(version=content)
    response = anon_client.get(
        reverse("framework_edition", args=["eight-characteristics", draft.number])
    )
    assert response.status_code == 404
    assert "edition-3" not in text_of(anon_client.get(reverse("framework")))


def test_framework_page_has_one_h1_landmarks_and_a_skip_link(anon_client, content):
    html = anon_client.get(reverse("framework")).content.decode()
    assert html.count("<h1") == 1
    assert '<main id="main"' in html and "<header" in html and "<footer" in html
    assert 'href="#main"' in html


def test_sources_page_lists_publishers_documents_and_licences(anon_client, content):
    html = text_of(anon_client.get(reverse("sources")))
    for publisher in ["Kaleidoscope Health &amp; Care", "THIS Institute", "NHS Professionals"]:
        assert publisher in html
    assert "Licence" in html
    assert "https://doi.org/10.1017/9781009236867" in html


def test_home_page(anon_client, content):
    response = anon_client.get(reverse("home"))
    assert response.status_code == 200


class FrameworkPageQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_content()

    def test_query_count_is_pinned_and_does_not_grow_with_indicators(self):
        url = reverse("framework")
        # 1 version (+framework, source); 2 themes; 3 characteristics; 4 indicators;
        # 5 examples; 6 consideration links; 7 key step links; 8 editions; 9 value modes;
        # 10 approach features; 11 approach types; 12 considerations; 13 practical questions;
        # 14 key steps.
        with self.assertNumQueries(14):
            self.client.get(url)
        # Warm: the content comes from the cache, and an anonymous visitor has no session.
        with self.assertNumQueries(0):
            warm = self.client.get(url)
        self.assertContains(warm, "The eight characteristics")

        # A new edition with twice as many indicators costs the same number of queries.
        draft = version_copy(
            version=Indicator.objects.first().characteristic.version.framework.versions.get(
                number=2
            )
        )
        for characteristic in draft.characteristics.all():
            for position in range(10, 16):
                Indicator.objects.create(
                    characteristic=characteristic,
                    position=position,
                    key=f"extra-{position}",
                    text=f"Extra {position}",
                )
        draft.adapted_by = "Northshire ICS"
        draft.save(update_fields=["adapted_by"])
        # A local adaptation is shown on the public page only when an admin chooses it.
        version_show_publicly(version=version_publish(version=draft))
        with self.assertNumQueries(14):
            response = self.client.get(url)
        self.assertContains(response, "Extra 15", count=8)
        with self.assertNumQueries(0):
            self.client.get(url)


def test_the_home_page_says_what_to_do_with_a_lost_link(client, content):
    html = client.get("/").content.decode()
    assert "Lost your link?" in html and "ask your collaboration’s facilitator" in html
    assert "demo" not in html.lower()  # DEBUG off: no demo, no admin address


def test_with_debug_on_the_home_page_shows_the_way_into_the_demo(client, content, settings):
    from assessments.demo import demo_load

    round = demo_load()
    settings.DEBUG = True
    html = client.get("/").content.decode()
    links = list(round.team_links.all())
    assert len(links) == 5
    for link in links:
        assert f"http://testserver/i/{link.token}/" in html
    assert "demo-facilitator" in html and 'href="/admin/"' in html


def test_the_framework_page_folds_credits_once_per_section_and_labels_the_apps_text(
    anon_client, content
):
    html = anon_client.get(reverse("framework")).content.decode()
    # Each characteristic folds, and is open without JavaScript.
    assert html.count('<details class="characteristic card mb-3"') == 8
    assert html.count('class="characteristic card mb-3" id="characteristic-') == 8
    assert len(re.findall(r'<details class="characteristic[^>]*\sopen>', html)) == 8
    # One credit line per section, not one after every item; a way back up after each.
    sections = re.findall(r'<section id="([a-z-]+)"[^>]*>(.*?)\n</section>', html, re.S)
    assert {name for name, _ in sections} >= {
        "characteristics",
        "value",
        "approaches",
        "considerations",
        "questions",
        "key-steps",
    }
    for name, body in sections:
        assert body.count('class="source-note') == 1, name
        assert 'href="#main">Back to top</a>' in body, name
    # The key steps' source text once, not "Work to build trust. Work to build trust."
    assert "Work to build trust. Work to build trust." not in html
    assert html.count("Work to build trust.") == 1
    # What CollabAssess wrote is said to be CollabAssess's.
    assert (
        "The grouping into three themes, the links to related guidance and their reasons are CollabAssess’s"
        in html
    )
    assert "(links and reasons chosen by CollabAssess)" in html
    assert "short title of our own" in html
