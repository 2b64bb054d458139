"""The one reader of what a module's source imports, for the guards that walk imports (the layers
in test_layers.py, the declared dependencies in test_declared_dependencies.py): two readers
would drift apart, and a form one of them missed would hide an import from that guard.

It reads ``import`` and ``from ... import`` wherever they are, and a call of an importer
(``importlib.import_module``, Django's ``import_string``, ``pkgutil.resolve_name``,
``__import__``) on a literal name, given by position or by keyword, whatever the importer is
called there: ``from importlib import import_module as load``, ``load = importlib.import_module``
or ``getattr(importlib, "import_module")``. An importer used any other way (a name that is not a
literal, passed to ``map``, kept on an object) hides what it imports: it is reported as
unreadable, and the layer test fails on it (docs/architecture.md).
"""

from __future__ import annotations

import ast

#: Calls that import the module a string names (importlib's, Django's, pkgutil's, the builtin).
DYNAMIC_IMPORTERS = {"import_module", "import_string", "resolve_name", "__import__"}
#: Their parameter for the name: ``import_module(name=...)``, ``import_string(dotted_path=...)``.
NAME_KEYWORDS = ("name", "dotted_path")
#: Django helpers that import a module when given its dotted name as a string, and take other
#: things too (``include(console_urls)``, a module already imported): read only on a literal.
STRING_IMPORTERS = {"include": "arg", "cached_import": "module_path"}


def _importer_aliases(tree: ast.AST) -> set[str]:
    """Names that stand for an importer in ``tree``: from-import aliases and names assigned an
    importer (``load = importlib.import_module``), through chains of such names."""
    aliases = set(DYNAMIC_IMPORTERS)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            aliases |= {a.asname for a in node.names if a.name in DYNAMIC_IMPORTERS and a.asname}
    assignments = [
        (target.id, node.value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr)) and node.value is not None
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    ]
    while True:
        more = {name for name, value in assignments if _is_importer(value, aliases)} - aliases
        if not more:
            return aliases
        aliases |= more


def _is_importer(node: ast.expr, aliases: set[str]) -> bool:
    """``import_module`` or an alias, ``x.import_module``, ``getattr(x, "import_module")``."""
    if isinstance(node, ast.NamedExpr):  # ``(load := importlib.import_module)("x")``
        return _is_importer(node.value, aliases)
    if isinstance(node, ast.Name):
        return node.id in aliases
    if isinstance(node, ast.Attribute):
        return node.attr in DYNAMIC_IMPORTERS
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "getattr"
        and len(node.args) >= 2
        and isinstance(node.args[1], ast.Constant)
        and node.args[1].value in DYNAMIC_IMPORTERS
    )


def _called_name(func: ast.expr) -> str | None:
    """The importer's own name where the call spells it (``__import__``, ``x.__import__``)."""
    if isinstance(func, ast.Name):
        return func.id
    return getattr(func, "attr", None)


def _resolve(name: str, anchor: str | None) -> str | None:
    """``name`` made absolute: leading dots climb from the package ``anchor``."""
    if not name.startswith("."):
        return name
    if anchor is None:
        return None
    dots = len(name) - len(name.lstrip("."))
    parts = anchor.split(".")[: len(anchor.split(".")) - dots + 1]
    return ".".join(parts + ([name.lstrip(".")] if name.lstrip(".") else []))


def _builtin_import_names(node: ast.Call, target: str, here: str | None) -> list[str] | None:
    """What ``__import__(name, globals, locals, fromlist, level)`` imports: ``level`` climbs from
    ``here`` and each ``fromlist`` name may be a submodule. ``None`` when they cannot be read."""
    level = node.args[4] if len(node.args) > 4 else None
    level = level or next((k.value for k in node.keywords if k.arg == "level"), None)
    fromlist = node.args[3] if len(node.args) > 3 else None
    fromlist = fromlist or next((k.value for k in node.keywords if k.arg == "fromlist"), None)
    if level is not None:
        if not (isinstance(level, ast.Constant) and isinstance(level.value, int)):
            return None
        if level.value:
            if here is None:
                return []  # relative: the package's own
            target = _resolve("." * level.value + target, here)
    names = [target]
    if fromlist is not None:
        if not isinstance(fromlist, (ast.List, ast.Tuple)) or not all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in fromlist.elts
        ):
            return None
        names += [f"{target}.{e.value}" for e in fromlist.elts if e.value != "*"]
    return names


