"""Shared test settings: every test gets its own results folder, its own config folder (XDG_CONFIG_HOME: the form's
last settings are never written to the real home) and no Anthropic or OpenAI key (or endpoint) from the developer's
shell.

The suite also undoes one thing it may inherit: a shell that starts it in the background (`pytest &`, `nohup`) sets
SIGINT to "ignored", which every process it starts would inherit, so the tests that press Ctrl+C on a `jira-bench`
process (a foreground run, `attach`, `jira-rest`) would see it ignored. The suite's own SIGINT goes back to Python's
handler, so the processes it starts get the default disposition, as when they are started from a terminal.

pytest puts this folder on sys.path when it imports this file, so test modules import shared helpers by name
(`from pilot_helpers import wait_until`).
"""

from __future__ import annotations

import signal

import pytest
from xdist_snapshots import (  # noqa: F401  (the snapshot report of a parallel run: tests/xdist_snapshots.py)
    pytest_cmdline_main,
    pytest_sessionfinish,
    pytest_terminal_summary,
    pytest_testnodedown,
)

if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:  # started in the background (see above)
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.setenv("JIRA_BENCH_RESULTS", str(tmp_path_factory.mktemp("results")))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))  # the form's last settings
