"""Webhook endpoints registered by site owners, and the log of deliveries made to them.

A delivery row is created in the same transaction as the change it reports (so a rollback leaves
nothing behind) and sent after commit by a task (``wagtail_newsfeed.webhooks.tasks``). Its
``message_id`` is the Standard Webhooks ``webhook-id``: it stays the same across retries.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WebhookEvent(models.TextChoices):
    ARTICLE_PUBLISHED = "article.published", _("Article published")
    ARTICLE_UPDATED = "article.updated", _("Article updated")
    ARTICLE_UNPUBLISHED = "article.unpublished", _("Article unpublished")
    ARTICLE_DELETED = "article.deleted", _("Article deleted")
    FEED_CHANGED = "feed.changed", _("Live feed changed")
    ENTRY_CREATED = "entry.created", _("Live entry created")
    ENTRY_UPDATED = "entry.updated", _("Live entry updated")
    ENTRY_DELETED = "entry.deleted", _("Live entry deleted")
    TAXONOMY_CHANGED = "taxonomy.changed", _("Topic, author or source changed")


#: The ``type`` of a coalesced delivery of entry changes (see docs/webhooks.md).
ENTRIES_CHANGED = "entry.changed"


def generate_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def validate_events(value: object) -> None:
    known = set(WebhookEvent.values)
    if not isinstance(value, list) or not value or not all(v in known for v in value):
        raise ValidationError(_("Choose at least one of the listed events."))


class WebhookEndpoint(models.Model):
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(
        _("URL"),
        max_length=500,
        help_text=_("Where deliveries are POSTed. It must resolve to a public address."),
    )
    secret = models.CharField(_("secret"), max_length=100, default=generate_secret, editable=False)
    # After a new secret is made, the old one signs beside it until then, so receivers can switch
    # over without a refused delivery (``rotate_secret``).
    previous_secret = models.CharField(
        _("previous secret"), max_length=100, blank=True, default="", editable=False
    )
    previous_secret_until = models.DateTimeField(
        _("previous secret signs until"), null=True, blank=True, editable=False
    )
    events = models.JSONField(_("events"), default=list, validators=[validate_events])
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def rotate_secret(self, *, keep_old_for: timedelta) -> None:
        """Make a new secret (saved by the caller). For ``keep_old_for`` the old one signs too,
        as Standard Webhooks allows (several signatures in one header), so a receiver verifies
        with either while it is switched over; a zero length drops it at once (it leaked)."""
        if keep_old_for > timedelta(0):
            self.previous_secret = self.secret
            self.previous_secret_until = timezone.now() + keep_old_for
        else:
            self.previous_secret, self.previous_secret_until = "", None
        self.secret = generate_secret()

    def signing_secrets(self, now: datetime | None = None) -> list[str]:
        """The secrets a delivery made ``now`` is signed with: the current one first."""
        until = self.previous_secret_until
        if self.previous_secret and until is not None and (now or timezone.now()) < until:
            return [self.secret, self.previous_secret]
        return [self.secret]

    def clean(self) -> None:
        """Refuse a URL that leads to a non-public address: when the endpoint is added, its URL
        changes or it is switched back on. An endpoint whose host stopped resolving stays
        editable, to be switched off (each delivery attempt checks the address anyway)."""
        from ..webhooks.targets import TargetRefused, check_url

        if not self.url:  # the field's own validation has said why
            return
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("url", "is_active").first()
            if stored is not None and stored[0] == self.url and (stored[1] or not self.is_active):
                return
        try:
            check_url(self.url)
        except TargetRefused as error:
            raise ValidationError({"url": str(error)}) from error


def generate_message_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("endpoint"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    message_id = models.CharField(
        _("webhook id"), max_length=40, unique=True, default=generate_message_id, editable=False
    )
    event_type = models.CharField(_("event"), max_length=40)
    payload = models.JSONField(_("payload"), default=dict)
    #: Entry changes of one feed wait here (``feed:<id>``) until the window closes.
    coalesce_key = models.CharField(max_length=40, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="nf_webhook_due"),
            models.Index(fields=["endpoint", "coalesce_key", "status"], name="nf_webhook_coalesce"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint}"
