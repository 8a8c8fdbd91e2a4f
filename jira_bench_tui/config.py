"""Settings read from the environment: where results live, the Anthropic key and base URL (never written anywhere)."""

from __future__ import annotations

import os
from pathlib import Path

RESULTS_ENV = "JIRA_BENCH_RESULTS"


def results_root(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The results folder: `explicit` (--results-dir), else $JIRA_BENCH_RESULTS, else ./results."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(RESULTS_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return (Path.cwd() / "results").resolve()


def anthropic_key_present() -> bool:
    """Whether an Anthropic API key is set (its value never leaves the process environment)."""
    return bool(os.environ.get("ANTHROPIC_API_KEY", "").strip())
