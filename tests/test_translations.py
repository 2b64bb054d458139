"""Translatable reader pages: no English left in the reader templates or ``live.js``, a complete
German translation that compiles, and German pages when German is the language."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.utils import translation

from tests import factories
from wagtail_newsfeed.templatetags.wagtail_newsfeed_live import live_script_strings

PACKAGE = Path(__file__).resolve().parents[1] / "wagtail_newsfeed"
TEMPLATES = PACKAGE / "templates" / "wagtail_newsfeed"
GERMAN_PO = PACKAGE / "locale" / "de" / "LC_MESSAGES" / "django.po"
READER_TEMPLATES = sorted(
    [
        *(TEMPLATES / name for name in ["base.html"]),
        *TEMPLATES.glob("*_page.html"),
        *(TEMPLATES / "includes").glob("*.html"),
        *(TEMPLATES / "blocks").glob("*.html"),
    ]
)
#: Attributes whose value people read or hear.
READ_ATTRIBUTES = re.compile(r'\b(?:aria-label|title|alt|placeholder)="([^"{]*[A-Za-z][^"{]*)"')


def untranslated_text(source: str) -> list[str]:
    """Words in a template that neither ``{% translate %}`` nor a variable produces."""
    source = re.sub(
        r"{% comment %}.*?{% endcomment %}|{#.*?#}|{% blocktranslate .*?{% endblocktranslate %}"
        r"|{% block body_class %}[\w -]*{% endblock %}",  # a CSS class
        "",
        source,
        flags=re.S,
    )
    found = READ_ATTRIBUTES.findall(re.sub(r"{%.*?%}|{{.*?}}", "0", source, flags=re.S))
    text = re.sub(r"{%.*?%}|{{.*?}}", " ", source, flags=re.S)
    text = re.sub(r"<[^>]*>|&\w+;|&#\d+;", " ", text)
    found += [word for word in text.split() if re.search(r"[A-Za-z]", word)]
    return found


def compile_german(target: Path) -> Path:
    """The German catalogue compiled with GNU gettext into ``target``/de/LC_MESSAGES."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext's msgfmt is needed (apt-get install gettext)"
    out = target / "de" / "LC_MESSAGES"
    out.mkdir(parents=True)
    subprocess.run(
        [msgfmt, "--check", "-o", str(out / "django.mo"), str(GERMAN_PO)],
        check=True,
        capture_output=True,
        text=True,
    )
    return target


def test_reader_templates_hold_no_untranslated_text():
    assert len(READER_TEMPLATES) > 15
    leftovers = {
        path.relative_to(TEMPLATES).as_posix(): words
        for path in READER_TEMPLATES
        if (words := untranslated_text(path.read_text()))
    }

    assert leftovers == {}


def test_the_untranslated_text_rule_finds_english():
    assert untranslated_text('<p>Hello {{ x }}</p><a title="Go">{% translate "Ok" %}</a>') == [
        "Go",
        "Hello",
    ]


def test_live_js_has_no_english_strings_of_its_own():
    source = (PACKAGE / "static" / "wagtail_newsfeed" / "live.js").read_text()

    for english in ['"1 new update"', '" new updates"', '"Live"', '"Upcoming"', '"Pinned"']:
        assert english not in source


@pytest.mark.usefixtures("german")
def test_live_script_strings_are_translated():
    strings = live_script_strings()

    assert strings["status"] == {"upcoming": "Demnächst", "live": "Live", "ended": "Beendet"}
    assert strings["pinned"] == "Angeheftet"
    assert strings["newUpdates"] == "{count} neue Updates"


def po_entries(text: str) -> list[str]:
    return [block for block in text.split("\n\n")[1:] if block.strip()]


def test_german_catalogue_is_complete_and_has_no_fuzzy_entries():
    entries = po_entries(GERMAN_PO.read_text(encoding="utf-8"))

    assert len(entries) > 300
    fuzzy = [entry for entry in entries if re.search(r"^#,.*\bfuzzy\b", entry, re.M)]
    empty = [entry for entry in entries if re.search(r'^msgstr(\[\d\])? ""$(?!\n")', entry, re.M)]
    assert fuzzy == [] and empty == [], (fuzzy + empty)[:3]
    header = GERMAN_PO.read_text(encoding="utf-8").split("\n\n")[0]
    assert "#, fuzzy" not in header and "Plural-Forms: nplurals=2; plural=(n != 1);" in header


def test_german_catalogue_compiles_with_msgfmt_check(tmp_path):
    compiled = compile_german(tmp_path) / "de" / "LC_MESSAGES" / "django.mo"

    assert compiled.stat().st_size > 10_000


@pytest.fixture
def german(settings, tmp_path):
    """German, from a catalogue compiled for this test (whether or not a .mo is committed)."""
    settings.LOCALE_PATHS = [str(compile_german(tmp_path))]
    with translation.override("de"):
        yield


@pytest.mark.django_db
def test_article_page_in_german(client, news_index, german):
    author = factories.make_author("Sofia Brandt")
    article = factories.make_article(
        news_index,
        "Gipfel",
        authors=[author],
        is_breaking=True,
        published_at=datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
    )

    html = client.get(article.url).content.decode()

    assert '<html lang="de">' in html
    assert ">1. Dezember 2026, 04:30 EST</time>" in html  # German dates, not "1 Dezember 2026"
    for german_text in ["Zum Inhalt springen", "Eilmeldung", "Von <span", "Veröffentlicht"]:
        assert german_text in html
    assert "Skip to content" not in html and ">Published <" not in html


@pytest.mark.django_db
def test_live_page_in_german(client, news_index, german):
    feed = factories.make_feed(news_index, "Wahlabend", summary="<p>Es wird gezählt.</p>")
    factories.make_entry(feed, text="Wahllokale schließen", headline="Schluss", is_key_event=True)
    factories.make_entry(feed, text="Erste Ergebnisse", is_pinned=True)
    factories.make_entry(feed, text="Beteiligung steigt", is_key_event=True)

    html = client.get(feed.url).content.decode()

    for german_text in ["Das Wichtigste", "Schlüsselereignisse", "Angeheftet", "Begonnen"]:
        assert german_text in html
    # A key event without a headline is named by its words beside its time, not twice.
    assert "</time> <span>Beteiligung steigt</span>" in html
    assert '"newUpdates": "{count} neue Updates"' in html
    assert "Key events" not in html and "Pinned" not in html


@pytest.mark.django_db
def test_index_page_in_german(client, news_index, german):
    html = client.get(news_index.url).content.decode()

    assert "Artikel durchsuchen" in html and "Noch keine Artikel." in html
