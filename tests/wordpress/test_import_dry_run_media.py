"""A dry run plans a post that uses media it has not imported yet (it imports none) as the real
import does: file blocks, gallery images and document links in text are left out of its check,
never reported as failures, in articles and in Liveblog entries alike."""

# ruff: noqa: E501

from __future__ import annotations

import pytest
from wagtail.documents import get_document_model

from tests.wordpress.exports import Entry, Export, blocks, picture
from wagtail_newsfeed.models import LiveEntry, NewsArticlePage, WordPressOrigin

pytestmark = pytest.mark.django_db

PDF = "https://old.example.com/wp-content/uploads/2024/03/budget.pdf"

FILE_BLOCK = (
    f'<!-- wp:file {{"id":106,"href":"{PDF}"}} -->\n'
    f'<div class="wp-block-file"><a id="wp-block-file--media-1" href="{PDF}">Budget 2024</a>'
    f'<a href="{PDF}" class="wp-block-file__button wp-element-button" download aria-describedby="wp-block-file--media-1">Download</a></div>\n'
    "<!-- /wp:file -->"
)
GALLERY = (
    '<!-- wp:gallery {"linkTo":"none"} -->\n<figure class="wp-block-gallery has-nested-images columns-default">'
    '<!-- wp:image {"id":50} -->\n<figure class="wp-block-image"><img src="https://old.example.com/wp-content/uploads/2024/03/harbour.jpg" alt="Boats" class="wp-image-50"/></figure>\n<!-- /wp:image -->'
    "</figure>\n<!-- /wp:gallery -->"
)
TEXT_LINK = (
    f'<!-- wp:paragraph -->\n<p>Read <a href="{PDF}">the budget</a>.</p>\n<!-- /wp:paragraph -->'
)


def media_export() -> Export:
    export = Export().author(1, "alice", "Alice Reporter")
    export.attachment(106, "Budget 2024", "2024/03/budget.pdf")
    export.attachment(50, "Harbour", "2024/03/harbour.jpg")
    body = blocks(
        "<!-- wp:paragraph -->\n<p>Intro.</p>\n<!-- /wp:paragraph -->",
        FILE_BLOCK,
        GALLERY,
        TEXT_LINK,
    )
    export.post(1, "Budget story", body)
    export.post(
        2,
        "Budget live",
        "<!-- wp:paragraph -->\n<p>Follow along.</p>\n<!-- /wp:paragraph -->",
        meta={"liveblog": "enable"},
        entries=[Entry(100, body, "2024-03-01 10:00:00")],
    )
    return export


@pytest.fixture
def media_files(uploads):
    picture(uploads / "2024/03/harbour.jpg")
    (uploads / "2024/03/budget.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    return uploads


def test_a_dry_run_plans_posts_with_media_it_would_import_without_failing(
    run_import, media_files, count_rows
):
    before = count_rows()
    output = run_import(media_export(), uploads=str(media_files), dry_run=True)
    assert count_rows() == before
    assert "failed" not in output and "invalid id" not in output
    assert "articles: 1 to create" in output
    assert "live feeds: 1 to create" in output
    assert "live entries: 1 to create" in output
    assert "documents: 1 to create" in output and "images: 1 to create" in output


def test_the_real_import_of_the_same_export_stores_the_media_the_dry_run_left_out(
    run_import, media_files
):
    output = run_import(media_export(), uploads=str(media_files))
    assert "failed" not in output
    document = get_document_model().objects.get()
    page = NewsArticlePage.objects.get(pk=WordPressOrigin.objects.get(kind="post", wp_id=1).page_id)
    types = [block["type"] for block in page.body.raw_data]
    assert types == ["paragraph", "document", "image", "paragraph"]
    assert page.body.raw_data[1]["value"] == {"document": document.pk, "title": "Budget 2024"}
    assert f'linktype="document" id="{document.pk}"' in page.body.raw_data[3]["value"] or (
        f'id="{document.pk}" linktype="document"' in page.body.raw_data[3]["value"]
    )
    entry = LiveEntry.objects.get()
    assert [block["type"] for block in entry.body.raw_data] == types


def test_a_dry_run_after_the_media_were_imported_checks_their_blocks(run_import, media_files):
    """Media imported by an earlier run have ids: their blocks are checked like any other."""
    run_import(media_export(), uploads=str(media_files))
    export = media_export().post(3, "Another budget story", FILE_BLOCK)
    output = run_import(export, uploads=str(media_files), dry_run=True)
    assert "failed" not in output
    assert "articles: 1 to create, 1 unchanged" in output
