"""How to start the web site: one ``streamlit run`` command line, used by the CLI and tests."""

from __future__ import annotations

import sys
from pathlib import Path

APP = Path(__file__).with_name("app.py")


def streamlit_command(*, host: str = "127.0.0.1", port: int = 8501) -> list[str]:
    """``python -m streamlit run …/app.py`` on ``host:port``, quiet and offline.

    Naming the address keeps Streamlit from looking up the machine's public IP;
    usage statistics stay off and the developer toolbar is hidden.
    """
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "minimal",
        "--client.showErrorDetails",
        "none",
        "--server.fileWatcherType",
        "none",
        "--theme.base",
        "light",
        "--theme.primaryColor",
        "#1d4ed8",
    ]
