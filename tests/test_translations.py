"""Translatable reader pages: no English left in the reader templates or ``live.js``, a complete
German translation that compiles, and German pages when German is the language."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.utils import translation

from tests import factories, tools
from wagtail_newsfeed.templatetags.wagtail_newsfeed_live import live_script_strings, plural_forms

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
    assert strings["newUpdates"] == {
        "forms": ["{count} neue Updates", "{count} neues Update"],
        "table": "01" + "0" * 198,  # the form of each count from 0 to 199
    }


def shown(plural: dict, count: int) -> str:
    """The text live.js's ``countText`` picks for ``count``."""
    form = plural["forms"][int(plural["table"][count if count < 200 else 100 + count % 100])]
    return form.replace("{count}", str(count))


@pytest.mark.usefixtures("german")
def test_the_new_updates_text_has_the_german_form_for_every_count():
    plural = live_script_strings()["newUpdates"]

    assert [shown(plural, n) for n in (0, 1, 2, 21, 101, 1001)] == [
        "0 neue Updates",
        "1 neues Update",
        "2 neue Updates",
        "21 neue Updates",
        "101 neue Updates",
        "1001 neue Updates",
    ]


POLISH_PO = r"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=3; plural=(n==1?0:n%10>=2&&n%10<=4&&(n%100<10||n%100>=20)?1:2);\n"

msgid "{count} new update"
msgid_plural "{count} new updates"
msgstr[0] "{count} nowa aktualizacja"
msgstr[1] "{count} nowe aktualizacje"
msgstr[2] "{count} nowych aktualizacji"
"""


@pytest.fixture
def polish(settings, tmp_path):
    """A Polish catalogue of the one plural message, with its own three-form Plural-Forms."""
    out = tmp_path / "pl" / "LC_MESSAGES"
    out.mkdir(parents=True)
    (out / "django.po").write_text(POLISH_PO, encoding="utf-8")
    subprocess.run(
        ["msgfmt", "--check", "-o", str(out / "django.mo"), str(out / "django.po")],
        check=True,
        capture_output=True,
    )
    settings.LOCALE_PATHS = [str(tmp_path)]
    plural_forms.cache_clear()  # read once per language and process: this catalogue is new
    with translation.override("pl"):
        yield
    plural_forms.cache_clear()


@pytest.mark.usefixtures("polish")
def test_a_three_form_language_gets_each_form_from_its_own_catalogue():
    plural = live_script_strings()["newUpdates"]

    assert len(plural["forms"]) == 3
    assert [shown(plural, n) for n in (1, 2, 5, 22, 25, 112, 1000)] == [
        "1 nowa aktualizacja",
        "2 nowe aktualizacje",
        "5 nowych aktualizacji",
        "22 nowe aktualizacje",
        "25 nowych aktualizacji",
        "112 nowych aktualizacji",
        "1000 nowych aktualizacji",
    ]


def po_entries(text: str) -> list[str]:
    return [block for block in text.split("\n\n")[1:] if block.strip()]


def test_german_catalogue_is_complete_and_has_no_fuzzy_entries():
    text = GERMAN_PO.read_text(encoding="utf-8")

    assert len(po_entries(text)) > 300
    assert catalogue_problems(text) == [], catalogue_problems(text)[:3]
    header = GERMAN_PO.read_text(encoding="utf-8").split("\n\n")[0]
    assert "#, fuzzy" not in header and "Plural-Forms: nplurals=2; plural=(n != 1);" in header


def catalogue_problems(text: str) -> list[str]:
    """The entries of a .po file that are fuzzy or have no translation."""
    entries = po_entries(text)
    fuzzy = [entry for entry in entries if re.search(r"^#,.*\bfuzzy\b", entry, re.M)]
    empty = [entry for entry in entries if re.search(r'^msgstr(\[\d\])? ""$(?!\n")', entry, re.M)]
    return fuzzy + empty


def test_every_string_the_code_marks_for_translation_is_in_the_german_catalogue(tmp_path):
    """``makemessages`` run on a copy of the package finds no string the committed catalogue
    lacks (a new ``_()`` or ``{% translate %}`` without its German) and no changed one."""
    xgettext = shutil.which("xgettext")
    if xgettext is None:
        tools.missing("GNU gettext's xgettext is not installed (apt-get install gettext)")
    copy = tmp_path / "wagtail_newsfeed"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    django_admin = Path(sys.executable).with_name("django-admin")
    subprocess.run(
        [str(django_admin), "makemessages", "-l", "de", "--no-obsolete", "-v", "0"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    extracted = (copy / "locale" / "de" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    problems = catalogue_problems(extracted)
    assert problems == [], f"{len(problems)} strings lack a German translation: {problems[:3]}"
    assert len(po_entries(extracted)) == len(po_entries(GERMAN_PO.read_text(encoding="utf-8")))


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
    for german_text in ["Zum Inhalt springen", "Eilmeldung", "Von <bdi", "Veröffentlicht"]:
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
    assert '"newUpdates": {"forms": ["{count} neue Updates", "{count} neues Update"]' in html
    assert "Key events" not in html and "Pinned" not in html


@pytest.mark.django_db
def test_index_page_in_german(client, news_index, german):
    html = client.get(news_index.url).content.decode()

    assert "Artikel durchsuchen" in html and "Noch keine Artikel." in html
