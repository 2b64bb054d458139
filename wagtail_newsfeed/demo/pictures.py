"""The demo's pictures, drawn locally with Pillow so the demo needs no network, and the removal
of the files a rolled-back load wrote.

The files are the one thing a transaction does not undo, so whoever writes them also knows how to
take them back (``remove_files``).
"""

from __future__ import annotations

import io
import logging
import math
import random

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage

IMAGE_SIZE = (1600, 900)

logger = logging.getLogger(__name__)


def ensure_image(
    title: str, top: tuple, bottom: tuple, motif: str, *, written: list[str]
) -> AbstractImage:
    """The demo image ``title``, made if missing; the name of a file it writes goes into
    ``written`` (the file stays if the transaction rolls back: ``remove_files``)."""
    Image = get_image_model()
    image = Image.objects.filter(title=title).order_by("pk").first()
    if image is None:
        buffer = io.BytesIO()
        draw_picture(top, bottom, motif, seed=sum(map(ord, title))).save(
            buffer, format="JPEG", quality=85
        )
        filename = "demo-" + "".join(c if c.isalnum() else "-" for c in title.lower()) + ".jpg"
        image = Image(title=title)
        try:
            image.file.save(filename, ImageFile(buffer, name=filename), save=False)
        finally:
            if image.file.name:
                written.append(image.file.name)
        image.save()
    return image


def remove_files(names: list[str]) -> None:
    """Delete the image files of a run whose transaction rolled back (the rows are gone)."""
    storage = get_image_model()._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # noqa: BLE001 - a file left behind must not hide the run's error
            logger.warning("Could not remove %s after the demo load failed", name, exc_info=True)


def draw_picture(top: tuple, bottom: tuple, motif: str, seed: int) -> PILImage.Image:
    """A vertical gradient with a simple motif: abstract, but recognisably different pictures."""
    width, height = IMAGE_SIZE
    rng = random.Random(seed)
    picture = PILImage.new("RGB", IMAGE_SIZE)
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    light = tuple(min(255, c + 70) for c in bottom)
    dark = tuple(max(0, c - 60) for c in top)
    if motif == "mountains":
        for i in range(4):
            base = height - i * 60
            points = (
                [(0, base)]
                + [(x, base - rng.randint(150, 420) + i * 40) for x in range(0, width + 200, 200)]
                + [(width, height), (0, height)]
            )
            draw.polygon(points, fill=tuple(max(0, c - 20 * (4 - i)) for c in top))
    elif motif == "columns":
        draw.polygon([(300, 250), (800, 80), (1300, 250)], fill=light)
        for x in range(340, 1300, 130):
            draw.rectangle([x, 270, x + 60, 760], fill=light)
        draw.rectangle([260, 760, 1340, 820], fill=light)
    elif motif == "flags":
        draw.rectangle([200, 620, 1400, 700], fill=dark)
        for x, colour in [(420, (200, 30, 40)), (800, (30, 60, 140)), (1180, (240, 200, 40))]:
            draw.rectangle([x, 220, x + 10, 620], fill=light)
            draw.rectangle([x + 10, 220, x + 190, 340], fill=colour)
    elif motif == "cranes":
        for x in range(150, width, 380):
            draw.rectangle([x, 250, x + 30, height], fill=dark)
            draw.rectangle([x - 120, 230, x + 260, 260], fill=dark)
        for x in range(0, width, 90):
            draw.rectangle([x, 700, x + 80, 780], fill=rng.choice([light, dark, (200, 80, 50)]))
    elif motif == "waves":
        for i in range(8):
            y0 = 420 + i * 60
            points = [(x, y0 + 25 * math.sin(x / 90 + i)) for x in range(0, width + 20, 20)]
            draw.line(points, fill=light, width=10)
    elif motif == "bubbles":
        draw.polygon([(700, height), (760, 380), (840, 380), (900, height)], fill=dark)
        for _ in range(60):
            x, y, r = rng.randint(600, 1000), rng.randint(40, 420), rng.randint(6, 28)
            draw.ellipse([x - r, y - r, x + r, y + r], outline=light, width=4)
    elif motif == "sun":
        draw.ellipse([1050, 120, 1350, 420], fill=(255, 236, 160))
        for i in range(14):
            y = 620 + i * 20
            draw.line([(0, y), (width, y + rng.randint(-30, 30))], fill=dark, width=4)
    return picture
