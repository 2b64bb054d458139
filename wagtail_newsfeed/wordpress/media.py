"""Attachments: files from a local copy of ``wp-content/uploads`` become Wagtail images and
documents, once each (a re-run finds them by their WordPress attachment id).

The path of each file comes from the export (``_wp_attached_file``, else the part of
``wp:attachment_url`` under ``/uploads/``), so it is hostile until proven otherwise: it must be
relative, without ``..``, resolve (symlinks followed) to a regular file inside ``--uploads`` of
the type its name says (``inner.pdf`` linked to ``evil.html`` is refused), and is opened without
following a last symlink and without blocking on a FIFO; it is stored under the export's name.
Images pass Wagtail's own upload checks (format, size, pixel count: decompression bombs are
refused), the pixel count read from the header rather than by decoding the whole image;
documents need an accepted extension. Nothing is ever downloaded: a missing file is a report
line.
"""

from __future__ import annotations

import os
import re
import stat
import warnings
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.fields import WagtailImageField
from wagtail.images.utils import get_allowed_image_extensions
from wagtail.utils.file import hash_filelike

from ..models import WordPressOrigin
from . import values
from .report import Report
from .survey import Attachment, Catalog, upload_path

#: Stands for an image or document a dry run would create (it has no id yet).
PENDING = -1
DOCUMENT_EXTENSIONS = {
    "pdf", "doc", "docx", "odt", "rtf", "txt", "csv", "xls", "xlsx", "ods", "ppt", "pptx",
    "odp", "epub", "zip",
}  # fmt: skip
DOCUMENT_MAX_BYTES = 200 << 20
_SIZE_SUFFIX = re.compile(
    r"-(?:\d{1,5}x\d{1,5}|scaled|rotated|e\d{10,16})(?=\.[a-z0-9]{1,5}$)", re.IGNORECASE
)


class ImportImageField(WagtailImageField):
    """Wagtail's upload checks, with the pixel count read from the image's header: Willow's
    ``get_size`` decodes the whole image (4 bytes a pixel: 480 MB for a 121-megapixel photo
    Wagtail accepts), which would make the import's memory follow the largest image. The data is
    still checked without holding it: a JPEG is decoded at 1/8 scale, other formats have their
    chunks verified (a truncated or corrupt file is refused, as Wagtail refuses it)."""

    def check_image_pixel_size(self, f: Any) -> None:
        if f.image.format_name == "svg":
            super().check_image_pixel_size(f)
            f.dimensions = f.image.get_size()
            return
        f.image.f.seek(0)
        with warnings.catch_warnings():
            # Pillow warns above its MAX_IMAGE_PIXELS; Wagtail's own cap decides, below.
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            try:
                with PILImage.open(f.image.f) as image:
                    width, height = image.size
                    if image.format == "JPEG":
                        image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
                        image.load()
                    else:
                        image.verify()
            except PILImage.DecompressionBombError:
                width = height = None
            except Exception as error:  # noqa: BLE001 - whatever Pillow raises on a bad file
                raise ValidationError(
                    self.error_messages["invalid_image"], code="invalid_image"
                ) from error
        f.image.f.seek(0)
        limit = self.max_image_pixels
        unknown = gettext("unknown number")
        if width is None or (limit is not None and width * height > limit):
            raise ValidationError(
                self.error_messages["file_too_many_pixels"]
                % {
                    "num_pixels": width * height if width is not None else unknown,
                    "max_pixels_count": limit or 2 * PILImage.MAX_IMAGE_PIXELS,
                },
                code="file_too_many_pixels",
            )
        f.dimensions = (width, height)


@dataclass
class MediaRef:
    kind: str  # "image" or "document"
    pk: int


class Uploads:
    """A local copy of ``wp-content/uploads``; ``locate`` never leaves it."""

    def __init__(self, root: Path | None) -> None:
        self.root = root.resolve(strict=True) if root is not None else None

    def locate(self, relative: str) -> tuple[Path | None, str, str]:
        """(path, "", "") for a regular file inside the folder, else (None, kind, problem)."""
        shown = values.shown(relative, 120)
        if self.root is None:
            return None, "missing_file", "no --uploads folder was given"
        parts = PurePosixPath(relative.replace("\\", "/")).parts
        if (
            not relative
            or relative.startswith(("/", "\\"))
            or re.match(r"[A-Za-z]:", relative)
            or ".." in parts
            or any(ord(char) < 32 or char == "\x7f" for char in relative)
        ):
            return None, "unsafe_path", f"{shown} is not a path inside --uploads"
        try:
            resolved = self.root.joinpath(*parts).resolve(strict=True)
        except (OSError, RuntimeError):
            return None, "missing_file", f"{shown} is not under --uploads"
        if not resolved.is_relative_to(self.root):
            return None, "unsafe_path", f"{shown} is a link to a file outside --uploads"
        if not resolved.is_file():
            return None, "missing_file", f"{shown} is not a regular file"
        return resolved, "", ""


