"""Where the tests find a real browser: Debian's chromium (/usr/bin/chromium, `apt-get install -y chromium`), driven
with playwright (its wheel carries its driver; no browser of its own is ever downloaded). The one lookup of the
browser tests (tests/share).

Missing, the tests that need it are skipped on a developer's machine but FAIL in CI (CI=true): `.ci/run` installs
chromium first, so a missing browser there is a defect. Test folders register the fixtures by importing them in
their conftest.py: `from browser import browser_context, chromium_executable  # noqa: F401`.

The browser starts with a new empty profile (user-data-dir) and with every background service off (no sync, no
component updates, no QUIC, no first-run page), so the only requests it makes are those of the pages it is shown."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from real_server import in_ci

CHROMIUM = Path("/usr/bin/chromium")
HOW_TO_INSTALL = ("chromium is not installed: run `sudo apt-get install -y chromium` (Debian's package; the browser "
                  "tests drive /usr/bin/chromium with playwright, which `pip install -e '.[dev]'` installs)")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def find_chromium() -> Path | None:
    """/usr/bin/chromium when it is installed and executable, else None."""
    return CHROMIUM if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK) else None


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    """The chromium executable; a skip saying how to install it (a failure in CI) when there is none."""
    found = find_chromium()
    if found is None:
        if in_ci():
            pytest.fail(HOW_TO_INSTALL)
        pytest.skip(HOW_TO_INSTALL)
    return found


@pytest.fixture(scope="module")
def browser_context(chromium_executable: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A playwright BrowserContext of a headless chromium with a new empty profile, 1400x900, for one test module
    (pages are opened and closed by each test); closed, with the browser, at the end of the module."""
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(chromium_executable), headless=True, args=ARGS,
            viewport={"width": 1400, "height": 900})
        try:
            yield context
        finally:
            context.close()


class PageLog:
    """What a page did: every request's URL, and console messages and uncaught errors as (type, text)."""

    def __init__(self, page: Any) -> None:
        self.requests: list[str] = []
        self.console: list[tuple[str, str]] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda message: self.console.append((message.type, message.text)))
        page.on("pageerror", lambda error: self.console.append(("pageerror", str(error))))

    def errors(self) -> list[tuple[str, str]]:
        """The console errors and uncaught page errors."""
        return [entry for entry in self.console if entry[0] in ("error", "pageerror")]
