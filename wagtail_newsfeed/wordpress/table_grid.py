"""An HTML table laid out as browsers lay it out, for the table block: every cell in its column,
``rowspan`` and ``colspan`` as Wagtail's merged cells, cut to the table and the cell cap; its
cells are plain text (a link in one is reported)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bs4 import Tag

from . import losses, values
from .markup import text_of

#: The largest spans HTML reads: a larger value counts as these.
MAX_COLSPAN, MAX_ROWSPAN = 1_000, 65_534
_DIGITS = re.compile(r"\s*\+?(\d{1,9})")
#: Elements a table's rows are grouped in: a ``rowspan`` never reaches past its group.
ROW_GROUPS = ("thead", "tbody", "tfoot")


def _span(cell: Tag, name: str, maximum: int) -> int | None:
    """A ``rowspan`` or ``colspan`` as browsers read it (leading digits; none is no value)."""
    match = _DIGITS.match(str(cell.get(name) or ""))
    return min(int(match.group(1)), maximum) if match else None


def _plural(n: int, what: str) -> str:
    return f"{n:,} {what.replace('{was}', 'was' if n == 1 else 'were')}"


class TableGrid:
    """The rows of an HTML table laid out as browsers lay them out (the HTML table model):
    each cell in the first column its row leaves free, a span covering the cells to its right
    and below it. ``data`` is every row padded to the table's width, ``merges`` and ``hidden``
    the spans as Wagtail's table block stores them, within ``limit`` cells.

    The work is bounded by ``limit``: the rows a wider table would leave out of the cap are not
    laid out, and the cells a span covers are counted as intervals, not one by one.
    """

    def __init__(self, rows: list[Tag], header: bool, limit: int) -> None:
        self.limit = limit
        self.too_wide = False
        self.cut_from = 0
        self.problems: list[str] = []
        #: Spans cut to the end of the table (or of their row group).
        self.past = 0
        placed = self._layout(rows, header)
        width = max(col + 1 for _row, col, *_rest in placed)
        past = 0
        if self.too_wide:
            width, kept = min(width, limit), 1
        else:
            kept = min(len(rows), max(1, limit // width))
            if kept < len(rows):
                self.cut_from = len(rows) * width
        self.cells = kept * width
        self.data: list[list[str]] = [[""] * width for _ in range(kept)]
        self.merges: list[dict[str, int]] = []
        covered: set[tuple[int, int]] = set()
        for row, col, rowspan, colspan, text in placed:
            if row >= kept or col >= width:
                continue
            if col + colspan > width:  # a table cut to the cap is reported as such
                colspan, past = width - col, past + (not self.too_wide)
            rowspan = min(rowspan, kept - row)
            self.data[row][col] = text
            if rowspan > 1 or colspan > 1:
                self.merges.append({"row": row, "col": col, "rowspan": rowspan, "colspan": colspan})
                covered.update(
                    (r, c) for r in range(row, row + rowspan) for c in range(col, col + colspan)
                )
                covered.discard((row, col))
        self.hidden = [{"row": r, "col": c, "hidden": True} for r, c in sorted(covered)]
        self.past += past
        if self.past:
            self.problems.insert(
                0, _plural(self.past, "reached past the table and {was} cut to it")
            )

    def _layout(self, rows: list[Tag], header: bool) -> list[tuple[int, int, int, int, str]]:
        limit = self.limit
        ends = [0] * len(rows)  # where each row's group ends (exclusive)
        end = len(rows)
        for index in range(len(rows) - 1, -1, -1):
            if index < len(rows) - 1 and self._group(rows[index]) is not self._group(
                rows[index + 1]
            ):
                end = index + 1
            ends[index] = end
        covered: dict[int, list[tuple[int, int]]] = {}
        placed: list[tuple[int, int, int, int, str]] = []
        width = 0
        overlaps = from_header = 0
        for index, row in enumerate(rows):
            if index and index >= limit // max(width, 1):
                break  # past what the cap keeps of a table this wide
            taken = sorted(covered.pop(index, ()))
            position = cursor = 0
            for cell in row.find_all(["td", "th"], recursive=False):
                while position < len(taken) and taken[position][0] <= cursor:
                    cursor = max(cursor, taken[position][1])
                    position += 1
                if cursor >= limit:
                    self.too_wide = True
                    break
                colspan = _span(cell, "colspan", MAX_COLSPAN) or 1
                if position < len(taken) and cursor + colspan > taken[position][0]:
                    colspan, overlaps = taken[position][0] - cursor, overlaps + 1
                rowspan = _span(cell, "rowspan", MAX_ROWSPAN)
                rowspan = 1 if rowspan is None else rowspan or ends[index] - index
                if index + rowspan > ends[index]:
                    rowspan, self.past = ends[index] - index, self.past + 1
                width = max(width, cursor + 1)
                bound = min(index + rowspan, limit // width + 1)
                for below in range(index + 1, bound):
                    covered.setdefault(below, []).append((cursor, cursor + colspan))
                if header and index == 0 and rowspan > 1:
                    # Wagtail draws the header row in a group of its own: the cells below
                    # keep their columns, the one the span covered is shown empty.
                    rowspan, from_header = 1, from_header + 1
                placed.append((index, cursor, rowspan, colspan, text_of(cell)))
                cursor += colspan
            if self.too_wide:
                break
        if overlaps:
            self.problems.append(_plural(overlaps, "overlapped another and {was} shortened"))
        if from_header:
            self.problems.append(
                _plural(
                    from_header,
                    "reached from the header row into the body and {was} cut to the header row",
                )
            )
        return placed

    @staticmethod
    def _group(row: Tag) -> Tag | None:
        parent = row.parent
        return parent if parent is not None and parent.name in ROW_GROUPS else None


def table_value(
    node: Tag, caption: str, limit: int, warn: Callable[[str, str], None]
) -> dict[str, Any] | None:
    """A table block's value, each cell in the column WordPress showed it in: a cell's
    ``rowspan`` and ``colspan`` are kept as a merged cell (``mergeCells``, the cells it covers
    hidden, as Wagtail's table editor stores them), cut to the table; cut short (and reported
    to ``warn``) where one would reach past the table or over another cell. None for a table
    without cells."""
    rows = [
        row
        for row in node.find_all("tr")
        if row.find_parent("table") is node and row.find(["td", "th"], recursive=False)
    ]
    if not rows:
        return None
    first = node.find("tr")
    header = node.find("thead") is not None or (
        first is not None and first.find("td") is None and first.find("th") is not None
    )
    grid = TableGrid(rows, header, limit)
    if grid.too_wide:
        warn("table_cut", f"a table with rows of more than {grid.limit:,} cells was cut")
    elif grid.cut_from:
        warn("table_cut", f"a table of {grid.cut_from:,} cells was cut to {grid.cells:,}")
    if grid.problems:
        warn("note", "a table's merged cells: " + "; ".join(grid.problems))
    lost = list(dict.fromkeys(link for row in rows for link in losses.links_of(row)))
    if lost:
        warn("removed_markup", losses.plain_text_loss("the cells of a table", lost, plural=True))
    value: dict[str, Any] = {
        "data": grid.data,
        "first_row_is_table_header": header,
        "first_col_is_header": False,
        "table_caption": values.truncate(caption, 255),
    }
    if grid.merges:
        value["mergeCells"] = grid.merges
        value["cell"] = grid.hidden
    return value
