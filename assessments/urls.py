from django.urls import path, re_path, register_converter

from assessments.views import (
    accounts,
    actions,
    collaborations,
    downloads,
    group_results,
    home,
    members,
    reports,
    rounds,
    sharing,
    subject_access,
    teams,
    tracking,
    trends,
    workshops,
)
from assessments.views.partner import entry, personal_results, questions, review, shared_results


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
    path("", home.home, name="home"),
    path("i/<token:token>/", entry.invitation, name="invitation"),
    path("resume/<token:token>/", entry.resume, name="respond_resume"),
    # A round's read-only board link (issue 20).
    path("b/<token:token>/", sharing.board, name="board"),
    path("b/<token:token>/updated/", sharing.board_updated, name="board_updated"),
    # Anything else under /i/, /resume/ or /b/ (cut short, a character added by an e-mail client) gets
    # the app's help even with DEBUG on. A bare token without its slash is left to APPEND_SLASH.
    re_path(r"^(?:i|resume|b)/(?![A-Za-z0-9_-]{1,100}/?$)(?P<rest>.*)$", entry.not_a_link),
    path("respond/", entry.landing, name="respond_landing"),
    path("respond/start/", entry.start, name="respond_start"),
    path("respond/about/", questions.about, name="respond_about"),
    path("respond/c/<int:number>/", questions.characteristic_page, name="respond_characteristic"),
    path("respond/value/", questions.value_modes, name="respond_value"),
    path("respond/review/", review.review, name="respond_review"),
    path("respond/results/", personal_results.results, name="respond_results"),
    path("respond/results/report.pdf", reports.personal_report, name="respond_results_pdf"),
    # A round's results shared back (issue 20): on the partner's own link once released, and on
    # a read-only board link.
    path(
        "respond/results/collaboration/",
        shared_results.collaboration_results,
        name="respond_collaboration_results",
    ),
    path(
        "respond/results/collaboration/updated/",
        shared_results.collaboration_results_updated,
        name="respond_collaboration_results_updated",
    ),
    # Joining a collaboration from an e-mailed invitation.
    path(
        "accounts/invitation/<token:token>/", accounts.member_invitation, name="member_invitation"
    ),
    path(
        "accounts/invitation/", accounts.member_invitation_accept, name="member_invitation_accept"
    ),
    re_path(r"^accounts/invitation/(?![A-Za-z0-9_-]{1,100}/?$)(?P<rest>.+)$", entry.not_a_link),
]

# Facilitators: every URL below the collaboration carries its id, resolved through the signed-in
# user's memberships (assessments.access).
C = "facilitate/c/<int:collaboration_id>/"
R = C + "rounds/<int:round_id>/"
urlpatterns += [
    path("facilitate/", collaborations.home, name="facilitate_home"),
    path("facilitate/new/", collaborations.collaboration_new, name="facilitate_new"),
    path(C, collaborations.collaboration_detail, name="facilitate_collaboration"),
    path(C + "edit/", collaborations.collaboration_edit, name="facilitate_edit"),
    path(C + "delete/", collaborations.collaboration_delete, name="facilitate_delete"),
    path(C + "canvas/", collaborations.canvas, name="facilitate_canvas"),
    path(C + "teams/", teams.teams, name="facilitate_teams"),
    path(C + "teams/<int:team_id>/", teams.team_edit, name="facilitate_team"),
    path(C + "members/", members.members, name="facilitate_members"),
    path(C + "members/<int:membership_id>/", members.member_edit, name="facilitate_member"),
    path(C + "leave/", members.leave, name="facilitate_leave"),
    path(C + "personal-data/", subject_access.subject_access, name="facilitate_subject_access"),
    path(C + "trends/", trends.trends, name="facilitate_trends"),
    path(C + "trends/charts/<slug:chart>.<slug:fmt>", downloads.trends_chart, name="trends_chart"),
    path(C + "actions/", actions.actions, name="facilitate_actions"),
    path(C + "actions/new/", actions.action_new, name="facilitate_action_new"),
    path(C + "actions/<int:action_id>/", actions.action_detail, name="facilitate_action"),
    path(C + "rounds/new/", rounds.round_new, name="facilitate_round_new"),
    path(R, rounds.round_detail, name="facilitate_round"),
    path(R + "edit/", rounds.round_edit, name="facilitate_round_edit"),
    path(R + "status/", rounds.round_status, name="facilitate_round_status"),
    path(R + "teams/<int:team_id>/poster/", rounds.team_poster, name="facilitate_poster"),
    path(R + "teams/<int:team_id>/qr.svg", rounds.team_qr, name="facilitate_qr"),
    path(R + "invitations/", rounds.invitations, name="facilitate_invitations"),
    path(R + "invitations/remind/", rounds.invitations_remind, name="facilitate_remind"),
    path(R + "invitations/retry/", rounds.invitations_retry, name="facilitate_invitations_retry"),
    path(R + "tracking/", tracking.tracking, name="facilitate_tracking"),
    path(R + "results/", group_results.overview, name="results_overview"),
    path(R + "results/heatmap/", group_results.heatmap, name="results_heatmap"),
    path(
        R + "results/c/<int:number>/", group_results.characteristic, name="results_characteristic"
    ),
    path(R + "results/perspectives/", group_results.perspectives, name="results_perspectives"),
    path(R + "results/learn-from/", group_results.learn, name="results_learn"),
    path(R + "results/team-names/", group_results.team_names, name="results_team_names"),
    path(R + "results/figures.csv", group_results.export_csv, name="results_csv"),
    path(R + "results/report.pdf", reports.round_report, name="results_pdf"),
    path(R + "results/summary.pdf", reports.round_summary, name="results_summary_pdf"),
    path(R + "results/charts/<slug:chart>.<slug:fmt>", downloads.round_chart, name="round_chart"),
    path(R + "sharing/", sharing.sharing, name="facilitate_sharing"),
    path(
        R + "sharing/links/<int:link_id>/revoke/",
        sharing.revoke_board_link,
        name="facilitate_board_link_revoke",
    ),
    path(R + "workshop/", workshops.workshop, name="facilitate_workshop"),
    path(R + "workshop/c/<int:number>/", workshops.projector, name="workshop_characteristic"),
    path(R + "workshop/c/<int:number>/action/", workshops.add_action, name="workshop_action"),
]
