"""Where the tests find the real mcp-atlassian (0.23.1, installed in its own environment: it needs mcp 1.x): the one
lookup shared by tests/rest, tests/conformance and benchmarks/conformance.py.

Order: $JIRA_BENCH_MCP_ATLASSIAN, else /work/mcpa-0.23.1/bin/mcp-atlassian, else `mcp-atlassian` on PATH. (The
managed environment of `jira-bench servers install` will be added here as one more candidate.) Test folders register
the fixture by importing it in their conftest.py: `from real_server import mcp_atlassian_binary  # noqa: F401`."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ENV_VAR = "JIRA_BENCH_MCP_ATLASSIAN"
DEFAULT_PATH = "/work/mcpa-0.23.1/bin/mcp-atlassian"
HOW_TO_INSTALL = (f"mcp-atlassian is not installed: set {ENV_VAR} to its executable (install it in its own venv: "
                  "python3 -m venv V && V/bin/pip install mcp-atlassian==0.23.1)")


def find_mcp_atlassian() -> str | None:
    """The mcp-atlassian executable (an existing, executable file), or None when there is none."""
    for candidate in (os.environ.get(ENV_VAR), DEFAULT_PATH, shutil.which("mcp-atlassian")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def mcp_atlassian_binary() -> str:
    """The mcp-atlassian executable, or a skip saying how to provide it."""
    found = find_mcp_atlassian()
    if found is None:
        pytest.skip(HOW_TO_INSTALL)
    return found
