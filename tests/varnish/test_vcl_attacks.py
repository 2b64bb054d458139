"""The shipped VCL against readers who try to get a copy cached that others, or a purge, would
not expect: other spellings of the host and path, headers that move the app's absolute URLs,
Accept parameters, and a purge relayed by a proxy in front. Each runs against the real app."""

from __future__ import annotations

import gzip
import socket

import pytest

from tests.varnish.proxy import HOST

pytestmark = [pytest.mark.processes, pytest.mark.varnish]


def raw_get(varnish, request_line: str, host: str = HOST) -> tuple[int, str]:
    """A GET whose request line is sent as written (http.client would rewrite it): the status
    and ``X-Cache``."""
    with socket.create_connection(("127.0.0.1", varnish.port), timeout=30) as connection:
        connection.sendall(f"{request_line}\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in head[1:])
    return int(head[0].split()[1]), headers.get("X-Cache", "")


def test_a_purge_reaches_the_copy_cached_under_another_spelling_of_the_host(
    varnish, helper, newsroom
):
    article = helper("article", index=newsroom["index"])
    varnish.cached(article["path"], headers={"Host": "LocalHost."})

    helper("unpublish", page=article["id"])

    assert varnish.get(article["path"], headers={"Host": "LocalHost."}).status == 404


def test_a_purge_reaches_the_copy_cached_for_an_absolute_request_line(varnish, helper, newsroom):
    article = helper("article", index=newsroom["index"])
    line = f"GET http://{HOST}{article['path']} HTTP/1.1"
    assert raw_get(varnish, line) == (200, "MISS")
    assert raw_get(varnish, line) == (200, "HIT")

    helper("unpublish", page=article["id"])

    assert raw_get(varnish, line)[0] == 404


def test_an_absolute_request_line_is_routed_by_its_own_rules(varnish, servers):
    """The admin is the app's, however the request line names it."""
    assert raw_get(varnish, f"GET http://{HOST}/admin/login/ HTTP/1.1") == (200, "PASS")


@pytest.mark.parametrize("scheme", ["https", "HTTPS", "ftp", "x-y.z"])
def test_a_request_line_with_another_scheme_is_refused(varnish, helper, newsroom, scheme):
    """Varnish takes the host from an ``http://`` request line only: another scheme's line went to
    the app as written, was served by its path and cached where no purge of it reached."""
    article = helper("article", index=newsroom["index"])
    line = f"GET {scheme}://{HOST}{article['path']} HTTP/1.1"
    assert raw_get(varnish, line)[0] == 400
    assert raw_get(varnish, f"GET {article['path']} HTTP/1.1")[0] == 200


@pytest.mark.parametrize("spelling", ["letter", "slash"])
def test_a_percent_encoded_spelling_of_a_path_is_never_cached(varnish, helper, newsroom, spelling):
    article = helper("article", index=newsroom["index"])
    path = article["path"]
    if spelling == "letter":
        encoded = f"/%{ord(path[1]):02X}{path[2:]}"  # /%6Eews-1/... is /news-1/... to Wagtail
    else:
        encoded = path[:-1].replace("/", "%2F").replace("%2F", "/", 1) + "/"  # /news-1%2Fx/
    assert varnish.get(encoded).status == 200
    assert varnish.get(encoded).headers["X-Cache"] == "PASS"

    helper("unpublish", page=article["id"])

    assert varnish.get(encoded).status == 404


def test_forwarded_proto_keeps_http_and_https_copies_apart(varnish, helper, newsroom):
    """With ``SECURE_PROXY_SSL_HEADER`` (tests/varnish/settings.py), as docs/configuration.md
    asks behind a TLS proxy, the API's next link follows X-Forwarded-Proto."""
    feed = helper("feed", index=newsroom["index"])
    helper("entry", feed=feed["id"])
    helper("entry", feed=feed["id"])
    path = f"/api/newsfeed/v1/feeds/{feed['id']}/entries/?limit=1"
    plain = varnish.cached(path)
    assert plain.json()["next"].startswith("http://")

    secure = varnish.get(path, headers={"X-Forwarded-Proto": "https"})

    assert secure.json()["next"].startswith("https://")
    assert varnish.get(path, headers={"X-Forwarded-Proto": "https"}).headers["X-Cache"] == "HIT"


def test_forwarded_host_does_not_move_the_cached_links(varnish, helper, newsroom):
    """With ``USE_X_FORWARDED_HOST`` (tests/varnish/settings.py) Django would build the API's
    links from a reader's X-Forwarded-Host, and the copy would be everyone's."""
    feed = helper("feed", index=newsroom["index"])
    helper("entry", feed=feed["id"])
    helper("entry", feed=feed["id"])
    path = f"/api/newsfeed/v1/feeds/{feed['id']}/entries/?limit=1"
    varnish.get(path, headers={"X-Forwarded-Host": "127.0.0.1"})

    shared = varnish.get(path)

    assert shared.headers["X-Cache"] == "HIT"
    assert shared.json()["next"].startswith(f"http://{HOST}/")


def test_an_accept_indent_does_not_shape_the_cached_json(varnish, servers):
    path = "/api/newsfeed/v1/topics/?limit=3"
    first = varnish.get(path, headers={"Accept": "application/json; indent=8"})
    assert first.headers["X-Cache"] == "MISS"

    shared = varnish.get(path)

    assert shared.headers["X-Cache"] == "HIT"
    assert b"\n" not in shared.body


def test_a_purge_relayed_by_a_proxy_in_front_is_refused(varnish, servers):
    """A TLS terminator on the Varnish host connects from 127.0.0.1 (in the ACL) for every
    reader; it appends the reader's address to X-Forwarded-For."""
    path = "/api/newsfeed/v1/articles/?limit=4"
    varnish.cached(path)

    relayed = varnish.request("PURGE", path, headers={"X-Forwarded-For": "203.0.113.9"})

    assert relayed.status == 405
    assert varnish.get(path).headers["X-Cache"] == "HIT"


def test_a_purge_from_outside_the_acl_is_refused_whatever_it_claims(varnish, servers):
    path = "/api/newsfeed/v1/articles/?limit=3"
    varnish.cached(path)

    spoofed = varnish.request(
        "PURGE", path, headers={"X-Forwarded-For": "127.0.0.1"}, source="127.0.0.2"
    )

    assert spoofed.status == 405
    assert varnish.get(path).headers["X-Cache"] == "HIT"


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer not-a-token"},
        {"Cookie": "sessionid=abc; csrftoken=x"},
    ],
)
def test_a_signed_in_request_is_passed_and_leaves_the_page_cacheable(
    varnish, helper, newsroom, headers
):
    article = helper("article", index=newsroom["index"])

    signed_in = varnish.get(article["path"], headers=headers)

    assert signed_in.headers["X-Cache"] == "PASS"
    varnish.cached(article["path"])  # no hit-for-pass left behind for anonymous readers


