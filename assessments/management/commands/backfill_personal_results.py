from django.core.management.base import BaseCommand

from assessments.services.respond import personal_results_backfill


class Command(BaseCommand):
    help = (
        "Store the personal results of submitted responses that have none, or have them in an "
        "older format (submitted before results were stored at submit, or before an upgrade "
        "changed their format). Run it once after upgrading; running it again stores nothing new. "
        "Until then their results pages work them out on each view."
    )

    def handle(self, *args, **options):
        stored = personal_results_backfill()
        self.stdout.write(f"Stored the personal results of {stored} responses.")
