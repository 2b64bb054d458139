"""Snapshots of previewed pages for the headless preview (``wagtail_newsfeed.preview``).

A snapshot is a row, not a cache entry: the frontend's request for it may reach any process, and
Django's default cache (local memory) is per process. Rows are written once, read by their random
key until ``expires_at``, and pruned as new snapshots are made.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class HeadlessPreview(models.Model):
    #: ``secrets.token_urlsafe(24)``: 32 characters, named by the signed token and by nothing else.
    key = models.CharField(_("key"), max_length=64, unique=True, editable=False)
    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("page"),
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("content type"),
    )
    #: The page's latest revision when previewed; not a foreign key, so purging old revisions
    #: neither blocks nor deletes a snapshot.
    base_revision_id = models.PositiveBigIntegerField(_("base revision id"), null=True)
    #: The page's ``serializable_data()``: what a revision's content holds.
    content = models.JSONField(_("content"), encoder=DjangoJSONEncoder)
    #: Deleting the user deletes their snapshots: their preview links stop working with them.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previewed by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("headless preview snapshot")
        verbose_name_plural = _("headless preview snapshots")

    def __str__(self) -> str:
        return f"Preview of page {self.page_id} until {self.expires_at:%Y-%m-%d %H:%M}"
