import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def links_from_authors(apps, schema_editor):
    """Copy each entry's authors into ordered byline links. They had no order of their own:
    readers saw them by name (``Author.Meta.ordering``), so that order is kept."""
    LiveEntry = apps.get_model("wagtail_newsfeed", "LiveEntry")
    LiveEntryAuthor = apps.get_model("wagtail_newsfeed", "LiveEntryAuthor")
    Plain = LiveEntry.authors.through
    db = schema_editor.connection.alias
    rows = Plain.objects.using(db).order_by("liveentry_id", "author__name", "author_id")
    links, last_entry, position = [], None, 0
    for entry_id, author_id in rows.values_list("liveentry_id", "author_id").iterator():
        position = position + 1 if entry_id == last_entry else 0
        last_entry = entry_id
        links.append(LiveEntryAuthor(entry_id=entry_id, author_id=author_id, sort_order=position))
    LiveEntryAuthor.objects.using(db).bulk_create(links, batch_size=500)


def authors_from_links(apps, schema_editor):
    """Back to the plain many-to-many table (the order is lost)."""
    LiveEntry = apps.get_model("wagtail_newsfeed", "LiveEntry")
    LiveEntryAuthor = apps.get_model("wagtail_newsfeed", "LiveEntryAuthor")
    Plain = LiveEntry.authors.through
    db = schema_editor.connection.alias
    Plain.objects.using(db).bulk_create(
        [
            Plain(liveentry_id=entry_id, author_id=author_id)
            for entry_id, author_id in LiveEntryAuthor.objects.using(db)
            .values_list("entry_id", "author_id")
            .iterator()
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    """Bylines on live entries (ordered authors) and the user → author link.

    Django cannot add ``through=`` to an existing many-to-many field, so the byline links get a
    table of their own, the rows are copied over in the order readers saw them, and the old
    table is dropped while the field (the same name, ``authors``) now goes through the links.
    """

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("wagtail_newsfeed", "0004_wordpress_origin"),
    ]

    operations = [
        migrations.AddField(
            model_name="author",
            name="user",
            field=models.OneToOneField(
                blank=True,
                help_text=(
                    "The admin user who writes as this author: the live console signs their "
                    "new entries with this byline."
                ),
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="newsfeed_author",
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
        migrations.CreateModel(
            name="LiveEntryAuthor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sort_order", models.PositiveIntegerField(default=0, verbose_name="sort order")),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="entry_links",
                        to="wagtail_newsfeed.author",
                        verbose_name="author",
                    ),
                ),
                (
                    "entry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="author_links",
                        to="wagtail_newsfeed.liveentry",
                        verbose_name="entry",
                    ),
                ),
            ],
            options={
                "verbose_name": "live entry author",
                "verbose_name_plural": "live entry authors",
                "ordering": ["sort_order", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("entry", "author"), name="newsfeed_entry_author_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(links_from_authors, authors_from_links),
        migrations.SeparateDatabaseAndState(
            # The database drops the old table; the state keeps the field, now with ``through``.
            database_operations=[
                migrations.RemoveField(model_name="liveentry", name="authors"),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="liveentry",
                    name="authors",
                    field=models.ManyToManyField(
                        blank=True,
                        help_text="The entry's byline, in order.",
                        related_name="live_entries",
                        through="wagtail_newsfeed.LiveEntryAuthor",
                        to="wagtail_newsfeed.author",
                        verbose_name="authors",
                    ),
                ),
            ],
        ),
    ]
