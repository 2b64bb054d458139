"""Every third-party package the app imports is declared in ``pyproject.toml``: a site that
installs ``wagtail-newsfeed`` must not depend on what Wagtail happens to pull in today."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from tests.imports import read_imports

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "wagtail_newsfeed"


def imported_names(tree: ast.AST) -> list[tuple[ast.AST, str]]:
    """(node, dotted name) of every absolute import in ``tree``, wherever it is, as
    ``tests.imports`` reads them: ``import``, ``from ... import`` and a dynamic import of a
    literal name (``import_module("redis")``, ``load(name="redis")``). Relative imports are the
    package's own."""
    found, _unreadable = read_imports(tree)
    return found


def imported_top_level_names(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Top-level module name -> the files importing it, for absolute imports anywhere in the
    package (function-level and dynamic imports included)."""
    found: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for _node, name in imported_names(tree):
            found.setdefault(name.split(".")[0], set()).add(path.name)
    return found


def imported_on_import(tree: ast.Module) -> set[str]:
    """Top-level names a module imports as it is imported: at module level or in a class body,
    not inside a function, and not guarded by ``except ImportError``."""
    running: set[int] = set()  # the nodes of the simple statements that run on import

    def visit(statements: list[ast.stmt]) -> None:
        for statement in statements:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if isinstance(statement, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                for h in statement.handlers
            ):
                continue
            if not hasattr(statement, "body"):  # a simple statement
                running.update(id(node) for node in ast.walk(statement))
                continue
            # A class body, an if, a with, a loop, a try: all run on import.
            inner = statement.body + getattr(statement, "orelse", [])
            inner += getattr(statement, "finalbody", [])
            for part in getattr(statement, "handlers", []) + getattr(statement, "cases", []):
                inner += part.body
            visit(inner)

    visit(tree.body)
    # The whole module is read, so an alias made at the top is known where it is called.
    return {name.split(".")[0] for node, name in imported_names(tree) if id(node) in running}


#: Optional features: their packages are imported only when the site configures them.
OPTIONAL_EXTRAS = ("postgres", "redis")


def requirement_names(requirements: list[str]) -> set[str]:
    return {
        normalise(re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0])
        for requirement in requirements
    }


def declared_distributions(extras: tuple[str, ...] = OPTIONAL_EXTRAS) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    return requirement_names(requirements)


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_package_is_declared():
    distributions = packages_distributions()
    declared = declared_distributions()
    undeclared = {}
    for module, files in imported_top_level_names().items():
        if module in sys.stdlib_module_names or module == "wagtail_newsfeed":
            continue
        providers = {normalise(name) for name in distributions.get(module, [])}
        assert providers, f"{module} (imported by {sorted(files)}) is not installed at all"
        if not providers & declared:
            undeclared[module] = (sorted(providers), sorted(files))
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"


def test_the_walk_finds_imports_at_any_depth(tmp_path):
    """Function-level and ``from`` imports count; relative imports are the package's own."""
    (tmp_path / "module.py").write_text(
        "import json\nfrom . import sibling\n\n"
        "def later():\n    from somewhere_else.sub import thing\n    import other as o\n"
    )
    assert set(imported_top_level_names(tmp_path)) == {"json", "somewhere_else", "other"}


def test_the_walk_finds_dynamic_imports_of_a_literal_name(tmp_path):
    (tmp_path / "module.py").write_text(
        "import importlib\nfrom django.utils.module_loading import import_string\n\n"
        "def later(name):\n    importlib.import_module('dynamic_one.sub')\n"
        "    import_string('dynamic_two.Class')\n    __import__('dynamic_three')\n"
        "    importlib.import_module(name)\n    importlib.import_module('.sibling', 'pkg')\n"
    )
    assert set(imported_top_level_names(tmp_path)) == {
        "importlib",
        "django",
        "dynamic_one",
        "dynamic_two",
        "dynamic_three",
    }


def test_the_walk_finds_aliased_and_keyword_dynamic_imports(tmp_path):
    """The forms the layer test's walk reads, read the same way here (``tests.imports``)."""
    (tmp_path / "module.py").write_text(
        "import importlib\nfrom importlib import import_module as load\n"
        "from django.utils.module_loading import import_string\n\n"
        "def later():\n    load('aliased')\n    importlib.import_module(name='keyword')\n"
        "    __import__(name='builtin_keyword')\n    import_string(dotted_path='path.Class')\n"
        "    fetch = importlib.import_module\n    fetch('assigned')\n"
        "    getattr(importlib, 'import_module')('by_getattr')\n"
    )
    found = set(imported_top_level_names(tmp_path)) - {"importlib", "django"}
    assert found == {"aliased", "keyword", "builtin_keyword", "path", "assigned", "by_getattr"}


def test_an_optional_package_is_imported_only_where_its_feature_is_used():
    """``redis`` and ``psycopg`` come with extras: importing any module of the app must work
    without them, so they are imported inside the functions that need them (or guarded)."""
    distributions = packages_distributions()
    core = declared_distributions(extras=())
    optional = declared_distributions() - core
    at_import = {}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for module in imported_on_import(tree):
            providers = {normalise(name) for name in distributions.get(module, [])}
            if providers & optional and not providers & core:
                at_import.setdefault(module, []).append(str(path.relative_to(ROOT)))
    assert at_import == {}
    # The check looks where it should: the Redis cache backend does import redis, in functions.
    assert "redis" in imported_top_level_names()


def test_imports_at_import_time_skip_functions_and_guarded_ones():
    tree = ast.parse(
        "import redis\nclass A:\n    import psycopg\n"
        "if True:\n    import in_if\n"
        "try:\n    import guarded\nexcept ImportError:\n    guarded = None\n"
        "try:\n    import unguarded\nexcept ValueError:\n    pass\n"
        "def f():\n    import inside\n"
        "class B:\n    def method(self):\n        import in_method\n"
        "from importlib import import_module as load\nload('aliased_on_import')\n"
        "def g():\n    load('aliased_in_function')\n"
    )
    found = imported_on_import(tree) - {"importlib"}
    assert found == {"redis", "psycopg", "in_if", "unguarded", "aliased_on_import"}
