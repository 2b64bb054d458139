"""Installation that works from the README alone: system checks for the sitemaps app and a Wagtail
Site still at localhost, feeds outside a news index, and the demo's ``--site-url``."""

from __future__ import annotations

import ast
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import wagtail
from django.apps import apps
from django.core.checks import ERROR
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver
from wagtail.models import Page, Site

from tests import factories
from wagtail_newsfeed import checks
from wagtail_newsfeed import sitemaps as newsfeed_sitemaps
from wagtail_newsfeed.checks import content, installation, routing
from wagtail_newsfeed.models import LiveFeedPage

ROOT = Path(__file__).resolve().parents[1]


def ids(messages) -> list[str]:
    return [message.id for message in messages]


# Apps the README lists -----------------------------------------------------------------------


def test_every_required_app_installed_passes_the_check():
    assert installation.check_required_apps() == []


@pytest.mark.parametrize(
    ("app", "effect"),
    [
        ("rest_framework.authtoken", "401"),
        ("drf_spectacular", "500"),
        ("drf_spectacular_sidecar", "blank"),
        ("wagtail_modeladmin", None),
    ],
)
def test_a_missing_app_is_an_error_that_says_what_breaks(app, effect):
    installed = [config.name for config in apps.get_app_configs()]
    assert app in installed

    [error] = installation.missing_apps([name for name in installed if name != app])

    assert error.id == "wagtail_newsfeed.E001"
    assert error.level == ERROR
    assert error.msg == f"wagtail-newsfeed needs {app!r} in INSTALLED_APPS."
    if effect is not None:
        assert effect in error.hint


# Sitemaps routed without django.contrib.sitemaps ----------------------------------------------


def installed_apps_without_sitemaps() -> list[str]:
    return [c.name for c in apps.get_app_configs() if c.name != "django.contrib.sitemaps"]


def views_of(urlconf: str) -> list:
    return list(routing.routed_views(get_resolver(urlconf).url_patterns))


def test_routed_sitemaps_without_the_sitemaps_app_is_an_error(settings):
    [error] = routing.sitemaps_without_app(
        installed_apps_without_sitemaps(), views_of(settings.ROOT_URLCONF)
    )

    assert error.id == "wagtail_newsfeed.E009"
    assert error.level == ERROR
    assert "django.contrib.sitemaps" in error.msg and "django.contrib.sitemaps" in error.hint


def test_sitemaps_app_installed_passes_the_check():
    assert routing.check_sitemaps_app() == []


def test_unrouted_sitemaps_need_no_sitemaps_app():
    views = views_of("tests.urls_without_api")

    assert routing.sitemaps_without_app(installed_apps_without_sitemaps(), views) == []


def test_sitemaps_app_check_finds_views_inside_includes():
    views = views_of("example_site.urls")

    assert newsfeed_sitemaps.page_sitemap in views and newsfeed_sitemaps.news_sitemap in views


# A default site at localhost with DEBUG off -----------------------------------------------------


def set_default_site(hostname: str, port: int = 80) -> Site:
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = hostname, port
    site.save()
    return site


#: Hostnames whose links lead every reader to their own machine.
LOCAL_HOSTNAMES = [
    "localhost",
    "LocalHost",
    "localhost.",  # with the DNS root dot
    "news.localhost",  # RFC 6761: every name under localhost is loopback
    "news.localhost.",
    "127.0.0.1",
    "127.0.1.1",  # Debian's address for the machine's own hostname
    "127.255.255.254",
    "0.0.0.0",  # what ``runserver 0.0.0.0:8000`` listens on
    "::1",
    "[::1]",
    "::",
    "[::]",
    "::ffff:127.0.0.1",
    "127.1",  # the short and numeric spellings browsers and resolvers read as 127.0.0.1
    "2130706433",
    "0x7f000001",
    "0177.0.0.1",
]


@pytest.mark.django_db
@pytest.mark.parametrize("hostname", LOCAL_HOSTNAMES)
def test_localhost_site_with_debug_off_warns_where_to_fix_it(settings, hostname):
    settings.DEBUG = False
    site = set_default_site(hostname, 8000)

    [warning] = content.check_site_hostname(databases=["default"])

    assert warning.id == "wagtail_newsfeed.W003"
    assert site.root_url in warning.msg
    assert "Settings → Sites" in warning.hint
    assert f"/admin/sites/edit/{site.pk}/" in warning.hint


@pytest.mark.django_db
@pytest.mark.parametrize(
    "hostname",
    [
        "news.example.org",
        "localhost.example.org",
        "mylocalhost",
        "127.example.org",
        "203.0.113.7",
        "10.0.0.5",  # an intranet's address is reachable by its readers
        "2001:db8::1",
        "[2001:db8::1]",
        "3405803783",  # 203.0.113.7 as one number
    ],
)
def test_real_hostname_passes_the_localhost_check(settings, hostname):
    settings.DEBUG = False
    set_default_site(hostname, 443)

    assert content.check_site_hostname(databases=["default"]) == []


