"""Draft preview in a headless frontend, in the manner of wagtail-headless-preview.

When ``HEADLESS_PREVIEW_URL`` is set, articles and live feeds get a second preview mode,
"headless". Choosing it in the admin's preview panel freezes the previewed state (saved draft or
unsaved edits) as a *snapshot*, signs a short-lived token bound to that one snapshot, its page and
its content type, and shows the frontend's preview URL with ``?token=…&content_type=…``. The
frontend trades the token for the page's JSON at ``GET /api/newsfeed/v1/preview/``
(``api.preview``).

Why a snapshot rather than a new revision per preview: the preview panel refreshes on every edit,
and a revision per refresh would fill the page's history, move its "latest revision" and turn
unsaved edits into a saved draft behind the editor's back. The snapshot is the page's
``serializable_data()`` (exactly what a revision stores), written once under a random key and
never changed, and it expires with its token.

Why a database row (``HeadlessPreview``) rather than a cache entry: the frontend's request may
reach another process than the admin's, and Django's default cache (local memory) is per
process, so a cached snapshot would be a 410 on most requests of a default multi-process site.
Expired rows are pruned as new snapshots are made, a bounded number at a time.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import unquote_plus, urlencode, urlsplit, urlunsplit

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .conf import settings

#: The preview mode's internal name (``?mode=headless`` in the admin's preview URLs).
HEADLESS_MODE = "headless"
HEADLESS_MODE_LABEL = _("Headless frontend")
#: Keeps these tokens from being valid for any other use of ``django.core.signing``.
TOKEN_SALT = "wagtail_newsfeed.headless_preview"
#: A real token is about 200 characters; anything much longer is not one.
TOKEN_MAX_LENGTH = 1000
TEMPLATE = "wagtail_newsfeed/headless_preview.html"
#: The most a snapshot may hold (its JSON, in bytes): a page this big is not previewed. Articles
#: are capped far lower when saved (``ARTICLE_BODY_MAX_BYTES``); this bounds what unsaved edits
#: can write to the database per refresh of the preview panel.
SNAPSHOT_MAX_BYTES = 2_000_000
#: Expired snapshots (of any page) deleted per new snapshot, so one preview never waits long.
PRUNE_BATCH = 100


class PreviewTokenError(Exception):
    """The token is not one we signed, or was altered."""


class PreviewExpired(PreviewTokenError):
    """The token was ours but is too old, or its snapshot is gone: preview again."""


class PreviewedPageGone(PreviewTokenError):
    """The previewed page was deleted after the preview."""


class SnapshotTooLarge(Exception):
    """The previewed state is larger than ``SNAPSHOT_MAX_BYTES``: nothing was stored."""

    def __init__(self, size: int) -> None:
        self.size = size
        super().__init__(
            gettext(
                "This page is too large to preview in the headless frontend (%(size)s bytes; "
                "at most %(limit)s). Shorten it, or use the site's own preview."
            )
            % {"size": size, "limit": SNAPSHOT_MAX_BYTES}
        )


@dataclass(frozen=True)
class Preview:
    """A previewed page rebuilt from its snapshot, and whether it is an article or a feed."""

    page: Any
    kind: str  # "article" or "feed"
    content_type: str


def token_max_age() -> int:
    return max(1, int(settings.HEADLESS_PREVIEW_TOKEN_MAX_AGE))


def content_type_label(page: Any) -> str:
    """``app_label.modelname``, as wagtail-headless-preview names content types."""
    return page._meta.label_lower


def page_kind(model: type) -> str | None:
    """The API's name for ``model`` ("article" or "feed"), or None for other page models."""
    from .models import LiveFeedPage, NewsArticlePage

    if issubclass(model, NewsArticlePage):
        return "article"
    if issubclass(model, LiveFeedPage):
        return "feed"
    return None


