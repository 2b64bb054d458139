"""Guards on how tests and code are written, checked on the source so a slip fails at once.

(a) A test must assert the exact status it expects: ``status_code < 500`` or ``!= 500`` passes on
a 404 where a 400 was due (or on a 200 that leaked), so it proves only that nothing crashed; an
``assert`` of ``!= 200``, ``>= 400``, ``in (400, 404)``, ``in range(400, 500)`` or ``// 100 == 4``
passes on a 500.
(b) The app must not reach into another object's private attributes: they change without notice
between Django or Wagtail releases. Names that frameworks document as public despite the
underscore are allowed, each with its reason."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
PACKAGE = ROOT / "wagtail_newsfeed"
THIS_FILE = Path(__file__).resolve()

# ---------------------------------------------------------------------------------------------
# (a) loose status assertions

# ``status < 500``, ``status <= 499`` and ``status != 500``, either way round, anywhere.
LOOSE = {(ast.Lt, 500), (ast.LtE, 499), (ast.NotEq, 500)}
MIRRORED = {ast.Gt: ast.Lt, ast.GtE: ast.LtE, ast.NotEq: ast.NotEq}
# In an ``assert``: any comparison of a status but ``==`` (and ``in`` one code) is a range.
RANGES = (ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.NotIn)


def _names_a_status(node: ast.expr) -> bool:
    """``response.status_code``, ``status``, ``answer["status"]``, ``r.status`` and the like."""
    if isinstance(node, ast.Attribute):
        name = node.attr
    elif isinstance(node, ast.Name):
        name = node.id
    elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        name = str(node.slice.value)
    elif isinstance(node, ast.Call):
        return _names_a_status(node.func)
    else:
        return False
    return "status" in name.lower()


def _is_int(node: ast.expr) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def _codes(node: ast.expr) -> list[int] | None:
    """The status codes a literal names: ``404``, ``(400, 404)``, ``{301, 302}``, ``range(...)``
    (every code in it); ``None`` for anything else (a named set, such as the write fuzzer's
    ``allowed``, is a list the test has written down and explains)."""
    if _is_int(node) is not None:
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        codes = [_is_int(element) for element in node.elts]
        return None if None in codes else codes
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range":
        return [0, 0]  # more than one, whatever its bounds
    return None


def _ranges_a_status(left: ast.expr, op: ast.cmpop, right: ast.expr) -> bool:
    """Whether ``left op right`` in an assert accepts more than one status: an inequality or an
    order with a code, ``in`` several codes, or a status class (``status // 100 == 4``)."""
    for status, other in ((left, right), (right, left)):
        floor = isinstance(status, ast.BinOp) and isinstance(status.op, ast.FloorDiv)
        if floor and _names_a_status(status.left):
            return True
        if not _names_a_status(status) or (codes := _codes(other)) is None:
            continue
        if isinstance(op, RANGES) or (isinstance(op, ast.In) and len(codes) > 1):
            return True
    return False


def loose_status_checks(source: str, filename: str = "<test>") -> Iterator[str]:
    """Each comparison of a status value in ``source`` that accepts a range of statuses: ``< 500``
    and ``!= 500`` anywhere, and any comparison but ``==`` (or ``in`` one code) in an ``assert``.

    Outside an ``assert`` a range is the test's own control flow (``if status != 200: retry``,
    ``if status >= 500: report``), which asserts nothing. Several redirects (``in (301, 302)``)
    count as a range too: a 301 is cached by browsers for good and a 302 is not, so a test pins
    which one the app sends."""
    tree = ast.parse(source, filename)
    asserted = {
        id(node)
        for statement in ast.walk(tree)
        if isinstance(statement, ast.Assert)
        for node in ast.walk(statement.test)
    }
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for left, op, right in zip(operands, node.ops, operands[1:], strict=False):
            status_first = _names_a_status(left) and (type(op), _is_int(right)) in LOOSE
            mirrored = MIRRORED.get(type(op))
            status_last = _names_a_status(right) and (mirrored, _is_int(left)) in LOOSE
            ranged = id(node) in asserted and _ranges_a_status(left, op, right)
            if status_first or status_last or ranged:
                yield f"{filename}:{node.lineno}: {ast.unparse(node)}"
                break


def test_no_test_accepts_a_range_of_statuses():
    found = [
        hit
        for path in sorted(TESTS.rglob("*.py"))
        if path.resolve() != THIS_FILE
        for hit in loose_status_checks(path.read_text(), str(path.relative_to(ROOT)))
    ]
    assert found == [], "assert the exact status instead:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        "assert response.status_code < 500",
        "assert response.status_code != 500",
        "assert 500 > response.status_code",
        "assert 500 != r.status",
        "assert status <= 499",
        "assert 200 <= response.status_code < 500",
        "assert answer['status'] < 500",
        "assert response.status_code != 200",
        "assert 200 != response.status_code",
        "assert response.status_code != 304, url",
        "assert response.status_code >= 400",
        "assert response.status_code > 399",
        "assert response.status_code < 501",
        "assert 400 <= response.status_code",
        "assert response.status_code in (400, 404)",
        "assert response.status_code in [400, 404]",
        "assert response.status_code in {400, 404}",
        "assert response.status_code not in (500, 502)",
        "assert response.status_code not in (500,)",
        "assert response.status_code in range(400, 500)",
        "assert response.status_code // 100 == 4",
        "assert 4 == response.status_code // 100",
        "assert response.status_code in (301, 302)",  # a 301 is cached for good; pin which
        "assert ok and response.status_code != 200",
        "assert varnish.fresh(path).status != 200",
    ],
)
def test_the_status_rule_catches_loose_checks(source):
    assert list(loose_status_checks(source)) != []


