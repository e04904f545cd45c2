from django.core.management.base import BaseCommand, CommandError

from frameworks.content import ContentLoadError, content_fixtures, content_load


class Command(BaseCommand):
    help = (
        "Load the framework content fixtures. Insert-only: content already in the database "
        "(and any admin edits to it) is kept, so this is safe to run on every start. It refuses "
        "to add to or change a published framework version."
    )

    def handle(self, *args, **options):
        fixtures = content_fixtures()
        try:
            report = content_load(fixtures=fixtures)
        except ContentLoadError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Framework content: {report.created} objects added, {report.kept} already present "
            f"({len(fixtures)} fixture files)."
        )