def test_a_cookie_that_only_looks_like_the_session_is_dropped(varnish, helper, newsroom):
    article = helper("article", index=newsroom["index"])
    varnish.cached(article["path"])

    lookalike = varnish.get(article["path"], headers={"Cookie": "xsessionid=1; _ga=GA1.2"})

    assert lookalike.headers["X-Cache"] == "HIT"
    assert "Set-Cookie" not in lookalike.headers


def test_a_preview_is_never_cached(varnish, servers):
    path = "/api/newsfeed/v1/preview/?token=forged"
    answers = [varnish.get(path) for _ in range(2)]

    assert [(a.status, a.headers["X-Cache"]) for a in answers] == [(403, "PASS")] * 2
    assert "no-store" in answers[1].headers["Cache-Control"]


def test_text_is_kept_and_sent_gzipped(varnish, helper, newsroom):
    article = helper("article", index=newsroom["index"])
    plain = varnish.get(article["path"])

    zipped = varnish.get(article["path"], headers={"Accept-Encoding": "gzip"})

    assert (zipped.headers["X-Cache"], zipped.headers["Content-Encoding"]) == ("HIT", "gzip")
    assert gzip.decompress(zipped.body) == plain.body
    assert "Content-Encoding" not in varnish.get(article["path"]).headers


def test_the_app_answers_one_shape_of_json_whatever_the_accept_header(servers):
    """Django side, for a CDN that does not rewrite Accept: a public answer must not follow the
    client's ``indent``, or the first client's choice is cached for everyone. Needs the API's
    renderer to ignore it (``wagtail_newsfeed/api/base.py``)."""
    path = "/api/newsfeed/v1/topics/?limit=1"

    indented = servers[0].request(
        "GET", path, headers={"Accept": "application/json; indent=8", "Host": HOST}
    )

    assert "public" in indented.headers["Cache-Control"]
    assert b"\n" not in indented.body


