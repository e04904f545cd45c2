"""The respondent's journey through the test client: no JavaScript, no account."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from assessments.models import Answer, Comment, IndividualLink, Response, Round
from frameworks.models import Indicator
from tests.assessments.helpers import answer_page, complete, follow_invitation, resume_token, start

pytestmark = pytest.mark.django_db


def test_invitation_is_exchanged_for_a_session_and_dropped_from_the_url(anon_client, team_link):
    response = follow_invitation(anon_client, team_link.token)
    assert response.status_code == 302
    assert response["Location"] == reverse("respond_landing")
    assert team_link.token not in response["Location"]
    landing = anon_client.get(response["Location"])
    assert landing.status_code == 200
    html = landing.content.decode()
    assert "Privacy notice" in html and "Northshire Stroke Network" in html
    assert "fewer than <strong>5</strong>" in html


def test_unknown_invitation_is_a_404(anon_client, content):
    assert follow_invitation(anon_client, "not-a-real-token").status_code == 404
    assert anon_client.get(reverse("respond_landing")).status_code == 404


def test_unknown_resume_token_is_a_404(anon_client, content):
    assert anon_client.get(reverse("respond_resume", args=["nope"])).status_code == 404


def test_pages_without_a_journey_are_404(anon_client, content):
    for name in ["respond_about", "respond_value", "respond_review", "respond_results"]:
        assert anon_client.get(reverse(name)).status_code == 404
    assert anon_client.get(reverse("respond_characteristic", args=[1])).status_code == 404


def test_progress_and_the_resume_link_show_on_every_page(anon_client, team_link, content):
    start(anon_client, team_link.token)
    token = resume_token(anon_client)
    pages = [reverse("respond_about")]
    pages += [reverse("respond_characteristic", args=[n]) for n in range(1, 9)]
    pages += [reverse("respond_value"), reverse("respond_review")]
    for number, url in enumerate(pages, start=1):
        html = anon_client.get(url).content.decode()
        assert f"Page {number} of 11" in html, url
        assert reverse("respond_resume", args=[token]) in html, url


def test_a_characteristic_page_shows_its_definition_items_and_scale(
    anon_client, team_link, content
):
    start(anon_client, team_link.token)
    html = anon_client.get(reverse("respond_characteristic", args=[5])).content.decode()
    characteristic = content.characteristics.get(number=5)
    assert characteristic.definition in html
    assert html.count('<fieldset class="question item') == 5
    for label in ["Strongly disagree", "Strongly agree", "Don’t know / not applicable"]:
        assert label in html


def test_next_and_back_both_save(anon_client, team_link, content):
    draft = start(anon_client, team_link.token)
    response = answer_page(anon_client, content, 1, value="5", nav="back")
    assert response.status_code == 302 and response["Location"] == reverse("respond_about")
    response = answer_page(anon_client, content, 2, value="2", nav="next")
    assert response["Location"] == reverse("respond_characteristic", args=[3])
    assert Answer.objects.filter(response=draft, value=5).count() == 4
    assert Answer.objects.filter(response=draft, value=2).count() == 3
    # Going back shows the saved answers.
    html = anon_client.get(reverse("respond_characteristic", args=[1])).content.decode()
    assert html.count('value="5" id=') == 4 and html.count(" checked") == 4


def test_the_first_page_offers_no_way_back_out_of_the_questionnaire(anon_client, team_link):
    start(anon_client, team_link.token)
    html = anon_client.get(reverse("respond_about")).content.decode()
    assert "Save and go back" not in html
    # A forged "back" on the first page saves and stays in the questionnaire.
    response = anon_client.post(
        reverse("respond_about"),
        {
            "stakeholder_group": "clinician",
            "team": team_link.team_id,
            "nav": "back",
            "resume": resume_token(anon_client),
        },
    )
    assert response.status_code == 302 and response["Location"] != reverse("respond_landing")
    html = anon_client.get(reverse("respond_characteristic", args=[1])).content.decode()
    assert "Save and go back" in html


def test_dont_know_is_stored_as_null_and_a_comment_is_kept(anon_client, team_link, content):
    draft = start(anon_client, team_link.token)
    answer_page(anon_client, content, 3, value="dk", comment="Trust is growing.")
    assert Answer.objects.filter(response=draft, value__isnull=True).count() == 4
    assert Comment.objects.get(response=draft).text == "Trust is growing."


def test_whole_journey_then_personal_results(anon_client, team_link, content):
    values = {1: "2", 2: "5", 3: "4", 4: "3", 5: "4", 6: "1", 7: "5", 8: "3"}
    draft = complete(anon_client, team_link.token, content, values=values)
    assert draft.status == Response.Status.SUBMITTED
    results = anon_client.get(reverse("respond_results"))
    assert results.status_code == 200
    html = results.content.decode()
    assert "Your results" in html and 'id="radar-data"' in html
    assert "<table" in html and "2.00" in html and "1.00" in html
    assert "Things to work on" in html


def test_resume_in_another_browser_restores_every_saved_answer(anon_client, team_link, content):
    draft = start(anon_client, team_link.token)
    answer_page(anon_client, content, 1, value="3")
    answer_page(anon_client, content, 2, value="dk", comment="Hard to say")
    token = resume_token(anon_client)

    other = Client()
    response = other.get(reverse("respond_resume", args=[token]))
    assert response.status_code == 302 and token not in response["Location"]
    assert other.session["ca_response"] == draft.pk
    page1 = other.get(reverse("respond_characteristic", args=[1])).content.decode()
    assert page1.count('value="3" id=') == 4 and page1.count(" checked") == 4
    page2 = other.get(reverse("respond_characteristic", args=[2])).content.decode()
    assert page2.count('value="dk" id=') == 3 and page2.count(" checked") == 3
    assert "Hard to say" in page2


def test_the_resume_link_continues_where_the_partner_stopped(anon_client, team_link, content):
    from assessments.models import Answer, Response

    draft = start(anon_client, team_link.token)
    token = resume_token(anon_client)
    # Nothing about them yet: the first page.
    assert Client().get(reverse("respond_resume", args=[token]))["Location"] == reverse(
        "respond_about"
    )
    Response.objects.filter(pk=draft.pk).update(stakeholder_group="carer")
    for number in (1, 2, 3):
        answer_page(anon_client, content, number, value="4")
    # Page 4 half answered: carry on there, not on page 5.
    answer_page(anon_client, content, 5, value="4")
    first_of_4 = content.characteristics.get(number=4).indicators.order_by("position").first()
    Answer.objects.create(response=draft, indicator=first_of_4, value=2)
    assert Client().get(reverse("respond_resume", args=[token]))["Location"] == reverse(
        "respond_characteristic", args=[4]
    )
    for number in (4, 6, 7, 8):
        answer_page(anon_client, content, number, value="dk")
    assert Client().get(reverse("respond_resume", args=[token]))["Location"] == reverse(
        "respond_review"
    )


def test_after_submitting_the_private_link_says_it_shows_the_results(
    anon_client, team_link, content
):
    complete(anon_client, team_link.token, content)
    assert "resume-heading" in anon_client.get(reverse("respond_results")).content.decode()
    for url in (reverse("respond_results"), reverse("respond_landing")):
        html = anon_client.get(url).content.decode()
        if "resume-heading" in html:
            assert "Your private results link" in html, url
            assert "change your answers" not in html, url


def test_final_submit_with_an_expired_session_is_saved(anon_client, team_link, content):
    draft = start(anon_client, team_link.token)
    answer_page(anon_client, content, 1, value="4")
    token = resume_token(anon_client)

    expired = Client()  # a new browser session: only the form's resume token comes along
    response = expired.post(reverse("respond_review"), {"resume": token})

    assert response.status_code == 302 and response["Location"] == reverse("respond_results")
    draft.refresh_from_db()
    assert draft.status == Response.Status.SUBMITTED


def test_submitting_twice_writes_the_submission_once(anon_client, team_link, content, write_log):
    draft = complete(anon_client, team_link.token, content)
    answers = sorted(Answer.objects.values_list("indicator_id", "value"))
    again = anon_client.post(reverse("respond_review"), {"resume": draft.resume_token})
    assert again.status_code == 302 and again["Location"] == reverse("respond_results")
    assert Response.objects.count() == 1
    assert write_log.count("submit", draft.pk) == 1
    # Going back to a page of a submitted response changes nothing.
    answer_page(anon_client, content, 1, value="1", extra={"resume": draft.resume_token})
    assert sorted(Answer.objects.values_list("indicator_id", "value")) == answers
    assert write_log.writes_after_submit(draft.pk) == 0


def test_review_lists_unanswered_items_with_links(anon_client, team_link, content):
    start(anon_client, team_link.token)
    answer_page(anon_client, content, 1, value="4")
    html = anon_client.get(reverse("respond_review")).content.decode()
    missing = Indicator.objects.filter(characteristic__version=content).exclude(
        characteristic__number=1
    )
    assert "Not answered yet (29)" in html
    first = missing.order_by("characteristic__number", "position").first()
    assert f"{reverse('respond_characteristic', args=[2])}?return=review#item-{first.pk}" in html


def test_check_your_answers_shows_every_answer_and_changing_one_comes_back(
    anon_client, team_link, content
):
    complete_values = {1: "2", 2: "dk"}
    start(anon_client, team_link.token)
    anon_client.post(
        reverse("respond_about"),
        {"stakeholder_group": "carer", "resume": resume_token(anon_client)},
    )
    for number, value in complete_values.items():
        answer_page(anon_client, content, number, value=value, comment=f"Note {number}")
    html = anon_client.get(reverse("respond_review")).content.decode()
    assert "Check your answers before submitting" in html
    assert "<dd>Carer</dd>" in html
    section = html[html.index('id="summary-1"') : html.index('id="summary-2"')]
    assert section.count("<dd>Disagree</dd>") == 4 and "Note 1" in section
    section = html[html.index('id="summary-2"') : html.index('id="summary-3"')]
    assert section.count("<dd>Don’t know / not applicable</dd>") == 3
    change = f"{reverse('respond_characteristic', args=[1])}?return=review"
    assert f'href="{change}"' in html
    page = anon_client.get(change).content.decode()
    assert "Save and return to your answers" in page and "Save and go back" not in page
    response = answer_page(anon_client, content, 1, value="5", extra={"return": "review"})
    assert response["Location"] == reverse("respond_review")
    html = anon_client.get(reverse("respond_review")).content.decode()
    section = html[html.index('id="summary-1"') : html.index('id="summary-2"')]
    assert section.count("<dd>Strongly agree</dd>") == 4


def test_team_link_respondent_is_not_asked_for_a_team(anon_client, team_link):
    start(anon_client, team_link.token)
    html = anon_client.get(reverse("respond_about")).content.decode()
    assert 'name="team"' not in html and team_link.team.name in html


def test_individual_link_without_team_asks_for_one_and_is_single_use(
    anon_client, open_round, content
):
    link, token = IndividualLink.issue(round=open_round, email="pat@example.org")
    draft = start(anon_client, token)
    assert draft.individual_link == link
    html = anon_client.get(reverse("respond_about")).content.decode()
    assert 'name="team"' in html
    team = open_round.collaboration.teams.last()
    anon_client.post(
        reverse("respond_about"),
        {"team": team.pk, "stakeholder_group": "carer", "resume": resume_token(anon_client)},
    )
    anon_client.post(reverse("respond_review"), {"resume": resume_token(anon_client)})

    draft.refresh_from_db()
    link.refresh_from_db()
    assert draft.status == "submitted" and draft.team == team
    assert draft.individual_link is None  # the response no longer points to the link
    assert draft.sealed_resume == ""  # nor keeps the token the link could open
    assert link.used
    # The link cannot be used again.
    assert follow_invitation(Client(), token).status_code == 410


def test_individual_link_opened_in_two_browsers_continues_one_draft_with_one_resume_link(
    open_round, content
):
    link, token = IndividualLink.issue(round=open_round)
    first_browser, second_browser = Client(), Client()
    first = start(first_browser, token)
    answer_page(first_browser, content, 1, value="2")

    follow_invitation(second_browser, token)
    landing = second_browser.get(reverse("respond_landing")).content.decode()
    assert "Continue where you left off" in landing
    assert second_browser.session["ca_response"] == first.pk
    assert resume_token(second_browser) == resume_token(first_browser)
    # Both browsers keep working on the same draft.
    assert answer_page(second_browser, content, 2, value="3").status_code == 302
    assert answer_page(first_browser, content, 3, value="4").status_code == 302
    assert Response.objects.count() == 1
    assert Answer.objects.filter(response=first).count() == 4 + 3 + 4


def test_following_a_team_link_again_in_the_same_browser_continues_the_draft(
    anon_client, team_link, content
):
    draft = start(anon_client, team_link.token)
    answer_page(anon_client, content, 1, value="5")
    follow_invitation(anon_client, team_link.token)
    assert anon_client.session["ca_response"] == draft.pk
    assert (
        "Continue where you left off"
        in anon_client.get(reverse("respond_landing")).content.decode()
    )
    # Another browser with the same team link starts its own draft.
    other = start(Client(), team_link.token)
    assert other.pk != draft.pk


def test_a_team_from_another_collaboration_is_refused(
    anon_client, open_round, other_collaboration_round
):
    link, token = IndividualLink.issue(round=open_round)
    draft = start(anon_client, token)
    foreign = other_collaboration_round.collaboration.teams.get()
    response = anon_client.post(
        reverse("respond_about"),
        {"team": foreign.pk, "stakeholder_group": "carer", "resume": resume_token(anon_client)},
    )
    assert (
        response.status_code == 200
        and "Choose one of the teams listed." in response.content.decode()
    )
    draft.refresh_from_db()
    assert draft.team is None


@pytest.mark.parametrize("availability", ["closed", "not_open"])
def test_a_round_that_is_not_open_shows_a_clear_page_and_saves_nothing(
    anon_client, team_link, content, availability
):
    draft = start(anon_client, team_link.token)
    round = team_link.round
    if availability == "closed":
        round.status = Round.Status.CLOSED
    else:
        round.opens_on = timezone.localdate() + timedelta(days=2)
        round.closes_on = timezone.localdate() + timedelta(days=9)
    round.save()
    response = answer_page(anon_client, content, 1, value="4")
    assert response.status_code == 403
    assert (
        "has closed" if availability == "closed" else "not open yet"
    ) in response.content.decode()
    assert not Answer.objects.filter(response=draft).exists()
    response = anon_client.post(reverse("respond_review"), {"resume": resume_token(anon_client)})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_closed_round_refuses_new_starts(anon_client, team_link):
    team_link.round.status = Round.Status.CLOSED
    team_link.round.save()
    follow_invitation(anon_client, team_link.token)
    response = anon_client.post(reverse("respond_start"))
    assert response.status_code == 403
    assert not Response.objects.exists()


def _without_choices(html: str) -> str:
    """A value page without its fieldset of choices (whose labels name every value mode)."""
    return html[: html.index("<fieldset")] + html[html.index("</fieldset>") :]


def test_the_value_page_asks_first_and_the_review_says_what_the_collaboration_declared(
    anon_client, team_link, content
):
    """Saying the collaboration's declared purpose before asking the partner's would prime the
    very comparison it feeds ("declared against chosen"): the question page never names it; the
    page after it (the review) does, with the partner's own choice beside it."""
    from frameworks.models import ValueMode

    start(anon_client, team_link.token)
    # The round recorded the collaboration's value modes when it opened (shared delivery).
    declared = ValueMode.objects.get(slug="shared-delivery")
    assert list(team_link.round.value_modes.all()) == [declared]
    asked = anon_client.get(reverse("respond_value")).content.decode()
    assert "Your collaboration said" not in asked and "said it exists" not in asked
    assert declared.name.lower() not in _without_choices(asked).lower()
    assert asked.count(declared.name) == 1  # its checkbox's label, like every other mode
    chosen = ValueMode.objects.get(slug="shared-learning")
    saved = anon_client.post(
        reverse("respond_value"), {"value_modes": [chosen.pk], "resume": resume_token(anon_client)}
    )
    assert saved["Location"] == reverse("respond_review")  # the page after it
    review = anon_client.get(reverse("respond_review")).content.decode()
    assert (
        "Your collaboration said its main purpose is shared delivery; you chose shared learning."
    ) in review


