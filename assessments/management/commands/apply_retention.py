from django.core.management.base import BaseCommand
from django.utils import timezone

from assessments.retention import retention_apply


class Command(BaseCommand):
    help = (
        "Delete responses (with their answers and comments) and personal invitation links of "
        "rounds that closed more than RESPONSE_RETENTION_MONTHS ago, and drafts abandoned in "
        "rounds closed for over a week, and erase invitees' e-mail addresses "
        "INVITATION_EMAIL_RETENTION_DAYS after their round closed. Run it daily; --dry-run only "
        "counts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be deleted; delete nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        report = retention_apply(today=timezone.localdate(), dry_run=dry_run)
        # A dry run changes nothing, and says so in every verb.
        delete, erase = ("Would delete", "would erase") if dry_run else ("Deleted", "erased")
        self.stdout.write(
            f"{delete} {report.responses} response(s) of rounds closed before "
            f"{report.expired_before:%d %B %Y}, {report.drafts} abandoned draft(s) and "
            f"{report.links} personal invitation link(s); {erase} {report.addresses} invitee "
            "e-mail address(es)."
        )
