"""The body field: Wagtail's ``StreamField``, except that a stored body it cannot load never takes
a page down.

Wagtail loads a body as a row is read, before any of our code runs: a value that is not a list of
blocks (an object, a number, items without a ``type``), written by a data migration, a script or
an old import, raised there, and every page, console and API answer that read the row was a 500.
Here such a body loads as the blocks it holds that can be read, with a log line;
``check_newsfeed_content`` lists the row so that someone repairs it. Blocks Wagtail can read but
not render are handled where they render (``stored_bodies``).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from wagtail.fields import StreamField

logger = logging.getLogger(__name__)


def readable_blocks(raw: Any) -> Any:
    """``raw`` (a stored body, parsed) with only what Wagtail can load: a list of objects with a
    text ``type``. An empty value, a readable body and text that is not JSON (what Wagtail keeps
    as ``raw_text``) are returned as they are; a body stored as a JSON string is read inside."""
    if not raw:
        return raw
    if isinstance(raw, str):
        try:
            parsed = json.loads(raw)
        except ValueError:
            return raw
        return readable_blocks(parsed) if parsed else parsed
    if isinstance(raw, list) and all(_is_block(item) for item in raw):
        return raw
    kept = [item for item in raw if _is_block(item)] if isinstance(raw, list) else []
    logger.warning(
        "A stored body Wagtail cannot load was read as %d of its blocks (it held %s); "
        "run check_newsfeed_content to find it",
        len(kept),
        f"{len(raw)} items" if isinstance(raw, list) else type(raw).__name__,
    )
    return kept


def _is_block(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("type"), str)


class NewsStreamField(StreamField):
    """``StreamField`` reading a damaged body as the blocks it can (``readable_blocks``). It is
    a ``wagtail.fields.StreamField`` to migrations: nothing changes in the database."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        raw = self.json_field.from_db_value(value, expression, connection)
        return self.to_python(readable_blocks(raw))

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, _path, args, kwargs = super().deconstruct()
        return name, "wagtail.fields.StreamField", args, kwargs