def preview_base_url(page: Any) -> str | None:
    """The frontend's preview URL for ``page``'s site: ``HEADLESS_PREVIEW_URL`` itself, or from
    a dict the entry for the site's hostname (with its port first; in any letter case, as
    Wagtail stores hostnames in lower case), then its id, then ``"default"``."""
    configured = settings.HEADLESS_PREVIEW_URL
    if not configured:
        return None
    if isinstance(configured, str):
        return configured
    if not isinstance(configured, Mapping):
        return None
    entries = {
        (key.lower() if isinstance(key, str) and key != "default" else key): value
        for key, value in configured.items()
    }
    site = page.get_site() if page.pk else None
    keys: list[Any] = []
    if site is not None:
        hostname = site.hostname.lower()
        keys = [f"{hostname}:{site.port}", hostname, site.pk, str(site.pk)]
    for key in [*keys, "default"]:
        if entries.get(key):
            return str(entries[key])
    return None


def frontend_url(base_url: str, token: str, content_type: str) -> str:
    """``base_url`` with ``token`` and ``content_type`` added to (or replaced in) its query.
    The rest of the configured query is kept byte for byte (blank values, bare flags like
    ``?draft``, its order and its escapes), as is the fragment."""
    parts = urlsplit(base_url)
    kept = [
        piece
        for piece in parts.query.split("&")
        if piece and unquote_plus(piece.split("=", 1)[0]) not in ("token", "content_type")
    ]
    query = "&".join([*kept, urlencode([("token", token), ("content_type", content_type)])])
    return urlunsplit(parts._replace(query=query))


def prune_snapshots(page_id: int | None = None) -> None:
    """Delete the expired snapshots of ``page_id`` and at most ``PRUNE_BATCH`` others, so the
    table holds little more than the snapshots still valid."""
    from .models import HeadlessPreview

    expired = HeadlessPreview.objects.filter(expires_at__lte=timezone.now())
    if page_id is not None:
        expired.filter(page_id=page_id).delete()
    batch = list(expired.order_by("expires_at").values_list("pk", flat=True)[:PRUNE_BATCH])
    if batch:
        HeadlessPreview.objects.filter(pk__in=batch).delete()


def create_preview_token(page: Any, user: Any = None) -> str:
    """Snapshot ``page`` as it is in memory (with unsaved edits) and sign a token for it.
    Raises ``SnapshotTooLarge`` (storing nothing) past ``SNAPSHOT_MAX_BYTES``."""
    from .models import HeadlessPreview

    content = page.serializable_data()
    size = len(json.dumps(content, cls=DjangoJSONEncoder).encode())
    if size > SNAPSHOT_MAX_BYTES:
        raise SnapshotTooLarge(size)
    prune_snapshots(page.pk)
    label = content_type_label(page)
    revision_id = getattr(page, "latest_revision_id", None)
    snapshot = HeadlessPreview.objects.create(
        key=secrets.token_urlsafe(24),
        page_id=page.pk,
        content_type=ContentType.objects.get_for_model(page),
        base_revision_id=revision_id,
        content=content,
        user=user if getattr(user, "is_authenticated", False) else None,
        expires_at=timezone.now() + timedelta(seconds=token_max_age()),
    )
    payload = {"s": snapshot.key, "p": page.pk, "ct": label, "r": revision_id}
    return signing.dumps(payload, salt=TOKEN_SALT)


