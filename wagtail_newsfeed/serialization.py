"""JSON shapes of images, documents, pages, sources and rich text, shared by blocks and the API.

Block ``get_api_representation`` methods, the REST serializers and anything else that emits JSON
call these functions, so an image (say) looks the same in an article body, a lead image and an
author photo. Nothing here imports Django REST Framework: the block library stays usable without it.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils.encoding import punycode
from wagtail.images import get_image_model
from wagtail.rich_text import expand_db_html

from .conf import settings
from .sites import absolute_url
from .xml import one_line

logger = logging.getLogger(__name__)


def _request(context: dict[str, Any] | None) -> Any:
    return (context or {}).get("request")


def iso_datetime(value: datetime | None) -> str | None:
    """``value`` as ISO 8601 in UTC with a ``Z`` and microseconds, e.g.
    ``2026-06-01T09:30:00.000000Z``: the one time format of every API response, whatever the site's
    time zone, so clients parse and compare times without knowing it."""
    if value is None:
        return None
    if value.tzinfo is None:  # a naive time from a USE_TZ=False site is in its local zone
        from django.utils import timezone

        value = timezone.make_aware(value)
    return value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def rich_text_html(
    source: str | None,
    context: dict[str, Any] | None = None,
    features: list[str] | tuple[str, ...] | None = None,
) -> str:
    """Stored rich text as front-end HTML: cleaned again by the editor's whitelist for
    ``features`` (``rich_text.clean_stored``: a stored value may never have been validated),
    then internal page and document links resolved to URLs."""
    from .rich_text import clean_stored  # Wagtail's admin converters: not at load time

    return expand_db_html(clean_stored(source, features)) if source else ""


def rich_text_field_html(instance: Any, name: str, context: dict[str, Any] | None = None) -> str:
    """The ``name`` rich-text field of ``instance`` as front-end HTML (``rich_text_html``),
    cleaned by that field's own features (Wagtail's defaults if it names none); a link or image
    whose stored id is no id shows as its text (``rich_text.without_broken_references``)."""
    from .rich_text import clean_stored, without_broken_references

    try:
        features = getattr(instance._meta.get_field(name), "features", None)
    except (AttributeError, FieldDoesNotExist):
        features = None
    source = getattr(instance, name, None)
    if not source:
        return ""
    return expand_db_html(without_broken_references(clean_stored(source, features)))


def rendition_specs() -> dict[str, str]:
    """Rendition name -> Wagtail filter spec, from ``API_RENDITIONS``."""
    return dict(settings.API_RENDITIONS)


def images_with_renditions() -> QuerySet:
    """Images with the API's renditions prefetched."""
    return get_image_model().objects.prefetch_renditions(*rendition_specs().values())


def image_renditions(image: Any, specs: Iterable[str]) -> dict[str, Any]:
    """The renditions of ``image`` keyed by the filter specs asked for, leaving out those that
    cannot be made.

    An image whose file is gone from storage (deleted from media, or an imported row whose file
    never arrived) cannot be resized: Wagtail raises ``SourceImageIOError``. Every surface that
    shows a picture (share tags, JSON-LD, feed enclosures, the API) asks here, so such an image
    is shown without that picture instead of failing the whole response. Renditions made before
    the file went missing are still given. One warning is logged per failure.
    """
    from wagtail.images.models import Filter

    # Wagtail keys renditions by the spec it renders (``preserve-svg`` taken out).
    wanted = (
        {spec: image.clean_filter_for_svg(Filter(spec=spec)) for spec in specs} if image else {}
    )
    if not wanted:
        return {}
    if not image.file:  # no file name at all: Wagtail raises ValueError, not an IOError
        _log_missing_file(image, "it has no file")
        return {}
    try:
        made = image.get_renditions(*wanted.values())
    except OSError as error:  # SourceImageIOError, or a storage's own OSError
        _log_missing_file(image, error)
        found = image.find_existing_renditions(*wanted.values())
        made = {filter.spec: rendition for filter, rendition in found.items()}
    return {spec: made[f.spec] for spec, f in wanted.items() if f.spec in made}


def _log_missing_file(image: Any, reason: Any) -> None:
    logger.warning(
        "No renditions of image %s (%r): its file cannot be read: %s",
        image.pk,
        image.file.name,
        reason,
    )


def image_json(
    image: Any, context: dict[str, Any] | None = None, *, alt: str | None = None
) -> dict[str, Any] | None:
    """``{id, title, alt, width, height, renditions: {name: {url, width, height}}}``.

    Renditions are fetched (or created) in one call to ``get_renditions``, which reuses those
    prefetched with ``Image.objects.prefetch_renditions``; an image whose file is missing has
    only those made before (``image_renditions``), often none.
    """
    if image is None:
        return None
    specs = rendition_specs()
    renditions = image_renditions(image, specs.values())
    return {
        "id": image.pk,
        "title": image.title,
        # ``alt`` given (an image block's, "" when decorative) wins over the image's own.
        "alt": alt if alt is not None else getattr(image, "default_alt_text", None) or image.title,
        "width": image.width,
        "height": image.height,
        "renditions": {
            name: {
                "url": absolute_url(renditions[spec].url, _request(context)),
                "width": renditions[spec].width,
                "height": renditions[spec].height,
            }
            for name, spec in specs.items()
            if spec in renditions
        },
    }


def public_document(document: Any, context: dict[str, Any] | None = None) -> Any:
    """``document`` if readers may see it (``visibility.is_document_visible``), else None: shown
    like a hidden related page."""
    from .visibility import is_document_visible

    if document is None or not is_document_visible(document, _request(context)):
        return None
    return document


