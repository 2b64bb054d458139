import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import wagtail_newsfeed.models.webhooks


class Migration(migrations.Migration):
    """Webhook endpoints and their delivery log."""

    dependencies = [
        ("wagtail_newsfeed", "0005_entry_bylines"),
    ]

    operations = [
        migrations.CreateModel(
            name="WebhookEndpoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                (
                    "url",
                    models.URLField(
                        help_text=(
                            "Where deliveries are POSTed. It must resolve to a public address."
                        ),
                        max_length=500,
                        verbose_name="URL",
                    ),
                ),
                (
                    "secret",
                    models.CharField(
                        default=wagtail_newsfeed.models.webhooks.generate_secret,
                        editable=False,
                        max_length=100,
                        verbose_name="secret",
                    ),
                ),
                (
                    "events",
                    models.JSONField(
                        default=list,
                        validators=[wagtail_newsfeed.models.webhooks.validate_events],
                        verbose_name="events",
                    ),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
            ],
            options={
                "verbose_name": "webhook endpoint",
                "verbose_name_plural": "webhook endpoints",
                "ordering": ["name", "pk"],
            },
        ),
        migrations.CreateModel(
            name="WebhookDelivery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "message_id",
                    models.CharField(
                        default=wagtail_newsfeed.models.webhooks.generate_message_id,
                        editable=False,
                        max_length=40,
                        unique=True,
                        verbose_name="webhook id",
                    ),
                ),
                ("event_type", models.CharField(max_length=40, verbose_name="event")),
                ("payload", models.JSONField(default=dict, verbose_name="payload")),
                ("coalesce_key", models.CharField(blank=True, default="", max_length=40)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("sending", "Sending"),
                            ("succeeded", "Succeeded"),
                            ("failed", "Failed"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                (
                    "next_attempt_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="next attempt"
                    ),
                ),
                (
                    "response_code",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="response code"
                    ),
                ),
                (
                    "duration_ms",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="duration (ms)"
                    ),
                ),
                (
                    "last_error",
                    models.CharField(
                        blank=True, default="", max_length=500, verbose_name="last error"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, verbose_name="created"
                    ),
                ),
                (
                    "delivered_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="delivered"),
                ),
                (
                    "endpoint",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="wagtail_newsfeed.webhookendpoint",
                        verbose_name="endpoint",
                    ),
                ),
            ],
            options={
                "verbose_name": "webhook delivery",
                "verbose_name_plural": "webhook deliveries",
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(fields=["status", "next_attempt_at"], name="nf_webhook_due"),
                    models.Index(
                        fields=["endpoint", "coalesce_key", "status"], name="nf_webhook_coalesce"
                    ),
                ],
            },
        ),
    ]
