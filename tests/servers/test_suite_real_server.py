"""The built-in suite through the real server: every reference solution of builtin:core passes when played by the
oracle through the real mcp-atlassian 0.23.1 over a fresh Jira per trial (`jira-bench run --server mcp-atlassian`).

(`jira-bench validate builtin:core --server mcp-atlassian` also plays the null agent through it; the null agent
calls no tool, so its trials end on the same database as on the embedded Jira, which tests/suite already fails.)"""

from __future__ import annotations

from pathlib import Path

from engine.conftest import invoke, only_run

from jira_bench_tui.engine import run_folder


def test_every_core_solution_passes_through_the_real_server(real_mcp_atlassian: Path, results: Path) -> None:
    code, _, err = invoke("run", "builtin:core", "--model", "oracle", "--server", "mcp-atlassian", "--concurrency", "4")
    assert code == 0, err
    folder = only_run(results)
    artifacts = run_folder.scan_trials(folder).artifacts
    failed = {a.scenario_id: a.error or [c.reason for c in a.checks if not c.passed]
              for a in artifacts if a.outcome != "passed"}
    assert len(artifacts) == 66 and failed == {}