def document_title(document: Any) -> str:
    """What readers see a document called: Wagtail stores its title as typed, so a pasted
    control character or non-character is dropped (``xml.one_line``, as an image's title is as
    alt text); a title that shows nothing is the file's name."""
    return one_line(document.title) or one_line(document.filename)


def document_json(document: Any, context: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """``{id, title, url, file_extension}`` for a document readers may see; ``None`` for a
    document in a private collection, whose title and URL would give it away."""
    document = public_document(document, context)
    if document is None:
        return None
    return {
        "id": document.pk,
        "title": document_title(document),
        "url": absolute_url(document.url, _request(context)),
        "file_extension": document.file_extension,
    }


def page_link_json(page: Any, context: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """``{id, title, url}`` for a page readers may see; ``None`` for any other page."""
    from .visibility import is_page_visible

    if page is None or not is_page_visible(page):
        return None
    return {
        "id": page.pk,
        "title": page.title,
        "url": page.get_full_url(request=_request(context)),
    }


#: Characters RFC 3986 allows as they are besides the unreserved ones: its sub-delims, and "%"
#: where it starts an escape (a bare "%" is escaped first).
_SUB_DELIMS = "!$&'()*+,;=-._~%"
_BARE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _escaped(text: str, safe: str) -> str:
    """``text`` with every character RFC 3986 does not allow there percent-encoded as UTF-8."""
    return quote(_BARE_PERCENT.sub("%25", text), safe=_SUB_DELIMS + safe)


def uri(url: str) -> str:
    """``url`` as the URI (RFC 3986) the schema promises and any HTTP client can fetch: editors
    may type an IRI (``https://例え.jp/ニュース``), or a URL Django's validator accepts with a bare
    "%", a second "#" or brackets in its path. The host in punycode, every other character a URI
    may not hold percent-encoded as UTF-8, valid escapes kept: a URI comes back unchanged."""
    parts = urlsplit(url)
    userinfo, at, hostport = parts.netloc.rpartition("@")
    if hostport.startswith("[") and "]" in hostport:
        netloc_host = hostport  # an IPv6 literal, with its port: brackets belong there
    else:
        host, colon, port = hostport.partition(":")
        if not host.isascii():
            # Not a valid IDN: percent-encoded below, still a valid URI.
            with contextlib.suppress(UnicodeError):
                host = punycode(host)
        netloc_host = _escaped(host, "") + colon + _escaped(port, "")
    netloc = (_escaped(userinfo, ":") + at if at else "") + netloc_host
    return urlunsplit(
        (
            parts.scheme,
            netloc,
            _escaped(parts.path, ":@/"),
            _escaped(parts.query, ":@/?"),
            _escaped(parts.fragment, ":@/?"),
        )
    )


def source_json(source: Any) -> dict[str, Any] | None:
    from .links import web_url  # links reads Wagtail's page model: not while models load

    if source is None:
        return None
    website = web_url(source.url)  # null unless http(s), whatever is stored
    url = uri(website) if website else None
    return {"name": source.name, "slug": source.slug, "url": url}


def topic_json(topic: Any) -> dict[str, Any]:
    return {"name": topic.name, "slug": topic.slug}


def author_json(author: Any, context: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": author.name,
        "slug": author.slug,
        "role": author.role,
        "photo": image_json(author.photo, context) if author.photo_id else None,
    }


def prefetch_stream_values(values: list[Any], *, renditions: bool = True) -> None:
    """Resolve the blocks of many StreamField values at once: one ``bulk_to_python`` per block
    type across all of them (so one image query for a whole page of entries, not one per entry),
    then the API renditions of every image found in one more query.

    Wagtail does this per stream value (reading an item converts every item of its type in that
    value); this does the same across values with Wagtail's public API only: each value's
    ``raw_data``, the block's ``bulk_to_python`` and ``StreamValue.StreamChild`` items set back
    by index. Values read from the database are lazy: call this before their items are read.
    Values built in Python hold converted items already and are left alone, as are item types
    the stream block no longer has. ``renditions=False`` leaves the renditions alone (reader
    pages show other sizes than the API's).
    """
    from django.db.models import Prefetch, prefetch_related_objects
    from wagtail.blocks import StreamValue

    pending: dict[str, list[tuple[StreamValue, int, dict[str, Any]]]] = {}
    for value in values:
        if not isinstance(value, StreamValue) or not value.is_lazy:
            continue
        for index, item in enumerate(value.raw_data):
            if isinstance(item, dict) and item.get("type") in value.stream_block.child_blocks:
                pending.setdefault(item["type"], []).append((value, index, item))
    images = []
    for type_name, places in pending.items():
        block = places[0][0].stream_block.child_blocks[type_name]
        try:
            converted = block.bulk_to_python([item.get("value") for _value, _i, item in places])
        except Exception:  # noqa: BLE001 - a damaged stored value: ``rendering`` reads these one by one
            continue
        for (value, index, item), native in zip(places, converted, strict=True):
            value[index] = StreamValue.StreamChild(block, native, id=item.get("id"))
            image = native.get("image") if hasattr(native, "get") else None
            if image is not None and hasattr(image, "get_renditions"):
                images.append(image)
    specs = list(rendition_specs().values())
    if images and specs and renditions:
        rendition_model = images[0].get_rendition_model()
        prefetch_related_objects(
            images,
            Prefetch("renditions", queryset=rendition_model.objects.filter(filter_spec__in=specs)),
        )