def test_without_a_declared_purpose_the_partners_choice_orders_the_priorities(
    anon_client, team_link, content
):
    team_link.round.value_modes.clear()
    start(anon_client, team_link.token)
    asked = anon_client.get(reverse("respond_value")).content.decode()
    assert "Your answer shapes the order of the priorities" in asked
    review = anon_client.get(reverse("respond_review")).content.decode()
    assert "Your collaboration said" not in review


def test_the_value_page_offers_not_sure(anon_client, team_link, content):
    from frameworks.models import ValueMode

    draft = start(anon_client, team_link.token)
    url = reverse("respond_value")
    html = anon_client.get(url).content.decode()
    assert "I’m not sure" in html
    mode = ValueMode.objects.get(slug="shared-learning")
    both = anon_client.post(
        url, {"value_modes": [mode.pk], "not_sure": "on", "resume": resume_token(anon_client)}
    )
    assert both.status_code == 400
    assert "not both" in both.content.decode()
    assert 'href="#id_not_sure"' in both.content.decode()  # the summary links to the box
    anon_client.post(url, {"value_modes": [mode.pk], "resume": resume_token(anon_client)})
    assert list(draft.value_modes.values_list("slug", flat=True)) == ["shared-learning"]
    unsure = anon_client.post(url, {"not_sure": "on", "resume": resume_token(anon_client)})
    assert unsure.status_code == 302
    assert not draft.value_modes.exists()  # not sure: no value mode counted


