"""URLs and slugs outside ASCII, against the served OpenAPI document, read as strict tools read it.

An editor may type an IRI as a source's website or an embed (``https://例え.jp/ニュース``: Django's
``URLField`` takes it) and a page's slug may be Unicode (``WAGTAIL_ALLOW_UNICODE_SLUGS``). The
schema says ``format: uri``, so the API must give URIs a client can fetch (punycode host,
percent-encoded UTF-8); and a slug parameter's ``pattern`` must accept the server's slugs in
ECMA-262 regex (JSON Schema's dialect, where ``\\w`` is ASCII) as in Python's.

jsonschema-rs (the validator schemathesis runs on responses) checks ``format``; the Python
``jsonschema`` of ``test_api_schema`` checks ``uri`` only with ``rfc3987`` installed.
"""

from __future__ import annotations

import re
from typing import Any

import jsonschema_rs
import pytest
from rest_framework.test import APIClient
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from tests import factories
from wagtail_newsfeed.converters import SlugConverter
from wagtail_newsfeed.serialization import uri

pytestmark = pytest.mark.django_db

API = "/api/newsfeed/v1"
#: What an editor typed: a Unicode host, path and query.
SOURCE_IRI = "https://例え.jp/ニュース?q=café"
#: The same address as a URI: the host in punycode, the rest percent-encoded as UTF-8.
SOURCE_URI = "https://xn--r8jz45g.jp/%E3%83%8B%E3%83%A5%E3%83%BC%E3%82%B9?q=caf%C3%A9"
EMBED_IRI = "https://video.example/watch/ニュース"
EMBED_URI = "https://video.example/watch/%E3%83%8B%E3%83%A5%E3%83%BC%E3%82%B9"


