"""The architecture as a test: imports flow one way, and nothing imports in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SOURCE / "farebridge"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p) for p in PACKAGE.rglob("*.py")}


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node but those under ``if TYPE_CHECKING:`` (annotations only, no import)."""
    nodes: list[ast.AST] = []
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            pending.extend(node.orelse)
            continue
        nodes.append(node)
        pending.extend(ast.iter_child_nodes(node))
    return nodes


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{alias.name}" for alias in node.names} & MODULES
            # ``from package import submodule`` needs the submodule, not the package's names
            found.update(submodules or {node.module})
    return {name for name in found if name.startswith("farebridge")}


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {
        name: {target for target in _imports(path) if target in modules and target != name}
        for name, path in modules.items()
    }


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_no_import_circles() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycle = [*stack[stack.index(target) :], target]
                raise AssertionError("import circle: " + " → ".join(cycle))
            if target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)


ALLOWED = {
    "domain": {"domain"},
    "providers": {"domain", "providers"},
    "services": {"domain", "providers", "services", "pdf"},
    "pdf": {"domain", "pdf"},
    "store": {"domain", "providers", "services", "store", "settings"},  # migrations: the URL
    "jobs": {"domain", "providers", "services", "jobs"},
    "outbound": {"domain", "services", "outbound"},
    "ui": {"ui"},
}


def test_imports_flow_one_way() -> None:
    wrong = [
        f"{module} imports {target}"
        for module, targets in _graph().items()
        if _layer(module) in ALLOWED
        for target in targets
        if _layer(target) not in ALLOWED[_layer(module)]
    ]
    assert wrong == []


def test_nothing_imports_the_api() -> None:
    wrong = [
        f"{module} imports {target}"
        for module, targets in _graph().items()
        if _layer(module) not in {"api", ""}
        for target in targets
        if _layer(target) == "api"
    ]
    assert wrong == []


def test_routers_are_ours() -> None:
    """Every router is ``farebridge.api.routing.APIRouter`` (one thread hand-off per
    synchronous endpoint, ADR 0040), never FastAPI's own."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "routing.py" and path.parent.name == "api":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module in ("fastapi", "fastapi.routing")
                and any(alias.name == "APIRouter" for alias in node.names)
            ):
                offenders.append(str(path.relative_to(SOURCE)))
    assert offenders == []
