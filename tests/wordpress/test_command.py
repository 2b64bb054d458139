"""The command as operators use it: a dry run that writes nothing and prints the plan, an
authors map, clear errors for bad arguments, a non-zero exit when posts fail, a progress bar
on terminals."""

# ruff: noqa: E501

from __future__ import annotations

import io
import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError, OutputWrapper

from tests import factories
from tests.checks import nothing_saved
from tests.wordpress.exports import Entry, Export, picture
from wagtail_newsfeed.management.commands.import_wordpress import Command
from wagtail_newsfeed.models import Author, LiveEntry, NewsArticlePage, WordPressOrigin
from wagtail_newsfeed.wordpress.progress import TerminalProgress

pytestmark = pytest.mark.django_db


def full_export() -> Export:
    export = (
        Export()
        .author(1, "alice", "Alice Reporter")
        .category(1, "world", "World")
        .tag(2, "eu", "EU")
    )
    export.attachment(50, "Harbour", "2024/03/harbour.jpg")
    export.post(
        1,
        "Story",
        '<img class="wp-image-50" src="x">Text',
        categories=[("world", "World")],
        tags=[("eu", "EU")],
        meta={"_thumbnail_id": "50"},
    )
    export.post(2, "Private", "x", status="private")
    export.post(
        3,
        "Live",
        "Intro",
        meta={"liveblog": "enable"},
        entries=[Entry(100, "An entry", "2024-03-01 10:00:00")],
    )
    return export


def media_files(settings) -> list[str]:
    return [name for _root, _dirs, files in os.walk(settings.MEDIA_ROOT) for name in files]


def test_a_dry_run_writes_nothing_at_all_and_prints_the_plan(
    run_import, uploads, count_rows, settings, news_index
):
    picture(uploads / "2024/03/harbour.jpg")
    before = count_rows()
    output = run_import(full_export(), uploads=str(uploads), dry_run=True)
    assert count_rows() == before
    assert media_files(settings) == []
    # Where readers will find it, as the real run's -v2 line says it (not Wagtail's tree path).
    assert f"create article 'Story' (WordPress 1) at {news_index.url}post-1/ [" in output
    assert "create feed 'Live' (WordPress 3)" in output and "1 entries" in output
    assert "Dry run: nothing was written." in output
    assert (
        "images: 1 to create" in output
        and "authors: 1 to create" in output
        and "topics: 1 to create" in output
    )


def test_a_dry_run_after_an_import_plans_updates_and_still_writes_nothing(
    run_import, uploads, count_rows
):
    picture(uploads / "2024/03/harbour.jpg")
    run_import(full_export(), uploads=str(uploads))
    before = count_rows()
    changed = full_export().post(4, "New story", "x")
    output = run_import(changed, uploads=str(uploads), dry_run=True)
    assert count_rows() == before
    assert "keep article 'Story'" in output and "create article 'New story'" in output
    assert "articles: 1 to create, 2 unchanged" in output


def test_a_dry_run_reports_posts_that_would_fail(run_import, settings):
    settings.WAGTAIL_NEWSFEED = {"ARTICLE_BODY_MAX_BYTES": 500}
    with nothing_saved(), pytest.raises(CommandError, match="1 posts could not be imported"):
        run_import(Export().post(1, "Long", "word " * 500), dry_run=True)


def test_the_authors_map_merges_accounts_and_links_users(run_import, tmp_path):
    jane = factories.make_user("jane")
    existing = factories.make_author("Jane Doe", slug="jane-doe")
    mapping = tmp_path / "authors.csv"
    mapping.write_text("login,author,username\njdoe,jane-doe,jane\njane2,jane-doe,\nintern,-,\n")
    export = (
        Export()
        .author(1, "jdoe", "J. Doe")
        .author(2, "jane2", "Jane (old)")
        .author(3, "intern", "Intern")
    )
    export.post(1, "By jdoe", "x", creator="jdoe").post(2, "By jane2", "x", creator="jane2").post(
        3, "By intern", "x", creator="intern"
    )
    export.post(
        4,
        "Live",
        "x",
        meta={"liveblog": "enable"},
        entries=[Entry(100, "Entry", "2024-03-01 10:00:00", user_id=1)],
    )
    run_import(export, authors_map=str(mapping))
    pages = {p.title: p for p in NewsArticlePage.objects.all()}
    assert pages["By jdoe"].get_authors() == [existing] == pages["By jane2"].get_authors()
    assert pages["By intern"].get_authors() == []
    assert pages["By jdoe"].owner == jane
    entry = LiveEntry.objects.get()
    assert entry.created_by == jane and list(entry.authors.all()) == [existing]
    assert Author.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,slug\nx,y\n", "must name the columns login, author, username"),
        ("login,author\n,jane\n", "row 2: the login is empty"),
        ("login,author\nx,not a slug!\n", "row 2: 'not a slug!' is not a slug"),
        ("login,author\nx," + "a" * 300 + "\n", r"is too long \(300 characters, at most 255\)"),
        ("login,username\nx,nobody\n", "row 2: there is no user 'nobody'"),
        ("login,author\njdoe,jane\njdoe,john\n", "row 3: the login 'jdoe' is also on row 2"),
        ("login,author\njdoe,jane\u2028doe\n", "row 2: 'jane doe' is not a slug"),
        (b"login\n\xff\xfe".decode("latin-1"), None),
        ("login,login,username\njdoe,x,\n", "the column 'login' is named twice"),
        ("login,,author\njdoe,,jane\n", "column 2 of the first row has no name"),
        ("login,author,username,\njdoe,jane,,\n", "column 4 of the first row has no name"),
        ("login,author\njdoe,jane,john\n", "row 2 has 3 fields, but the first row names 2"),
    ],
)
def test_a_bad_authors_map_is_an_error_before_anything_is_imported(
    run_import, tmp_path, content, message
):
    mapping = tmp_path / "authors.csv"
    if message is None:
        mapping.write_bytes(b"login\n\xff\xfe\n")
        message = "is not UTF-8 text"
    else:
        mapping.write_text(content)
    with nothing_saved(), pytest.raises(CommandError, match=message):
        run_import(Export().post(1, "x", "x"), authors_map=str(mapping))
    assert not WordPressOrigin.objects.exists()


