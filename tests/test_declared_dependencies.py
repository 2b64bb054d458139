"""Every third-party package the app imports is declared in ``pyproject.toml``: a site that
installs ``wagtail-newsfeed`` must not depend on what Wagtail happens to pull in today."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "wagtail_newsfeed"


#: Calls that import the module a string names (importlib's, Django's, pkgutil's, the builtin).
DYNAMIC_IMPORTERS = {"import_module", "import_string", "resolve_name", "__import__"}


def imported_names(tree: ast.AST) -> list[tuple[ast.AST, str]]:
    """(node, dotted name) of every absolute import in ``tree``, wherever it is: ``import``,
    ``from ... import`` and a dynamic import of a literal name (``import_module("redis")``)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node, node.module))
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            arg = node.args[0]
            if (
                called in DYNAMIC_IMPORTERS
                and isinstance(arg, ast.Constant)
                and isinstance(arg.value, str)
                and not arg.value.startswith(".")
            ):
                found.append((node, arg.value.split(":")[0]))
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
    names: set[str] = set()

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
                names.update(name.split(".")[0] for _node, name in imported_names(statement))
                continue
            # A class body, an if, a with, a loop, a try: all run on import.
            inner = statement.body + getattr(statement, "orelse", [])
            inner += getattr(statement, "finalbody", [])
            for part in getattr(statement, "handlers", []) + getattr(statement, "cases", []):
                inner += part.body
            visit(inner)

    visit(tree.body)
    return names


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
    )
    assert imported_on_import(tree) == {"redis", "psycopg", "in_if", "unguarded"}
