"""The package's layers (docs/architecture.md): a module imports only from its own layer or a lower
one, at any depth, function-level imports included. The models never reach the admin, views,
forms or API; the admin and the API reach the models from their side.

``LAYERS`` is the one list of which module belongs where; a new module must be placed in it.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from collections import deque
from pathlib import Path

import pytest

import wagtail_newsfeed
from tests.imports import read_imports

PACKAGE = "wagtail_newsfeed"
PACKAGE_DIR = Path(wagtail_newsfeed.__file__).parent

# Lowest first. Names are relative to the package; a name covers its submodules unless a longer
# name says otherwise ("webhooks.viewsets" is a surface, the rest of ``webhooks`` is not).
LAYERS: dict[str, tuple[str, ...]] = {
    "foundation": (
        "",  # the package's __init__
        "conf",
        "converters",
        "local_time",
        "xml",
        "rich_text",
        "tables",
        "rendering",
        "names",
        "log_actions",
        "sessions",
    ),
    "models and rules": (
        "models",
        "migrations",
        "blocks",
        "embeds",
        "serialization",
        "body_references",
        "validation",
        "body_walk",
        "stored_bodies",
        "choosing",
        "invalidation",
        "visibility",
        "links",
        "entry_rules",
        "delta",
        "live_page",
        "search",
        "preview",
        "http_caching",
        "caching",
        "cache_backends",
        "fragments",
        "sites",
        "coverage",
        "copying",
        "webhooks",
    ),
    "surfaces": (
        "api",
        "views",
        "templatetags",
        "management",
        "wordpress",
        "modeladmin",
        "forms",
        "console_forms",
        "panels",
        "wagtail_hooks",
        "urls",
        "syndication",
        "jsonld",
        "sitemaps",
        "purging",
        "problems",
        "checks",
        "middleware",
        "demo",
        "webhooks.viewsets",
    ),
    "wiring": ("apps", "signal_handlers"),
}


def module_names(package_dir: Path, package: str) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    names = {}
    for path in package_dir.rglob("*.py"):
        parts = [package, *path.relative_to(package_dir).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def package_imports(path: Path, here: str, package: str) -> tuple[set[str], list[str]]:
    """The dotted names of ``package`` the module at ``path`` imports (``tests.imports``), and
    the lines of dynamic imports whose name cannot be read: those would hide an edge."""
    found, unreadable = read_imports(ast.parse(path.read_text(), str(path)), here)
    return {name for _node, name in found if name.split(".")[0] == package}, unreadable


def build_import_graph(package_dir: Path, package: str) -> dict[str, set[str]]:
    """Module -> the package's modules it imports, read from the source with ``ast``
    (``tests.imports``). Importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` first, so a
    module also depends on its own and its imports' parent packages (and so on whatever a
    package's ``__init__`` re-exports)."""
    modules = module_names(package_dir, package)

    def closest(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    def with_parents(name: str | None) -> set[str]:
        found = set()
        while name:
            if name in modules:
                found.add(name)
            name = name.rpartition(".")[0]
        return found

    graph = {}
    for name, path in modules.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = with_parents(name.rpartition(".")[0])
        imported, _unreadable = package_imports(path, here, package)
        for target in imported:
            targets |= with_parents(closest(target))
        targets.discard(name)
        graph[name] = targets
    return graph


def unreadable_imports(package_dir: Path, package: str) -> dict[str, list[str]]:
    """Module -> its dynamic imports of a name the walk cannot read (not a literal)."""
    found = {}
    for name, path in module_names(package_dir, package).items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        _names, unreadable = package_imports(path, here, package)
        if unreadable:
            found[name] = unreadable
    return found


def layer_of(module: str, layers: dict[str, tuple[str, ...]] = LAYERS) -> str | None:
    """The layer whose longest name covers ``module`` (relative to the package)."""
    relative = module.partition(".")[2]
    best, best_length = None, -1
    for layer, names in layers.items():
        for name in names:
            covers = relative == name if name == "" else (relative + ".").startswith(name + ".")
            if covers and len(name) > best_length:
                best, best_length = layer, len(name)
    return best


def layer_violations(
    graph: dict[str, set[str]], layers: dict[str, tuple[str, ...]] = LAYERS
) -> list[str]:
    """One line per module that reaches a higher layer, with the shortest import chain."""
    rank = {layer: position for position, layer in enumerate(layers)}
    problems = [
        f"{module} is in no layer: add it to LAYERS and docs/architecture.md"
        for module in sorted(graph)
        if layer_of(module, layers) is None
    ]
    if problems:
        return problems
    for start in sorted(graph):
        start_rank = rank[layer_of(start, layers)]
        came_from: dict[str, str | None] = {start: None}
        queue = deque([start])
        while queue:
            module = queue.popleft()
            if rank[layer_of(module, layers)] > start_rank:
                chain = [module]
                while came_from[chain[-1]] is not None:
                    chain.append(came_from[chain[-1]])
                problems.append(
                    f"{layer_of(start, layers)} reaches {layer_of(module, layers)}: "
                    + " -> ".join(reversed(chain))
                )
                break
            # Reverse order: a chain names ``api.fields`` rather than the ``api`` package.
            for imported in sorted(graph.get(module, ()), reverse=True):
                if imported not in came_from:
                    came_from[imported] = module
                    queue.append(imported)
    return problems


def test_no_module_imports_a_higher_layer_at_any_depth():
    assert layer_violations(build_import_graph(PACKAGE_DIR, PACKAGE)) == []


def test_models_reach_no_admin_view_form_or_api_module():
    graph = build_import_graph(PACKAGE_DIR, PACKAGE)
    # From every module under models/, not only those its __init__ imports.
    models = [name for name in graph if (name + ".").startswith(f"{PACKAGE}.models.")]
    reached, queue = set(), deque(models)
    while queue:
        for imported in graph[queue.popleft()] - reached:
            reached.add(imported)
            queue.append(imported)
    surfaces = {module for module in reached if layer_of(module) in ("surfaces", "wiring")}
    assert surfaces == set()
    # The walk sees through function-level imports: the models call the rules from methods.
    assert f"{PACKAGE}.visibility" in reached


def test_a_function_level_import_of_a_higher_layer_is_caught(tmp_path):
    package = tmp_path / "pkg"
    (package / "models").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "panels.py").write_text("")
    (package / "visibility.py").write_text("from .models import Page\n")
    (package / "models" / "__init__.py").write_text("from .live import Page\n")
    (package / "models" / "live.py").write_text(
        "class Page:\n    def panel(self):\n        from .. import visibility\n"
        "        from ..panels import Panel\n"
    )
    layers = {
        "foundation": ("",),
        "models and rules": ("models", "visibility"),
        "surfaces": ("panels",),
    }

    graph = build_import_graph(package, "pkg")

    assert graph["pkg.models.live"] == {"pkg", "pkg.models", "pkg.visibility", "pkg.panels"}
    assert layer_violations(graph, layers) == [
        "models and rules reaches surfaces: pkg.models -> pkg.models.live -> pkg.panels",
        "models and rules reaches surfaces: pkg.models.live -> pkg.panels",
        "models and rules reaches surfaces: pkg.visibility -> pkg.models -> pkg.models.live"
        " -> pkg.panels",
    ]
    (package / "models" / "live.py").write_text(
        "class Page:\n    def panel(self):\n        from .. import visibility\n"
    )
    assert layer_violations(build_import_graph(package, "pkg"), layers) == []


#: Ways a model module could reach the API, each the only import of ``pkg/models/live.py``
#: (or of a module it imports): the walk must see every one.
HIDDEN_IMPORTS = {
    "relative from parent": "from ..api import fields\n",
    "relative from package": "from .. import api\n",
    "relative module of a relative package": "from ..api.fields import Field\n",
    "absolute, aliased": "import pkg.api.fields as f\n",
    "absolute from": "from pkg.api.fields import Field\n",
    "function level": "def f():\n    from ..api import fields\n",
    "method level": "class A:\n    def f(self):\n        import pkg.api\n",
    "class body": "class A:\n    from ..api import fields\n",
    "type checking": (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..api import fields\n"
    ),
    "try/except": "try:\n    from ..api import fields\nexcept ImportError:\n    pass\n",
    "import_module": "import importlib\nimportlib.import_module('pkg.api.fields')\n",
    "import_module, aliased": "from importlib import import_module as load\nload('pkg.api')\n",
    "import_module, relative": (
        "from importlib import import_module\nimport_module('..api', __package__)\n"
    ),
    "import_module, package=": (
        "import importlib\nimportlib.import_module('.api.fields', package='pkg')\n"
    ),
    "import_string": (
        "from django.utils.module_loading import import_string\n"
        "import_string('pkg.api.fields.Field')\n"
    ),
    "__import__": "__import__('pkg.api.fields')\n",
    "__import__, name=": "__import__(name='pkg.api.fields')\n",
    "import_module, name=": "import importlib\nimportlib.import_module(name='pkg.api.fields')\n",
    "import_module, name= and package=": (
        "import importlib\nimportlib.import_module(package='pkg', name='.api')\n"
    ),
    "import_string, dotted_path=": (
        "from django.utils.module_loading import import_string\n"
        "import_string(dotted_path='pkg.api.fields.Field')\n"
    ),
    "import_module, assigned": (
        "import importlib\nload = importlib.import_module\nload('pkg.api')\n"
    ),
    "import_module, assigned twice": (
        "from importlib import import_module\nload = import_module\nagain = load\n"
        "again('pkg.api')\n"
    ),
    "__import__, assigned in a function": "def f():\n    load = __import__\n    load('pkg.api')\n",
    "import_module, by getattr": (
        "import importlib\ngetattr(importlib, 'import_module')('pkg.api.fields')\n"
    ),
    "pkgutil.resolve_name": "import pkgutil\npkgutil.resolve_name('pkg.api.fields:Field')\n",
    "import_module in a walrus": (
        "from importlib import import_module\nif (m := import_module('pkg.api')):\n    pass\n"
    ),
    "import_module, relative, in a walrus": (
        "import importlib\n(m := importlib.import_module('..api', __package__))\n"
    ),
    "getattr of what import_module returns": (
        "from importlib import import_module\n"
        "Field = getattr(import_module('pkg.api.fields'), 'Field')\n"
    ),
    "getattr of what import_string returns": (
        "from django.utils.module_loading import import_string\n"
        "name = getattr(import_string('pkg.api.fields.Field'), '__name__')\n"
    ),
    "import_module in a lambda": (
        "from importlib import import_module\nload = lambda: import_module('.api', package='pkg')\n"
    ),
    "__import__ in a lambda": "load = lambda: __import__('pkg.api')\n",
    "import_module as a lambda's default": (
        "from importlib import import_module\nf = lambda m=import_module('pkg.api'): m\n"
    ),
    "import_string in a method": (
        "from django.utils import module_loading\nclass A:\n    def f(self):\n"
        "        return module_loading.import_string('pkg.api.fields.Field')\n"
    ),
    "re-exported by a rules package": "from ..rules import Field\n",
    "through a rules module": "from .. import helper\n",
    "a sibling model that imports the API": "from .other import thing\n",
    "importer assigned in a walrus and called": (
        "import importlib\n(load := importlib.import_module)('pkg.api.fields')\n"
    ),
    "include of a dotted URLconf": "from django.urls import include\ninclude('pkg.api.fields')\n",
    "cached_import": (
        "from django.utils.module_loading import cached_import\n"
        "cached_import('pkg.api.fields', 'Field')\n"
    ),
    "__import__, fromlist=": "__import__('pkg', fromlist=['api'])\n",
    "__import__, level": "__import__('api', globals(), locals(), ['fields'], 2)\n",
}


@pytest.mark.parametrize("source", HIDDEN_IMPORTS.values(), ids=HIDDEN_IMPORTS.keys())
def test_every_way_of_importing_a_higher_layer_is_caught(tmp_path, source):
    package = tmp_path / "pkg"
    for folder in ("models", "api", "rules"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "api" / "fields.py").write_text("class Field:\n    pass\n")
    (package / "rules" / "__init__.py").write_text("from ..api.fields import Field\n")
    (package / "helper.py").write_text("def later():\n    from .api import fields\n")
    (package / "models" / "other.py").write_text("from ..api import fields\nthing = 1\n")
    layers = {
        "foundation": ("",),
        "models and rules": ("models", "rules", "helper"),
        "surfaces": ("api",),
    }
    (package / "models" / "live.py").write_text(source)
    graph = build_import_graph(package, "pkg")
    problems = [line for line in layer_violations(graph, layers) if "pkg.models.live ->" in line]
    assert len(problems) == 1, layer_violations(graph, layers)
    assert problems[0].startswith("models and rules reaches surfaces: pkg.models.live -> ")

    # Without that import the model is clean: the finding came from the line under test.
    (package / "models" / "live.py").write_text("")
    graph = build_import_graph(package, "pkg")
    assert not [line for line in layer_violations(graph, layers) if "pkg.models.live" in line]


def test_a_dynamic_import_of_a_name_the_walk_cannot_read_is_refused(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "loader.py").write_text(
        "import importlib\n\ndef load(name):\n    return importlib.import_module(f'pkg.{name}')\n"
    )
    assert unreadable_imports(package, "pkg") == {
        "pkg.loader": ["line 4: importlib.import_module(f'pkg.{name}')"]
    }


#: Dynamic imports whose name the walk cannot read: each must be reported, not skipped.
UNREADABLE_IMPORTS = {
    "import_module, name= not a literal": (
        "import importlib\nimportlib.import_module(name=f'pkg.{n}')",
        "importlib.import_module(name=f'pkg.{n}')",
    ),
    "__import__, name= not a literal": ("__import__(name=n)", "__import__(name=n)"),
    "no name at all": ("import importlib\nimportlib.import_module(**options)", None),
    "a starred name": ("from importlib import import_module\nimport_module(*names)", None),
    "assigned, then called on a variable": (
        "import importlib\nload = importlib.import_module\nload(n)",
        "load(n)",
    ),
    "aliased, then called on a variable": (
        "from importlib import import_module as load\nload(n)",
        "load(n)",
    ),
    "passed to map": ("import importlib\nlist(map(importlib.import_module, n))", None),
    "kept on an object": (
        "from importlib import import_module\nclass A:\n    load = staticmethod(import_module)",
        "import_module",
    ),
    "relative to an unknown package": (
        "import importlib\nimportlib.import_module('.api', anchor)",
        "importlib.import_module('.api', anchor)",
    ),
}


@pytest.mark.parametrize(
    ("source", "shown"), UNREADABLE_IMPORTS.values(), ids=UNREADABLE_IMPORTS.keys()
)
def test_an_import_the_walk_cannot_read_is_reported(source, shown):
    _found, unreadable = read_imports(ast.parse(source), "pkg")
    assert len(unreadable) == 1, unreadable
    assert unreadable[0].startswith(f"line {source.count(chr(10)) + 1}: ")
    if shown:
        assert unreadable[0].endswith(f": {shown}")


def test_the_package_has_no_dynamic_import_the_walk_cannot_read():
    assert unreadable_imports(PACKAGE_DIR, PACKAGE) == {}


def test_a_module_in_no_layer_is_refused():
    graph = {f"{PACKAGE}.conf": set(), f"{PACKAGE}.newcomer": {f"{PACKAGE}.conf"}}
    assert layer_violations(graph) == [
        f"{PACKAGE}.newcomer is in no layer: add it to LAYERS and docs/architecture.md"
    ]


def test_the_architecture_map_places_every_module_in_its_layer():
    text = (PACKAGE_DIR.parent / "docs" / "architecture.md").read_text()
    diagram = text.split("## The map", 1)[1].split("```", 2)[1]
    # A label in the first 13 columns starts a layer's lines ("and rules" continues "models").
    labels = {"models": "models and rules", "and rules": "models and rules"}
    shown: dict[str, str] = {}
    layer = None
    for line in diagram.splitlines():
        label = line[:13].strip()
        if label.startswith("│"):
            layer = None
        elif label:
            layer = labels.get(label, label)
        for word in [] if layer is None else re.findall(r"[a-z_]+(?:/[a-z_]+)?", line[13:]):
            shown.setdefault(word.rstrip("/").replace("/", "."), layer)
    for layer, names in LAYERS.items():
        for name in filter(None, names):
            assert shown.get(name) == layer, (
                f"the map shows {name} in {shown.get(name)}, not {layer}"
            )


