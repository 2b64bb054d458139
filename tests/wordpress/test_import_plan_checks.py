"""What an operator checks before the real run: an export whose byte order mark or UTF-8 text
contradicts its declared encoding is refused (not imported as mojibake), and the dry run counts
the Liveblog entries it would create, update and delete."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from tests.checks import nothing_saved
from tests.wordpress.exports import Entry, Export
from wagtail_newsfeed.wordpress.wxr import ExportError, ExportReader

pytestmark = pytest.mark.django_db

BOM = b"\xef\xbb\xbf"


def latin1_declared(data: bytes) -> bytes:
    return data.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"', 1)


def test_a_byte_order_mark_with_another_declared_encoding_is_refused(tmp_path):
    path = tmp_path / "export.xml"
    path.write_bytes(BOM + latin1_declared(Export().post(1, "Café olé", "x").xml()))
    with pytest.raises(ExportError) as error:
        list(ExportReader(path))
    assert str(error.value) == (
        "line 1: the export starts with a UTF-8 byte order mark but declares the encoding "
        "'ISO-8859-1'; its text is most likely UTF-8: change the declaration to "
        'encoding="UTF-8" (or remove the mark if the text really is in that encoding) and run '
        "the import again"
    )


def test_the_command_refuses_it_and_writes_nothing(run_import):
    export = Export().post(1, "Café olé", "x")
    export.xml = lambda original=export.xml: BOM + latin1_declared(original())
    with (
        nothing_saved(),
        pytest.raises(CommandError, match="byte order mark but declares the encoding"),
    ):
        run_import(export)


@pytest.mark.parametrize("declaration", [b'encoding="UTF-8"', b'encoding="utf-8"', b""])
def test_a_byte_order_mark_with_utf8_or_no_declaration_is_read(tmp_path, declaration):
    data = Export().post(1, "Café olé", "x").xml().replace(b'encoding="UTF-8"', declaration, 1)
    path = tmp_path / "export.xml"
    path.write_bytes(BOM + data)
    items = [record for kind, record in ExportReader(path) if kind == "item"]
    assert [item.title for item in items] == ["Café olé"]


@pytest.mark.parametrize("declared", ["ISO-8859-1", "windows-1252", "latin1"])
def test_utf8_text_declared_as_latin1_without_a_mark_is_refused(tmp_path, monkeypatch, declared):
    monkeypatch.setattr("wagtail_newsfeed.wordpress.wxr.CHUNK_BYTES", 7)  # "é" split in two
    data = Export().post(1, "Café olé", "x").xml()
    path = tmp_path / "export.xml"
    path.write_bytes(data.replace(b'encoding="UTF-8"', f'encoding="{declared}"'.encode(), 1))
    with pytest.raises(ExportError) as error:
        list(ExportReader(path))
    assert str(error.value) == (
        f"line 1: the export declares the encoding {declared!r} but its text is UTF-8 (WordPress "
        "wrote its blog_charset setting into the declaration); read as declared, 'é' would "
        "become 'Ã©': change the declaration to encoding=\"UTF-8\" and run the import again"
    )


@pytest.mark.parametrize("chunk", [7, 1 << 16])
def test_utf8_the_declared_encoding_cannot_parse_is_refused_as_utf8(tmp_path, monkeypatch, chunk):
    # "Á" is C3 81 in UTF-8, and 0x81 is no character in cp1252: expat fails before the check
    # has seen enough UTF-8 to settle it, which says the same.
    monkeypatch.setattr("wagtail_newsfeed.wordpress.wxr.CHUNK_BYTES", chunk)
    data = Export().post(1, "Ángel", "x").xml()
    path = tmp_path / "export.xml"
    path.write_bytes(data.replace(b'encoding="UTF-8"', b'encoding="windows-1252"', 1))
    with pytest.raises(ExportError) as error:
        list(ExportReader(path))
    assert str(error.value).startswith(
        "line 1: the export declares the encoding 'windows-1252' but its text is UTF-8"
    )
    assert 'change the declaration to encoding="UTF-8"' in str(error.value)


def test_the_command_refuses_utf8_declared_as_latin1_and_writes_nothing(run_import):
    export = Export().post(1, "Café olé", "x")
    export.xml = lambda original=export.xml: latin1_declared(original())
    with nothing_saved(), pytest.raises(CommandError, match="but its text is UTF-8"):
        run_import(export)


@pytest.mark.parametrize(
    "title",
    [
        "Café olé",
        "„Daß“ sagt er",  # "ß“" is a valid UTF-8 pair in cp1252 bytes, "„D" is not
        "Plain ASCII",
    ],
)
def test_text_really_in_the_declared_single_byte_encoding_is_read(tmp_path, monkeypatch, title):
    monkeypatch.setattr("wagtail_newsfeed.wordpress.wxr.CHUNK_BYTES", 7)
    text = Export().post(1, title, "x").xml().decode("utf-8")
    path = tmp_path / "export.xml"
    path.write_bytes(
        text.replace('encoding="UTF-8"', 'encoding="windows-1252"', 1).encode("cp1252")
    )
    items = [record for kind, record in ExportReader(path) if kind == "item"]
    assert [item.title for item in items] == [title]


def live(*entries: Entry) -> Export:
    return Export().post(20, "Live", "x", meta={"liveblog": "enable"}, entries=list(entries))


def test_the_dry_run_counts_the_entries_it_would_add_edit_and_delete(run_import, count_rows):
    first = Entry(100, "First", "2024-05-02 06:00:00")
    second = Entry(101, "Second", "2024-05-02 07:00:00")
    third = Entry(102, "Third", "2024-05-02 08:00:00")
    output = run_import(live(first, second), dry_run=True)
    assert "live entries: 2 to create" in output
    run_import(live(first, second, third))
    before = count_rows()
    changed = live(
        first,
        second,
        third,
        Entry(103, "First, corrected", "2024-05-02 09:00:00", replaces=100),
        Entry(104, "", "2024-05-02 09:10:00", replaces=101),
        Entry(105, "Fourth", "2024-05-02 09:20:00"),
    )
    output = run_import(changed, dry_run=True)
    assert "live entries: 1 to create, 1 to delete, 1 to update, 1 unchanged" in output
    assert count_rows() == before
    output = run_import(changed)
    assert "live entries: 1 created, 1 deleted, 1 unchanged, 1 updated" in output
