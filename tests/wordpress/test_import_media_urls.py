"""Old media URLs lead where readers can follow them: the sizes of a "-scaled" image (WordPress
5.3+ stores uploads over 2,560 px as ``photo-scaled.jpg``, sizes as ``photo-1024x768.jpg``),
documents through Wagtail's document URL, and ``?attachment_id=N`` for attachments that were
public in WordPress."""

# ruff: noqa: E501

from __future__ import annotations

import pytest
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from tests.wordpress.exports import Export, picture
from wagtail_newsfeed.models import NewsArticlePage, WordPressOrigin

pytestmark = pytest.mark.django_db

UPLOADS = "/wp-content/uploads"
WORDPRESS_MIDDLEWARE = "wagtail_newsfeed.wordpress.middleware.WordPressRedirectMiddleware"


def serialized(value) -> str:
    """PHP ``serialize`` of strings, ints and dicts: what ``_wp_attachment_metadata`` holds."""
    if isinstance(value, int):
        return f"i:{value};"
    if isinstance(value, str):
        return f's:{len(value.encode())}:"{value}";'
    return (
        f"a:{len(value)}:{{"
        + "".join(serialized(k) + serialized(v) for k, v in value.items())
        + "}"
    )


SCALED_METADATA = serialized(
    {
        "width": 2560,
        "height": 1920,
        "file": "2024/05/photo-scaled.jpg",
        "sizes": {
            "medium": {"file": "photo-300x225.jpg", "width": 300, "height": 225},
            "large": {"file": "photo-1024x768.jpg", "width": 1024, "height": 768},
        },
        "original_image": "photo.jpg",
    }
)


def page_of(wp_id: int) -> NewsArticlePage:
    return NewsArticlePage.objects.get(
        pk=WordPressOrigin.objects.get(kind="post", wp_id=wp_id).page_id
    )


def redirects_to(link: str) -> set[str]:
    return set(Redirect.objects.filter(redirect_link=link).values_list("old_path", flat=True))


def test_the_sizes_of_a_scaled_image_redirect_and_class_less_images_find_it(run_import, uploads):
    picture(uploads / "2024/05/photo-scaled.jpg")
    export = Export()
    export.attachment(1501, "Photo", "2024/05/photo-scaled.jpg", metadata=SCALED_METADATA)
    export.post(
        1,
        "Scaled",
        f'<p><img src="https://old.example.com{UPLOADS}/2024/05/photo-1024x768.jpg" alt="No class"></p>',
    )
    output = run_import(export, uploads=str(uploads))
    image = get_image_model().objects.get()
    assert redirects_to(image.file.url) >= {
        f"{UPLOADS}/2024/05/photo-scaled.jpg",
        f"{UPLOADS}/2024/05/photo.jpg",
        f"{UPLOADS}/2024/05/photo-300x225.jpg",
        f"{UPLOADS}/2024/05/photo-1024x768.jpg",
    }
    assert [block["value"]["image"] for block in page_of(1).body.raw_data] == [image.pk]
    assert "unmatched_image" not in output


def test_document_urls_redirect_to_the_documents_wagtail_url(run_import, uploads, client):
    (uploads / "2024/03").mkdir(parents=True)
    (uploads / "2024/03/report.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    export = Export().attachment(51, "Report", "2024/03/report.pdf")
    run_import(export, uploads=str(uploads))
    document = get_document_model().objects.get()
    assert document.url != document.file.url  # the serve view, not the storage file
    assert redirects_to(document.url) == {f"{UPLOADS}/2024/03/report.pdf", "/?attachment_id=51"}
    response = client.get(f"{UPLOADS}/2024/03/report.pdf")
    assert response.status_code == 301 and response["Location"] == document.url


def test_redirects_an_earlier_import_made_to_a_documents_file_are_moved(run_import, uploads):
    (uploads / "2024/03").mkdir(parents=True)
    (uploads / "2024/03/report.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    export = Export().attachment(51, "Report", "2024/03/report.pdf")
    run_import(export, uploads=str(uploads))
    document = get_document_model().objects.get()
    Redirect.objects.filter(redirect_link=document.url).update(redirect_link=document.file.url)
    output = run_import(export, uploads=str(uploads))
    assert redirects_to(document.url) == {f"{UPLOADS}/2024/03/report.pdf", "/?attachment_id=51"}
    assert "redirects: 2 updated" in output and "already redirects elsewhere" not in output


def test_attachment_ids_redirect_unless_attached_to_an_unpublished_post(
    run_import, uploads, client, settings
):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, WORDPRESS_MIDDLEWARE]
    picture(uploads / "2024/03/public.jpg")
    picture(uploads / "2024/03/embargoed.jpg", colour=(1, 2, 3))
    export = Export()
    export.attachment(
        60,
        "Public",
        "2024/03/public.jpg",
        parent=1,
        url="https://old.example.com/wp-content/uploads/2024/03/public.jpg",
    )
    export.attachment(61, "Embargoed", "2024/03/embargoed.jpg", parent=2)
    export.post(1, "Out", "x")
    export.post(2, "Not yet", "x", status="draft")
    # Pretty permalinks: the attachment page is not ?attachment_id=N.
    export.items = [item.replace("?attachment_id=60", "out/public") for item in export.items]
    run_import(export, uploads=str(uploads))
    public = get_image_model().objects.get(title="Public")
    assert "/?attachment_id=60" in redirects_to(public.file.url)
    response = client.get("/?attachment_id=60")
    assert response.status_code == 301 and response["Location"] == public.file.url
    assert not Redirect.objects.filter(old_path="/?attachment_id=61").exists()
    assert "Location" not in client.get("/?attachment_id=61")


@pytest.mark.parametrize("status", ["draft", "private", "trash"])
def test_an_attachment_id_stops_redirecting_once_its_post_is_no_longer_public(
    run_import, uploads, status
):
    picture(uploads / "2024/03/photo.jpg")

    def export(post_status: str) -> Export:
        return (
            Export()
            .attachment(60, "Photo", "2024/03/photo.jpg", parent=1)
            .post(1, "Out", "x", status=post_status)
        )

    run_import(export("publish"), uploads=str(uploads))
    assert Redirect.objects.filter(old_path="/?attachment_id=60").exists()
    output = run_import(export(status), uploads=str(uploads))
    assert not Redirect.objects.filter(old_path="/?attachment_id=60").exists()
    assert "redirects: " in output and "removed (the post is not public)" in output
    photo = get_image_model().objects.get(title="Photo")
    assert "/?attachment_id=60" not in redirects_to(photo.file.url)
    assert f"{UPLOADS}/2024/03/photo.jpg" in redirects_to(photo.file.url)
