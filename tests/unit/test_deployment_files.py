"""docker-compose.yml, checked without Docker (no daemon on the CI machine): the
services the production guide promises, farebridge commands that exist, settings
that exist, and dependencies that start in order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from farebridge.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = {"migrate", "api", "worker", "ui", "run"}


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def test_the_compose_file_runs_the_whole_system() -> None:
    services = _compose()["services"]
    assert {"postgres", "redis", "migrate", "api", "worker", "ui", "proxy"} <= set(services)
    assert services["api"]["deploy"]["replicas"] >= 2
    assert services["worker"]["deploy"]["replicas"] >= 2
    for name in ("api", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
    assert "/ready" in " ".join(services["api"]["healthcheck"]["test"])


def test_farebridge_services_use_real_commands_and_settings() -> None:
    fields = {f"FAREBRIDGE_{name.upper()}" for name in Settings.model_fields}
    fields |= {"FAREBRIDGE_UI_API_URL", "FAREBRIDGE_UI_PUBLIC_API_URL"}  # read by the web UI
    for name, service in _compose()["services"].items():
        if service.get("build") is None:
            continue
        command = service["command"]
        assert command[0] == "farebridge", name
        assert command[1] in COMMANDS, name
        unknown = {
            key
            for key in service["environment"]
            if key.startswith("FAREBRIDGE_") and key not in fields
        }
        assert unknown == set(), f"{name}: {unknown}"
        assert "sqlite" not in service["environment"]["FAREBRIDGE_DATABASE_URL"]


def test_files_the_compose_file_names_exist() -> None:
    assert (ROOT / "Dockerfile").is_file()
    proxy = _compose()["services"]["proxy"]
    for volume in proxy["volumes"]:
        source = volume.split(":")[0]
        assert (ROOT / source).is_file(), source


def test_every_install_compiles_the_bytecode() -> None:
    """Each ``uv pip`` install of the image and of ``make install`` compiles bytecode (but
    the editable install of ``src``, which installs no module; ``make test`` compiles it): the
    image sets PYTHONDONTWRITEBYTECODE and uv compiles nothing unless told, so without it
    every process compiled its libraries at start-up, and a worker's first e-ticket did
    so under load (the ticketing lag's p95 was 1.8-2.6 s against 0.3-0.5 s compiled)."""
    for name in ("Dockerfile", "Makefile"):
        installs = [
            line
            for line in (ROOT / name).read_text().splitlines()
            if ("uv pip install" in line or "uv pip sync" in line) and " -e " not in line
        ]
        assert installs, name
        for line in installs:
            assert "--compile-bytecode" in line, f"{name}: {line.strip()}"
