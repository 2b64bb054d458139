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


#: BeautifulSoup's parser names -> the module that parses: ``BeautifulSoup(html, "lxml")``
#: loads lxml by that name, never by an import the walk could see.
PARSER_MODULES = {"lxml": "lxml", "lxml-xml": "lxml", "xml": "lxml", "html5lib": "html5lib"}
#: Setting values that stand for a package: drf-spectacular's ``"SIDECAR"`` serves the assets of
#: ``drf_spectacular_sidecar``.
SETTING_VALUE_MODULES = {"SIDECAR": "drf_spectacular_sidecar"}
DOTTED_PATH = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
MODULE_NAME = re.compile(r"[A-Za-z_]\w*")


def _text(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _parser_name(call: ast.Call) -> str | None:
    """The ``features`` of ``BeautifulSoup(markup, features)``, by position or keyword."""
    func = call.func
    if (func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)) != "BeautifulSoup":
        return None
    features = call.args[1] if len(call.args) > 1 else None
    return _text(features or next((k.value for k in call.keywords if k.arg == "features"), None))


def string_named_modules(tree: ast.AST, installed: set[str]) -> set[str]:
    """Top-level modules that string constants in ``tree`` load by name rather than import:
    dotted paths (settings and backend defaults, hooks, ``canonical_module_path``), app names
    listed beside them (``INSTALLED_APPS``-like lists), BeautifulSoup parser names and
    ``"SIDECAR"``. A dotted path or a listed name counts only if its top name is ``installed``:
    other dotted strings are hosts, model labels or log actions, and a lone word is just a word."""
    found: set[str] = set()
    for node in ast.walk(tree):
        text = _text(node)
        if text in SETTING_VALUE_MODULES:
            found.add(SETTING_VALUE_MODULES[text])
        elif text and DOTTED_PATH.fullmatch(text) and text.split(".")[0] in installed:
            found.add(text.split(".")[0])
        elif isinstance(node, ast.Call) and _parser_name(node) in PARSER_MODULES:
            found.add(PARSER_MODULES[_parser_name(node)])
        elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            texts = [t for t in map(_text, node.elts) if t]
            if any(DOTTED_PATH.fullmatch(t) and t.split(".")[0] in installed for t in texts):
                found |= {t for t in texts if MODULE_NAME.fullmatch(t) and t in installed}
    return found


def string_named_top_level_names(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Top-level module name -> the files naming it in a string (``string_named_modules``)."""
    installed = set(packages_distributions())
    found: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for module in string_named_modules(tree, installed):
            found.setdefault(module, set()).add(path.name)
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


def undeclared_packages(
    found: dict[str, set[str]], declared: set[str]
) -> dict[str, tuple[list[str], list[str]]]:
    """Top-level module -> (its distributions, the files using it) for each third-party module
    in ``found`` that no ``declared`` distribution provides."""
    distributions = packages_distributions()
    undeclared = {}
    for module, files in found.items():
        if module in sys.stdlib_module_names or module == "wagtail_newsfeed":
            continue
        providers = {normalise(name) for name in distributions.get(module, [])}
        assert providers, f"{module} (used by {sorted(files)}) is not installed at all"
        if not providers & declared:
            undeclared[module] = (sorted(providers), sorted(files))
    return undeclared


def test_every_imported_package_is_declared():
    undeclared = undeclared_packages(imported_top_level_names(), declared_distributions())
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"


def test_every_package_named_in_a_string_is_declared():
    """A parser name, an app in a list of apps, a dotted backend path: loaded by name at run
    time, so just as much a dependency as an import."""
    found = string_named_top_level_names()
    undeclared = undeclared_packages(found, declared_distributions())
    assert not undeclared, f"named but not declared in pyproject.toml: {undeclared}"
    # The walk looks where it should: the WordPress importer's parser and the API docs' assets.
    assert {"lxml", "drf_spectacular_sidecar", "rest_framework"} <= set(found)


def test_the_walk_finds_packages_named_in_strings(tmp_path):
    (tmp_path / "module.py").write_text(
        "from bs4 import BeautifulSoup\n\n"
        "def parse(html):\n    BeautifulSoup(html, 'lxml')\n"
        "    BeautifulSoup(html, features='html5lib')\n    BeautifulSoup(html, 'html.parser')\n"
        "APPS = ['wagtail.images', 'drf_spectacular_sidecar', 'newsroom_app']\n"
        "DEFAULTS = {'BACKEND': 'django.core.cache.backends.redis.RedisCache'}\n"
        "DOCS = {'SWAGGER_UI_DIST': 'SIDECAR'}\n"
        "class Node:\n    __slots__ = ('name', 'attrs')\n"
        "HOST = 'player.vimeo.com'\nCODEC = 'idna'\nLABEL = 'wagtailcore.Page'\n"
    )
    assert set(string_named_top_level_names(tmp_path)) == {
        "lxml",
        "html5lib",
        "wagtail",
        "drf_spectacular_sidecar",
        "django",
    }


def test_a_package_named_only_in_a_string_and_undeclared_is_refused(tmp_path):
    """html5lib is installed (a test dependency's) but not declared by the app."""
    (tmp_path / "module.py").write_text(
        "from bs4 import BeautifulSoup\n\ndef parse(html):\n"
        "    return BeautifulSoup(html, 'html5lib')\n"
    )
    found = string_named_top_level_names(tmp_path)
    assert undeclared_packages(found, declared_distributions()) == {
        "html5lib": (["html5lib"], ["module.py"])
    }
    assert undeclared_packages(found, declared_distributions() | {"html5lib"}) == {}


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
