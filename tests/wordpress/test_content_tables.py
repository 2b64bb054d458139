"""Tables with merged cells (``rowspan``/``colspan``): each cell lands in the column WordPress
showed it in and the merge is kept as a merged cell of the table block (``mergeCells``, with the
cells it covers hidden, as Wagtail's table editor stores them); spans past the table are cut to
it, and spans that overlap or make no sense get a report line and a table that still reads."""

# ruff: noqa: E501

from __future__ import annotations

import time

import pytest

from tests.wordpress.converting import converter
from tests.wordpress.exports import Export, blocks
from wagtail_newsfeed import tables
from wagtail_newsfeed.models import NewsArticlePage, WordPressOrigin
from wagtail_newsfeed.wordpress.survey import Catalog


@pytest.fixture
def table_of():
    """``table_of(markup)`` -> (the one table block's value, warnings as (kind, message))."""
    catalog = Catalog(hosts={"old.example.com"})
    blocks_of = converter(catalog)

    def run(markup: str):
        raw, warnings = blocks_of(markup)
        found = [block["value"] for block in raw if block["type"] == "table"]
        assert len(found) == 1, raw
        value = found[0]
        problems: list[str] = []
        assert tables.clean_table(value, problems.append) is not None, problems
        return value, warnings

    return run


def hidden(value) -> set[tuple[int, int]]:
    return tables.hidden_cells(value)


REGIONS = (
    "<table><tbody>"
    '<tr><td rowspan="2">North</td><td>Red</td><td>10</td></tr>'
    "<tr><td>Blue</td><td>7</td></tr>"
    "</tbody></table>"
)


def test_a_rowspan_keeps_the_cells_below_it_in_their_columns(table_of):
    value, warnings = table_of(REGIONS)
    assert value["data"] == [["North", "Red", "10"], ["", "Blue", "7"]]
    assert value["mergeCells"] == [{"row": 0, "col": 0, "rowspan": 2, "colspan": 1}]
    assert hidden(value) == {(1, 0)}
    assert warnings == []


def test_a_colspan_header_and_a_gutenberg_table_block(table_of):
    markup = (
        '<!-- wp:table -->\n<figure class="wp-block-table"><table>'
        '<thead><tr><th colspan="2">Votes</th><th>Seats</th></tr></thead>'
        "<tbody><tr><td>A</td><td>100</td><td>3</td></tr>"
        '<tr><td>B</td><td colspan="2">none</td></tr></tbody>'
        "<tfoot><tr><td>Total</td><td>100</td><td>3</td></tr></tfoot>"
        "</table><figcaption>Result</figcaption></figure>\n<!-- /wp:table -->"
    )
    value, warnings = table_of(markup)
    assert value["data"] == [
        ["Votes", "", "Seats"],
        ["A", "100", "3"],
        ["B", "none", ""],
        ["Total", "100", "3"],
    ]
    assert value["mergeCells"] == [
        {"row": 0, "col": 0, "rowspan": 1, "colspan": 2},
        {"row": 2, "col": 1, "rowspan": 1, "colspan": 2},
    ]
    assert hidden(value) == {(0, 1), (2, 2)}
    assert value["first_row_is_table_header"] is True
    assert value["table_caption"] == "Result"
    assert warnings == []


def test_a_block_of_rowspans_and_colspans_in_classic_html(table_of):
    markup = (
        "<table>"
        '<tr><td rowspan="2" colspan="2">A</td><td>B</td></tr>'
        "<tr><td>C</td></tr>"
        "<tr><td>D</td><td>E</td><td>F</td></tr>"
        "</table>"
    )
    value, warnings = table_of(markup)
    assert value["data"] == [["A", "", "B"], ["", "", "C"], ["D", "E", "F"]]
    assert value["mergeCells"] == [{"row": 0, "col": 0, "rowspan": 2, "colspan": 2}]
    assert hidden(value) == {(0, 1), (1, 0), (1, 1)}
    assert warnings == []


def test_a_rowspan_of_zero_reaches_the_end_of_its_row_group(table_of):
    markup = (
        "<table><tbody>"
        '<tr><td rowspan="0">All</td><td>1</td></tr><tr><td>2</td></tr><tr><td>3</td></tr>'
        "</tbody></table>"
    )
    value, warnings = table_of(markup)
    assert value["data"] == [["All", "1"], ["", "2"], ["", "3"]]
    assert value["mergeCells"] == [{"row": 0, "col": 0, "rowspan": 3, "colspan": 1}]
    assert warnings == []


