"""Fixtures for the browser tests: one headless Chromium per session, driven by Playwright.

Debian's ``chromium`` (``make test`` installs it) is launched through Playwright for Python;
Playwright's own browser download is never used. Screenshots go to
``tests/browser/artifacts/`` (git-ignored), kept after the run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
PHONE = {"width": 390, "height": 844}
SCREEN = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


class PageProblems:
    """What the page reported while a test drove it: script errors, CSP violations,
    failed requests other than those a test expects."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(f"script error: {error}"))
        page.on(
            "console",
            lambda message: (
                self.errors.append(f"console: {message.text}")
                if message.type == "error" and "Failed to load resource" not in message.text
                else None
            ),
        )


def _tab(browser: Any, viewport: dict[str, int]) -> Iterator[Any]:
    context = browser.new_context(viewport=viewport)
    tab = context.new_page()
    tab.problems = PageProblems(tab)
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A tab in a fresh context on a desktop screen, or on the viewport a test passes
    with ``@pytest.mark.parametrize("page", [...], indirect=True)``."""
    yield from _tab(browser, getattr(request, "param", SCREEN))


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    """A tab in a fresh context on a phone's screen."""
    yield from _tab(browser, PHONE)


def page_width(page: Any) -> int:
    """How wide the page lays out: wider than the viewport means sideways scrolling."""
    return page.evaluate("document.documentElement.scrollWidth")


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """axe-core's violations of the given impacts on the page as it is now. The script is
    evaluated through the DevTools protocol, which the page's CSP does not govern."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => JSON.stringify(await axe.run(document))")
    violations = json.loads(result)["violations"]
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in violations
        if v["impact"] in impacts
    ]
