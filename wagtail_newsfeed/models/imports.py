"""Where imported content came from, so that importing the same export again updates what it
created instead of creating it twice.

One row per WordPress post, attachment or liveblog entry, keyed by the WordPress site and the
object's id there. The row points at what the object became (a page, an image or document, a live
entry) and holds a fingerprint of what was imported, so a re-run can tell "changed" from
"unchanged" without comparing pages field by field, and names the view restriction the import
gave the page, so a re-run changes only that one and never one an editor set. Deleting the page,
image or entry in Wagtail clears the pointer; the next import then creates it again. The redirects
an import made from a site's category archives and feeds have a row each too (the redirect's id
as ``wp_id``): a later run removes only those, never another site's or an editor's.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WordPressOrigin(models.Model):
    """What one WordPress object became in Wagtail."""

    class Kind(models.TextChoices):
        POST = "post", _("Post")
        ATTACHMENT = "attachment", _("Attachment")
        ENTRY = "entry", _("Liveblog entry")
        #: A redirect the import made from the site's category archives or feeds, whose target
        #: (the index filtered by a topic, a feed) names no object of the site: ``wp_id`` holds
        #: the Wagtail redirect's id, and only that site's import ever removes it.
        REDIRECT = "redirect", _("Archive or feed redirect")

    site = models.CharField(
        _("WordPress site"),
        max_length=255,
        help_text=_("Host and path of the WordPress site, e.g. example.com/blog."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    wp_id = models.PositiveBigIntegerField(_("WordPress id"))
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entry = models.ForeignKey(
        "wagtail_newsfeed.LiveEntry",
        verbose_name=_("live entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True)
    restriction = models.CharField(
        _("view restriction"),
        max_length=64,
        blank=True,
        help_text=_(
            "The view restriction the import gave the page (its id and a digest of its type and "
            "password): only that one follows WordPress on a re-run."
        ),
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        verbose_name = _("WordPress origin")
        verbose_name_plural = _("WordPress origins")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind", "wp_id"], name="newsfeed_wp_origin_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.kind} {self.wp_id}"
