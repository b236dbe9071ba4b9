"""No import circle inside the engine, counting the imports made only for type checking: a
module that needs another's names at run time or to be read imports it one way only."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "engine"


def engine_imports(folder: Path = ENGINE) -> dict[str, set[str]]:
    """module → the engine modules it imports (``from .x import``, ``from . import x``,
    ``backprop_lab.engine.x``), wherever the import statement is."""
    return package_imports(folder, "engine")


def package_imports(folder: Path, package: str) -> dict[str, set[str]]:
    """module → the modules of ``backprop_lab.<package>`` (the folder ``folder``) it
    imports, wherever the import statement is (``TYPE_CHECKING`` blocks too)."""
    names = {p.stem for p in folder.glob("*.py")}
    prefix = f"backprop_lab.{package}."
    graph: dict[str, set[str]] = {}
    for path in folder.glob("*.py"):
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                mod = node.module or ""
                if node.level == 1 and mod:
                    found.add(mod.split(".")[0])
                elif node.level == 1:
                    found |= {a.name for a in node.names}
                elif mod.startswith(prefix):
                    found.add(mod.split(".")[2])
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith(prefix):
                        found.add(a.name.split(".")[2])
        graph[path.stem] = (found & names) - {path.stem}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every module that is on an import path back to itself, with one such path."""
    out = []
    for start in sorted(graph):
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for nxt in sorted(graph.get(node, ())):
                if nxt == start:
                    out.append([*path, start])
                    stack = []
                    break
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    return out


def test_the_engine_has_no_import_circle():
    graph = engine_imports()
    assert "session" in graph and "timeline" in graph["session"]
    assert circles(graph) == []


def test_a_circle_is_found():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [
        ["a", "b", "c", "a"],
        ["b", "c", "a", "b"],
        ["c", "a", "b", "c"],
    ]
    assert circles({"a": {"b"}, "b": set()}) == []
