"""Accessibility checks of the web site's pages with axe-core (from npm, ``make js-deps``),
injected into the page Playwright shows: no serious or critical violation allowed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
# Streamlit's own chrome, not the site's pages: its toolbar, header and decoration bar.
OUTSIDE_THE_SITE = ", ".join(
    f'[data-testid="{name}"]' for name in ("stToolbar", "stHeader", "stDecoration")
)


def violations(page: Page) -> list[dict[str, Any]]:
    """axe's serious and critical violations on the page as it is now (WCAG 2.1 A/AA)."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make js-deps needs npm)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        """async (exclude) => {
            const result = await axe.run(
                {exclude: [exclude]},
                {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}},
            );
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
            }));
        }""",
        OUTSIDE_THE_SITE,
    )
    return [v for v in found if v["impact"] in BLOCKING]


def assert_accessible(page: Page, where: str) -> None:
    found = violations(page)
    assert not found, f"{where}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in found
    )
