"""Table values in exactly the shape Wagtail's table template reads.

Wagtail's ``TableBlock`` stores whatever its widget (or an API client) sends, and its template
then indexes rows, cells and ``cell``/``mergeCells`` items without looking: a row that is not a
list or a merge without its span fails the whole page. ``clean_table`` is what the write
validator applies to every table value.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .conf import settings
from .xml import xml_safe

TABLE_HEADER_CHOICES = {"row", "column", "col", "both", "neither"}


def clean_table(value: Any, error: Any) -> dict[str, Any] | None:
    """A table value in exactly the shape Wagtail's table template reads, or ``error(message)``.

    Cells are text (numbers become text); ``cell`` and ``mergeCells`` items need their
    coordinates; the header flags follow ``table_header_choice`` as Wagtail's own clean does.
    """
    if value in (None, ""):
        return None
    if not isinstance(value, dict) or not isinstance(value.get("data"), list):
        error(_("A table needs `data`: a list of rows, each a list of cells."))
        return None
    rows = value["data"]
    if not all(isinstance(row, list) for row in rows):
        error(_("Each row of a table is a list of cells."))
        return None
    cells = sum(len(row) for row in rows)
    if cells > settings.TABLE_MAX_CELLS:
        error(_("A table may have at most %(n)d cells.") % {"n": settings.TABLE_MAX_CELLS})
        return None
    data = []
    for row in rows:
        if not all(cell is None or isinstance(cell, str | int | float) for cell in row):
            error(_("Table cells must be text."))
            return None
        data.append([None if c is None else xml_safe(str(c)) for c in row])
    choice = value.get("table_header_choice") or _header_choice(value)
    if choice not in TABLE_HEADER_CHOICES:
        error(_("`table_header_choice` must be one of: row, column, both, neither."))
        return None
    cleaned: dict[str, Any] = {
        "data": data,
        "table_header_choice": choice,
        "first_row_is_table_header": choice in ("row", "both"),
        "first_col_is_header": choice in ("column", "col", "both"),
        "table_caption": xml_safe(str(value.get("table_caption") or "")),
    }
    for key, fields in (("cell", ("row", "col")), ("mergeCells", ("row", "col", "rowspan"))):
        items = value.get(key) or []
        if not isinstance(items, list) or len(items) > cells:
            error(_("`%(key)s` must be a list of at most one item per cell.") % {"key": key})
            return None
        if key == "mergeCells":
            fields = (*fields, "colspan")
        kept = []
        for item in items:
            if not isinstance(item, dict) or not all(_is_count(item.get(f)) for f in fields):
                error(
                    _("Each item of `%(key)s` needs whole numbers %(fields)s.")
                    % {"key": key, "fields": ", ".join(fields)}
                )
                return None
            kept.append(_table_meta(item, key))
        if kept:
            cleaned[key] = kept
    return cleaned


def _header_choice(value: dict[str, Any]) -> str:
    row, col = bool(value.get("first_row_is_table_header")), bool(value.get("first_col_is_header"))
    return {(True, True): "both", (True, False): "row", (False, True): "column"}.get(
        (row, col), "neither"
    )


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10_000


def _table_meta(item: dict[str, Any], key: str) -> dict[str, Any]:
    if key == "mergeCells":
        return {name: item[name] for name in ("row", "col", "rowspan", "colspan")}
    kept: dict[str, Any] = {"row": item["row"], "col": item["col"]}
    if isinstance(item.get("className"), str):
        kept["className"] = xml_safe(item["className"])[:100]
    if isinstance(item.get("hidden"), bool):
        kept["hidden"] = item["hidden"]
    return kept
