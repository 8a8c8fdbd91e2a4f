"""Settings read from the environment: where results live. (The model providers' keys and endpoints are read by
the model registry, agents/registry.py; keys are never written anywhere.)"""

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