def load_preview(token: str) -> Preview:
    """The page that ``token`` was signed for, as it was previewed. Raises ``PreviewExpired``,
    ``PreviewedPageGone`` or ``PreviewTokenError``; grants access to nothing else."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        raise PreviewTokenError(_("This is not a preview token."))
    try:
        payload = signing.loads(token, salt=TOKEN_SALT, max_age=token_max_age())
    except signing.SignatureExpired:
        raise PreviewExpired(_("This preview has expired; preview the page again.")) from None
    except (signing.BadSignature, ValueError, UnicodeError):
        raise PreviewTokenError(_("This is not a valid preview token.")) from None
    if not (
        isinstance(payload, dict)
        and isinstance(payload.get("s"), str)
        and isinstance(payload.get("p"), int)
        and isinstance(payload.get("ct"), str)
    ):
        raise PreviewTokenError(_("This is not a valid preview token."))
    from wagtail.models import Page

    from .models import HeadlessPreview

    snapshot = (
        HeadlessPreview.objects.filter(key=payload["s"], expires_at__gt=timezone.now())
        .select_related("content_type", "user")
        .first()
    )
    if snapshot is None:
        # Deleting a page deletes its snapshots: say why rather than "expired".
        if not Page.objects.filter(pk=payload["p"]).exists():
            raise PreviewedPageGone(_("The previewed page no longer exists."))
        raise PreviewExpired(_("This preview has expired; preview the page again."))
    snapshot_ct = f"{snapshot.content_type.app_label}.{snapshot.content_type.model}"
    if (snapshot.page_id, snapshot_ct, snapshot.base_revision_id) != (
        payload["p"],
        payload["ct"],
        payload.get("r"),
    ):
        raise PreviewTokenError(_("This is not a valid preview token."))
    try:
        model = apps.get_model(payload["ct"])
    except (LookupError, ValueError):
        raise PreviewTokenError(_("This is not a valid preview token.")) from None
    kind = page_kind(model)
    if kind is None:
        raise PreviewTokenError(_("This is not a valid preview token."))
    stored = model.objects.filter(pk=payload["p"]).first()
    if stored is None:
        raise PreviewedPageGone(_("The previewed page no longer exists."))
    if not previewer_may_edit(snapshot.user, stored):
        raise PreviewTokenError(
            _("This preview is no longer valid: whoever previewed the page may no longer edit it.")
        )
    page = stored.with_content_json(snapshot.content)
    return Preview(page=page, kind=kind, content_type=payload["ct"])


def previewer_may_edit(user: Any, page: Any) -> bool:
    """Whether the editor a snapshot was taken for may still edit ``page``: a token lives for
    minutes, and an editor deactivated or refused the page in that time loses its preview too
    (a deleted one takes the snapshots along). A snapshot made without a user (a script's)
    is the token's alone."""
    if user is None:
        return True
    return user.is_active and page.permissions_for_user(user).can_edit()


def serve_headless_preview(page: Any, request: HttpRequest) -> HttpResponse:
    """The admin's preview of ``page`` in the headless frontend: a page framing the frontend's
    preview URL with a fresh token (and a link to open it in a tab of its own)."""
    base_url = preview_base_url(page)
    url = None
    if base_url and page.pk:
        try:
            token = create_preview_token(page, getattr(request, "user", None))
        except SnapshotTooLarge as error:
            response = HttpResponse(
                format_html('<!DOCTYPE html><p role="alert" data-preview-error>{}</p>', error),
                status=413,
            )
            response["Cache-Control"] = "no-store"
            return response
        url = frontend_url(base_url, token, content_type_label(page))
    response = TemplateResponse(request, TEMPLATE, {"page": page, "frontend_url": url})
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


class HeadlessPreviewMixin:
    """Adds the "headless" preview mode to a page model when ``HEADLESS_PREVIEW_URL`` gives its
    site a frontend. Pages not yet saved have no id for the API to answer with: the mode
    appears once the page has been saved as a draft."""

    @property
    def preview_modes(self) -> list[tuple[str, Any]]:
        modes = list(super().preview_modes)  # type: ignore[misc]
        if getattr(self, "pk", None) and preview_base_url(self):
            modes.append((HEADLESS_MODE, HEADLESS_MODE_LABEL))
        return modes

    def serve_preview(self, request: HttpRequest, mode_name: str) -> HttpResponse:
        if mode_name == HEADLESS_MODE:
            return serve_headless_preview(self, request)
        return super().serve_preview(request, mode_name)  # type: ignore[misc]
