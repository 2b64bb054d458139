"""Attachments become images and documents from a local uploads folder, never from the network,
never from outside the folder; a missing or bad file is a report line, never a crash."""

# ruff: noqa: E501

from __future__ import annotations

import os
import warnings

import pytest
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from tests.wordpress.exports import Export, picture
from wagtail_newsfeed.models import NewsArticlePage, WordPressOrigin

pytestmark = pytest.mark.django_db

Image = get_image_model()
Document = get_document_model()


def page_of(wp_id: int) -> NewsArticlePage:
    return NewsArticlePage.objects.get(
        pk=WordPressOrigin.objects.get(kind="post", wp_id=wp_id).page_id
    )


def with_photo_post(export: Export) -> Export:
    return export.post(
        10,
        "Photo story",
        '[caption id="attachment_50"]<img class="wp-image-50" src="https://old.example.com/wp-content/uploads/2024/03/harbour-300x200.jpg" alt="Boats at dawn"> The harbour[/caption]\n\n'
        '<a href="https://old.example.com/wp-content/uploads/2024/03/budget.pdf">The budget</a>',
        meta={"_thumbnail_id": "50"},
    )


def test_attachments_become_images_and_documents_used_by_the_post(run_import, uploads):
    picture(uploads / "2024/03/harbour.jpg")
    (uploads / "2024/03/budget.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    export = Export()
    export.attachment(
        50, "Harbour", "2024/03/harbour.jpg", alt="Fishing boats", caption="Dawn at the harbour"
    )
    export.attachment(51, "Budget 2024", "2024/03/budget.pdf")
    output = run_import(with_photo_post(export), uploads=str(uploads))
    image = Image.objects.get()
    assert (image.title, image.description, image.width) == ("Harbour", "Fishing boats", 120)
    assert image.file_hash and image.file_size
    document = Document.objects.get()
    assert document.title == "Budget 2024"
    page = page_of(10)
    assert (page.lead_image, page.lead_image_caption) == (image, "Dawn at the harbour")
    blocks = page.body.raw_data
    assert blocks[0]["value"] == {
        "image": image.pk,
        "decorative": False,
        "alt_text": "Boats at dawn",
        "caption": "The harbour",
        "credit": "",
    }
    assert blocks[1]["value"] == f'<p><a id="{document.pk}" linktype="document">The budget</a></p>'
    assert "images: 1 created" in output and "documents: 1 created" in output


def test_images_are_not_created_again_on_a_re_run(run_import, uploads):
    picture(uploads / "2024/03/harbour.jpg")
    export = with_photo_post(Export().attachment(50, "Harbour", "2024/03/harbour.jpg"))
    run_import(export, uploads=str(uploads))
    output = run_import(
        with_photo_post(
            Export().attachment(50, "Harbour at dawn", "2024/03/harbour.jpg", alt="New alt")
        ),
        uploads=str(uploads),
    )
    image = Image.objects.get()
    assert (image.title, image.description) == ("Harbour at dawn", "New alt")
    assert "images: 1 updated" in output


def test_a_missing_file_is_a_report_line_and_the_post_still_imports(run_import, uploads):
    export = with_photo_post(Export().attachment(50, "Harbour", "2024/03/harbour.jpg"))
    output = run_import(export, uploads=str(uploads))
    assert not Image.objects.exists()
    assert page_of(10).lead_image is None
    assert "missing_file (1)" in output and "'2024/03/harbour.jpg' is not under --uploads" in output
    assert "unmatched_image" in output


def test_without_uploads_no_file_is_imported_and_the_report_says_so(run_import):
    output = run_import(with_photo_post(Export().attachment(50, "Harbour", "2024/03/harbour.jpg")))
    assert not Image.objects.exists()
    assert "no --uploads folder given: 1 attachments left out" in output


@pytest.mark.parametrize(
    ("attached_file", "url"),
    [
        ("../../etc/passwd.jpg", None),
        ("/etc/passwd.jpg", None),
        ("2024/../../../secret.jpg", None),
        ("..\\..\\secret.jpg", None),
        ("", "https://old.example.com/wp-content/uploads/%2e%2e/%2e%2e/secret.jpg"),
        ("C:/Windows/win.jpg", None),
        ("2024/03/\x7fphoto.jpg", None),
    ],
)
def test_paths_out_of_the_uploads_folder_are_refused(
    run_import, uploads, tmp_path, attached_file, url
):
    picture(tmp_path / "secret.jpg")
    export = Export().attachment(50, "Sneaky", "x.jpg", attached_file=attached_file, url=url)
    output = run_import(export, uploads=str(uploads))
    assert not Image.objects.exists()
    assert "unsafe_path (1)" in output


def test_a_symlink_out_of_the_uploads_folder_is_refused(run_import, uploads, tmp_path):
    secret = picture(tmp_path / "outside.jpg")
    (uploads / "2024").mkdir()
    os.symlink(secret, uploads / "2024/linked.jpg")
    os.symlink(tmp_path, uploads / "escape")
    export = (
        Export()
        .attachment(50, "Link", "2024/linked.jpg")
        .attachment(51, "Dir", "escape/outside.jpg")
    )
    output = run_import(export, uploads=str(uploads))
    assert not Image.objects.exists()
    assert "unsafe_path (2)" in output and "is a link to a file outside --uploads" in output


def test_a_symlink_inside_the_uploads_folder_to_a_file_of_another_type_is_refused(
    run_import, uploads
):
    (uploads / "2024/03").mkdir(parents=True)
    (uploads / "2024/03/evil.html").write_bytes(b"<script>alert(1)</script>")
    os.symlink("evil.html", uploads / "2024/03/inner.pdf")
    output = run_import(Export().attachment(50, "Inner", "2024/03/inner.pdf"), uploads=str(uploads))
    assert not Document.objects.exists()
    assert "'2024/03/inner.pdf' is a link to 'evil.html', a file of another type" in output


def test_a_symlinked_file_is_stored_under_the_name_the_export_gives_it(run_import, uploads):
    (uploads / "2024/03").mkdir(parents=True)
    (uploads / "2024/03/report-v2-final.PDF").write_bytes(b"%PDF-1.4 report")
    os.symlink("report-v2-final.PDF", uploads / "2024/03/report.pdf")
    picture(uploads / "2024/03/photo-original.jpeg")
    os.symlink("photo-original.jpeg", uploads / "2024/03/photo.jpg")
    export = Export().attachment(50, "Report", "2024/03/report.pdf")
    export.attachment(51, "Photo", "2024/03/photo.jpg")
    run_import(export, uploads=str(uploads))
    assert Document.objects.get().file.name.rpartition("/")[2] == "report.pdf"
    assert Image.objects.get().file.name.rpartition("/")[2] == "photo.jpg"


def test_a_fifo_is_never_opened(run_import, uploads):
    os.mkfifo(uploads / "pipe.jpg")
    output = run_import(Export().attachment(50, "Pipe", "pipe.jpg"), uploads=str(uploads))
    assert not Image.objects.exists()
    assert "'pipe.jpg' is not a regular file" in output


def test_files_that_are_not_valid_images_are_refused(run_import, uploads, settings):
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 10_000
    (uploads / "fake.jpg").write_bytes(b"<?php system($_GET['c']); ?>")
    picture(uploads / "huge.png", size=(200, 200))
    picture(uploads / "really-a-png.jpg").rename(uploads / "really-a-png.jpg")
    (uploads / "really-a-png.jpg").write_bytes((uploads / "huge.png").read_bytes())
    (uploads / "script.php").write_bytes(b"<?php ?>")
    export = Export()
    export.attachment(50, "Fake", "fake.jpg").attachment(51, "Huge", "huge.png")
    export.attachment(52, "Mislabelled", "really-a-png.jpg").attachment(53, "Code", "script.php")
    output = run_import(export, uploads=str(uploads))
    assert not Image.objects.exists() and not Document.objects.exists()
    assert "bad_media (4)" in output
    assert "too many pixels" in output and "'script.php' is not an accepted type" in output


def test_old_file_urls_redirect_to_the_imported_files(run_import, uploads, client):
    picture(uploads / "2024/03/harbour.jpg")
    run_import(Export().attachment(50, "Harbour", "2024/03/harbour.jpg"), uploads=str(uploads))
    response = client.get("/wp-content/uploads/2024/03/harbour.jpg")
    assert response.status_code == 301
    assert response["Location"] == Image.objects.get().file.url


@pytest.mark.parametrize("name", ["2024/05/wide.png", "2024/05/wide.jpg"])
def test_an_image_over_pillows_bomb_warning_is_imported_with_a_note_not_a_warning(
    run_import, uploads, monkeypatch, name
):
    # Pillow warns (on stderr) above MAX_IMAGE_PIXELS; Wagtail's own cap is what refuses.
    monkeypatch.setattr("PIL.Image.MAX_IMAGE_PIXELS", 5_000)
    picture(uploads / name, size=(120, 80))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        output = run_import(Export().attachment(60, "Wide", name), uploads=str(uploads))
    image = get_image_model().objects.get()
    assert (image.width, image.height) == (120, 80)
    assert image.file.name.startswith("original_images/wide")
    assert f"attachment 60: {name.rsplit('/', 1)[1]!r} has 9,600 pixels; each rendition" in output


def test_a_truncated_png_is_refused(run_import, uploads):
    picture(uploads / "cut.png", size=(300, 200), colour=(1, 2, 3))
    data = (uploads / "cut.png").read_bytes()
    (uploads / "cut.png").write_bytes(data[: len(data) - 20])
    output = run_import(Export().attachment(61, "Cut", "cut.png"), uploads=str(uploads))
    assert not get_image_model().objects.exists()
    assert "bad_media (1)" in output and "cut.png" in output


def test_file_names_differing_only_in_case_are_different_images(run_import, uploads):
    """``Photo.jpg`` and ``photo.jpg`` are two files (and two attachments) on WordPress's disk:
    each post gets the one it links; a link matching neither exactly is matched whatever its
    case only when one attachment alone fits (``PHOTO.jpg`` fits two, ``SUN.jpg`` one)."""
    picture(uploads / "2024/06/Photo.jpg", colour=(10, 200, 30))
    picture(uploads / "2024/06/photo.jpg", colour=(30, 10, 200))
    picture(uploads / "2024/06/sun.jpg", colour=(250, 250, 0))
    export = Export()
    export.attachment(20, "Upper", "2024/06/Photo.jpg")
    export.attachment(21, "Lower", "2024/06/photo.jpg")
    export.attachment(22, "Sun", "2024/06/sun.jpg")
    folder = "https://old.example.com/wp-content/uploads/2024/06"
    for wp_id, name in [
        (1, "Photo.jpg"),
        (2, "photo.jpg"),
        (3, "photo-300x200.jpg"),
        (4, "Photo-300x200.jpg"),
        (5, "SUN.jpg"),
        (6, "PHOTO.jpg"),
    ]:
        export.post(wp_id, f"Post {wp_id}", f'<p>Text</p><img src="{folder}/{name}" alt="A photo">')
    output = run_import(export, uploads=str(uploads))

    def image_of(wp_id: int) -> str | None:
        images = [b["value"]["image"] for b in page_of(wp_id).body.raw_data if b["type"] == "image"]
        return Image.objects.get(pk=images[0]).title if images else None

    assert [image_of(wp_id) for wp_id in range(1, 7)] == [
        "Upper",
        "Lower",
        "Lower",
        "Upper",
        "Sun",
        None,
    ]
    assert "PHOTO.jpg" in output
