"""Run in a process of its own on a fresh database (``DATABASE_URL``): migration 0005 moves entry
authors to ordered byline links and back. Prints what it saw as JSON.

Migrating backwards and forwards reshapes tables under every other test, which the in-process
test database cannot be trusted to recover from, so ``test_entry_bylines`` runs this instead.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "example_site")]
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402

call_command("migrate", verbosity=0)

from tests import factories  # noqa: E402
from wagtail_newsfeed.models import LiveEntryAuthor  # noqa: E402

index = factories.make_index()
feed = factories.make_feed(index)
zoe, ada, maxi = (
    factories.make_author(name) for name in ("Zoe Zeller", "Ada Abbott", "Max Moreau")
)
entry = factories.make_entry(feed, authors=[zoe, ada, maxi])
alone = factories.make_entry(feed, authors=[maxi])
before = ("wagtail_newsfeed", "0004_wordpress_origin")

executor = MigrationExecutor(connection)
executor.migrate([before])  # backwards: the links go back to the plain table
old = executor.loader.project_state([before]).apps.get_model("wagtail_newsfeed", "LiveEntry")
backwards = sorted(old.objects.get(pk=entry.pk).authors.values_list("name", flat=True))

executor = MigrationExecutor(connection)
executor.migrate(executor.loader.graph.leaf_nodes())  # forwards: in the order readers saw


def names(of) -> list[str]:
    links = LiveEntryAuthor.objects.filter(entry=of).order_by("sort_order").select_related("author")
    return [link.author.name for link in links]


print(
    json.dumps(
        {
            "backwards": backwards,
            "entry": names(entry),
            "alone": names(alone),
            "positions": list(
                LiveEntryAuthor.objects.filter(entry=entry)
                .order_by("sort_order")
                .values_list("sort_order", flat=True)
            ),
        }
    )
)
