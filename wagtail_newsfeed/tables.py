"""Table values in exactly the shape Wagtail's table template reads.

Wagtail's ``TableBlock`` stores whatever its widget (or an API client) sends, and its template
then indexes rows, cells and ``cell``/``mergeCells`` items without looking: a row that is not a
list or a merge without its span fails the whole page. ``clean_table`` is what the write
validator applies to every table value.

The template leaves out each cell whose ``cell`` item says ``hidden`` (the widget marks so every
cell a merge covers) and puts a merge's ``rowspan``/``colspan`` on its first cell;
``hidden_cells`` and ``shown_spans`` read a value the same way, for the API, search and the
emptiness rule.
"""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext as _

from .conf import settings
from .xml import xml_safe

TABLE_HEADER_CHOICES = {"row", "column", "both", "neither"}
#: Other spellings read as a choice: Wagtail's own ``to_python`` gives a table stored before
#: Wagtail 6 with a header column ``"col"``, which its ``clean`` and the widget do not know.
HEADER_CHOICE_ALIASES = {"col": "column"}
HEADER_FLAGS = ("first_row_is_table_header", "first_col_is_header")


def clean_table(value: Any, error: Any) -> dict[str, Any] | None:
    """A table value in exactly the shape Wagtail's table template reads, or ``error(message)``.

    Every value is typed as the widget sends it (a list or an object where text or a boolean
    belongs would otherwise be stored as its Python repr, or crash a set lookup): cells are
    text (numbers become text), the caption is text, the header flags are booleans and
    ``table_header_choice`` one of the choices, which the flags then follow as Wagtail's own
    clean does; ``cell`` and ``mergeCells`` items lie inside the table, and no two merges
    cover the same cell.
    """
    if value in (None, ""):
        return None
    if not isinstance(value, dict) or not isinstance(value.get("data"), list):
        error(_("A table needs `data`: a list of rows, each a list of cells."))
        return None
    data = _rows(value["data"], error)
    if data is None:
        return None
    choice = _header_choice(value, error)
    caption = value.get("table_caption")
    if caption is not None and not isinstance(caption, str):
        error(_("`table_caption` must be text."))
        return None
    if choice is None:
        return None
    cleaned: dict[str, Any] = {
        "data": data,
        "table_header_choice": choice,
        "first_row_is_table_header": choice in ("row", "both"),
        "first_col_is_header": choice in ("column", "both"),
        "table_caption": xml_safe(caption or ""),
    }
    shape = (len(data), max((len(row) for row in data), default=0))
    for key in ("cell", "mergeCells"):
        kept = _table_items(value.get(key), key, shape, error)
        if kept is None:
            return None
        if kept:
            cleaned[key] = kept
    return cleaned


def _rows(rows: list[Any], error: Any) -> list[list[str | None]] | None:
    """The cells as text, within ``TABLE_MAX_CELLS`` (an empty row counts as one cell: it is
    still a row to store and render)."""
    if not all(isinstance(row, list) for row in rows):
        error(_("Each row of a table is a list of cells."))
        return None
    if len(rows) > settings.TABLE_MAX_CELLS or (
        sum(max(len(row), 1) for row in rows) > settings.TABLE_MAX_CELLS
    ):
        error(_("A table may have at most %(n)d cells.") % {"n": settings.TABLE_MAX_CELLS})
        return None
    for row in rows:
        if not all(_is_cell(cell) for cell in row):
            error(_("Table cells must be text."))
            return None
    return [[None if c is None else xml_safe(str(c)) for c in row] for row in rows]


def _is_cell(value: Any) -> bool:
    """Text, a number (but not ``1e400``, which Python reads as infinity) or ``None``."""
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or (isinstance(value, str | int) and not isinstance(value, bool))


def _header_choice(value: dict[str, Any], error: Any) -> str | None:
    """``table_header_choice``, or the choice the header flags make; ``None`` after ``error``."""
    flags = [value.get(name) for name in HEADER_FLAGS]
    if not all(flag is None or isinstance(flag, bool) for flag in flags):
        error(_("`first_row_is_table_header` and `first_col_is_header` must be true or false."))
        return None
    choice = value.get("table_header_choice")
    if choice in (None, ""):
        row, col = bool(flags[0]), bool(flags[1])
        return {(True, True): "both", (True, False): "row", (False, True): "column"}.get(
            (row, col), "neither"
        )
    if isinstance(choice, str):
        choice = HEADER_CHOICE_ALIASES.get(choice, choice)
    if not isinstance(choice, str) or choice not in TABLE_HEADER_CHOICES:
        error(_("`table_header_choice` must be one of: row, column, both, neither."))
        return None
    return choice