def _string_import(node: ast.Call) -> str | None:
    """The literal dotted name given to ``include("x.urls")`` or ``cached_import("x", "Y")``."""
    called = _called_name(node.func)
    if called not in STRING_IMPORTERS:
        return None
    name = node.args[0] if node.args else None
    name = name or next((k.value for k in node.keywords if k.arg == STRING_IMPORTERS[called]), None)
    if isinstance(name, ast.Constant) and isinstance(name.value, str) and name.value:
        return name.value
    return None


def read_imports(
    tree: ast.AST, here: str | None = None
) -> tuple[list[tuple[ast.AST, str]], list[str]]:
    """``(node, dotted name)`` for every import in ``tree``, and the lines of the importer uses
    whose name cannot be read.

    ``here`` is the package relative imports start from; with ``None`` relative imports are
    left out (they are the package's own). A ``from a import b`` names both ``a`` and ``a.b``
    (which may be a module); ``resolve_name``'s ``"module:attribute"`` names the module."""
    aliases = _importer_aliases(tree)
    found: list[tuple[ast.AST, str]] = []
    unreadable: list[str] = []
    understood: set[int] = set()  # importer expressions used in a way read here

    def cannot_read(node: ast.AST) -> None:
        unreadable.append(f"line {node.lineno}: {ast.unparse(node)}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = _resolve("." * node.level + (node.module or ""), here)
            if source is not None:
                found.append((node, source))
                found += [(node, f"{source}.{a.name}") for a in node.names if a.name != "*"]
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr)) and node.value:
            if _is_importer(node.value, aliases):
                understood.add(id(node.value))  # an alias: its calls are read
        elif isinstance(node, ast.Call) and _string_import(node):
            found.append((node, _string_import(node)))
        elif isinstance(node, ast.Call) and _is_importer(node.func, aliases):
            understood.add(id(node.func))
            positional = node.args[0] if node.args else None
            keyword = next((k.value for k in node.keywords if k.arg in NAME_KEYWORDS), None)
            name = keyword if positional is None else positional
            if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
                cannot_read(node)
                continue
            target = name.value.split(":")[0]
            if target.startswith(".") and here is not None:
                anchor = node.args[1] if len(node.args) > 1 else None
                anchor = anchor or next(
                    (k.value for k in node.keywords if k.arg == "package"), None
                )
                if isinstance(anchor, ast.Name) and anchor.id == "__package__":
                    target = _resolve(target, here)
                elif isinstance(anchor, ast.Constant) and isinstance(anchor.value, str):
                    target = _resolve(target, anchor.value)
                else:
                    cannot_read(node)
                    continue
            if _called_name(node.func) == "__import__":
                names = _builtin_import_names(node, target, here)
                if names is None:
                    cannot_read(node)
                    continue
                found += [(node, n) for n in names if n and not n.startswith(".")]
            elif target is not None and not target.startswith("."):
                found.append((node, target))
    # An importer mentioned but neither called nor aliased: what it imports cannot be read.
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) or id(node) in understood:
            continue
        if isinstance(node, (ast.Name, ast.Attribute, ast.Call)) and _is_importer(node, aliases):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                continue  # the alias's own name, being assigned
            if isinstance(node, ast.Call) and id(node) in understood:
                continue
            cannot_read(node)
    return found, sorted(set(unreadable), key=lambda line: int(line.split()[1].rstrip(":")))