@pytest.mark.django_db
def test_localhost_is_fine_with_debug_on(settings):
    settings.DEBUG = True
    set_default_site("localhost")

    assert content.check_site_hostname(databases=["default"]) == []


@pytest.mark.django_db
def test_localhost_check_reads_the_database_only_when_asked_for_it(settings):
    settings.DEBUG = False
    set_default_site("localhost")

    with CaptureQueriesContext(connection) as queries:
        assert content.check_site_hostname(databases=None) == []
        assert content.check_live_feed_parents(databases=None) == []

    assert len(queries) == 0


@pytest.mark.django_db
def test_database_checks_say_nothing_before_migrate(settings):
    """On a database without Wagtail's tables (a fresh project before ``migrate``)."""
    settings.DEBUG = False
    cascade = " CASCADE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute(f"DROP TABLE wagtailcore_site{cascade}")
        cursor.execute(f"DROP TABLE wagtail_newsfeed_newsindexpage{cascade}")

    assert content.check_site_hostname(databases=["default"]) == []
    assert content.check_live_feed_parents(databases=["default"]) == []


@pytest.mark.django_db
def test_database_checks_run_from_manage_py_check(settings):
    settings.DEBUG = False
    set_default_site("localhost")
    out, err = io.StringIO(), io.StringIO()

    call_command("check", "--database", "default", stdout=out, stderr=err)

    assert "wagtail_newsfeed.W003" in out.getvalue() + err.getvalue()


# Live feeds outside a news index ----------------------------------------------------------------


@pytest.mark.django_db
def test_feeds_under_a_news_index_pass_the_parent_check(feed):
    assert content.check_live_feed_parents(databases=["default"]) == []


@pytest.mark.django_db
def test_feed_made_elsewhere_before_the_rule_is_named_and_keeps_working(client, news_index):
    stray = factories.make_feed(factories.root_page(), "Old stray feed")

    [warning] = content.check_live_feed_parents(databases=["default"])

    assert warning.id == "wagtail_newsfeed.W004"
    assert "'Old stray feed'" in warning.msg and f"id {stray.pk}" in warning.msg
    assert client.get(stray.url).status_code == 200


# load_newsfeed_demo --site-url ---------------------------------------------------------------


def load_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("load_newsfeed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_points_the_localhost_site_at_the_readme_address_by_default(client):
    load_demo()

    site = Site.objects.get(is_default_site=True)
    assert site.root_url == "http://127.0.0.1:8000"
    assert "http://127.0.0.1:8000" in (ROOT / "README.md").read_text()
    feed = LiveFeedPage.objects.get()
    html = client.get(feed.url, HTTP_HOST="127.0.0.1:8000").content.decode()
    assert f'"url": "http://127.0.0.1:8000{feed.url}"' in html


@pytest.mark.django_db
def test_demo_site_url_sets_the_sites_hostname_and_port(client):
    load_demo("--site-url", "https://news.example.org")

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("news.example.org", 443)
    rss = client.get("/newsfeed/feeds/latest.rss", HTTP_HOST="news.example.org").content
    assert b"<link>https://news.example.org/" in rss


@pytest.mark.django_db
def test_demo_default_never_overwrites_an_address_someone_set():
    set_default_site("news.example.org", 443)

    load_demo()

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("news.example.org", 443)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "news.example.org",
        "ftp://news.example.org",
        "http://",
        "http://news.example.org/path",
        "http://news.example.org:99999",
        "https://news.example.org:8443",
        "http://user:pw@news.example.org",
        "http://" + "a" * 300,
    ],
)
def test_demo_refuses_a_bad_site_url_and_saves_nothing(url):
    pages = Page.objects.count()

    with pytest.raises(CommandError, match="site-url|https|URL"):
        load_demo("--site-url", url)

    assert Page.objects.count() == pages
    assert Site.objects.get(is_default_site=True).hostname == "localhost"


# The README and installation guide --------------------------------------------------------------


def test_readme_install_snippet_has_every_app_and_setting_the_guide_has():
    readme = (ROOT / "README.md").read_text()
    guide = (ROOT / "docs" / "installation.md").read_text()

    for needed in [
        '"django.contrib.sitemaps"',
        '"wagtail.contrib.sitemaps"',
        "SPECTACULAR_SETTINGS",
        '"drf_spectacular_sidecar"',
        "docs/configuration.md",
        "Settings → Sites",
        "--site-url",
    ]:
        assert needed in readme, needed
    for needed in ['"django.contrib.sitemaps"', "SPECTACULAR_SETTINGS", "Settings → Sites"]:
        assert needed in guide, needed
    reference = (ROOT / "docs" / "configuration.md").read_text()
    assert apps_listed(readme) == apps_listed(guide) == apps_listed(reference)
    assert spectacular_keys(readme) == spectacular_keys(guide) == spectacular_keys(reference)


