"""The benchmark scripts (``benchmarks/``, run by hand, not by the suite) still name what the
package has: a rename in the package must not leave ``run.sh`` or ``scale.sh`` failing halfway
through a measurement. Every name they import from ``wagtail_newsfeed``, and every attribute
they read of a module so imported, must exist."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
HEREDOC = re.compile(r"<<'?(\w+)'?\n(.*?)\n\1\n", re.S)


def sources() -> dict[str, str]:
    """Script -> its Python: the .py files, and the Python heredocs of the shell scripts."""
    found = {str(p.relative_to(BENCHMARKS)): p.read_text() for p in BENCHMARKS.rglob("*.py")}
    for script in BENCHMARKS.rglob("*.sh"):
        for index, match in enumerate(HEREDOC.finditer(script.read_text())):
            if "import" in match.group(2):
                found[f"{script.relative_to(BENCHMARKS)} heredoc {index + 1}"] = match.group(2)
    return found


def missing_names(source: str) -> list[str]:
    tree = ast.parse(source)
    modules: dict[str, object] = {}  # local name -> a wagtail_newsfeed module
    missing = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("wagtail_newsfeed"):
            module = importlib.import_module(node.module)
            for alias in node.names:
                if not hasattr(module, alias.name):
                    try:
                        value = importlib.import_module(f"{node.module}.{alias.name}")
                    except ImportError:
                        missing.append(f"{node.module}.{alias.name}")
                        continue
                else:
                    value = getattr(module, alias.name)
                if isinstance(value, type(module)):
                    modules[alias.asname or alias.name] = value
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and not hasattr(modules[node.value.id], node.attr)
        ):
            missing.append(f"{modules[node.value.id].__name__}.{node.attr}")
    return missing


@pytest.mark.parametrize("script", sorted(sources()))
def test_benchmark_scripts_name_only_what_the_package_has(script):
    assert missing_names(sources()[script]) == []


def test_a_renamed_function_is_caught():
    assert missing_names(
        "from wagtail_newsfeed import entry_rules\nentry_rules.encode_cursor(1, 2)\n"
    ) == ["wagtail_newsfeed.entry_rules.encode_cursor"]
    assert missing_names("from wagtail_newsfeed.delta import no_such_name\n") == [
        "wagtail_newsfeed.delta.no_such_name"
    ]
