"""Dependencies inside `server/` point one way.

The graph is read from the source with `ast`: every `import` of a `server` module, at module
level or inside a function (an import inside a function still depends on that module; putting it
there only hides a cycle until that function runs). The graph must have no cycle, and an import
inside a function is allowed only where the list below says why it is not a cycle's way out.
"""

from __future__ import annotations

import ast
from pathlib import Path

SERVER = Path(__file__).resolve().parent.parent / "server"

# Imports inside a function that are not there to dodge a cycle: (importing module, imported
# module prefix) and why.
LAZY_BY_DESIGN: dict[tuple[str, str], str] = {
    ("server", "server."): "the app factory: importing the package (which every `server.*` import does "
    "first) must not build every view, the CLI and the auth hooks; `create_app` imports them",
    ("server.cli", "server."): "each command imports what it runs when it runs, so `flask --help` and the "
    "app factory stay light",
    ("server.ops", "server."): "metrics are created when their module is imported, and gunicorn.conf.py "
    "imports the logging config from this package before gunicorn empties the metrics folder: the app "
    "factory imports them",
}


def _modules() -> dict[str, Path]:
    modules = {}
    for path in SERVER.rglob("*.py"):
        parts = list(path.relative_to(SERVER.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The module an imported name lives in (`server.a.b.func` → `server.a.b`)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str, path: Path, modules: dict[str, Path]) -> list[tuple[str, bool, int]]:
    """(imported module, inside a function?, line) for each import of a `server` module."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, bool, int]] = []

    def names(node: ast.Import | ast.ImportFrom) -> list[str]:
        if isinstance(node, ast.Import):
            return [alias.name for alias in node.names]
        base = node.module or ""
        if node.level:
            parts = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*parts, base] if base else parts)
        return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for child in node.orelse:  # annotations only: never imported at run time
                visit(child, in_function)
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            for name in names(node):
                target = _resolve(name, modules) if name.split(".")[0] == "server" else None
                if target is not None and target != module:
                    found.append((target, in_function, node.lineno))
        inner = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def _graph() -> tuple[dict[str, set[str]], list[tuple[str, str, int]]]:
    modules = _modules()
    edges: dict[str, set[str]] = {name: set() for name in modules}
    lazy: list[tuple[str, str, int]] = []
    for module, path in modules.items():
        for target, in_function, line in _imports(module, path, modules):
            edges[module].add(target)
            if in_function:
                lazy.append((module, target, line))
    return edges, lazy


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return found


def test_the_import_graph_of_server_has_no_cycle() -> None:
    edges, _ = _graph()
    assert len(edges) > 50  # the whole package was read
    assert _cycles(edges) == []


def test_no_import_inside_a_function_without_a_reason() -> None:
    _, lazy = _graph()
    unexplained = [
        f"{module}:{line} imports {target}"
        for module, target, line in lazy
        if not any(module == who and target.startswith(prefix) for who, prefix in LAZY_BY_DESIGN)
    ]
    assert unexplained == []


def test_the_checks_see_a_cycle_and_a_hidden_import(tmp_path: Path) -> None:
    """The checks themselves: a made-up cycle is found, and an import in a function is seen."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    modules = _modules()
    found = _imports("server.cases.service", SERVER / "cases" / "service.py", modules)
    assert ("server.cases.models", False) in {(target, inner) for target, inner, _ in found}
    source = "def f():\n    from server.cases.models import ServiceCase\n"
    probe = tmp_path / "probe.py"
    probe.write_text(source, encoding="utf-8")
    assert _imports("server.probe", probe, modules) == [("server.cases.models", True, 2)]