def with_header_choice(value: Any) -> Any:
    """A stored table whose choice is an alias (``"col"``) with the choice and flags it means:
    written so before, Wagtail's ``clean`` had turned its header column off."""
    if isinstance(value, dict) and value.get("table_header_choice") in HEADER_CHOICE_ALIASES:
        choice = HEADER_CHOICE_ALIASES[value["table_header_choice"]]
        value["table_header_choice"] = choice
        value["first_row_is_table_header"] = choice in ("row", "both")
        value["first_col_is_header"] = choice in ("column", "both")
    return value


def _table_items(
    items: Any, key: str, shape: tuple[int, int], error: Any
) -> list[dict[str, Any]] | None:
    """``cell`` or ``mergeCells`` items, each inside the table (merges not overlapping);
    ``None`` after ``error``."""
    items = items or []
    rows, cols = shape
    if not isinstance(items, list) or len(items) > max(rows * cols, 1):
        error(_("`%(key)s` must be a list of at most one item per cell.") % {"key": key})
        return None
    fields = ("row", "col", "rowspan", "colspan") if key == "mergeCells" else ("row", "col")
    kept = []
    for item in items:
        if not isinstance(item, dict) or not all(_is_count(item.get(f)) for f in fields):
            error(
                _("Each item of `%(key)s` needs whole numbers %(fields)s.")
                % {"key": key, "fields": ", ".join(fields)}
            )
            return None
        if not _inside(item, key, rows, cols):
            error(
                _("An item of `%(key)s` lies outside the table (%(rows)d × %(cols)d).")
                % {"key": key, "rows": rows, "cols": cols}
            )
            return None
        kept.append(_table_meta(item, key))
    if key == "mergeCells" and (overlapping := _overlapping_merge(kept)) is not None:
        error(
            _("The merge at row %(row)d, column %(col)d of `mergeCells` overlaps another merge.")
            % {"row": overlapping["row"], "col": overlapping["col"]}
        )
        return None
    return kept


def _overlapping_merge(merges: list[dict[str, int]]) -> dict[str, int] | None:
    """The first merge (by row, then column) covering a cell an earlier one covers, else None:
    the template would draw both spans, pushing cells out of their columns. Each merge is
    compared only with those reaching its first row, which (not overlapping) are at most one
    per column."""
    reaching: list[dict[str, int]] = []
    for merge in sorted(merges, key=lambda m: (m["row"], m["col"])):
        row, first, last = merge["row"], merge["col"], merge["col"] + merge["colspan"]
        reaching = [m for m in reaching if m["row"] + m["rowspan"] > row]
        if any(m["col"] < last and first < m["col"] + m["colspan"] for m in reaching):
            return merge
        reaching.append(merge)
    return None


def _inside(item: dict[str, Any], key: str, rows: int, cols: int) -> bool:
    if key == "cell":
        return item["row"] < rows and item["col"] < cols
    spans = item["rowspan"] >= 1 and item["colspan"] >= 1
    return spans and item["row"] + item["rowspan"] <= rows and item["col"] + item["colspan"] <= cols


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


def hidden_cells(value: dict[str, Any]) -> set[tuple[int, int]]:
    """The ``(row, col)`` of each cell Wagtail's table template leaves out: its last ``cell``
    item with a ``hidden`` key says a true value (rows counted in ``data``, header row
    included). Only ``hidden`` hides: a cell a merge covers is drawn unless marked so."""
    flags: dict[tuple[Any, Any], Any] = {}
    for meta in value.get("cell") or ():
        if isinstance(meta, dict) and "hidden" in meta:
            flags[(meta.get("row"), meta.get("col"))] = meta["hidden"]
    return {key for key, flag in flags.items() if flag}


def shown_spans(value: dict[str, Any]) -> list[dict[str, int]]:
    """The merges the template draws, as ``{row, col, rowspan, colspan}``: the last merge of
    each first cell, when that cell is drawn (a span on a hidden cell or past its row's end
    shows nothing)."""
    data = value.get("data") or []
    hidden = hidden_cells(value)
    spans: dict[tuple[Any, Any], dict[str, int]] = {}
    for merge in value.get("mergeCells") or ():
        if isinstance(merge, dict):
            spans[(merge.get("row"), merge.get("col"))] = {
                name: merge.get(name) for name in ("row", "col", "rowspan", "colspan")
            }
    return [
        span
        for (row, col), span in spans.items()
        if (row, col) not in hidden and _in_data(data, row, col)
    ]


def _in_data(data: list[Any], row: Any, col: Any) -> bool:
    return (
        isinstance(row, int)
        and isinstance(col, int)
        and 0 <= row < len(data)
        and isinstance(data[row], list)
        and 0 <= col < len(data[row])
    )