def test_each_stakeholder_group_says_who_it_is_for_so_that_everyone_fits_one(
    anon_client, team_link
):
    from assessments.models import StakeholderGroup
    from assessments.models.collaborations import STAKEHOLDER_GROUP_HINTS

    start(anon_client, team_link.token)
    html = anon_client.get(reverse("respond_about")).content.decode()
    assert "Choose the one that best describes the part you play" in html
    assert set(STAKEHOLDER_GROUP_HINTS) == set(StakeholderGroup.values)
    for index, (slug, _) in enumerate(StakeholderGroup.choices):
        hint_id = f"id_stakeholder_group_{index}-hint"
        assert f'aria-describedby="{hint_id}"' in html, slug
        assert f'id="{hint_id}">{escape(STAKEHOLDER_GROUP_HINTS[slug])}</p>' in html, slug
    # Clinicians who manage are told where they belong, and managers where they don't.
    assert "even if you also manage" in STAKEHOLDER_GROUP_HINTS["clinician"]
    assert "do not mainly work as a clinician" in STAKEHOLDER_GROUP_HINTS["manager"]


@pytest.mark.parametrize("edition", [1, 2])
def test_every_statement_has_a_plain_english_line_under_it_credited_as_the_apps(
    anon_client, content, edition
):
    from tests.assessments.helpers import open_round_link

    version = content if edition == 2 else content.framework.versions.get(number=1)
    link = open_round_link(version, name=f"Plain {edition}")
    start(anon_client, link.token)
    indicators = Indicator.objects.filter(characteristic__version=version)
    assert indicators.exists() and not indicators.filter(plain_english="").exists()
    for number in version.characteristics.values_list("number", flat=True):
        html = anon_client.get(reverse("respond_characteristic", args=[number])).content.decode()
        assert "a plain-English explanation written for CollabAssess" in html
        for indicator in indicators.filter(characteristic__number=number):
            assert f'aria-describedby="plain-{indicator.pk}"' in html
            assert escape(indicator.plain_english) in html
            assert escape(indicator.text) in html  # the publisher's wording stays
