"""Where the tests find the real mcp-atlassian (pinned 0.23.1, in its own environment: it needs mcp 1.x): exactly as
`jira-bench` finds it (`engine.server_envs.find`: $JIRA_BENCH_MCP_ATLASSIAN, else the managed install of
`jira-bench servers install mcp-atlassian`). The one lookup of tests/rest, tests/conformance, tests/servers and the
benchmarks.

Missing, the tests that need it are skipped on a developer's machine but FAIL in CI (CI=true): `.ci/run` installs it
first, so a missing server there is a defect. Test folders register the fixture by importing it in their conftest.py:
`from real_server import mcp_atlassian_binary  # noqa: F401`."""

from __future__ import annotations

import os

import pytest

from jira_bench_tui.engine import server_envs

HOW_TO_INSTALL = ("mcp-atlassian 0.23.1 is not installed: run `jira-bench servers install mcp-atlassian` "
                  f"(or set {server_envs.MCP_ATLASSIAN_ENV} to its executable)")


def find_mcp_atlassian() -> str | None:
    """The mcp-atlassian executable `jira-bench` would run, or None when there is none."""
    found = server_envs.find("mcp-atlassian")
    return str(found) if found is not None else None


def in_ci() -> bool:
    """CI runs with CI=true (and installs the real server before the tests)."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def mcp_atlassian_binary() -> str:
    """The mcp-atlassian executable; a skip saying how to install it (a failure in CI) when there is none."""
    found = find_mcp_atlassian()
    if found is None:
        if in_ci():
            pytest.fail(HOW_TO_INSTALL)
        pytest.skip(HOW_TO_INSTALL)
    return found