def test_spans_past_the_table_are_cut_to_it_with_a_report_line(table_of):
    markup = (
        "<table>"
        '<tr><td rowspan="40">A</td><td>B</td><td colspan="9">C</td></tr>'
        "<tr><td>D</td><td>E</td></tr>"
        "</table>"
    )
    value, warnings = table_of(markup)
    assert value["data"] == [["A", "B", "C"], ["", "D", "E"]]
    assert value["mergeCells"] == [{"row": 0, "col": 0, "rowspan": 2, "colspan": 1}]
    assert warnings == [
        ("note", "a table's merged cells: 2 reached past the table and were cut to it"),
    ]


def test_overlapping_spans_are_shortened_with_a_report_line(table_of):
    markup = (
        "<table>"
        '<tr><td>A</td><td rowspan="2">B</td><td>C</td></tr>'
        '<tr><td colspan="2">D</td><td>E</td></tr>'
        "</table>"
    )
    value, warnings = table_of(markup)
    # D would cover B's lower half: it keeps its own column, E the next free one.
    assert value["data"] == [["A", "B", "C"], ["D", "", "E"]]
    assert value["mergeCells"] == [{"row": 0, "col": 1, "rowspan": 2, "colspan": 1}]
    assert hidden(value) == {(1, 1)}
    assert warnings == [
        ("note", "a table's merged cells: 1 overlapped another and was shortened"),
    ]


@pytest.mark.parametrize("span", ["x", "-3", "", "0", "1e9", " +1"])
def test_spans_that_are_not_whole_numbers_are_read_as_browsers_read_them(table_of, span):
    value, _warnings = table_of(
        f'<table><tr><td colspan="{span}">A</td><td>B</td></tr><tr><td>C</td><td>D</td></tr></table>'
    )
    assert value["data"] == [["A", "B"], ["C", "D"]]
    assert "mergeCells" not in value


def test_a_header_row_cell_spanning_into_the_body_stops_at_the_header(table_of):
    """Wagtail draws the first row in its own ``<thead>``: a span from it into the body would
    be cut there by browsers, and the body cell it hides would shift the row left."""
    markup = (
        "<table>"
        '<tr><th rowspan="2">Region</th><th colspan="2">Votes</th></tr>'
        "<tr><th>A</th><th>B</th></tr>"
        "<tr><td>North</td><td>1</td><td>2</td></tr>"
        "</table>"
    )
    value, warnings = table_of(markup)
    assert value["first_row_is_table_header"] is True
    assert value["data"] == [["Region", "Votes", ""], ["", "A", "B"], ["North", "1", "2"]]
    assert value["mergeCells"] == [{"row": 0, "col": 1, "rowspan": 1, "colspan": 2}]
    assert hidden(value) == {(0, 2)}
    assert warnings == [
        (
            "note",
            "a table's merged cells: 1 reached from the header row into the body and was cut "
            "to the header row",
        ),
    ]


def test_the_cell_cap_cuts_merged_cells_with_the_rows(table_of, settings):
    settings.WAGTAIL_NEWSFEED = {"TABLE_MAX_CELLS": 6}
    rows = "".join(f"<tr><td>{i}</td></tr>" for i in range(1, 6))
    value, warnings = table_of(f'<table><tr><td rowspan="6">A</td><td>0</td></tr>{rows}</table>')
    assert value["data"] == [["A", "0"], ["", "1"], ["", "2"]]
    assert value["mergeCells"] == [{"row": 0, "col": 0, "rowspan": 3, "colspan": 1}]
    assert ("table_cut", "a table of 12 cells was cut to 6") in warnings


def test_hostile_spans_convert_quickly(table_of):
    cells = '<td rowspan="65534" colspan="1000">x</td>' * 2_000
    rows = "".join(f"<tr>{cells}</tr>" for _ in range(20))
    # This process's CPU time: a guard against runaway (super-linear) work that a busy
    # machine cannot make fail.
    started = time.process_time()
    value, warnings = table_of(f"<table>{rows}</table>")
    assert time.process_time() - started < 5
    assert sum(len(row) for row in value["data"]) <= 2_500
    assert warnings


@pytest.mark.django_db
def test_an_imported_table_renders_its_merged_cells(run_import, client):
    body = blocks(
        f'<!-- wp:table -->\n<figure class="wp-block-table">{REGIONS}</figure>\n<!-- /wp:table -->'
    )
    output = run_import(Export().post(1, "Regions", body))
    assert "failed" not in output
    page = NewsArticlePage.objects.get(pk=WordPressOrigin.objects.get(kind="post", wp_id=1).page_id)
    html = client.get(page.url).content.decode()
    assert 'rowspan="2"' in html
    assert html.index("North") < html.index("Red") < html.index("Blue")
    api = page.body[0].block.get_api_representation(page.body[0].value)
    assert api["rows"] == [["North", "Red", "10"], [None, "Blue", "7"]]
    assert api["spans"] == [{"row": 0, "col": 0, "rowspan": 2, "colspan": 1}]
