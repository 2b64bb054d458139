from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_newsfeed", "0002_liveentry_first_published_at"),
    ]

    operations = [
        migrations.CreateModel(
            name="CacheGeneration",
            fields=[
                (
                    "name",
                    models.CharField(
                        max_length=50, primary_key=True, serialize=False, verbose_name="name"
                    ),
                ),
                ("value", models.BigIntegerField(default=0, verbose_name="value")),
            ],
            options={
                "verbose_name": "cache generation",
            },
        ),
    ]
