"""Test data is written the way ``loaddata`` writes fixtures: without updating Wagtail's search
and reference indexes (Wagtail skips both for a fixture's raw saves). Updating them was about a
tenth of the suite's time (measured on SQLite: 1,173 s of test time before, 1,081 s after; three
page-heavy modules 53 s → 42 s), and most tests neither search nor look at usage. What the code
under test saves is indexed exactly as in production.

A test that searches declares it with ``@pytest.mark.indexed`` (or ``pytestmark`` for a whole
module): its test data is then indexed as well, and so are the rows its module builds once
(``module_transaction``) when any test of the module is marked. A search in a test that did not
declare it fails that test (``SearchBackend`` below), even where the code under test catches
the error, so no test can pass because what it looked for was never indexed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import wraps
from typing import Any

# Outside pytest (a process test's servers, a migration check) factories index as production
# does and searching is allowed; tests/conftest.py sets both per test.
_index_test_data = True
_unmarked_searches: list[str] = []
_depth = 0


def index_test_data(on: bool) -> None:
    """Whether this test's factories update the indexes (``True`` for ``indexed`` tests)."""
    global _index_test_data
    _index_test_data = on
    _unmarked_searches.clear()


def unmarked_searches() -> list[str]:
    """The searches run so far by a test not marked ``indexed``."""
    return list(_unmarked_searches)


@contextmanager
def test_data() -> Iterator[None]:
    """Saves inside are test data: indexed only if the test searches. Factories call factories:
    the outermost one pauses the indexes, and they resume when it returns."""
    global _depth
    with ExitStack() as paused:
        if not (_index_test_data or _depth):
            from django.conf import settings
            from django.test import override_settings
            from wagtail.signal_handlers import disable_reference_index_auto_update

            backends = {
                name: {**params, "AUTO_UPDATE": False}
                for name, params in settings.WAGTAILSEARCH_BACKENDS.items()
            }
            paused.enter_context(disable_reference_index_auto_update())
            paused.enter_context(override_settings(WAGTAILSEARCH_BACKENDS=backends))
            paused.enter_context(_search_saves_unheard())
        _depth += 1
        try:
            yield
        finally:
            _depth -= 1


@contextmanager
def _search_saves_unheard() -> Iterator[None]:
    """Without a backend to update, the search index's save handler still runs a task that
    reads the saved row back twice (3 % of a page-heavy module's function calls): it is not
    connected while test data is written, as the reference index's handler is switched off."""
    from django.db.models.signals import post_save
    from wagtail.search.index import get_indexed_models
    from wagtail.search.signal_handlers import post_save_signal_handler

    unheard = [
        model
        for model in get_indexed_models()
        if post_save.disconnect(post_save_signal_handler, sender=model)
    ]
    try:
        yield
    finally:
        for model in unheard:
            post_save.connect(post_save_signal_handler, sender=model)


def builds_test_data(factory: Callable[..., Any]) -> Callable[..., Any]:
    """A factory whose saves are test data (see ``test_data``)."""

    @wraps(factory)
    def build(*args: Any, **kwargs: Any) -> Any:
        with test_data():
            return factory(*args, **kwargs)

    return build


def SearchBackend(params: dict[str, Any]) -> Any:  # noqa: N802 (Wagtail looks this name up)
    """Wagtail's database backend for this database, refusing searches by undeclared tests.
    Wagtail makes a backend for every save and search: the class is made once per vendor."""
    from django.db import connection

    return _declared_backend(connection.vendor)(params)


@functools.cache
def _declared_backend(vendor: str) -> type:
    """The vendor's backend class (Wagtail picks it by making one), refusing undeclared searches."""
    from wagtail.search.backends.database import SearchBackend as database_backend

    class Declared(type(database_backend({}))):
        def _search(self, *args: Any, **kwargs: Any) -> Any:
            if not _index_test_data:
                _unmarked_searches.append(repr(args[1] if len(args) > 1 else kwargs))
                raise AssertionError(
                    "This test searches, but its test data is not indexed: mark it "
                    "@pytest.mark.indexed (tests/indexing.py)."
                )
            return super()._search(*args, **kwargs)

    return Declared
