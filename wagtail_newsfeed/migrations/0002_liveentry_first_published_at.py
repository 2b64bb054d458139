from django.db import migrations, models
from django.db.models import Q


def backfill(apps, schema_editor):
    # Entries readers can see now were published; deleted ones may have been, so they keep
    # their tombstones. Only drafts that were never published are left without a time.
    LiveEntry = apps.get_model("wagtail_newsfeed", "LiveEntry")
    LiveEntry.objects.filter(Q(status="published") | Q(deleted_at__isnull=False)).update(
        first_published_at=models.F("created_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_newsfeed", "0001_newsroom_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="liveentry",
            name="first_published_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When readers could first see the entry; never-published drafts have none.",
                null=True,
                verbose_name="first published at",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