#: The diagram's words that are not module names.
MAP_PROSE = {
    *("admin", "reader", "extras", "distribution"),  # group names
    *("connect", "the", "rest", "at", "start", "up", "imports", "anything", "below"),
    *("parse", "input", "call", "one", "rule", "shape", "output", "read"),
}


def _map_section() -> str:
    text = (PACKAGE_DIR.parent / "docs" / "architecture.md").read_text()
    return text.split("## The map", 1)[1].split("\n## ", 1)[0]


def test_the_architecture_map_names_only_modules_that_exist_and_lists_packages_whole():
    """A renamed or deleted module leaves no stale name in the diagram, and where a package's
    modules are listed (``views/ (console, ...)``) none is missing."""
    modules = {m.partition(".")[2] for m in module_names(PACKAGE_DIR, PACKAGE)}
    diagram = _map_section().split("```", 2)[1]
    # The layer labels take the first 13 columns; the arrows' words follow their "│".
    text = " ".join(
        line.partition("│")[2] if "│" in line else line[13:] for line in diagram.splitlines()
    )
    for folder, listed in re.findall(r"([a-z_]+)/ \(([^)]*)\)", text):
        names = {name.strip() for name in listed.split(",")}
        assert {f"{folder}.{name}" for name in names} <= modules, folder
        elsewhere = set(re.findall(rf"\b{folder}/([a-z_]+)\b", text))
        submodules = {m.split(".")[1] for m in modules if m.startswith(f"{folder}.")}
        assert names | elsewhere == submodules, f"{folder}/ lists {sorted(names)}"
    words = re.findall(r"[a-z_]+(?:/[a-z_]+)?", re.sub(r"\([^)]*\)", " ", text))
    unknown = {word for word in words if word.replace("/", ".").rstrip(".") not in modules}
    assert unknown <= MAP_PROSE, f"not modules: {sorted(unknown - MAP_PROSE)}"


