"""A post's dates are held to the range every door allows (``local_time.out_of_range``: 1900 to
a year ahead): an unset or impossible date is reported and replaced as before, a date the page
would refuse fails that post with a line naming the field (in a dry run too), and the rest of
the export is imported."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.checks import nothing_saved
from tests.wordpress.exports import Export
from wagtail_newsfeed.models import NewsArticlePage, WordPressOrigin

pytestmark = pytest.mark.django_db

RANGE = "published_at: Give a time after 1900 and at most a year from now."


def article(wp_id: int) -> NewsArticlePage:
    page = WordPressOrigin.objects.get(kind="post", wp_id=wp_id).page
    return NewsArticlePage.objects.get(pk=page.pk)


def export() -> Export:
    posts = Export().author(1, "alice", "Alice")
    posts.post(1, "Unset", "x", date="0000-00-00 00:00:00", modified_gmt="2024-03-02 10:00:00")
    posts.post(2, "Year 9999", "x", date="9999-12-31 23:59:59", modified_gmt="2024-03-02 10:00:00")
    posts.post(3, "Year 5000", "x", date="5000-01-01 00:00:00")
    posts.post(4, "Modified in 5000", "x", modified_gmt="5000-01-01 00:00:00")
    posts.post(5, "Ordinary", "x")
    return posts


@pytest.fixture
def failing_import(news_index, tmp_path):
    """``failing_import(**options)``: the output of importing ``export()`` (post 3 fails)."""

    def run(**options) -> str:
        out = io.StringIO()
        path = export().write(tmp_path / "export.xml")
        with pytest.raises(CommandError, match="1 posts could not be imported"):
            call_command(
                "import_wordpress", str(path), index=str(news_index.pk), stdout=out, **options
            )
        return out.getvalue()

    return run


def test_dates_out_of_range_are_report_lines_not_a_crash(failing_import):
    output = failing_import()
    assert "bad_date (4)" in output  # post 3's last-modified date is in 5000 too
    assert article(1).live and article(2).live  # given their last-modified date
    assert "post 3 'Year 5000' (line" in output and RANGE in output
    assert not WordPressOrigin.objects.filter(kind="post", wp_id=3).exists()
    assert article(4).live and article(4).updated_at is None
    assert "its last-modified date '5000-01-01 00:00:00' is out of range: left out" in output
    assert article(5).live


def test_a_dry_run_reports_the_same_refusal(failing_import):
    with nothing_saved():
        output = failing_import(dry_run=True)
    assert "post 3 'Year 5000' (line" in output and RANGE in output