def test_the_readme_guide_and_reference_share_one_settings_snippet():
    snippets = {
        name: settings_snippet((ROOT / name).read_text())
        for name in ["README.md", "docs/installation.md", "docs/configuration.md"]
    }

    assert len(set(snippets.values())) == 1, snippets


def settings_snippet(text: str) -> str:
    """From ``INSTALLED_APPS = [`` to the end of its code block."""
    return re.search(r"^(INSTALLED_APPS = \[.*?)^```", text, re.S | re.M).group(1)


def test_the_snippet_added_to_a_wagtail_start_project_has_every_required_app_once():
    """Adding the snippet's lines to what ``wagtail start`` wrote: an app listed twice stops
    Django ("Application labels aren't unique"), a missing one is E001."""
    project = Path(wagtail.__file__).parent / "project_template" / "project_name"
    started = apps_listed((project / "settings" / "base.py").read_text())
    assert {"wagtail", "modelcluster", "taggit"} <= started

    for doc in ["README.md", "docs/installation.md", "docs/configuration.md"]:
        added = apps_listed((ROOT / doc).read_text())
        assert added & started == set(), doc
        assert set(installation.REQUIRED_APPS) - added - started == set(), doc


def apps_listed(text: str) -> set[str]:
    """The apps a settings snippet puts in INSTALLED_APPS (quoted names on their own line)."""
    block = re.search(r"INSTALLED_APPS = \[(.*?)\n\]", text, re.S).group(1)
    return set(re.findall(r'^\s+"([\w.]+)",', block, re.M))


def spectacular_keys(text: str) -> set[str]:
    block = re.search(r"SPECTACULAR_SETTINGS = \{(.*?)\n\}", text, re.S).group(1)
    return set(re.findall(r'^\s+"(\w+)":', block, re.M))


def run_with_settings(tmp_path, setting: str, *args: str) -> subprocess.CompletedProcess:
    """``python *args`` in a process whose settings are the tests' with ``setting`` added."""
    (tmp_path / "changed_settings.py").write_text(f"from tests.settings import *\n{setting}\n")
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "changed_settings",
            "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT), str(ROOT / "example_site")]),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_app_loads_before_the_project_has_a_secret_key(tmp_path):
    """``wagtail start`` leaves production's ``SECRET_KEY`` to the environment; commands such as
    ``collectstatic`` must still run with the app installed (nothing is signed at import)."""
    code = (
        "import django; django.setup(); "
        "from django.urls import get_resolver; get_resolver().url_patterns; "
        "import wagtail_newsfeed.entry_rules, wagtail_newsfeed.api.urls; print('ok')"
    )
    result = run_with_settings(tmp_path, 'SECRET_KEY = ""', "-c", code)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"


def test_naive_times_are_an_error_that_names_the_setting(tmp_path):
    """``USE_TZ = False`` would make the first entry posted a 500: ``manage.py check`` stops it."""
    result = run_with_settings(tmp_path, "USE_TZ = False", "-m", "django", "check")
    assert result.returncode == 1
    assert "wagtail_newsfeed.E011" in result.stderr and "USE_TZ = True" in result.stderr


def test_aware_times_pass_the_time_zone_check():
    assert installation.check_time_zone_support() == []


# The newsfeed URLs behind Wagtail's catch-all ---------------------------------------------------


def test_newsfeed_urls_after_wagtails_catch_all_are_an_error():
    [error] = routing.shadowed_urls("tests.urls_wagtail_first")

    assert error.id == "wagtail_newsfeed.E012"
    assert error.level == ERROR
    assert "/api/newsfeed/v1/feeds/1/entries/" in error.msg
    assert "/newsfeed/live/1/fragments/" in error.msg
    assert "include(wagtail_urls)" in error.hint


@pytest.mark.parametrize("urlconf", [None, "tests.urls_without_api"])
def test_newsfeed_urls_before_wagtail_or_not_included_pass_the_check(urlconf):
    assert routing.shadowed_urls(urlconf) == []


def test_every_check_id_belongs_to_one_check():
    """A check id names one problem: two checks sharing one would send readers of the docs to
    the wrong fix."""
    owners: dict[str, set[str]] = {}
    for path in sorted(Path(checks.__file__).parent.glob("*.py")):
        for function in ast.walk(ast.parse(path.read_text())):
            if isinstance(function, ast.FunctionDef):
                for node in ast.walk(function):
                    if isinstance(node, ast.Constant) and str(node.value).startswith(
                        "wagtail_newsfeed."
                    ):
                        owners.setdefault(node.value, set()).add(f"{path.stem}.{function.name}")
    assert owners
    assert {check: names for check, names in owners.items() if len(names) > 1} == {}
