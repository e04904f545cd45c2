from django.core.management.base import BaseCommand
from django.urls import reverse

from assessments.demo import DEMO_FACILITATOR, demo_facilitator_password, demo_load


class Command(BaseCommand):
    help = (
        "Load a demo collaboration with an open round and a demo facilitator if the database has "
        "no collaboration; print its links (and, with DEBUG on, the facilitator's sign-in)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args, base_url, **options):
        round = demo_load()
        if round is None:
            self.stdout.write("Collaborations already exist: no demo data loaded.")
            return
        base = base_url.rstrip("/")
        self.stdout.write(f"Demo round: {round} ({round.get_status_display().lower()})")
        self.stdout.write("Demo invitation links (one per team; open one in a browser to respond):")
        for link in round.team_links.select_related("team").order_by("team__name"):
            self.stdout.write(
                f"  {link.team.name}: {base}{reverse('invitation', args=[link.token])}"
            )
        password = demo_facilitator_password()
        if password:
            self.stdout.write(
                f"Facilitator sign-in: {base}{reverse('login')}  user: {DEMO_FACILITATOR}  "
                f"password: {password}"
            )