def test_arguments_are_checked(tmp_path, news_index):
    export = Export().post(1, "x", "x").write(tmp_path / "x.xml")
    article = factories.make_article(news_index)
    with nothing_saved():
        with pytest.raises(CommandError, match="no such file"):
            call_command(
                "import_wordpress", str(tmp_path / "missing.xml"), index=str(news_index.pk)
            )
        with pytest.raises(CommandError, match="--uploads .*: no such folder"):
            call_command(
                "import_wordpress",
                str(export),
                index=str(news_index.pk),
                uploads=str(tmp_path / "nope"),
            )
        with pytest.raises(CommandError, match="no page has that path or id"):
            call_command("import_wordpress", str(export), index="/nowhere/")
        with pytest.raises(CommandError, match="is a news article, not a news index"):
            call_command("import_wordpress", str(export), index=str(article.pk))


def test_an_export_that_is_a_folder_or_a_device_is_named_as_such(tmp_path, news_index):
    os.symlink("/dev/zero", tmp_path / "zero.xml")
    (tmp_path / "folder.xml").mkdir()
    with nothing_saved():
        with pytest.raises(CommandError, match=r"folder\.xml: is a folder, not an export file"):
            call_command("import_wordpress", str(tmp_path / "folder.xml"), index=str(news_index.pk))
        with pytest.raises(
            CommandError, match=r"zero\.xml: is not a regular file \(a device, a pipe or a socket\)"
        ):
            call_command("import_wordpress", str(tmp_path / "zero.xml"), index=str(news_index.pk))


def test_the_index_can_be_named_by_its_url_path(tmp_path, news_index):
    export = Export().post(1, "By path", "x").write(tmp_path / "x.xml")
    call_command(
        "import_wordpress", str(export), index=f"/{news_index.slug}/", stdout=io.StringIO()
    )
    assert NewsArticlePage.objects.child_of(news_index).get().title == "By path"


def test_failures_exit_non_zero_with_a_message_not_a_traceback(
    tmp_path, news_index, capsys, settings
):
    settings.WAGTAIL_NEWSFEED = {"ARTICLE_BODY_MAX_BYTES": 500}
    export = (
        Export().post(1, "Long", "word " * 500).post(2, "Short", "ok").write(tmp_path / "x.xml")
    )
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(
            ["manage.py", "import_wordpress", str(export), "--index", str(news_index.pk)]
        )
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert "CommandError: 1 posts could not be imported" in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert (
        "post 1 'Long' (line 19): body: The body is 2,588 bytes; the most it may be is 500 bytes."
        in captured.out
    )


@pytest.mark.parametrize("wrapped", [False, True], ids=["stream", "command's stderr"])
def test_the_progress_bar_draws_on_a_terminal(wrapped):
    stream = io.StringIO()
    update = TerminalProgress(OutputWrapper(stream) if wrapped else stream)("Import")
    update(3 << 20, 6 << 20)
    update(6 << 20, 6 << 20)
    drawn = stream.getvalue()
    assert drawn.startswith("\rImport [###############---------------]  50% 3/6 MB")
    assert drawn.count("\n") == 1 and drawn.endswith("\n") and "100%" in drawn


def test_a_split_export_is_read_as_one(tmp_path, news_index, uploads):
    picture(uploads / "2024/03/harbour.jpg")
    first = Export().author(1, "alice", "Alice").post(1, "Story", "x", meta={"_thumbnail_id": "50"})
    second = Export().author(1, "alice", "Alice").attachment(50, "Harbour", "2024/03/harbour.jpg")
    paths = [first.write(tmp_path / "part-1.xml"), second.write(tmp_path / "part-2.xml")]
    call_command(
        "import_wordpress",
        *map(str, paths),
        index=str(news_index.pk),
        uploads=str(uploads),
        stdout=io.StringIO(),
    )
    assert NewsArticlePage.objects.get().lead_image.title == "Harbour"


def test_other_post_types_are_imported_when_named(run_import):
    export = (
        Export()
        .post(1, "Post", "x")
        .post(2, "Story", "x", post_type="news_story")
        .post(3, "About", "x", post_type="page")
    )
    output = run_import(export, post_types="post,news_story")
    assert sorted(NewsArticlePage.objects.values_list("title", flat=True)) == ["Post", "Story"]
    assert "items skipped: 1 type page" in output
    with nothing_saved(), pytest.raises(CommandError, match="--post-types"):
        run_import(export, post_types="post,../x")
