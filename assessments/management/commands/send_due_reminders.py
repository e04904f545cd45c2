from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator
from django.utils import timezone

from assessments.models import ReminderSchedule, Round
from assessments.tasks import send_due_reminders


class Command(BaseCommand):
    help = (
        "Send today's automatic reminders: for each open round with a reminder due today (its "
        "schedule, counted back from its closing date), a reminder to the personal invitees who "
        "have not answered. Run it daily; running it again the same day sends nothing more. "
        "--base-url is the site's address, for the links in the e-mails."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            required=True,
            help="The site's address as invitees reach it, e.g. https://collab.example.org/",
        )

    def handle(self, *args, base_url: str, **options):
        try:
            URLValidator(schemes=["http", "https"])(base_url)
        except ValidationError:
            raise CommandError(
                f"--base-url must be an http(s) address such as https://collab.example.org/, "
                f"not {base_url!r}."
            ) from None
        today = timezone.localdate()
        # A handful of rounds are open on any day: whether one is due is the model's to say.
        candidates = (
            Round.objects.filter(status=Round.Status.OPEN, opens_on__lte=today, closes_on__gt=today)
            .exclude(reminder_schedule=ReminderSchedule.NONE)
            .exclude(last_reminder_on=today)
        )
        due = [round.pk for round in candidates if round.reminder_due(today)]
        for round_id in due:
            # The task claims the day's reminder itself: a second run, or a queued task for the
            # same round, finds it claimed and sends nothing.
            send_due_reminders.enqueue(round_id, base_url)
        self.stdout.write(f"{len(due)} round(s) with a reminder due today.")
