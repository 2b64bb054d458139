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

import wagtail_newsfeed

PACKAGE = "wagtail_newsfeed"
PACKAGE_DIR = Path(wagtail_newsfeed.__file__).parent

# Lowest first. Names are relative to the package; a name covers its submodules unless a longer
# name says otherwise ("webhooks.viewsets" is a surface, the rest of ``webhooks`` is not).
LAYERS: dict[str, tuple[str, ...]] = {
    "foundation": (
        "",  # the package's __init__
        "conf",
        "converters",
        "xml",
        "rich_text",
        "tables",
        "rendering",
        "names",
        "log_actions",
    ),
    "models and rules": (
        "models",
        "migrations",
        "blocks",
        "serialization",
        "validation",
        "visibility",
        "links",
        "entry_rules",
        "live_page",
        "search",
        "preview",
        "http_caching",
        "caching",
        "cache_backends",
        "fragments",
        "sites",
        "coverage",
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
        "demo_content",
        "webhooks.viewsets",
    ),
    "wiring": ("apps", "signal_handlers"),
}

DYNAMIC_IMPORTERS = {"import_module", "import_string"}


def module_names(package_dir: Path, package: str) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    names = {}
    for path in package_dir.rglob("*.py"):
        parts = [package, *path.relative_to(package_dir).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def build_import_graph(package_dir: Path, package: str) -> dict[str, set[str]]:
    """Module -> the package's modules it imports, read from the source with ``ast``.

    Every ``import`` and ``from ... import`` counts wherever it is (module level, inside a
    function, under ``TYPE_CHECKING``), relative imports resolved, as do ``import_module`` and
    ``import_string`` calls on a literal name. Importing ``a.b.c`` runs ``a/__init__`` and
    ``a/b/__init__`` first, so a module also depends on its own and its imports' parent packages.
    """
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
        is_package = path.name == "__init__.py"
        here = name if is_package else name.rpartition(".")[0]
        targets = with_parents(name.rpartition(".")[0])
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == package:
                        targets |= with_parents(closest(alias.name))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here.split(".")[: len(here.split(".")) - node.level + 1]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                if source.split(".")[0] != package:
                    continue
                targets |= with_parents(closest(source))
                for alias in node.names:
                    if f"{source}.{alias.name}" in modules:
                        targets.add(f"{source}.{alias.name}")
            elif isinstance(node, ast.Call) and node.args:
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                arg = node.args[0]
                if (
                    called in DYNAMIC_IMPORTERS
                    and isinstance(arg, ast.Constant)
                    and isinstance(arg.value, str)
                    and arg.value.split(".")[0] == package
                ):
                    targets |= with_parents(closest(arg.value))
        targets.discard(name)
        graph[name] = targets
    return graph


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
    reached, queue = set(), deque([f"{PACKAGE}.models"])
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
