from django.core.management.base import BaseCommand

from frameworks.content import content_fixtures, content_load


class Command(BaseCommand):
    help = (
        "Load the framework content fixtures. Insert-only: content already in the database "
        "(and any admin edits to it) is kept, so this is safe to run on every start."
    )

    def handle(self, *args, **options):
        fixtures = content_fixtures()
        report = content_load(fixtures=fixtures)
        self.stdout.write(
            f"Framework content: {report.created} objects added, {report.kept} already present "
            f"({len(fixtures)} fixture files)."
        )