def test_the_architecture_table_says_what_every_module_owns():
    rows = [line for line in _map_section().splitlines() if line.startswith("| `")]
    first_cells = " ".join(row.split("|")[1] for row in rows)
    named = {
        name.removesuffix(".py").rstrip("/").replace("/", ".")
        for name in re.findall(r"`([^`]+)`", first_cells)
    }
    modules = {m.partition(".")[2] for m in module_names(PACKAGE_DIR, PACKAGE)}
    assert named <= modules, sorted(named - modules)
    missing = [name for names in LAYERS.values() for name in names if name and name not in named]
    assert missing == []


# Records, in a fresh interpreter, which DRF modules get imported while something under
# wagtail_newsfeed/models/ is on the stack. Django imports every app's models before any
# ``ready()``, and Wagtail's own ``ready()`` imports DRF, so this watches the import itself
# rather than ``sys.modules`` after setup.
_AUDIT = """
import json, os, sys
package_dir = os.path.dirname(sys.argv[1]) + os.sep
models_dir = os.path.join(package_dir, "models") + os.sep
seen = {"drf_loaded_before_models": None, "by_models": [], "by_package": []}

class Audit:
    def find_spec(self, name, path=None, target=None):
        if name == "wagtail_newsfeed.models" and seen["drf_loaded_before_models"] is None:
            seen["drf_loaded_before_models"] = "rest_framework.serializers" in sys.modules
        if name.startswith("rest_framework"):
            frame = sys._getframe(1)
            files = []
            while frame:
                files.append(frame.f_code.co_filename)
                frame = frame.f_back
            if any(f.startswith(models_dir) for f in files):
                seen["by_models"].append(name)
            if any(f.startswith(package_dir) for f in files):
                seen["by_package"].append(name)
        return None

sys.meta_path.insert(0, Audit())
import django
django.setup()
print(json.dumps(seen))
"""


