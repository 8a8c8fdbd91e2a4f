"""Shared test settings: every test gets its own results folder, its own config folder (XDG_CONFIG_HOME: the form's
last settings are never written to the real home) and no Anthropic or OpenAI key (or endpoint) from the developer's
shell.

pytest puts this folder on sys.path when it imports this file, so test modules import shared helpers by name
(`from pilot_helpers import wait_until`).
"""

from __future__ import annotations

import pytest
from xdist_snapshots import (  # noqa: F401  (the snapshot report of a parallel run: tests/xdist_snapshots.py)
    pytest_cmdline_main,
    pytest_sessionfinish,
    pytest_terminal_summary,
    pytest_testnodedown,
)


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.setenv("JIRA_BENCH_RESULTS", str(tmp_path_factory.mktemp("results")))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))  # the form's last settings
