"""Reading an export is safe whatever it holds: no entity expansion, no external resources, no
network, bounded memory, and a clear error naming the line for anything that is not a
WordPress export."""

# Markup reads better unwrapped.
# ruff: noqa: E501

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import time

import pytest
from django.core.management.base import CommandError

from tests.checks import nothing_saved
from tests.wordpress.exports import Export
from wagtail_newsfeed.wordpress import wxr
from wagtail_newsfeed.wordpress.wxr import ExportError, ExportReader

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol9 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&lol9;</title></channel></rss>
"""


def read(path, data: bytes) -> list:
    path.write_bytes(data)
    return list(ExportReader(path))


def test_billion_laughs_is_refused_before_any_expansion(tmp_path):
    # This process's CPU time: a guard against runaway (super-linear) work that a busy
    # machine cannot make fail.
    started = time.process_time()
    with pytest.raises(ExportError, match=r"line 3: the export declares the entity 'lol'"):
        read(tmp_path / "x.xml", BILLION_LAUGHS)
    assert time.process_time() - started < 1


def test_external_entity_is_refused_and_the_file_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    data = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&xxe;</title>'
        "</channel></rss>"
    ).encode()
    with pytest.raises(ExportError, match="declares the entity 'xxe'") as error:
        read(tmp_path / "x.xml", data)
    assert "TOP SECRET" not in str(error.value)


def test_parameter_entity_is_refused(tmp_path):
    data = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % ext SYSTEM "http://127.0.0.1:9/x.dtd"> %ext;]><rss/>'
    with pytest.raises(ExportError, match="declares the entity 'ext'"):
        read(tmp_path / "x.xml", data)


def test_an_external_dtd_is_never_loaded(tmp_path):
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY injected "INJECTED">')
    data = (
        f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "file://{dtd}">'
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&injected;</title>'
        "</channel></rss>"
    ).encode()
    # Had the DTD been read, the entity would be defined (and refused as a declaration).
    with pytest.raises(ExportError, match="undefined entity"):
        read(tmp_path / "x.xml", data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<?xml version='1.0'?>\n<rss>\n<channel>\n<item></chanel>", r"line 4: .*mismatched tag"),
        (b"", "empty or ends before its last element"),
        (b"<rss><channel><item>", "empty or ends before its last element"),
        (b"<html><body>hi</body></html>", "not a WordPress export: its root element is <html>"),
        (b"<rss><channel><title>Feed</title></channel></rss>", "no WordPress \\(wp:\\) elements"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not well-formed"),
        (b"<rss><channel><title>\xff\xfe</title></channel></rss>", "line 1: .*not well-formed"),
        (
            gzip.compress(b"<rss/>", mtime=0),
            "^the export is compressed with gzip: run gunzip on it first",
        ),
        (b"PK\x03\x04\x14\x00", "^the export is a ZIP archive: run unzip on it first"),
        (bz2.compress(b"<rss/>"), "^the export is compressed with bzip2: run bunzip2 on it first"),
        (lzma.compress(b"<rss/>"), "^the export is compressed with xz: run unxz on it first"),
    ],
)
def test_input_that_is_not_a_wordpress_export_is_a_clear_error(tmp_path, data, message):
    with pytest.raises(ExportError, match=message):
        read(tmp_path / "x.xml", data)


def test_the_command_reports_a_hostile_export_as_an_error_not_a_traceback(tmp_path, news_index):
    from django.core.management import call_command

    path = tmp_path / "x.xml"
    path.write_bytes(BILLION_LAUGHS)
    with (
        nothing_saved(),
        pytest.raises(CommandError, match=r"x\.xml: line 3: the export declares the entity"),
    ):
        call_command("import_wordpress", str(path), index=str(news_index.pk))


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_every_wxr_version_is_read(tmp_path, version):
    export = Export(version=version).author(1, "alice", "Alice").post(7, "Hello", "Text")
    records = read(tmp_path / "x.xml", export.xml())
    (item,) = [record for kind, record in records if kind == "item"]
    assert (item.wp_id, item.title, item.content, item.creator) == (7, "Hello", "Text", "alice")


def test_control_characters_are_removed_and_counted(tmp_path):
    export = Export().post(7, "Tab\x0bbed\x00title", "Body\x1bwith escape")
    reader = ExportReader(tmp_path / "x.xml")
    (tmp_path / "x.xml").write_bytes(export.xml())
    (item,) = [record for kind, record in reader if kind == "item"]
    assert (item.title, item.content) == ("Tabbedtitle", "Bodywith escape")
    assert reader.removed_control_characters == 3


def test_an_oversized_post_is_skipped_and_the_rest_read(tmp_path, monkeypatch):
    monkeypatch.setitem(wxr.FIELD_LIMITS, "content:encoded", 1000)
    export = Export().post(1, "Huge", "x" * 5000).post(2, "Small", "ok")
    items = [r for kind, r in read(tmp_path / "x.xml", export.xml()) if kind == "item"]
    assert [(i.wp_id, bool(i.problems)) for i in items] == [(1, True), (2, False)]
    assert "<content:encoded> is larger than the importer accepts" in items[0].problems[0]


def test_an_oversized_meta_value_is_dropped_with_a_note(tmp_path, monkeypatch):
    monkeypatch.setitem(wxr.FIELD_LIMITS, "wp:meta_value", 100)
    export = Export().post(1, "Builder", "ok", meta={"_elementor_data": "y" * 500, "other": "kept"})
    (item,) = [r for kind, r in read(tmp_path / "x.xml", export.xml()) if kind == "item"]
    assert not item.problems
    assert item.meta == {"other": "kept"}
    assert "meta value '_elementor_data' is larger than 1 MB" in item.notes[0]


@pytest.mark.parametrize("runaway", [b'<item a="', b"<!-- ", b"<?pi "])
def test_a_runaway_token_is_refused(tmp_path, monkeypatch, runaway):
    monkeypatch.setattr(wxr, "MAX_TOKEN_BYTES", 1000)
    monkeypatch.setattr(wxr, "CHUNK_BYTES", 512)
    data = b'<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>' + runaway + b"z" * 5000
    with pytest.raises(ExportError, match="one XML token .* runs for more than"):
        read(tmp_path / "x.xml", data)


def test_thousands_of_invented_element_names_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(wxr, "MAX_NAMES", 50)
    names = "".join(f"<n{i}/>" for i in range(100))
    data = f'<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item>{names}</item></channel></rss>'
    with pytest.raises(ExportError, match="more than 50 different element names"):
        read(tmp_path / "x.xml", data.encode())


def test_deep_nesting_is_read_without_keeping_it(tmp_path):
    deep = "<x>" * 5000 + "</x>" * 5000
    data = f'<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><wp:post_id>3</wp:post_id>{deep}</item></channel></rss>'
    (item,) = [r for kind, r in read(tmp_path / "x.xml", data.encode()) if kind == "item"]
    assert item.wp_id == 3


def test_comments_that_are_not_liveblog_entries_are_counted_not_kept(tmp_path):
    export = Export().post(1, "Popular", "Text", comments=50)
    (item,) = [r for kind, r in read(tmp_path / "x.xml", export.xml()) if kind == "item"]
    assert (item.comments, item.other_comments) == ([], 50)


def test_bad_ids_make_an_item_unreadable(tmp_path):
    export = Export()
    export.post(1, "Fine", "ok")
    export.items.append(
        export.items[0].replace("<wp:post_id>1<", "<wp:post_id>99999999999999999999<")
    )
    export.items.append(export.items[0].replace("<wp:post_id>1<", "<wp:post_id>-4<"))
    items = [r for kind, r in read(tmp_path / "x.xml", export.xml()) if kind == "item"]
    assert [i.wp_id for i in items] == [1, None, None]
    assert "is not a valid id" in items[1].problems[0]


def test_wxr_1_0_tags_are_read_as_tags(tmp_path):
    export = Export(version="1.0").post(1, "Old", "x", terms=[("tag", "vintage", "Vintage")])
    (item,) = [r for kind, r in read(tmp_path / "x.xml", export.xml()) if kind == "item"]
    assert [(t.slug, t.name) for t in item.terms_of("post_tag")] == [("vintage", "Vintage")]


@pytest.mark.parametrize("forged", ["lots", "99999999"])
def test_an_item_attribute_cannot_forge_the_count_of_comments_left_out(tmp_path, forged):
    export = Export().post(7, "Hello", "Text", comments=2).post(8, "Quiet", "Text")
    data = export.xml().replace(b"\t<item>", f'\t<item other_comments="{forged}">'.encode())
    items = [r for kind, r in read(tmp_path / "x.xml", data) if kind == "item"]
    assert [item.other_comments for item in items] == [2, 0]


@pytest.mark.django_db
def test_the_command_counts_the_comments_it_left_out_whatever_the_item_says(tmp_path, news_index):
    from django.core.management import call_command

    export = Export().author(1, "alice", "Alice").post(7, "Hello", "Text", comments=2)
    path = tmp_path / "x.xml"
    path.write_bytes(export.xml().replace(b"\t<item>", b'\t<item other_comments="lots">'))
    out = io.StringIO()
    call_command("import_wordpress", str(path), index=str(news_index.pk), stdout=out)
    assert "comments: 2 not imported" in out.getvalue()
