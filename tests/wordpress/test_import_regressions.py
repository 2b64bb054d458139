"""Regressions found by checking the importer against hand-made and merged exports: redirects
that would take over the site's own URLs, unstable fallback dates, duplicate ids, ``-->`` in
block attributes, report lines that only the first run printed, sized images' old URLs, the dry
run's slugs, and small losses in content conversion."""

# Markup reads better unwrapped.
# ruff: noqa: E501

from __future__ import annotations

import pytest
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import Page

from tests import factories
from tests.wordpress.converting import converter
from tests.wordpress.exports import Entry, Export, picture
from wagtail_newsfeed.models import LiveEntry, LiveFeedPage, NewsArticlePage, WordPressOrigin
from wagtail_newsfeed.wordpress.gutenberg import parse
from wagtail_newsfeed.wordpress.media import MediaRef
from wagtail_newsfeed.wordpress.survey import Attachment, Catalog

BAD_DATE = "9999-12-31 23:59:59"


def page_of(wp_id: int) -> Page:
    return Page.objects.get(pk=WordPressOrigin.objects.get(kind="post", wp_id=wp_id).page_id)


@pytest.fixture
def blocks_of():
    """``blocks_of(markup)`` -> (raw blocks, warnings as (kind, message)), no database."""
    catalog = Catalog(hosts={"old.example.com"})
    catalog.attachment_paths = {"2024/01/photo.jpg": 5}
    catalog.attachments = {5: Attachment(5, "2024/01/photo.jpg", "", "Photo", "", "", parent=1)}
    return converter(catalog, refs={5: MediaRef("image", 42)})


# 1. Redirects never take over the site's own URLs --------------------------------------------


@pytest.mark.django_db
def test_old_urls_that_are_pages_or_views_of_the_site_get_no_redirect(
    run_import, client, news_index
):
    section = news_index.url_path.removeprefix("/home").rstrip("/")  # "/news-1"
    export = Export()
    export.post(1, "Index twin", "x", link=f"https://old.example.com{section}/")
    export.post(2, "Admin twin", "x", link="https://old.example.com/admin/")
    export.post(3, "API twin", "x", link="https://old.example.com/api/v2/pages/")
    export.post(4, "Ordinary", "x", slug="ordinary")
    output = run_import(export)
    old_paths = set(Redirect.objects.values_list("old_path", flat=True))
    assert not old_paths & {section, "/admin", "/api/v2/pages"}
    assert "/2024/03/ordinary" in old_paths and "/?p=1" in old_paths
    # Four: the API twin's comment feed (/api/v2/pages/feed) is a view of the site too.
    assert "redirect (4)" in output and "is the URL of an existing page; no redirect" in output
    assert "'/admin' is a URL of the site itself" in output
    assert client.get(section).get("Location") != page_of(1).url
    assert client.get("/admin").get("Location") != page_of(2).url
    assert client.get("/2024/03/ordinary/")["Location"] == page_of(4).url


@pytest.mark.django_db
def test_a_permalink_equal_to_the_new_url_needs_no_redirect_and_no_report_line(
    run_import, news_index
):
    section = news_index.url_path.removeprefix("/home").rstrip("/")
    export = Export().post(
        1, "Same place", "x", slug="same", link=f"https://old.example.com{section}/same/"
    )
    output = run_import(export)
    assert page_of(1).url_path == f"{news_index.url_path}same/"
    assert not Redirect.objects.filter(old_path=f"{section}/same").exists()
    assert "redirect (" not in output


# 2. A post without a valid date is unchanged on a re-run ------------------------------------


@pytest.mark.django_db
def test_a_published_post_without_a_valid_date_is_unchanged_on_a_re_run(run_import):
    export = Export().post(1, "Timeless", "x", date=BAD_DATE, modified_gmt=BAD_DATE)
    first = run_import(export)
    published = page_of(1).first_published_at
    revisions = page_of(1).revisions.count()
    second = run_import(export)
    assert "articles: 1 created" in first and "articles: 1 unchanged" in second
    assert page_of(1).first_published_at == published
    assert page_of(1).revisions.count() == revisions
    assert "the time of this import was used" in first
    assert "the date of its earlier import was kept" in second


@pytest.mark.django_db
def test_a_post_without_a_valid_date_takes_its_modified_date(run_import):
    run_import(Export().post(1, "Late", "x", date=BAD_DATE, modified_gmt="2024-04-02 10:00:00"))
    assert page_of(1).first_published_at.isoformat() == "2024-04-02T10:00:00+00:00"


