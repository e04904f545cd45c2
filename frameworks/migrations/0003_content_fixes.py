"""Two content fixes in databases loaded before them (fresh databases get them from the fixtures).

- Edition 2, characteristic 1's link to THIS Institute's "Be flexible" carried edition 1's reason
  ("…what a clear purpose with realistic goals needs"), which names edition 1's characteristic.
  Changed only where it still reads as shipped: a reason an admin rewrote is kept.
- Key step 12 ("Think patient first, system second", about workforce decisions) was linked to
  twenty patient-involvement suggestions on its headline alone. Each keeps its other key step.
  These links are references to guidance, not scored content: no result depends on them.
"""

from django.db import migrations

OLD_REASON = (
    "Asks you to define the improvement goal and how it will be measured clearly, which is what "
    "a clear purpose with realistic goals needs."
)
NEW_REASON = (
    "Asks you to define the improvement goal and how it will be measured: a purpose grounded in "
    "shared values still needs goals that partners can see progress against."
)


def fix(apps, schema_editor):
    CharacteristicConsideration = apps.get_model("frameworks", "CharacteristicConsideration")
    Suggestion = apps.get_model("frameworks", "Suggestion")
    CharacteristicConsideration.objects.filter(
        characteristic__version__framework__slug="eight-characteristics",
        characteristic__version__number=2,
        characteristic__number=1,
        consideration__slug="be-flexible",
        reason=OLD_REASON,
    ).update(reason=NEW_REASON)
    links = Suggestion.key_steps.through.objects.filter(
        keystep__number=12,
        suggestion__characteristic__version__framework__slug="eight-characteristics",
        suggestion__characteristic__version__number__in=[1, 2],
    )
    links.delete()


class Migration(migrations.Migration):
    dependencies = [("frameworks", "0002_indicator_plain_english")]

    operations = [migrations.RunPython(fix, migrations.RunPython.noop)]
