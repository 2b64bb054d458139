"""The database side of the app's caches: a counter that moves on whenever something cached may
have gone stale, for sites whose Django cache is not shared by their processes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CacheGeneration(models.Model):
    """One named generation (e.g. ``"api"``); see ``wagtail_newsfeed.caching``.

    With Django's default cache (local memory) each process has a cache of its own, so a change
    made in one process could not clear the others'. Cached answers are then keyed by this
    row's value, which every process reads from the database and which changes in the same
    transaction as the content.
    """

    name = models.CharField(_("name"), max_length=50, primary_key=True)
    value = models.BigIntegerField(_("value"), default=0)

    class Meta:
        verbose_name = _("cache generation")

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"
