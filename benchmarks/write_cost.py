"""What the write validator costs for the largest bodies the default caps allow.

Usage: .venv/bin/python benchmarks/write_cost.py   (SQLite in memory; prints a Markdown table)

Each body is validated with ``validation.clean_entry_body`` as a superuser (the whole walk: caps,
string cleaning, rich-text whitelisting, id checks with one query per kind of object, table
shapes, then Wagtail's own block validation), and posted once through the write API with a test
client for the full request. Medians of several runs, in milliseconds.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "example_site")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

RUNS = 7


def bodies(image_id: int, article_id: int, fits) -> dict[str, list]:
    """The bodies measured, each grown until one more piece would not fit the caps as the
    validator counts them (``fits``: the body as stored, with block ids and expanded links)."""
    para = (
        '<p>Polls <b>closed</b> at 10pm and counting <i>began</i>, <a href="https://example.com/'
        f'results">see the results</a> and <a linktype="page" id="{article_id}">background</a>.</p>'
    )
    mixed = [
        {"type": "paragraph", "value": para},
        {"type": "quote", "value": {"text": "We will win.", "attribution": "A"}},
        {"type": "image", "value": {"image": image_id, "caption": "Crowds"}},
        {"type": "heading", "value": {"text": "Next", "level": "h2"}},
    ]
    return {
        "64 KB of rich text, paragraph blocks with internal links": fill(
            lambda: [{"type": "paragraph", "value": para * 6}], fits
        ),
        "64 KB of rich text in fact boxes": fill(
            lambda: [{"type": "fact_box", "value": {"title": "Facts", "body": para * 6}}], fits
        ),
        "64 KB of mixed blocks (paragraph, quote, image, heading)": fill(lambda: mixed, fits),
        "a 2,500-cell table (the cell cap)": [
            {"type": "table", "value": {"data": [[f"cell {i}"] * 50 for i in range(50)]}}
        ],
    }


def fill(make, fits) -> list:
    body: list = []
    while len(body) < 500 and fits(body + make()):
        body += make()
    return body


def median_ms(function) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    setup_test_environment()
    from django.db import connection

    connection.creation.create_test_db(verbosity=0)
    call_command("migrate", verbosity=0)
    from django.core.exceptions import ValidationError
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from tests import factories
    from wagtail_newsfeed import validation
    from wagtail_newsfeed.models import LiveEntry

    index = factories.make_index()
    feed = factories.make_feed(index)
    article = factories.make_article(index)
    image = factories.make_image()
    user = factories.make_superuser()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    url = f"/api/newsfeed/v1/feeds/{feed.pk}/entries/"

    print("| body | blocks | JSON size as sent | validate (ms) | POST, 201 (ms) |")
    print("|---|---|---|---|---|")

    def fits(body: list) -> bool:
        try:
            validation.clean_entry_body(body, user)
        except ValidationError:
            return False
        return True

    for name, body in bodies(image.pk, article.pk, fits).items():
        size = len(json.dumps(body))
        validate = median_ms(lambda b=body: validation.clean_entry_body(b, user))

        def post(b=body) -> None:
            response = client.post(url, {"body": b}, "json")
            assert response.status_code == 201, response.content[:300]

        posted = median_ms(post)
        print(f"| {name} | {len(body)} | {size / 1000:.1f} KB | {validate:.0f} | {posted:.0f} |")
    print(f"\n{LiveEntry.objects.count()} entries written.")


if __name__ == "__main__":
    main()