@pytest.mark.parametrize(
    "source",
    [
        "assert response.status_code == 400",
        "assert response.status_code == (404 if gone else 200)",
        "assert response.status_code in (404,)",
        "assert status in allowed, status",  # a named list the test explains (the write fuzzer)
        "if response.status_code >= 500: pass",  # flags a crash, asserts nothing loose
        "if response.status != 200: continue",  # a retry loop's own control flow
        "failed = [r for r in responses if r.status != 201]",  # then: assert failed == []
        "assert len(items) < 500",
        "assert len(items) != 200",
        "assert page // 100 == 4",
        "answer = b'ok' if status < 300 else b'broke'",
    ],
)
def test_the_status_rule_leaves_exact_checks_alone(source):
    assert list(loose_status_checks(source)) == []


# ---------------------------------------------------------------------------------------------
# (b) private attributes of other objects

ALLOWED_PRIVATE = {
    # Django documents these as public API despite the underscore:
    "_meta",  # the Model _meta API (docs: ref/models/meta)
    "_default_manager",  # for code that handles any model (docs: topics/db/managers)
    "_state",  # Model._state.adding / .db (docs: ref/models/instances, "Model._state")
    # Python documents this namedtuple method as public; the underscore only avoids field names:
    "_replace",  # urlsplit() result ._replace(query=...) (docs: collections.namedtuple)
    # The app's own notes on an instance, carried from a pre_save to the post_save of that same
    # instance; named ``_newsfeed_*`` so they cannot clash with the model's fields or Wagtail's.
    # Nothing of another library's private state is read.
    "_newsfeed_visible",  # webhooks/access.py: pages visible before a view restriction is added
    "_newsfeed_was_live",  # webhooks/events.py: first publication or update, for page_published
    "_newsfeed_listed_before",  # signal_handlers.py: the listings an article leaves, to purge
    "_newsfeed_url_path_before",  # webhooks/events.py: where a renamed page was, for its paths
    "_newsfeed_slug_before",  # webhooks/events.py: a renamed topic's old API URL
    "_newsfeed_byline_before",  # signal_handlers.py: what bylines showed of a renamed author
}
ATTRIBUTE_FUNCTIONS = {"getattr", "setattr", "hasattr", "delattr"}


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _is_own(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id in ("self", "cls")


def private_reaches(source: str, filename: str = "<module>") -> Iterator[tuple[str, str]]:
    """``(name, where)`` for each private attribute of something other than ``self``/``cls``
    that ``source`` reads or writes, as ``obj._name`` or ``getattr(obj, "_name")``."""
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Attribute) and _is_private(node.attr) and not _is_own(node.value):
            yield node.attr, f"{filename}:{node.lineno}: {ast.unparse(node)}"
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ATTRIBUTE_FUNCTIONS
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and _is_private(node.args[1].value)
            and not _is_own(node.args[0])
        ):
            yield node.args[1].value, f"{filename}:{node.lineno}: {ast.unparse(node)}"


def _package_reaches() -> list[tuple[str, str]]:
    return [
        reach
        for path in sorted(PACKAGE.rglob("*.py"))
        for reach in private_reaches(path.read_text(), str(path.relative_to(ROOT)))
    ]


def test_the_app_reads_and_writes_no_private_attribute_of_another_object():
    found = [where for name, where in _package_reaches() if name not in ALLOWED_PRIVATE]
    assert found == [], "use a public API, or justify the name in ALLOWED_PRIVATE:\n" + "\n".join(
        found
    )


def test_every_allowed_private_name_is_still_used():
    """A name no longer used leaves the allowlist, so it cannot hide a later reach."""
    assert {name for name, _where in _package_reaches()} >= ALLOWED_PRIVATE


@pytest.mark.parametrize(
    "source",
    [
        "page._cache = None",
        "x = request._messages",
        "getattr(page, '_revisions', None)",
        "setattr(obj, '_seen', True)",
        "super()._setup()",
    ],
)
def test_the_private_rule_catches_reaches(source):
    assert [name for name, _ in private_reaches(source)] != []


@pytest.mark.parametrize(
    "source",
    [
        "self._cache = None",
        "cls._registry = {}",
        "model.__name__",
        "page.title",
        "getattr(page, 'title', '')",
    ],
)
def test_the_private_rule_leaves_own_and_public_attributes_alone(source):
    assert list(private_reaches(source)) == []