# 3. A repeated post id never overwrites the earlier post -----------------------------------


@pytest.mark.django_db
def test_a_repeated_post_id_is_reported_and_does_not_overwrite_the_first(run_import):
    export = Export().post(5, "First copy", "first body").post(5, "Second copy", "second body")
    export.post(6, "Other", "x")
    output = run_import(export)
    assert NewsArticlePage.objects.count() == 2
    assert page_of(5).title == "First copy"
    assert page_of(5).specific.body.raw_data[0]["value"] == "<p>first body</p>"
    assert "duplicate (1)" in output and "'Second copy'" in output
    assert "articles: 2 created" in output


# 4. "-->" inside block attributes --------------------------------------------------------------


def test_an_arrow_inside_block_attributes_does_not_end_the_block_comment(blocks_of):
    markup = '<!-- wp:paragraph {"className":"x --> y","metadata":{"name":"has --> inside"}} --><p>After</p><!-- /wp:paragraph -->'
    [block] = parse(markup)
    assert block.name == "core/paragraph" and block.attrs["className"] == "x --> y"
    raw, _warnings = blocks_of(markup)
    assert raw == [{"type": "paragraph", "value": "<p>After</p>"}]


def test_void_blocks_and_broken_attributes_still_parse_in_linear_time():
    import time

    parts = parse(
        '<!-- wp:separator /--><!-- wp:image {"id":1} /-->x<!-- wp:a {broken -->y<!-- /wp:a -->'
    )
    assert [p.name if not isinstance(p, str) else p for p in parts] == [
        "core/separator",
        "core/image",
        "x<!-- wp:a {broken -->y",
    ]
    # This process's CPU time: a guard against runaway (super-linear) work that a busy
    # machine cannot make fail.
    started = time.process_time()
    parse('<!-- wp:a {"' * 50_000)
    parse('<!-- wp:a {"x":1} ' * 50_000 + "} -->")
    assert time.process_time() - started < 5


# 5. Redirect report lines on every run ----------------------------------------------------------


@pytest.mark.django_db
def test_redirect_report_lines_are_repeated_on_an_unchanged_re_run(run_import, news_index):
    other = factories.make_article(news_index, "Editor's pick")
    Redirect.objects.create(
        old_path="/2024/03/post-1", site=news_index.get_site(), redirect_page=other
    )
    export = (
        Export().post(1, "One", "x").post(2, "Admin", "x", link="https://old.example.com/admin/")
    )
    first = run_import(export)
    second = run_import(export)
    for output in (first, second):
        assert "'/2024/03/post-1' already redirects elsewhere; left alone" in output
        assert "'/admin' is a URL of the site itself" in output
    assert "articles: 2 unchanged" in second
    assert Redirect.objects.get(old_path="/2024/03/post-1").redirect_page_id == other.pk


# 6. Old URLs of an image's other sizes --------------------------------------------------------

METADATA = 'a:5:{s:5:"width";i:1200;s:6:"height";i:800;s:4:"file";s:17:"2024/05/photo.jpg";s:5:"sizes";a:1:{s:6:"medium";a:4:{s:4:"file";s:17:"photo-300x200.jpg";s:5:"width";i:300;s:6:"height";i:200;s:9:"mime-type";s:10:"image/jpeg";}}s:10:"image_meta";a:0:{}}'


@pytest.mark.django_db
def test_old_urls_of_sized_and_scaled_images_redirect_to_the_image(run_import, uploads, client):
    picture(uploads / "2024/05/photo.jpg")
    export = Export().attachment(100, "Photo", "2024/05/photo.jpg", metadata=METADATA)
    run_import(export, uploads=str(uploads))
    url = get_image_model().objects.get().file.url
    for old in ("photo.jpg", "photo-300x200.jpg", "photo-scaled.jpg"):
        response = client.get(f"/wp-content/uploads/2024/05/{old}")
        assert response.status_code == 301 and response["Location"] == url


def test_sizes_from_metadata_of_another_file_are_left_out():
    from wagtail_newsfeed.wordpress.survey import size_files

    assert size_files(METADATA, "2024/05/photo.jpg") == ["photo-300x200.jpg", "photo-scaled.jpg"]
    assert size_files(METADATA, "2024/05/other.jpg") == ["other-scaled.jpg"]
    scaled = 's:4:"file";s:24:"2024/05/photo-scaled.jpg";s:14:"original_image";s:9:"photo.jpg";'
    assert size_files(scaled, "2024/05/photo-scaled.jpg") == ["photo.jpg"]