def open_regular(path: Path) -> IO[bytes]:
    """``path`` opened for reading only if it is a regular file (not a FIFO, device or link)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    descriptor = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError("not a regular file")
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def normalised_upload_path(path: str) -> str:
    """An uploads path without WordPress's size suffixes (``photo-300x200.jpg`` → ``photo.jpg``),
    its case kept."""
    return _SIZE_SUFFIX.sub("", path)


class MediaLibrary:
    """The attachments of one export and what each became."""

    def __init__(
        self, catalog: Catalog, uploads: Uploads, report: Report, *, dry_run: bool
    ) -> None:
        self.catalog, self.uploads, self.report, self.dry_run = catalog, uploads, report, dry_run
        self.refs: dict[int, MediaRef] = {}
        self.files: dict[int, str] = {}  # attachment id -> URL of the stored file
        self.stale_files: dict[int, str] = {}  # document id -> its file's own URL
        self._folded: dict[str, int | None] | None = None

    def ref(self, attachment_id: Any, kind: str) -> int | None:
        ref = self.refs.get(attachment_id) if isinstance(attachment_id, int) else None
        return ref.pk if ref is not None and ref.kind == kind else None

    def attachment_for_url(self, url: str) -> int | None:
        """The attachment whose file a URL links: its exact path first (``Photo.jpg`` and
        ``photo.jpg`` are two files), else its path in any case where one attachment alone
        has it."""
        path = upload_path(url)
        if not path:
            return None
        paths, unsized = self.catalog.attachment_paths, normalised_upload_path(path)
        found = paths.get(path) or paths.get(unsized)
        if found:
            return found
        folded = self.folded_paths()
        return folded.get(path.lower()) or folded.get(unsized.lower())

    def folded_paths(self) -> dict[str, int | None]:
        """The uploads paths in lower case, each with its attachment, or None where the paths
        of two attachments differ only in case."""
        if self._folded is None:
            self._folded = {}
            for path, wp_id in self.catalog.attachment_paths.items():
                key = path.lower()
                self._folded[key] = wp_id if self._folded.get(key, wp_id) == wp_id else None
        return self._folded

    def import_all(self) -> None:
        origins = {
            origin.wp_id: origin
            for origin in WordPressOrigin.objects.filter(
                site=self.catalog.site, kind=WordPressOrigin.Kind.ATTACHMENT
            ).select_related("image", "document")
        }
        if self.uploads.root is None and self.catalog.attachments:
            missing = sum(1 for wp_id in self.catalog.attachments if wp_id not in origins)
            if missing:
                self.report.warn(
                    "missing_file", f"no --uploads folder given: {missing:,} attachments left out"
                )
        for attachment in self.catalog.attachments.values():
            origin = origins.get(attachment.wp_id)
            try:
                self.import_one(attachment, origin)
            except ValidationError as error:
                self.report.warn("bad_media", f"attachment {attachment.wp_id}: {error.messages[0]}")
            except Exception as error:  # one bad file never stops the import
                name = values.shown(attachment.relative, 120)
                self.report.warn("bad_media", f"attachment {attachment.wp_id} ({name}): {error}")

    def import_one(self, attachment: Attachment, origin: WordPressOrigin | None) -> None:
        existing = origin and (origin.image or origin.document)
        if existing:
            self._refresh(attachment, origin)
            return
        if self.uploads.root is None:
            return
        label = f"attachment {attachment.wp_id}"
        # The file is checked and stored under the name the export gives it.
        name = PurePosixPath(attachment.relative.replace("\\", "/")).name
        kind = self._kind(name)
        if kind is None:
            self.report.warn(
                "bad_media", f"{label}: {values.shown(attachment.relative)} is not an accepted type"
            )
            return
        path, problem_kind, problem = self.uploads.locate(attachment.relative)
        if path is None:
            self.report.warn(problem_kind, f"{label}: {problem}")
            return
        if self._kind(path.name) != kind:  # a link (inner.pdf -> evil.html) changes no type
            self.report.warn(
                "bad_media",
                f"{label}: {values.shown(attachment.relative)} is a link to "
                f"{values.shown(path.name)}, a file of another type",
            )
            return
        with open_regular(path) as source:
            size = os.fstat(source.fileno()).st_size
            dimensions = self._check(kind, source, name, size)
            pixels = dimensions[0] * dimensions[1] if dimensions else 0
            if pixels > PILImage.MAX_IMAGE_PIXELS:
                # What Pillow would only warn about on stderr: a rendition decodes it whole.
                self.report.warn(
                    "note",
                    f"{label}: {values.shown(name)} has {pixels:,} pixels; each rendition "
                    f"Wagtail makes of it decodes it whole (about {pixels * 4 >> 20:,} MB)",
                )
            if self.dry_run:
                self.refs[attachment.wp_id] = MediaRef(kind, PENDING)
                self.report.count(f"{kind}s", "to create")
                return
            with transaction.atomic():
                stored = self._store(kind, attachment, source, name, size, dimensions)
                WordPressOrigin.objects.update_or_create(
                    site=self.catalog.site,
                    kind=WordPressOrigin.Kind.ATTACHMENT,
                    wp_id=attachment.wp_id,
                    defaults={kind: stored},
                )
        self.refs[attachment.wp_id] = MediaRef(kind, stored.pk)
        self._remember(attachment.wp_id, kind, stored)
        self.report.count(f"{kind}s", "created")

    def _kind(self, name: str) -> str | None:
        """What a file of this name is ("image" or "document"), by its extension; None for a
        type not accepted."""
        extension = PurePosixPath(name).suffix.lower().lstrip(".")
        if extension in get_allowed_image_extensions():
            return "image"
        return "document" if extension in self._document_extensions() else None

    def _document_extensions(self) -> set[str]:
        configured = getattr(django_settings, "WAGTAILDOCS_EXTENSIONS", None)
        return {e.lower() for e in configured} if configured else DOCUMENT_EXTENSIONS

    def _check(self, kind: str, source: IO[bytes], name: str, size: int) -> tuple[int, int] | None:
        """Refuse a file Wagtail would refuse; returns an image's width and height."""
        if kind == "document":
            if size > DOCUMENT_MAX_BYTES:
                raise ValidationError(f"{name} is larger than {DOCUMENT_MAX_BYTES >> 20} MB")
            return None
        limit = getattr(django_settings, "WAGTAILIMAGES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024)
        if limit is not None and size > limit:
            raise ValidationError(f"{name} is larger than the {limit:,} bytes images may be")
        try:
            checked = ImportImageField().clean(File(source, name=name))
        except ValidationError as error:
            raise ValidationError(f"{name}: {' '.join(error.messages)}") from None
        source.seek(0)
        return checked.dimensions

    def _remember(self, wp_id: int, kind: str, stored: Any) -> None:
        """Where the attachment's old URLs redirect: an image's file, a document's Wagtail URL
        (``document.url``: its serve view, which applies privacy collections and
        ``WAGTAILDOCS_SERVE_METHOD``, and outlives a replaced file)."""
        self.files[wp_id] = stored.url if kind == "document" else stored.file.url
        if kind == "document":
            self.stale_files[wp_id] = stored.file.url  # what earlier imports redirected to

    def _store(
        self,
        kind: str,
        attachment: Attachment,
        source: IO[bytes],
        name: str,
        size: int,
        dimensions: tuple[int, int] | None,
    ):
        file_hash = hash_filelike(source)
        source.seek(0)
        title = attachment.title or name
        if dimensions is not None:  # an image
            model = get_image_model()
            field = model._meta.get_field("file")
            # Stored first, then named with its width and height known: an image given its file
            # as a file has Wagtail read its size with Willow, which decodes it whole.
            path = field.storage.save(
                field.generate_filename(model(), name),
                File(source, name=name),
                max_length=field.max_length,
            )
            stored = model(
                title=title[:255],
                description=attachment.alt,
                file=path,
                width=dimensions[0],
                height=dimensions[1],
                file_size=size,
                file_hash=file_hash,
            )
        else:
            stored = get_document_model()(
                title=title[:255], file=File(source, name=name), file_size=size, file_hash=file_hash
            )
        stored.save()
        return stored

    def _refresh(self, attachment: Attachment, origin: WordPressOrigin) -> None:
        """An attachment imported before: its texts may have changed, never its file."""
        stored = origin.image or origin.document
        kind = "image" if origin.image else "document"
        changes = {"title": (attachment.title or stored.title)[:255]}
        if kind == "image":
            changes["description"] = attachment.alt
        changed = [field for field, value in changes.items() if getattr(stored, field) != value]
        if changed and not self.dry_run:
            for field in changed:
                setattr(stored, field, changes[field])
            stored.save(update_fields=changed)
        self.refs[attachment.wp_id] = MediaRef(kind, stored.pk)
        self._remember(attachment.wp_id, kind, stored)
        self.report.count(
            f"{kind}s", ("to update" if self.dry_run else "updated") if changed else "unchanged"
        )