@pytest.fixture(scope="module")
def served_schema(module_transaction) -> dict:
    response = APIClient().get(f"{API}/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def assert_valid(schema: dict, path: str, response: Any) -> None:
    """``response``'s body is what ``schema`` documents for it, with every ``format`` checked."""
    assert response.status_code == 200, response.content[:300]
    documented = schema["paths"][path]["get"]["responses"]["200"]["content"]
    root = {"components": schema["components"], **documented["application/json"]["schema"]}
    validator = jsonschema_rs.Draft202012Validator(root, validate_formats=True)
    errors = [
        f"{list(e.instance_path)}: {e.message[:200]}"
        for e in validator.iter_errors(response.json())
    ]
    assert not errors, (path, errors[:5])


@pytest.fixture
def iri_article(news_index) -> Any:
    """An article with a Unicode slug, credited to a source whose website is an IRI, with that
    source and an IRI embed in its body."""
    source = factories.make_source("Nyūsu", slug="ニュース", url=SOURCE_IRI)
    Embed.objects.create(
        url=EMBED_IRI,
        hash=get_embed_hash(EMBED_IRI),
        type="video",
        html='<iframe src="https://video.example/embed/1"></iframe>',
        title="A video",
    )
    body = [
        {"type": "embed", "value": {"embed": EMBED_IRI, "caption": ""}},
        {"type": "source_credit", "value": {"source": source.pk, "note": ""}},
    ]
    return factories.make_article(news_index, "Café", slug="café", source=source, body=body)


def test_a_source_website_typed_as_an_iri_is_served_as_a_uri(served_schema, iri_article):
    response = APIClient().get(f"{API}/sources/ニュース/")

    assert response.json()["url"] == SOURCE_URI
    assert_valid(served_schema, f"{API}/sources/{{slug}}/", response)


def test_an_embed_typed_as_an_iri_is_served_as_a_uri(iri_article):
    body = APIClient().get(f"{API}/articles/{iri_article.pk}/").json()["body"]

    assert body[0]["value"]["url"] == EMBED_URI
    assert body[1]["value"]["source"]["url"] == SOURCE_URI


@pytest.mark.parametrize(
    "documented", ["articles/{id}/", "articles/", "sources/", "articles/find/"]
)
def test_responses_with_iris_and_unicode_slugs_validate_strictly(
    served_schema, iri_article, documented
):
    client = APIClient()
    path = client.get(f"{API}/articles/{iri_article.pk}/").json()["path"]  # as readers find it
    url = documented.replace("{id}", str(iri_article.pk))
    response = client.get(f"{API}/{url}", {"path": path} if "find" in url else {})

    assert_valid(served_schema, f"{API}/{documented}", response)


def slug_patterns(schema: dict) -> list[str]:
    return [
        parameter["schema"]["pattern"]
        for path, operations in schema["paths"].items()
        for parameter in operations["get"].get("parameters", [])
        if parameter["in"] == "path" and parameter["name"] == "slug"
    ]


def test_slug_parameters_admit_every_server_slug_in_ecma_and_python_regex(served_schema):
    """Each BMP character the server takes in a slug is admitted by the pattern in ECMA-262
    (jsonschema-rs) and Python; in ASCII the pattern is the server's rule exactly."""
    patterns = slug_patterns(served_schema)
    assert len(patterns) == 3  # topics, authors, sources
    server = re.compile(SlugConverter.regex)
    for pattern in set(patterns):
        ecma = jsonschema_rs.Draft202012Validator({"type": "string", "pattern": pattern})
        python = re.compile(pattern)
        for code in range(1, 0xD800):
            char = chr(code)
            if server.fullmatch(char) or code < 0x80:
                accepted = server.fullmatch(char) is not None
                assert ecma.is_valid(char) is accepted, (pattern, hex(code))
                assert (python.search(char) is not None) is accepted, (pattern, hex(code))
        assert ecma.is_valid("ニュース-café_2") and ecma.is_valid("𝒜")
        assert not ecma.is_valid("") and not ecma.is_valid("a/b")


def every_pattern(schema: Any) -> list[str]:
    """Every ``pattern`` in the served schema, parameters and components alike."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                found.append(node["pattern"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return found


def test_no_pattern_admits_a_trailing_newline_in_python_that_ecma_refuses(served_schema):
    """``$`` matches before a final newline in Python's ``re``: a Python client checking a slug,
    path or token with the schema would let "climate\\n" through, which the server refuses."""
    patterns = set(every_pattern(served_schema))
    assert len(patterns) >= 4
    for pattern in patterns:
        python = re.compile(pattern)
        ecma = jsonschema_rs.Draft202012Validator({"type": "string", "pattern": pattern})
        for text in ("climate\n", "/news/x/\n", "abc.def:1\n", "x\n"):
            assert (python.search(text) is not None) is ecma.is_valid(text), (pattern, text)


@pytest.mark.parametrize(
    "typed",
    [
        "https://example.com/100%",
        "https://wire.example/a%zz",
        "https://example.com/a#b#c",
        "https://example.com/a[1]?q=[2]#[3]",
        "https://例え.jp/ニュース?q=café#節",
        "https://user:pä@ss@例え.jp:8443/x",
        "http://[2001:db8::1]:8080/café",
        'https://example.com/a b|c^`d{e}"f<g>h\\i',
        "https://exa%mple.com/",
        "https://" + "ü" * 70 + ".example/",  # not a valid IDN label: percent-encoded
    ],
)
def test_every_url_an_editor_can_save_is_served_as_a_valid_uri(typed):
    strict = jsonschema_rs.Draft202012Validator(
        {"type": "string", "format": "uri"}, validate_formats=True
    )

    served = uri(typed)

    assert strict.is_valid(served), served
    assert uri(served) == served  # a URI comes back unchanged


@pytest.mark.parametrize(
    "valid",
    [
        "https://example.com/caf%C3%A9?q=a%20b&r=1#top",
        "https://xn--r8jz45g.jp/",
        "http://[::1]/",
        "mailto:desk@example.com",
        "https://example.com/a;b=c/d:e@f!$&'()*+,;=~",
    ],
)
def test_a_uri_is_served_as_typed(valid):
    assert uri(valid) == valid