# 7. The dry run plans the slugs the import gives -----------------------------------------------


@pytest.mark.django_db
def test_a_dry_run_shows_the_slugs_a_real_run_would_give(run_import, news_index):
    factories.make_article(news_index, "Hello world", slug="hello-world")
    export = (
        Export()
        .post(1, "Hello", "x", slug="hello-world")
        .post(2, "Hello again", "x", slug="hello-world")
    )
    output = run_import(export, dry_run=True, verbosity=2)
    assert f"at {news_index.url}hello-world-2/ [" in output
    assert f"at {news_index.url}hello-world-3/ [" in output
    run_import(export)
    assert page_of(1).slug == "hello-world-2" and page_of(2).slug == "hello-world-3"


# 8. Small losses in content and reports ----------------------------------------------------------


@pytest.mark.django_db
def test_a_corrupt_image_is_reported_with_its_file_name(run_import, uploads):
    picture(uploads / "2024/05/broken.jpg", size=(400, 300))
    data = (uploads / "2024/05/broken.jpg").read_bytes()
    (uploads / "2024/05/broken.jpg").write_bytes(data[: len(data) // 2])
    output = run_import(
        Export().attachment(107, "Broken", "2024/05/broken.jpg"), uploads=str(uploads)
    )
    if get_image_model().objects.exists():
        pytest.skip("this Pillow reads truncated JPEGs")
    assert "attachment 107: broken.jpg: Upload a valid image" in output


def test_a_javascript_embed_is_reported_as_dropped_not_kept(blocks_of):
    raw, warnings = blocks_of(
        '<!-- wp:embed {"url":"javascript:alert(1)"} --><figure><div>javascript:alert(1)</div></figure><!-- /wp:embed -->'
    )
    assert raw == []
    assert warnings == [
        ("removed_markup", "embed of 'javascript:alert(1)': not a web address, dropped")
    ]


def test_gallery_ids_that_are_not_ids_are_reported(blocks_of):
    raw, warnings = blocks_of('[gallery ids="999,abc,-1"]')
    assert raw == []
    assert ("unmatched_image", "[gallery] 'abc, -1': not attachment ids") in warnings
    assert ("unmatched_image", "<img class='wp-image-999'>") in warnings


def test_a_caption_outlives_its_unmatched_image(blocks_of):
    raw, warnings = blocks_of(
        '[caption id="attachment_999"]<img src="https://elsewhere.example/a.jpg"> A caption <script>x</script>[/caption]'
    )
    assert raw == [{"type": "paragraph", "value": "<p>A caption</p>"}]
    assert ("removed_markup", "<script>") in warnings
    assert ("unmatched_image", "https://elsewhere.example/a.jpg") in warnings


def test_removed_elements_do_not_split_a_classic_paragraph(blocks_of):
    raw, warnings = blocks_of(
        "First paragraph.\n\nSecond paragraph <script>alert('x')</script> with "
        '<a href="javascript:alert(1)">js link</a>, <a href=" JavaScript:x"><em>another</em></a> '
        'and <img src="x" onerror="alert(1)">.'
    )
    assert raw == [
        {
            "type": "paragraph",
            "value": "<p>First paragraph.</p><p>Second paragraph  with js link, <em>another</em> and .</p>",
        }
    ]
    assert ("removed_markup", "<script>") in warnings and ("unmatched_image", "x") in warnings


def test_a_matched_image_still_makes_its_own_block(blocks_of):
    raw, _ = blocks_of('Before <img class="wp-image-5" src="x.jpg"> after')
    assert [block["type"] for block in raw] == ["paragraph", "image", "paragraph"]


def test_the_key_command_leaves_no_double_space():
    from wagtail_newsfeed.wordpress.liveblog import strip_key_command

    assert strip_key_command("Key /key event") == "Key event"
    span = '<span class="liveblog-command type-key">key</span>'
    assert strip_key_command(f"Key {span} event") == "Key event"


@pytest.mark.django_db
def test_a_key_event_entry_keeps_single_spaces(run_import):
    export = Export().post(
        1,
        "Live",
        "",
        meta={"liveblog": "enable"},
        entries=[Entry(10, "Key /key event", "2024-05-02 21:00:00")],
    )
    run_import(export)
    entry = LiveEntry.objects.get(feed=LiveFeedPage.objects.get())
    assert entry.is_key_event and entry.body.raw_data[0]["value"] == "<p>Key event</p>"
