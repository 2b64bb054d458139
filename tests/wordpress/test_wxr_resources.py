"""What an import may use: no network of any kind (media come from ``--uploads`` only, embeds are
recognised, never fetched), and memory that does not grow with the export (it is read 1 MB at a
time and each item is let go once planned)."""

# Export markup reads better unwrapped.
# ruff: noqa: E501

from __future__ import annotations

import socket
import tracemalloc

import pytest

from tests.wordpress.exports import Entry, Export
from wagtail_newsfeed.models import LiveEntry, NewsArticlePage
from wagtail_newsfeed.wordpress.wxr import ExportReader

pytestmark = pytest.mark.django_db

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


@pytest.fixture
def no_network(monkeypatch):
    """Every way Python opens a connection or resolves a name, recorded and refused. The
    databases' own clients (libpq, SQLite) do not go through these."""
    attempts: list[tuple[str, object]] = []

    def refuse(name):
        def refused(*args, **kwargs):
            attempts.append((name, args[1:2] if name == "connect" else args[:1]))
            raise OSError(f"network access during an import: {name}{args!r}")

        return refused

    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
    return attempts


def test_an_import_opens_no_connection_whatever_the_export_points_at(
    run_import, no_network, uploads
):
    """Remote images, attachments whose files are missing, embeds of every form, links and a
    live blog: all imported (or reported) from the export and ``--uploads`` alone."""
    export = Export().author(1, "alice", "Alice")
    export.attachment(50, "Remote picture", "2024/03/not-here.jpg")
    export.post(
        1,
        "Everything remote",
        f"""[embed]{YOUTUBE}[/embed]

{YOUTUBE}

<img src="https://cdn.example.net/remote.jpg" alt="Remote">

[caption id="attachment_50"]<img class="wp-image-50" src="https://old.example.com/wp-content/uploads/2024/03/not-here.jpg"> A caption[/caption]

[gallery ids="50"]

<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>

<!-- wp:embed {{"url":"{YOUTUBE}","type":"video","providerNameSlug":"youtube"}} --><figure class="wp-block-embed"><div class="wp-block-embed__wrapper">
{YOUTUBE}
</div></figure><!-- /wp:embed -->

<p><a href="https://old.example.com/2023/01/older/">An older story</a></p>""",
        meta={"_thumbnail_id": "50"},
    )
    export.post(
        2,
        "Election live",
        "Follow along.",
        entries=[
            Entry(100, f"First results. {YOUTUBE}", "2024-05-02 06:00:00"),
            Entry(101, "Turnout is up.", "2024-05-02 06:05:00"),
        ],
    )

    output = run_import(export, uploads=str(uploads))

    assert no_network == [], no_network
    assert NewsArticlePage.objects.filter(title="Everything remote").exists(), output
    assert LiveEntry.objects.filter(feed__title="Election live").count() == 2


def test_reading_an_export_keeps_memory_flat_whatever_its_size(tmp_path):
    """The peak memory of reading an export 8 times the size of another stays about the same:
    what one item and one chunk need, not what the file holds."""

    def export_of(posts: int):
        export = Export().author(1, "alice", "Alice")
        for wp_id in range(1, posts + 1):
            export.post(wp_id, f"Story {wp_id}", "<p>" + "Words of the story. " * 200 + "</p>")
        path = tmp_path / f"export-{posts}.xml"
        path.write_bytes(export.xml())
        return path

    def peak_reading(path) -> tuple[int, int]:
        tracemalloc.start()
        try:
            items = sum(1 for kind, _record in ExportReader(path) if kind == "item")
            return items, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = export_of(500), export_of(4000)
    small_items, small_peak = peak_reading(small)
    large_items, large_peak = peak_reading(large)

    assert (small_items, large_items) == (500, 4000)
    assert large.stat().st_size > 7 * small.stat().st_size > 7 * 2_000_000
    assert large_peak < 1.5 * small_peak + 1_000_000, (small_peak, large_peak)
    assert large_peak < large.stat().st_size / 4
