"""Reused trial databases (jira/trial_databases.py): after any trial, the next one finds the template's state, row for
row; a trial that did not end cleanly leaves nothing behind for the next one."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from mcp.client import Client

from jira_bench_tui.jira.server import server_on
from jira_bench_tui.jira.trial_databases import TrialDatabases

from .conftest import JiraSession, dump_database


async def _write_through_tools(databases: TrialDatabases, workdir: Path) -> None:
    """A trial that writes in many ways through the MCP tools, one refused call among them."""
    with databases.lease() as conn:
        async with Client(server_on(conn, workdir)) as client:
            jira = JiraSession(client, workdir)
            created = await jira.ok("jira_create_issue", project_key="PROJ", summary="Reused?", issue_type="Task")
            key = created["issue"]["key"]
            await jira.ok("jira_add_comment", issue_key="PROJ-1", body="A comment the next trial must not see.")
            await jira.ok("jira_update_issue", issue_key="PROJ-2", fields='{"summary": "Renamed"}')
            await jira.ok("jira_create_issue_link", link_type="Blocks", inward_issue_key="PROJ-1",
                          outward_issue_key=key)
            await jira.ok("jira_add_worklog", issue_key="PROJ-1", time_spent="1h")
            await jira.error("jira_create_issue", project_key="NOPE", summary="x", issue_type="Bug")
            await jira.ok("jira_delete_issue", issue_key="PROJ-3")
            assert conn.execute("SELECT count(*) FROM written_issues").fetchone()[0] > 0


async def test_the_next_trial_finds_the_template_state(sample_template: Path, tmp_path: Path) -> None:
    databases = TrialDatabases(sample_template, tmp_path)
    try:
        await _write_through_tools(databases, tmp_path)
        assert databases.idle == 1
        with databases.lease() as conn:
            assert "\n".join(conn.iterdump()) == dump_database(sample_template)
            assert conn.execute("SELECT count(*) FROM written_issues").fetchone()[0] == 0
        await _write_through_tools(databases, tmp_path)  # the same copy again: its ids are the template's next ones
        assert databases.idle == 1
    finally:
        databases.close()
    assert list(tmp_path.glob("*.sqlite")) == []


def test_a_trial_that_fails_out_of_its_lease_discards_its_database(sample_template: Path, tmp_path: Path) -> None:
    databases = TrialDatabases(sample_template, tmp_path)
    with pytest.raises(RuntimeError), databases.lease() as conn:
        conn.execute("UPDATE issues SET summary = 'half done'")
        raise RuntimeError("the trial broke")
    assert databases.idle == 0 and list(tmp_path.glob("*.sqlite")) == []
    with databases.lease() as conn:
        assert "\n".join(conn.iterdump()) == dump_database(sample_template)
    databases.close()


def test_a_trial_that_commits_its_transaction_is_not_reused(sample_template: Path, tmp_path: Path) -> None:
    """Whatever ends the trial's savepoint early (here a COMMIT) makes the copy unusable: it is deleted."""
    databases = TrialDatabases(sample_template, tmp_path)
    with databases.lease() as conn:
        conn.execute("UPDATE issues SET summary = 'committed'")
        conn.execute("COMMIT")
    assert databases.idle == 0 and list(tmp_path.glob("*.sqlite")) == []
    databases.close()


async def test_trials_at_once_get_databases_of_their_own(sample_template: Path, tmp_path: Path) -> None:
    databases = TrialDatabases(sample_template, tmp_path)
    await asyncio.gather(*(_write_through_tools(databases, tmp_path / str(n)) for n in range(3)))
    assert databases.idle == 3
    databases.close()
    assert list(tmp_path.glob("*.sqlite")) == []
