"""The assessment models, by what they hold (each module's docstring says more):

- ``collaborations``: collaborations, their teams, offered stakeholder groups, planning canvas
  and rounds;
- ``links``: team and personal invitation links, and the tokens behind them;
- ``responses``: anonymous responses, answers and comments;
- ``membership``: who runs a collaboration, with which role, and invitations to join;
- ``results``: per-round rollups and the snapshot the group results pages read;
- ``actions``: the collaboration's action plan and the history of each action;
- ``sharing``: a round's results released to its partners, and read-only board links;
- ``workshops``: the consensus workshop of a round and the scores it agreed.
"""

from assessments.models.actions import Action, ActionChange
from assessments.models.collaborations import (
    CANVAS_TEXT_MAX_LENGTH,
    MIN_GROUP_SIZE_FLOOR,
    ROUND_EDITION_LOCKED,
    CanvasAnswer,
    CanvasConsideration,
    Collaboration,
    OfferedGroup,
    ReminderSchedule,
    Round,
    RoundLocked,
    StakeholderGroup,
    Team,
)
from assessments.models.links import (
    TEAM_NOT_IN_COLLABORATION,
    IndividualLink,
    TeamLink,
    board_link_token,
    link_seal_key,
    new_token,
    personal_link_token,
    seal_resume_token,
    start_resume_token,
    token_digest,
    unseal_resume_token,
)
from assessments.models.membership import (
    INVITATION_VALID_FOR,
    ROLE_HELP,
    MemberInvitation,
    Membership,
    Role,
)
from assessments.models.responses import (
    COMMENT_MAX_LENGTH,
    Answer,
    Comment,
    Response,
    refuse_round_value_mode_change,
)
from assessments.models.sharing import BoardLink, ResultsRelease
from assessments.models.snapshots import ResultsPreference, RoundRollup, RoundSnapshot
from assessments.models.workshops import (
    AGREEMENT_TEXT_MAX_LENGTH,
    WORKSHOP_MAX_PARTICIPANTS,
    WORKSHOP_MIN_PARTICIPANTS,
    Agreement,
    Workshop,
)

__all__ = [
    "AGREEMENT_TEXT_MAX_LENGTH",
    "WORKSHOP_MAX_PARTICIPANTS",
    "WORKSHOP_MIN_PARTICIPANTS",
    "Agreement",
    "BoardLink",
    "ResultsRelease",
    "Workshop",
    "Action",
    "ActionChange",
    "CANVAS_TEXT_MAX_LENGTH",
    "COMMENT_MAX_LENGTH",
    "INVITATION_VALID_FOR",
    "MIN_GROUP_SIZE_FLOOR",
    "ROLE_HELP",
    "ROUND_EDITION_LOCKED",
    "TEAM_NOT_IN_COLLABORATION",
    "Answer",
    "CanvasAnswer",
    "CanvasConsideration",
    "Collaboration",
    "Comment",
    "IndividualLink",
    "MemberInvitation",
    "Membership",
    "OfferedGroup",
    "ReminderSchedule",
    "Response",
    "Role",
    "ResultsPreference",
    "Round",
    "RoundLocked",
    "RoundRollup",
    "RoundSnapshot",
    "StakeholderGroup",
    "Team",
    "TeamLink",
    "link_seal_key",
    "new_token",
    "board_link_token",
    "personal_link_token",
    "refuse_round_value_mode_change",
    "seal_resume_token",
    "start_resume_token",
    "token_digest",
    "unseal_resume_token",
]