@pytest.mark.parametrize(
    "header",
    [
        ("SCRIPT_NAME", "/evil"),  # gunicorn takes it from a trusted proxy: every URL moves
        ("X-Forwarded-Ssl", "on"),  # gunicorn's secure-scheme headers: every URL says https
        ("X-Forwarded-Protocol", "ssl"),
    ],
)
def test_headers_the_app_server_trusts_from_varnish_do_not_move_the_cached_links(
    varnish, helper, newsroom, header
):
    feed = helper("feed", index=newsroom["index"])
    helper("entry", feed=feed["id"])
    helper("entry", feed=feed["id"])
    path = f"/api/newsfeed/v1/feeds/{feed['id']}/entries/?limit=1"
    poisoned = varnish.get(path, headers=dict([header]))

    shared = varnish.get(path)

    expected = f"http://{HOST}/api/newsfeed/v1/feeds/{feed['id']}/entries/?"
    assert poisoned.json()["next"].startswith(expected)
    assert shared.headers["X-Cache"] == "HIT"
    assert shared.json()["next"].startswith(expected)


def test_a_fragment_in_the_request_line_shares_the_page_and_its_purge(varnish, helper, newsroom):
    article = helper("article", index=newsroom["index"])
    varnish.cached(article["path"])

    assert raw_get(varnish, f"GET {article['path']}#comments HTTP/1.1") == (200, "HIT")
    helper("unpublish", page=article["id"])
    assert raw_get(varnish, f"GET {article['path']}#comments HTTP/1.1")[0] == 404


def test_a_long_query_is_answered_or_refused_never_an_error(varnish, servers):
    """Varnish refuses a request line over ``http_req_hdr_len`` (8 KB) itself; below that, the
    query's rewrites (tracking parameters dropped, the rest sorted) must fit the workspace."""
    for size in (2_000, 4_000, 8_000, 20_000):
        parameters = [f"p{n:05}=x&utm_source=y" for n in range(size // 24)]
        query = "&".join(reversed(parameters))

        answer = varnish.get(f"/api/newsfeed/v1/articles/?{query}")

        assert answer.status == (414 if size > 8_000 else 200), size
    assert varnish.get("/api/newsfeed/v1/articles/?limit=2").status == 200


def raw_request(varnish, request: str) -> tuple[int, str]:
    """``request`` (head lines, without the blank line) sent as written: status and ``X-Cache``."""
    with socket.create_connection(("127.0.0.1", varnish.port), timeout=30) as connection:
        connection.sendall(f"{request}\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in head[1:] if ": " in line)
    return int(head[0].split()[1]), headers.get("X-Cache", "")


def test_a_request_without_a_host_is_never_cached_where_no_purge_reaches(varnish, helper, newsroom):
    """A copy cached for an empty host is one no purge names: a page made private stayed there
    (and, from grace, for as long as the app servers were down)."""
    article = helper("article", index=newsroom["index"])
    assert raw_request(varnish, f"GET {article['path']} HTTP/1.1")[0] == 400
    assert raw_request(varnish, f"GET {article['path']} HTTP/1.0") == (200, "PASS")
    assert raw_request(varnish, f"GET {article['path']} HTTP/1.0") == (200, "PASS")

    helper("unpublish", page=article["id"])

    assert raw_request(varnish, f"GET {article['path']} HTTP/1.0")[0] == 404


def test_a_request_for_several_ranges_gets_the_whole_answer(varnish, helper, newsroom):
    """Varnish serves one range; for several it answered an empty 416."""
    article = helper("article", index=newsroom["index"])
    whole = varnish.cached(article["path"])

    for _ in range(2):  # a miss, then a hit
        ranged = varnish.get(article["path"], headers={"Range": "bytes=0-10,20-30"})
        assert (ranged.status, ranged.body) == (200, whole.body)
    assert varnish.get(article["path"], headers={"Range": "bytes=0-9"}).status == 206


def test_a_parameter_given_twice_keeps_the_value_the_app_reads(varnish, helper, newsroom):
    """Django reads the last value of a repeated parameter; sorting the pairs (limit=1&limit=2
    for limit=2&limit=1) changed which one that was."""
    for _ in range(2):
        helper("article", index=newsroom["index"])

    for query, count in (("limit=2&limit=1", 1), ("limit=1&limit=2", 2)):
        answer = varnish.get(f"/api/newsfeed/v1/articles/?{query}")
        assert len(answer.json()["results"]) == count, query
