"""The UI is a client of the API: it imports its own modules and libraries, never the engine."""

from __future__ import annotations

import ast
from pathlib import Path

import farebridge.ui

UI = Path(farebridge.ui.__file__).parent


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def engine_imports(path: Path) -> set[str]:
    """Imports of farebridge modules outside ``farebridge.ui``."""
    return {
        module
        for module in imported_modules(path)
        if module.split(".")[0] == "farebridge"
        and module != "farebridge.ui"
        and not module.startswith("farebridge.ui.")
    }


def test_the_ui_imports_nothing_but_its_own_package_from_farebridge() -> None:
    files = sorted(UI.rglob("*.py"))
    assert len(files) > 10
    offenders = {f"{path.relative_to(UI)}: {m}" for path in files for m in engine_imports(path)}
    assert not offenders, offenders


def test_the_check_catches_an_engine_import() -> None:
    cli = UI.parent / "cli.py"
    assert "farebridge.settings" in engine_imports(cli)


def test_only_the_client_talks_http() -> None:
    users = {path.name for path in UI.rglob("*.py") if "httpx" in imported_modules(path)}
    assert users == {"client.py"}
