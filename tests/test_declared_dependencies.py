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


def imported_top_level_names(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Top-level module name -> the files importing it, for absolute imports anywhere in the
    package (function-level imports included)."""
    found: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(path.name)
    return found


def declared_distributions() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in ("postgres", "redis"):  # optional features, imported only when configured
        requirements += project["optional-dependencies"][extra]
    return {
        normalise(re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0])
        for requirement in requirements
    }


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
