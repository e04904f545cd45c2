"""Remove each guarantee's guard, one at a time, and check that its tests fail.

A test that still passes with its guard removed proves nothing. Each mutation below replaces a
piece of the code that enforces one guarantee, runs the tests that claim to check it, expects
them to FAIL, and restores the file. Run it with ``make mutate`` (SQLite) or, for the ones
marked PostgreSQL, with ``DATABASE_URL=postgres://… make mutate``.

Exit status 0 when every mutation was caught (its tests failed), 1 otherwise.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Mutation:
    name: str
    path: str
    old: str
    new: str
    tests: list[str]
    database: str | None = None  # "postgresql" when only PostgreSQL can show the fault
    # Further (path, old, new) edits, for a guarantee kept by two guards (defence in depth).
    also: tuple[tuple[str, str, str], ...] = ()

    def edits(self):
        return [(self.path, self.old, self.new), *self.also]


MUTATIONS = [
    Mutation(
        "submit: the conditional UPDATE (WHERE status = 'draft')",
        "assessments/services/respond.py",
        "changed = Response.objects.filter(pk=response.pk, status=Response.Status.DRAFT).update(",
        "changed = Response.objects.filter(pk=response.pk).update(",
        [
            "tests/assessments/test_concurrency.py::test_50_concurrent_submissions_of_one_draft_write_it_exactly_once"
        ],
        # SQLite's IMMEDIATE transactions serialise the submits, so the early return alone
        # holds there; under PostgreSQL's READ COMMITTED the conditional UPDATE is the guard,
        # with the row lock taken to work out the results in front of it (removed with it).
        database="postgresql",
        also=(
            (
                "assessments/services/respond.py",
                "        Response.objects.select_for_update()\n        .filter(pk=response.pk)",
                "        Response.objects.filter(pk=response.pk)",
            ),
        ),
    ),
    Mutation(
        "submit: the conditional UPDATE and the early return, together",
        "assessments/services/respond.py",
        '    if current["status"] == Response.Status.SUBMITTED:\n        return Response.objects.get(pk=response.pk)\n    _check_open(round)',
        "    _check_open(round)",
        [
            "tests/assessments/test_journey.py::test_submitting_twice_writes_the_submission_once",
            "tests/browser/test_submit_twice.py::test_two_quick_submits",
        ],
        also=(
            (
                "assessments/services/respond.py",
                "changed = Response.objects.filter(pk=response.pk, status=Response.Status.DRAFT).update(",
                "changed = Response.objects.filter(pk=response.pk).update(",
            ),
        ),
    ),
    Mutation(
        "saves after submit: the draft check in _locked_draft",
        "assessments/services/respond.py",
        "    if fresh.status != Response.Status.DRAFT:\n        raise AlreadySubmitted",
        "    if False:\n        raise AlreadySubmitted",
        [
            "tests/assessments/test_journey.py::test_submitting_twice_writes_the_submission_once",
            "tests/assessments/test_concurrency.py::test_page_saves_racing_a_submit_change_nothing_once_it_is_submitted",
        ],
    ),
    Mutation(
        "freeze: the pre_save guard (loaddata, load_content, save_base)",
        "frameworks/models.py",
        "    instance.check_freeze()\n",
        "    return None\n",
        [
            "tests/frameworks/test_freeze_paths.py::test_load_content_refuses_to_add_an_indicator_to_a_published_edition",
            "tests/frameworks/test_freeze_paths.py::test_loaddata_cannot_change_a_frozen_band",
            "tests/frameworks/test_freeze_paths.py::test_save_base_cannot_change_a_frozen_indicator",
        ],
    ),
    Mutation(
        "freeze: bulk_create into a published version",
        "frameworks/models.py",
        "        if not self.model.NARRATIVE and objs and self._any_in_frozen_version(objs):",
        "        if False:",
        [
            "tests/frameworks/test_freeze_paths.py::test_bulk_create_cannot_overwrite_or_add_frozen_weights"
        ],
    ),
    Mutation(
        "load_content: a fixture that differs from a published edition",
        "frameworks/content.py",
        '    changed = [f for f in getattr(obj, "FROZEN_FIELDS", ()) if _field_changed(obj, existing, f)]',
        "    changed = []",
        [
            "tests/frameworks/test_freeze_paths.py::test_load_content_refuses_a_fixture_that_rewords_a_published_indicator"
        ],
    ),
    Mutation(
        "version_copy: the lock on the framework row",
        "frameworks/services.py",
        "    Framework.objects.select_for_update().filter(pk=version.framework_id).get()\n",
        "",
        [
            "tests/frameworks/test_freeze_paths.py::test_two_concurrent_copies_take_different_numbers"
        ],
        database="postgresql",
    ),
    Mutation(
        "round: the edition lock once a response exists",
        "assessments/models/collaborations.py",
        "        return self.responses.exists()",
        "        return False",
        [
            "tests/assessments/test_integrity.py::test_a_round_with_a_response_cannot_change_edition",
            "tests/assessments/test_integrity.py::test_the_admin_shows_a_used_rounds_edition_read_only_and_keeps_it",
        ],
    ),
    Mutation(
        "results: read the round's recorded value modes, not the collaboration's",
        "assessments/results.py",
        "    modes = [m.slug for m in response.round.value_modes.all()]",
        "    modes = [m.slug for m in response.round.collaboration.value_modes.all()]",
        [
            "tests/assessments/test_integrity.py::test_results_keep_the_value_modes_recorded_when_the_round_opened"
        ],
    ),
    Mutation(
        "round: recorded value modes refuse change after a submission",
        "assessments/models/responses.py",
        "    if round_ids and submitted.exists():",
        "    if False:",
        [
            "tests/assessments/test_integrity.py::test_recorded_value_modes_cannot_change_once_a_response_is_submitted"
        ],
    ),
    Mutation(
        "admin: a retired version stays selectable where it is used",
        "assessments/admin.py",
        "                Q(status=FrameworkVersion.Status.PUBLISHED) | Q(pk=current)",
        "                Q(status=FrameworkVersion.Status.PUBLISHED)",
        [
            "tests/assessments/test_integrity.py::test_a_round_on_a_retired_version_can_still_be_edited_and_closed"
        ],
    ),
    Mutation(
        "admin: actions need the change permission",
        "assessments/admin.py",
        '        description="Create a team link for every team without one", permissions=["change"]',
        '        description="Create a team link for every team without one"',
        [
            "tests/assessments/test_integrity.py::test_admin_actions_need_the_change_permission",
            "tests/assessments/test_integrity.py::test_no_admin_action_is_offered_without_the_change_permission",
        ],
    ),
    Mutation(
        "personal links: the team must belong to the round's collaboration",
        "assessments/models/links.py",
        '    if team is not None and team.collaboration_id != round.collaboration_id:\n        raise ValidationError({"team": TEAM_NOT_IN_COLLABORATION})',
        "    pass",
        [
            "tests/assessments/test_integrity.py::test_a_personal_link_cannot_carry_another_collaborations_team"
        ],
    ),
    Mutation(
        "invitation: nothing in the session before the used-link check",
        "assessments/views/respond.py",
        "    if individual is not None:\n        if individual.used:",
        "    session_store.begin(session, round_id=round.pk)\n    if individual is not None:\n        if individual.used:",
        [
            "tests/assessments/test_session_privacy.py::test_a_used_personal_link_opens_no_journey_in_any_browser"
        ],
    ),
    Mutation(
        "invitation: the same browser keeps its results after submitting",
        "assessments/views/respond.py",
        "        keep_results=_own_results(request, round) is not None,",
        "        keep_results=False,",
        [
            "tests/assessments/test_session_privacy.py::test_reopening_a_team_link_after_submitting_shows_that_you_answered"
        ],
    ),
    Mutation(
        "start: one browser, one draft (the start key's derived token)",
        "assessments/views/respond.py",
        "else start_resume_token(start_key)",
        "else None",
        [
            "tests/assessments/test_concurrency.py::test_20_concurrent_start_clicks_from_one_browser_open_one_draft"
        ],
    ),
    Mutation(
        "submit: the session keeps only the results' resume token",
        "assessments/respondent_session.py",
        "    session.cycle_key()\n    _clear(session)\n    if token:\n        session[RESULTS] = token",
        "    if token:\n        session[RESULTS] = token",
        [
            "tests/assessments/test_session_privacy.py::test_after_submitting_the_session_store_keeps_no_link_and_no_token"
        ],
    ),
    Mutation(
        "submit: the session's expiry is a midnight set by the round, not the moment of submitting",
        "assessments/respondent_session.py",
        "        session.set_expiry(results_expiry(round))\n",
        "",
        [
            "tests/assessments/test_session_privacy.py::test_after_submitting_the_session_row_holds_no_response_id_and_no_time_finer_than_the_day"
        ],
    ),
    Mutation(
        "personal links: a draft bound to a session drops the link from it",
        "assessments/respondent_session.py",
        "    session.pop(LINK, None)\n    session.pop(LINK_KEY, None)\n",
        "",
        [
            "tests/assessments/test_unlinkable.py::test_a_browser_left_on_a_draft_ties_no_link_to_the_response"
        ],
    ),
    Mutation(
        "personal links: the submit wipes the draft's sealed resume token",
        "assessments/services/respond.py",
        '        individual_link=None,\n        sealed_resume="",\n',
        "        individual_link=None,\n",
        [
            "tests/assessments/test_unlinkable.py::test_the_resume_digest_cannot_be_worked_out_from_a_link_with_the_secret_key"
        ],
        also=(
            (
                "assessments/models/responses.py",
                'individual_link__isnull=True, sealed_resume=""',
                "individual_link__isnull=True",
            ),
        ),
    ),
    Mutation(
        "posted resume token: a new session key",
        "assessments/respondent_session.py",
        "    if fresh:\n        session.cycle_key()\n        _clear(session)",
        "    if fresh:\n        _clear(session)",
        [
            "tests/assessments/test_session_privacy.py::test_a_posted_resume_token_binds_its_draft_to_a_new_session_key"
        ],
    ),
    Mutation(
        "retention: expired responses are deleted",
        "assessments/retention.py",
        "        expired.delete()\n",
        "",
        [
            "tests/assessments/test_retention.py::test_responses_comments_and_links_go_after_the_retention_period"
        ],
    ),
    Mutation(
        "retention: abandoned drafts are deleted",
        "assessments/retention.py",
        "        abandoned.delete()\n",
        "",
        [
            "tests/assessments/test_retention.py::test_abandoned_drafts_go_a_week_after_the_round_closes"
        ],
    ),
    Mutation(
        "logs: the token mask",
        "collabassess/log_filters.py",
        "        try:\n            message = record.getMessage()",
        "        return True\n        try:\n            message = record.getMessage()",
        [
            "tests/test_logging.py::test_a_5xx_on_an_invitation_logs_no_token",
            "tests/test_logging.py::test_a_resume_link_5xx_and_a_used_personal_link_410_log_no_token",
        ],
    ),
    Mutation(
        "sign-in throttling: 10 failures",
        "collabassess/settings.py",
        "AXES_FAILURE_LIMIT = 10",
        "AXES_FAILURE_LIMIT = 1000",
        ["tests/test_throttling.py"],
    ),
    Mutation(
        "database restart: connection health checks",
        "collabassess/settings.py",
        'DATABASES["default"]["CONN_HEALTH_CHECKS"] = True',
        'DATABASES["default"]["CONN_HEALTH_CHECKS"] = False',
        ["tests/test_database_restart.py"],
    ),
    Mutation(
        "admin: inline deletes keep the pk for the history",
        "frameworks/admin.py",
        "            obj.pk = pk\n",
        "",
        ["tests/test_admin_inlines.py"],
    ),
    Mutation(
        "requests: NUL bytes and malformed tokens never reach PostgreSQL",
        "assessments/urls.py",
        '    path("i/<token:token>/", respond.invitation, name="invitation"),',
        '    path("i/<str:token>/", respond.invitation, name="invitation"),',
        ["tests/assessments/test_tampering.py::test_a_malformed_token_is_a_404_before_any_query"],
        database="postgresql",
        also=(
            (
                "collabassess/middleware.py",
                '        if "\\x00" in request.path or',
                "        if False and",
            ),
        ),
    ),
    Mutation(
        "requests: forms only in UTF-8",
        "collabassess/middleware.py",
        '            if charset and _codec_name(charset) != "utf-8":',
        "            if False:",
        [
            "tests/assessments/test_tampering.py::test_a_form_posted_in_another_charset_is_a_400_and_saves_nothing"
        ],
    ),
    Mutation(
        "comments: a line break counts once",
        "assessments/forms/respond.py",
        "    comment = CommentField(",
        "    comment = forms.CharField(",
        ["tests/assessments/test_tampering.py::test_line_breaks_count_once_as_in_the_browser"],
    ),
    Mutation(
        "views: a service's ValidationError is a form error",
        "assessments/views/respond.py",
        '    except ValidationError as error:\n        context["form"].add_error(None, error.messages)',
        '    except KeyError as error:\n        context["form"].add_error(None, error.messages)',
        ["tests/assessments/test_tampering.py::test_a_service_refusal_is_a_form_error_not_a_500"],
    ),
    Mutation(
        "settings: DEBUG refuses a public host",
        "collabassess/settings.py",
        "if DEBUG and _public_hosts:",
        "if False:",
        ["tests/test_settings.py::test_debug_with_a_public_host_refuses_to_start"],
    ),
    # --- Facilitators (issue 7) ---------------------------------------------------------------
    Mutation(
        "access: objects are found through the signed-in user's memberships",
        "assessments/access.py",
        "        .filter(user=user, collaboration_id=collaboration_id)",
        "        .filter(collaboration_id=collaboration_id)",
        ["tests/assessments/test_facilitate_access.py"],
    ),
    Mutation(
        "access: a viewer's change is a 403",
        "assessments/access.py",
        "            if not membership.can(needed):",
        "            if False:",
        ["tests/assessments/test_facilitate_access.py"],
    ),
    Mutation(
        "members: the last owner stays",
        "assessments/services/facilitate.py",
        "    if role != Role.OWNER and owners == [membership.pk]:",
        "    if False:",
        [
            "tests/assessments/test_members.py::test_the_last_owner_cannot_leave_or_be_demoted_or_removed"
        ],
    ),
    Mutation(
        "members: concurrent demotions are serialised by a lock",
        "assessments/services/facilitate.py",
        "    Collaboration.objects.select_for_update().filter(pk=collaboration_id).get()\n",
        "",
        [
            "tests/assessments/test_members.py::test_two_owners_demoting_each_other_at_once_leave_one_owner"
        ],
        database="postgresql",
    ),
    Mutation(
        "member invitations: single use",
        "assessments/views/accounts.py",
        '        raise Http404("This invitation link is not valid.")\n    if invitation.accepted_at is not None or invitation.is_expired:',
        '        raise Http404("This invitation link is not valid.")\n    if invitation.is_expired:',
        [
            "tests/assessments/test_members.py::test_an_owner_invites_a_new_person_who_sets_a_password_and_joins"
        ],
    ),
    Mutation(
        "member invitations: expire after 7 days",
        "assessments/views/accounts.py",
        '        raise Http404("This invitation link is not valid.")\n    if invitation.accepted_at is not None or invitation.is_expired:',
        '        raise Http404("This invitation link is not valid.")\n    if invitation.accepted_at is not None:',
        ["tests/assessments/test_members.py::test_an_invitation_expires_after_7_days"],
    ),
    Mutation(
        "e-mails: each invitation is sent once",
        "assessments/tasks.py",
        "        unclaimed = unclaimed.filter(sent_on__isnull=True)",
        "        pass",
        [
            "tests/assessments/test_invitations.py::test_each_invitation_is_sent_once_even_if_the_task_runs_again"
        ],
        also=(
            (
                "assessments/tasks.py",
                "    for link in _links(link_ids).filter(sent_on__isnull=True):",
                "    for link in _links(link_ids):",
            ),
        ),
    ),
    Mutation(
        "reminders: only to those who have not submitted",
        "assessments/tasks.py",
        "        IndividualLink.objects.filter(pk__in=ids, used=False)",
        "        IndividualLink.objects.filter(pk__in=ids)",
        [
            "tests/assessments/test_invitations.py::test_reminders_go_only_to_those_who_have_not_answered_at_most_once_a_day"
        ],
        also=(
            (
                "assessments/services/facilitate.py",
                "        round.individual_links.filter(used=False, sent_on__isnull=False)",
                "        round.individual_links.filter(sent_on__isnull=False)",
            ),
        ),
    ),
    Mutation(
        "reminders: at most once a day per round",
        "assessments/services/facilitate.py",
        "        .exclude(last_reminder_on=today)\n",
        "",
        [
            "tests/assessments/test_invitations.py::test_reminders_go_only_to_those_who_have_not_answered_at_most_once_a_day"
        ],
    ),
    Mutation(
        "tracking: live counts in steps of k",
        "assessments/disclosure.py",
        "    return Cell(STEPS, count - count % k)",
        "    return Cell(SHOWN, count)",
        ["tests/assessments/test_tracking.py", "tests/assessments/test_disclosure.py"],
    ),
    Mutation(
        "tables: complementary suppression",
        "assessments/disclosure.py",
        "    while _small_groups_pinned(counts, small, extra, k, total):",
        "    while False:",
        ["tests/assessments/test_disclosure.py"],
    ),
    # --- Over time (issue 17) ---------------------------------------------------------------
    Mutation(
        "over time: a part goes only with at least k others that change the same counts",
        "assessments/disclosure.py",
        "        short = {key for key, count in counts.items() if count < k}",
        "        short = set()",
        [
            "tests/assessments/test_disclosure_over_time.py",
            "tests/assessments/test_anonymity_over_time.py",
        ],
    ),
    Mutation(
        "over time: the stakeholder group's count moves in steps of k too",
        "assessments/rollups.py",
        '    rows = (EVERYONE, *row_keys(entry["key"]))',
        '    rows = (EVERYONE, row_keys(entry["key"])[0])',
        ["tests/assessments/test_disclosure_over_time.py"],
    ),
    Mutation(
        "over time: a characteristic's scores move in steps of k scored people",
        "assessments/rollups.py",
        '        what = part if scored else f"{part} not enough"\n        return tuple((row, what) for row in rows)',
        "        return ((EVERYONE, COUNT),)",
        [
            "tests/assessments/test_disclosure_over_time.py",
            "tests/assessments/test_anonymity_over_time.py::test_the_collaboration_row_per_characteristic_moves_only_with_k_scored_people",
        ],
    ),
    Mutation(
        "a group of nobody is named as empty and hides nobody",
        "assessments/disclosure.py",
        "    return 0 < count < k",
        "    return count < k",
        [
            "tests/assessments/test_disclosure.py::test_a_group_of_nobody_is_named_as_empty_and_hides_nobody_else",
            "tests/assessments/test_anonymity_over_time.py::test_an_empty_team_is_named_as_empty_and_hides_nobody",
        ],
    ),
    Mutation(
        "the minimum group size is not lowered once partners have answered",
        "assessments/forms/facilitate.py",
        "        if self.k_floor and value < self.k_floor:",
        "        if False:",
        [
            "tests/assessments/test_facilitate.py::test_the_minimum_group_size_can_be_raised_not_lowered_once_partners_have_answered"
        ],
    ),
    Mutation(
        "invitees' addresses are erased after the round",
        "assessments/retention.py",
        '        addresses.update(email="")\n',
        "",
        [
            "tests/assessments/test_invitations.py::test_addresses_are_erased_the_configured_days_after_the_round_closes"
        ],
    ),
    # --- Group results (issue 8) ---------------------------------------------------------------
    Mutation(
        "group results: hidden groups together count none or at least k (protect_figures)",
        "assessments/disclosure.py",
        "        return (0 < together < k) or (len(hidden) == 1 and together > 0)",
        "        return False",
        ["tests/assessments/test_group_results_property.py"],
    ),
    Mutation(
        "group results: a group whose response count is hidden shows no figure",
        "assessments/group_results.py",
        "    forced = {key for key, cell in count_cells.items() if not (cell.shown or cell.empty)}",
        "    forced = set()",
        ["tests/assessments/test_group_results_property.py"],
    ),
    Mutation(
        "group results: the collaboration's figure needs k respondents with a score",
        "assessments/group_results.py",
        "        if disclosure.may_show(n, k):\n            total[c.number]",
        "        if n >= 2:\n            total[c.number]",
        ["tests/assessments/test_group_results_property.py"],
    ),
    Mutation(
        "rollup: each submission is added in the submit's transaction",
        "assessments/services/respond.py",
        "        rollup_add_response(response=submitted, round=round)",
        "        pass",
        [
            "tests/assessments/test_group_results_pages.py::test_the_rollup_added_at_each_submit_equals_one_rebuilt_from_the_answers",
            "tests/assessments/test_concurrency.py::test_100_concurrent_submissions_of_different_drafts_store_all_100",
        ],
    ),
    Mutation(
        "rollup: concurrent submissions queue on the rollup row (select_for_update)",
        "assessments/services/snapshots.py",
        "    rollup, _ = RoundRollup.objects.select_for_update().get_or_create(round_id=round_id)",
        "    rollup, _ = RoundRollup.objects.get_or_create(round_id=round_id)",
        [
            "tests/assessments/test_concurrency.py::test_100_concurrent_submissions_of_different_drafts_store_all_100"
        ],
        # SQLite's IMMEDIATE transactions serialise writers anyway.
        database="postgresql",
    ),
    Mutation(
        "group statistics: one respondent is not a group",
        "assessments/scoring.py",
        "    if n < MIN_GROUP_N:",
        "    if n < 1:",
        ["tests/assessments/test_scoring.py::test_a_group_of_one_has_no_figures"],
    ),
    Mutation(
        "display and band agree: the score filter rounds as the band does",
        "assessments/templatetags/ca_format.py",
        '    return "–" if value is None else str(scoring.shown(value))',
        '    return "–" if value is None else f"{float(value):.2f}"',
        [
            "tests/assessments/test_scoring.py::test_a_group_mean_of_exactly_2_995_shows_as_3_00_and_has_3_00s_band"
        ],
    ),
    Mutation(
        "group statistics: the agree share counts each person once, not each answer",
        "assessments/scoring.py",
        "        agree=_scaled(respondent.agree, respondent.answered),",
        "        agree=respondent.agree * SCALE // 3,",
        ["tests/assessments/test_scoring.py::test_group_mean_n_sd_shares"],
    ),
    Mutation(
        "team names: Team A, B, … for a shared screen",
        "assessments/results.py",
        '    return [(t.pk, f"Team {_letters(i)}") for i, t in enumerate(ordered)]',
        "    return [(t.pk, t.name) for t in ordered]",
        [
            "tests/assessments/test_group_results_pages.py::test_teams_as_letters_stick_for_that_user_and_round"
        ],
    ),
    # --- The partner on a phone (issue 9) ------------------------------------------------------
    Mutation(
        "personal results: an overall score only with half the characteristics scored",
        "assessments/scoring.py",
        "    return overall(results) if enough_answers(scored, len(results)) else None",
        "    return overall(results)",
        [
            "tests/assessments/test_results.py::test_an_overall_score_needs_half_of_the_characteristics"
        ],
    ),
    Mutation(
        "personal results: every characteristic in the priority band gets a card",
        "assessments/results.py",
        '    priorities = [n for n in ordered if by_number[n]["band"] == scoring.PRIORITY]',
        '    priorities = [n for n in ordered if by_number[n]["band"] == scoring.PRIORITY][:1]',
        [
            "tests/assessments/test_results.py::test_every_priority_band_characteristic_gets_its_suggestions_on_the_page"
        ],
    ),
    Mutation(
        "freeze: the plain-English line is frozen with the version",
        "frameworks/models.py",
        'FROZEN_FIELDS = ("characteristic", "position", "key", "text", "plain_english")',
        'FROZEN_FIELDS = ("characteristic", "position", "key", "text")',
        [
            "tests/frameworks/test_freeze.py::test_the_plain_english_line_freezes_with_the_wording_it_explains"
        ],
    ),
    Mutation(
        "resume link: carries on at the first unanswered page",
        "assessments/views/respond.py",
        "    return redirect(_continue_url(response))",
        '    return redirect("respond_landing")',
        [
            "tests/assessments/test_journey.py::test_the_resume_link_continues_where_the_partner_stopped"
        ],
    ),
    Mutation(
        "check your answers: a change link returns to the summary after saving",
        "assessments/views/respond.py",
        '    if request.POST.get("return") == "review":\n        return redirect("respond_review")\n',
        "",
        [
            "tests/assessments/test_journey.py::test_check_your_answers_shows_every_answer_and_changing_one_comes_back"
        ],
    ),
    # --- Exports (issue 10, CSV so far) ----------------------------------------------------------
    Mutation(
        "CSV: cells that look like formulas are escaped",
        "assessments/group_results.py",
        '    return "\'" + text if text.startswith(FORMULA_STARTS) else text',
        "    return text",
        ["tests/assessments/test_export.py::test_cells_that_look_like_formulas_are_escaped"],
    ),
    Mutation(
        "CSV: a hidden figure's row carries no number",
        "assessments/group_results.py",
        '            rows.append([breakdown, label, str(c.number), c.name, *[""] * 7, reasons[figure.state]])',
        '            rows.append([breakdown, label, str(c.number), c.name, "3", *[""] * 6, reasons[figure.state]])',
        [
            "tests/assessments/test_export.py::test_the_csv_has_every_group_and_characteristic_with_the_pages_suppression"
        ],
    ),
    # --- Trends and the action plan (issue 10) ---
    Mutation(
        "trends: a point only where the round's own pages show the figure",
        "assessments/trends.py",
        "    if not figure.shown:\n        return Point(figure.state, k=k)\n",
        "",
        [
            "tests/assessments/test_trends.py::test_every_trend_point_is_shown_exactly_where_the_rounds_pages_show_its_figure",
            "tests/assessments/test_trends.py::test_a_team_below_k_in_a_round_has_no_point_and_the_table_says_why",
        ],
    ),
    Mutation(
        "trends: an edition change is found and its statements compared by key",
        "assessments/trends.py",
        "        if before.version_id == after.version_id:\n            continue",
        "        if before.version_id != after.version_id or True:\n            continue",
        [
            "tests/assessments/test_trends.py::test_an_edition_change_is_marked_and_its_added_and_dropped_statements_listed",
            "tests/assessments/test_trends.py::test_edition_changes_pure",
        ],
    ),
    Mutation(
        "actions: every change is kept in the history",
        "assessments/services/actions.py",
        "        ActionChange.objects.bulk_create(changes)",
        "        pass",
        ["tests/assessments/test_actions.py::test_every_change_is_kept_with_who_when_from_and_to"],
    ),
    Mutation(
        "actions: a posted round must be the collaboration's own",
        "assessments/forms/actions.py",
        "Round.objects.filter(collaboration=self.collaboration, pk=round_id)",
        "Round.objects.filter(pk=round_id)",
        [
            "tests/assessments/test_actions.py::test_another_collaborations_round_or_suggestion_is_refused"
        ],
    ),
    Mutation(
        "actions: another collaboration's action is a 404",
        "assessments/views/actions.py",
        'Action.objects.select_related("round"), collaboration=access.collaboration, pk=action_id',
        'Action.objects.select_related("round"), pk=action_id',
        ["tests/assessments/test_actions.py::test_another_collaborations_action_is_a_404"],
    ),
    Mutation(
        "actions: a round's results show only the actions in place before it",
        "assessments/models/actions.py",
        "Q(round__opens_on__lt=round.opens_on)",
        "Q(round__isnull=False)",
        [
            "tests/assessments/test_actions.py::test_the_next_rounds_results_show_the_actions_beside_the_change_with_overdue_marked"
        ],
    ),
    Mutation(
        "actions: a done or dropped action is never overdue",
        "assessments/models/actions.py",
        "return self.is_open and self.due_on is not None and self.due_on < today",
        "return self.due_on is not None and self.due_on < today",
        [
            "tests/assessments/test_actions.py::test_the_next_rounds_results_show_the_actions_beside_the_change_with_overdue_marked"
        ],
    ),
    Mutation(
        "reports: WeasyPrint reads only static files of the report's own origin",
        "assessments/reports.py",
        "if (parts.scheme, parts.netloc) != origin or parts.query or parts.fragment:",
        "if parts.query or parts.fragment:",
        [
            "tests/assessments/test_reports.py::test_the_fetcher_serves_static_files_of_the_report_origin_only"
        ],
    ),
    Mutation(
        "reports: A4 pages",
        "static/css/report.css",
        "  size: A4;",
        "  size: letter;",
        [
            "tests/assessments/test_reports.py::test_the_report_is_a4_numbered_and_shows_the_overview_figures"
        ],
    ),
    Mutation(
        "reports: a personal PDF only of this browser's submitted response",
        "assessments/views/reports.py",
        "    if not journey.response.is_submitted:",
        "    if False:",
        [
            "tests/assessments/test_reports.py::test_only_the_browser_that_submitted_gets_the_personal_pdf"
        ],
    ),
    Mutation(
        "reports: the trends section reads the rounds up to the reported one",
        "assessments/results.py",
        "        rounds = rounds.filter(opens_on__lte=up_to.opens_on)",
        "        pass",
        [
            "tests/assessments/test_reports.py::test_the_report_carries_the_trends_and_the_action_plan"
        ],
    ),
    # --- What publishing froze is computed once (issue 11) ---
    Mutation(
        "revision: a save of framework content bumps it",
        "frameworks/revision.py",
        "        post_save.connect(_changed, sender=model",
        "        post_save.disconnect(_changed, sender=model",
        [
            "tests/assessments/test_page_costs.py::test_a_narrative_edit_reaches_the_next_results_page",
            "tests/assessments/test_page_costs.py::test_an_edit_of_framework_content_reaches_the_next_request_of_the_framework_page",
            "tests/assessments/test_page_costs.py::test_a_narrative_edit_reaches_the_next_request_of_every_page_showing_it",
        ],
    ),
    Mutation(
        "revision: a bulk update of framework content bumps it",
        "frameworks/models.py",
        "        result = super().update(**kwargs)\n        bump()",
        "        result = super().update(**kwargs)",
        [
            "tests/assessments/test_page_costs.py::test_an_edit_of_framework_content_reaches_the_next_request_of_the_framework_page"
        ],
    ),
    Mutation(
        "results: stored with the submission",
        "assessments/services/respond.py",
        "        personal_result=result,\n",
        "",
        [
            "tests/assessments/test_page_costs.py::test_the_results_are_stored_at_submit_and_are_what_scoring_works_out"
        ],
    ),
    Mutation(
        "question page: the cached statements ticked with the draft's answers",
        "assessments/questionnaire.py",
        '        html = f"{html[:end]} checked{html[end:]}"',
        "        pass",
        [
            "tests/assessments/test_page_costs.py::test_the_cached_items_are_exactly_what_the_form_renders"
        ],
    ),
    Mutation(
        "question page frame: the comment filled in escaped",
        "assessments/views/respond.py",
        '        "comment": escape(comment),',
        '        "comment": comment,',
        ["tests/assessments/test_page_costs.py::test_the_framed_question_page_is_the_whole_page"],
    ),
    Mutation(
        "question page frame: kept apart for a page opened from the review",
        "assessments/views/respond.py",
        '        request.GET.get("return") == "review",',
        "        None,",
        ["tests/assessments/test_page_costs.py::test_the_framed_question_page_is_the_whole_page"],
    ),
    Mutation(
        "results card: filled with the partner's own score",
        "assessments/results.py",
        'frame.replace(_HOLE + "score", score)',
        'frame.replace(_HOLE + "score", "1.00")',
        [
            "tests/assessments/test_results.py::test_a_priority_card_is_the_card_rendered_whole_for_every_partner"
        ],
    ),
    Mutation(
        "results card: kept apart for a partner with no tips to show",
        "assessments/results.py",
        "        bool(tips),\n",
        "        True,\n",
        [
            "tests/assessments/test_results.py::test_a_priority_card_without_tips_has_no_tips_heading"
        ],
    ),
    Mutation(
        "page save: locks its response only, not the round",
        "assessments/services/respond.py",
        'Response.objects.select_for_update(of=("self",))',
        "Response.objects.select_for_update()",
        [
            "tests/assessments/test_concurrency.py::test_a_page_save_does_not_wait_for_the_rounds_row"
        ],
        database="postgresql",
    ),
    Mutation(
        "database: a reused connection is checked without a round trip",
        "collabassess/env.py",
        '"ENGINE": "collabassess.db.postgresql",',
        '"ENGINE": "django.db.backends.postgresql",',
        [
            "tests/test_database_restart.py::test_a_reused_connection_is_checked_without_a_round_trip_and_replaced_once_ended"
        ],
        database="postgresql",
    ),
    Mutation(
        "database: a connection the server ended is replaced before use",
        "collabassess/db/postgresql/base.py",
        "        return bool(poller.poll(0))",
        "        return False",
        [
            "tests/test_database_restart.py::test_a_reused_connection_is_checked_without_a_round_trip_and_replaced_once_ended"
        ],
        database="postgresql",
    ),
    Mutation(
        "page save: answers upserted on their unique constraint",
        "assessments/services/respond.py",
        '"ON CONFLICT (response_id, indicator_id) DO UPDATE SET value = excluded.value"',
        '""',
        [
            "tests/assessments/test_journey.py",
        ],
    ),
]


def run(mutation: Mutation) -> tuple[str, float]:
    originals: dict[Path, str] = {}
    for relative, old, _new in mutation.edits():
        path = ROOT / relative
        text = originals.get(path) or path.read_text(encoding="utf-8")
        originals[path] = text
        if text.count(old) != 1:
            return f"STALE ({relative}: the guarded code moved; update scripts/mutate.py)", 0.0
    started = time.monotonic()
    try:
        for relative, old, new in mutation.edits():
            path = ROOT / relative
            path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *mutation.tests],
            cwd=ROOT,
            env={**os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE": "true"},
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")
    outcome = (
        "caught" if result.returncode == 1 else f"NOT CAUGHT (pytest exit {result.returncode})"
    )
    return outcome, time.monotonic() - started


def main() -> int:
    vendor = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    only = sys.argv[1:]
    missed = 0
    for mutation in MUTATIONS:
        if only and not any(word in mutation.name for word in only):
            continue
        if mutation.database and mutation.database != vendor:
            print(f"skipped on {vendor}  {mutation.name} (needs {mutation.database})")
            continue
        outcome, seconds = run(mutation)
        missed += outcome != "caught"
        print(f"{outcome:8} {seconds:5.1f}s  {mutation.name}", flush=True)
    print("every mutation was caught" if not missed else f"{missed} mutation(s) not caught")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
