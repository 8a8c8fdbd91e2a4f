"""SqliteReader (the database, directly) and McpReader (only the MCP read tools) give identical records."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from jira_bench_tui.jira.quirks import Quirks
from jira_bench_tui.jira.reader import JiraReadError, McpReader, SqliteReader

from .conftest import REFERENCE, JiraSession, open_jira


async def _make_history(jira: JiraSession) -> None:
    """Writes that touch every part of a record: status, resolution, links, worklogs, sprints, custom fields."""
    await jira.ok("jira_transition_issue", issue_key="PROJ-1", transition_id="31", comment="Shipped in 1.0")
    await jira.ok("jira_create_issue_link", link_type="Blocks", inward_issue_key="PROJ-1", outward_issue_key="PROJ-4")
    await jira.ok("jira_add_worklog", issue_key="PROJ-3", time_spent="1d 2h", comment="tests")
    await jira.ok("jira_create_issue", project_key="PROJ", summary="Token refresh", issue_type="Story",
                  additional_fields='{"parent": "PROJ-2", "customfield_10016": 2.5, "versions": ["1.0"]}')
    await jira.ok("jira_add_issues_to_sprint", sprint_id="1", issue_keys="PROJ-5")


async def test_both_readers_give_identical_records(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        await _make_history(jira)
        mcp = McpReader(jira.raw)
        over_mcp = await mcp.snapshot()
        one_over_mcp = await mcp.get_issue("PROJ-1")
        keys_over_mcp = await mcp.search_keys("project = PROJ ORDER BY key DESC", limit=3)
        missing_over_mcp = await mcp.get_issue("PROJ-404")
        with pytest.raises(JiraReadError, match="Error in the JQL Query"):
            await mcp.search_keys("project = PROJ AND")
    direct = SqliteReader(sample_db)
    try:
        over_sqlite = await direct.snapshot()
        assert sorted(over_sqlite) == ["PROJ-1", "PROJ-2", "PROJ-3", "PROJ-4", "PROJ-5"]
        assert over_mcp == over_sqlite
        assert one_over_mcp == await direct.get_issue("PROJ-1")
        assert keys_over_mcp == await direct.search_keys("project = PROJ ORDER BY key DESC", limit=3)
        assert missing_over_mcp is None and await direct.get_issue("PROJ-404") is None
        with pytest.raises(JiraReadError, match="Error in the JQL Query"):
            await direct.search_keys("project = PROJ AND")
    finally:
        direct.close()
    record = over_sqlite["PROJ-1"]
    assert record["status_category"] == "done" and record["resolution"] == "Done"
    assert record["links"] == [{"id": record["links"][0]["id"], "type": "Blocks", "direction": "outward",
                                "other": "PROJ-4", "text": "blocks"}]
    assert record["sprints"] == ["Sprint 1"] and record["story_points"] == 3.0
    assert record["comments"][-1]["body"] == "Shipped in 1.0" and record["comments"][-1]["author"] == "Alice Admin"
    assert over_sqlite["PROJ-4"]["links"][0]["direction"] == "inward"
    assert over_sqlite["PROJ-3"]["time_spent_seconds"] == 93600  # 0.23.1 sends "1d 2h" as 26 hours
    assert over_sqlite["PROJ-5"]["custom_fields"] == {"Story point estimate": 2.5}
    assert over_sqlite["PROJ-5"]["affects_versions"] == ["1.0"] and over_sqlite["PROJ-5"]["parent"] == "PROJ-2"


async def test_mcp_reader_scope_and_paging(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        for n in range(60):
            await jira.ok("jira_create_issue", project_key="PROJ", summary=f"Bulk {n}", issue_type="Task")
        reader = McpReader(jira.raw, scope_jql="project = PROJ AND summary ~ Bulk")
        keys = await reader.search_keys("project = PROJ ORDER BY key ASC", limit=10_000)
        scoped = await reader.snapshot()
    assert len(keys) == 64 and len(set(keys)) == 64
    assert len(scoped) == 60


async def test_mcp_reader_reads_real_mcp_atlassian_output() -> None:
    """Fed mcp-atlassian 0.23.1's recorded answers (custom fields without names, a fake site's timestamps)."""
    samples = json.loads((REFERENCE / "mcp-atlassian-sample-outputs.json").read_text())
    issue = next(s for s in samples if s["tool"] == "jira_get_issue" and s["args"].get("fields") == "*all")
    worklogs = next(s for s in samples if s["tool"] == "jira_get_worklog")
    calls: list[tuple[str, dict]] = []

    async def call_tool(name: str, arguments: dict) -> tuple[str, bool]:
        calls.append((name, arguments))
        answer = {"jira_get_issue": issue, "jira_get_worklog": worklogs}[name]
        return json.dumps(answer["content"][0]), False

    record = await McpReader(call_tool).get_issue("PROJ-1")
    assert record is not None
    assert [name for name, _ in calls] == ["jira_get_issue", "jira_get_worklog"]
    assert calls[0][1]["fields"] == "*all"
    assert record["story_points"] == 3.0 and record["sprints"] == []
    assert record["status_category"] == "new" and record["assignee_email"] == "bob@example.com"
    assert record["components"] == ["API"] and record["fix_versions"] == ["1.0"] and record["due_date"] == "2025-06-01"
    assert record["created"] == "2025-05-01T10:00:00.000+0000"
    assert record["comments"] == [{"id": "10050", "author": "Alice Admin", "body": "Reproduced on staging.",
                                   "created": "2025-05-01T12:00:00.000+0000"}]
    assert record["worklogs"][0]["time_spent_seconds"] == 5400
    assert record["worklogs"][0]["started"] == "2026-11-24T02:07:03.000+0000"


async def test_batched_snapshot_matches_the_mcp_reader_and_single_reads_on_the_default_site(default_db: Path) -> None:
    # the MCP tools show rich text as mcp-atlassian 0.23.1 reads it back; with rich_text=markdown, as stored
    async with open_jira(default_db, Quirks.from_strings({"rich_text": "markdown"})) as jira:
        over_mcp = await McpReader(jira.raw).snapshot()
    async with open_jira(default_db) as jira:
        as_production = await McpReader(jira.raw).snapshot()
    with SqliteReader(default_db) as direct:
        whole = await direct.snapshot()
        singles = {key: await direct.get_issue(key) for key in whole}
    assert len(whole) == 155
    assert sorted(whole) == sorted(over_mcp)
    assert json.dumps(whole) == json.dumps({key: over_mcp[key] for key in whole})  # byte for byte
    assert singles == whole
    differing = {(key, name) for key, record in whole.items() for name in record
                 if record[name] != as_production[key][name]}
    # 0.23.1's wiki-to-Markdown step makes "4+ ... 8+" an <ins> tag, then drops it (a worklog without a comment
    # shows "", which the reader reads as no comment)
    assert differing == {("WEB-46", "description")}
    assert as_production["WEB-46"]["description"] == (
        "'snekers' finds sneakers: one edit for words of 4 letters, two for 8.")
    assert any(r["links"] for r in whole.values()) and any(r["worklogs"] for r in whole.values())


async def test_scoped_snapshot_keeps_the_query_order(default_db: Path) -> None:
    with SqliteReader(default_db) as everything:
        whole = await everything.snapshot()
    scope = "project = WEB AND statusCategory != Done ORDER BY key DESC"
    with SqliteReader(default_db, scope_jql=scope) as scoped:
        keys = await scoped.search_keys(scope, limit=1000)
        part = await scoped.snapshot()
    assert list(part) == keys and len(keys) > 10
    assert part == {key: whole[key] for key in keys}


async def test_reader_closes_its_connection_and_refuses_a_missing_database(tmp_path: Path, sample_db: Path) -> None:
    with SqliteReader(sample_db) as reader:
        assert await reader.get_issue("PROJ-1") is not None
    with pytest.raises(sqlite3.ProgrammingError):
        reader.conn.execute("SELECT 1")
    reader.close()  # closing twice is harmless
    async with SqliteReader(sample_db) as again:
        assert await again.get_issue("proj-4") is not None
    with pytest.raises(sqlite3.ProgrammingError):
        again.conn.execute("SELECT 1")
    missing = tmp_path / "nowhere.sqlite"
    with pytest.raises(FileNotFoundError, match="No Jira database at"):
        SqliteReader(missing)
    assert not missing.exists()


async def test_a_scope_larger_than_one_bound_query_reads_the_same(tmp_path: Path) -> None:
    from jira_bench_tui.jira import db
    from jira_bench_tui.jira.synthetic import synthetic_fixture

    path = db.copy_database(db.prepare_template(synthetic_fixture(700), tmp_path / "cache"), tmp_path / "big.sqlite")
    with SqliteReader(path) as everything:
        whole = await everything.snapshot()
    with SqliteReader(path, scope_jql="ORDER BY key ASC") as scoped:
        part = await scoped.snapshot()
        keys = await scoped.search_keys("ORDER BY key ASC", limit=10_000)
    assert len(keys) == len(whole) == 700 and list(part) == keys
    assert part == whole
