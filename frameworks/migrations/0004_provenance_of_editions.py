"""Whose each edition is: the publisher's (loaded from the fixtures) or adapted locally.

Existing rows loaded from the fixtures are the publisher's: the editions below, as
``fixtures/02_eight_characteristics.json`` held them when this was written, and not copies of
another edition. Any other row was made in the admin, so it is a local adaptation: adapted
from the publisher's edition it was copied from (following copies of copies back), by the
administrator whose "(created)" entry is in the change history. Who adapted it as an
organisation is not known: the admin asks for it before a local adaptation is published.
No edition is chosen for the public framework page: it shows the publisher's newest again.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

PUBLISHER_EDITIONS = {("eight-characteristics", 1), ("eight-characteristics", 2)}


def label_provenance(apps, schema_editor):
    FrameworkVersion = apps.get_model("frameworks", "FrameworkVersion")
    ContentChange = apps.get_model("frameworks", "ContentChange")
    versions = {
        v.pk: v for v in FrameworkVersion.objects.select_related("framework").order_by("pk")
    }
    publisher = {
        pk
        for pk, v in versions.items()
        if (v.framework.slug, v.number) in PUBLISHER_EDITIONS and v.copied_from_id is None
    }
    creators = dict(
        ContentChange.objects.filter(
            model="frameworks.frameworkversion", field="(created)", user__isnull=False
        )
        .order_by("changed_at")
        .values_list("object_id", "user_id")
    )
    for pk, version in versions.items():
        if pk in publisher:
            version.provenance = "publisher"
            version.save(update_fields=["provenance"])
            continue
        original, seen = version.copied_from_id, {pk}
        while original is not None and original not in publisher and original not in seen:
            seen.add(original)
            original = versions[original].copied_from_id if original in versions else None
        version.provenance = "local"
        version.adapted_from_id = original if original in publisher else None
        version.adapted_by_user_id = creators.get(pk)
        version.save(update_fields=["provenance", "adapted_from", "adapted_by_user"])
    if schema_editor.connection.vendor == "postgresql":
        # The foreign keys written above are checked at commit; the constraints added next
        # alter the table, which PostgreSQL refuses while such checks are pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("frameworks", "0003_content_fixes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="frameworkversion",
            name="adapted_by",
            field=models.CharField(
                blank=True,
                help_text="The organisation that adapted this edition, as the public pages credit it (needed before it is published).",
                max_length=200,
                verbose_name="adapted by (organisation)",
            ),
        ),
        migrations.AddField(
            model_name="frameworkversion",
            name="adapted_by_user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="adapted by (administrator)",
            ),
        ),
        migrations.AddField(
            model_name="frameworkversion",
            name="adapted_from",
            field=models.ForeignKey(
                blank=True,
                help_text="The publisher's edition this local adaptation descends from.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="adaptations",
                to="frameworks.frameworkversion",
                verbose_name="adapted from the publisher's",
            ),
        ),
        migrations.AddField(
            model_name="frameworkversion",
            name="provenance",
            field=models.CharField(
                choices=[("publisher", "The publisher's edition"), ("local", "Adapted locally")],
                default="local",
                help_text="The publisher's editions are loaded from the fixtures; every edition made here is adapted locally.",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="frameworkversion",
            name="show_on_framework_page",
            field=models.BooleanField(
                default=False,
                help_text="Without this choice the public framework page shows the publisher's newest published edition. One edition per framework at most.",
                verbose_name="show on the public framework page",
            ),
        ),
        migrations.RunPython(label_provenance, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="frameworkversion",
            constraint=models.CheckConstraint(
                condition=models.Q(("provenance__in", ["publisher", "local"])),
                name="frameworkversion_provenance_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="frameworkversion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("provenance", "local"),
                    models.Q(
                        ("adapted_by", ""),
                        ("adapted_by_user__isnull", True),
                        ("adapted_from__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="frameworkversion_publisher_edition_not_adapted",
            ),
        ),
        migrations.AddConstraint(
            model_name="frameworkversion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("show_on_framework_page", False), ("status", "published"), _connector="OR"
                ),
                name="frameworkversion_shown_publicly_is_published",
            ),
        ),
        migrations.AddConstraint(
            model_name="frameworkversion",
            constraint=models.UniqueConstraint(
                condition=models.Q(("show_on_framework_page", True)),
                fields=("framework",),
                name="frameworkversion_one_shown_publicly",
                violation_error_message="Another edition of this framework is already shown on the public framework page: use the action “Show on the public framework page” on the framework versions list to move the choice.",
            ),
        ),
    ]
