"""The report and serve tests: a real headless chromium (tests/browser.py), skipped without it on a developer's
machine, failing in CI."""

from browser import browser_context, chromium_executable  # noqa: F401