def test_importing_the_models_imports_no_django_rest_framework():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    env.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    done = subprocess.run(
        [sys.executable, "-c", _AUDIT, wagtail_newsfeed.__file__],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    # Meaningful only if DRF's serializers were not loaded before the models: they were not.
    assert seen["drf_loaded_before_models"] is False
    assert seen["by_models"] == []
    # The audit does see DRF imports: the API attaches its field shapes from ``ready()``.
    assert "rest_framework.serializers" in seen["by_package"]


def test_the_live_feed_editor_gets_its_entries_tab_once():
    from wagtail_newsfeed.models import LiveFeedPage
    from wagtail_newsfeed.panels import LiveEntriesPanel, add_live_entries_tab

    add_live_entries_tab(LiveFeedPage)  # again, as a second ``ready()`` would

    tabs = LiveFeedPage.get_edit_handler().children
    assert [str(tab.heading) for tab in tabs] == ["Feed", "Entries", "Promote", "Settings"]
    assert [type(panel) for panel in tabs[1].children] == [LiveEntriesPanel]


def test_page_api_shapes_reach_each_named_field_and_keep_a_subclass_own():
    from wagtail.api import APIField

    from wagtail_newsfeed.api.fields import (
        AuthorsJSONField,
        RichTextHTMLField,
        _with_shape,
        attach_page_api_serializers,
        page_api_serializers,
    )
    from wagtail_newsfeed.models import LiveFeedPage, NewsArticlePage, NewsIndexPage

    attach_page_api_serializers()  # again: nothing changes

    for model in (NewsIndexPage, NewsArticlePage, LiveFeedPage):
        shapes = next(v for base, v in page_api_serializers().items() if issubclass(model, base))
        by_name = {field.name: field for field in model.api_fields}
        assert set(shapes) <= set(by_name), model
        for name, shape in shapes.items():
            assert isinstance(by_name[name].serializer, type(shape())), (model, name)
    authors = next(f for f in NewsArticlePage.api_fields if f.name == "authors")
    assert isinstance(authors.serializer, AuthorsJSONField)
    assert authors.serializer.source == "get_authors"
    own = APIField("intro", serializer=AuthorsJSONField())
    assert _with_shape(own, {"intro": RichTextHTMLField}) is own
