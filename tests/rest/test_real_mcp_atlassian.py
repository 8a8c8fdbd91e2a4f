"""The real mcp-atlassian (0.23.1, run unchanged as a stdio MCP server in its own environment) against the REST face
in Cloud mode: it lists its 63 Jira tools, and its core tools succeed and change our database as they should.

The executable comes from tests/real_server.py (the `mcp_atlassian_binary` fixture: $JIRA_BENCH_MCP_ATLASSIAN, ...);
the test is skipped, saying so, only when none exists."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mcp.client import Client
from mcp.client.stdio import StdioServerParameters, stdio_client

from jira_bench_tui.jira.rest import RestServer, mcp_atlassian_env

from .conftest import Site

SAM = "cec60bf2b8fc8648e00a4cfd"  # sam@acme.test in builtin:default


async def _call(client: Client, name: str, args: dict[str, Any]) -> Any:
    result = await client.call_tool(name, args)
    text = getattr(result.content[0], "text", "") if result.content else ""
    assert not result.is_error, f"{name} failed: {text}"
    return json.loads(text)


async def test_real_mcp_atlassian_runs_against_the_rest_face(site: Site, rest_server: RestServer,
                                                             mcp_atlassian_binary: str, tmp_path: Path) -> None:
    params = StdioServerParameters(command=mcp_atlassian_binary, env=mcp_atlassian_env(rest_server.url, site.host),
                                   cwd=tmp_path)  # it uploads only files below its working folder
    with open(tmp_path / "mcp-atlassian.log", "w") as log:
        async with Client(stdio_client(params, errlog=log), mode="legacy") as client:
            names = {t.name for t in (await client.list_tools()).tools}
            assert len(names) == 63 and {"jira_get_issue", "jira_search", "jira_create_issue"} <= names
            await _reads(client)
            await _writes(client, site)
            await _attachments(client, site, tmp_path)
            await _agile(client, site)


async def _reads(client: Client) -> None:
    issue = await _call(client, "jira_get_issue", {"issue_key": "WEB-5", "include": "all"})
    assert issue["key"] == "WEB-5" and issue["status"]["name"] == "Done"
    found = await _call(client, "jira_search", {"jql": "project = WEB ORDER BY key ASC", "limit": 3,
                                                "fields": "summary"})
    assert [i["key"] for i in found["issues"]] == ["WEB-1", "WEB-2", "WEB-3"] and found["total"] == -1
    more = await _call(client, "jira_search", {"jql": "project = WEB ORDER BY key ASC", "limit": 3,
                                               "page_token": found["next_page_token"]})
    assert [i["key"] for i in more["issues"]] == ["WEB-4", "WEB-5", "WEB-6"]
    transitions = await _call(client, "jira_get_transitions", {"issue_key": "WEB-22"})
    assert {t["name"] for t in transitions} >= {"In Progress", "Done"}
    fields = await _call(client, "jira_search_fields", {"keyword": "story point"})
    assert fields[0]["id"] == "customfield_10016"


async def _writes(client: Client, site: Site) -> None:
    made = await _call(client, "jira_create_issue", {
        "project_key": "WEB", "summary": "Made by mcp-atlassian", "issue_type": "Task",
        "description": "## Steps\n\n1. open the cart\n2. pay", "assignee": "sam@acme.test"})
    key = made["issue"]["key"]
    row = site.one("SELECT * FROM issues WHERE key = ?", key)
    assert row["description"] == "## Steps\n\n1. open the cart\n2. pay" and row["assignee_id"] == SAM
    await _call(client, "jira_update_issue", {"issue_key": key, "fields": json.dumps(
        {"summary": "Renamed by mcp-atlassian", "labels": ["e2e"], "priority": {"name": "High"}})})
    row = site.one("SELECT i.summary, p.name FROM issues i JOIN priorities p ON p.id = i.priority_id WHERE key = ?",
                   key)
    assert tuple(row) == ("Renamed by mcp-atlassian", "High")
    await _call(client, "jira_transition_issue", {"issue_key": key, "transition_id": "21",
                                                  "comment": "Starting **now**"})
    assert site.one("SELECT s.name FROM issues i JOIN statuses s ON s.id = i.status_id WHERE key = ?",
                    key)[0] == "In Progress"
    await _call(client, "jira_add_comment", {"issue_key": key, "body": "A comment with `code` and a [link](https://x.test)"})
    bodies = [r[0] for r in site.db().execute("SELECT c.body FROM comments c JOIN issues i ON i.id = c.issue_id "
                                              "WHERE i.key = ? ORDER BY c.id", (key,))]
    assert bodies == ["Starting **now**", "A comment with `code` and a [link](https://x.test)"]
    await _call(client, "jira_add_worklog", {"issue_key": key, "time_spent": "1h 30m"})
    assert site.one("SELECT time_spent_s FROM issues WHERE key = ?", key)[0] == 5400
    await _call(client, "jira_assign_issue", {"issue_key": "WEB-22", "assignee": "sam@acme.test"})
    assert site.one("SELECT assignee_id FROM issues WHERE key = 'WEB-22'")[0] == SAM
    await _call(client, "jira_create_issue_link", {"link_type": "Blocks", "inward_issue_key": key,
                                                   "outward_issue_key": "WEB-22"})
    assert site.one("SELECT COUNT(*) FROM issue_links l JOIN issues i ON i.id = l.inward_issue_id WHERE i.key = ?",
                    key)[0] == 1


async def _agile(client: Client, site: Site) -> None:
    boards = await _call(client, "jira_get_agile_boards", {"project_key": "WEB"})
    assert [b["id"] for b in boards] == ["1"]
    sprints = await _call(client, "jira_get_sprints_from_board", {"board_id": "1", "state": "active"})
    assert [s["id"] for s in sprints] == ["3"]
    sprint = await _call(client, "jira_create_sprint", {"board_id": "1", "name": "E2E sprint",
                                                        "start_date": "2027-01-04T09:00:00.000Z",
                                                        "end_date": "2027-01-15T17:00:00.000Z"})
    await _call(client, "jira_add_issues_to_sprint", {"sprint_id": str(sprint["id"]), "issue_keys": "WEB-22"})
    assert site.one("SELECT s.name FROM sprint_issues si JOIN sprints s ON s.id = si.sprint_id JOIN issues i "
                    "ON i.id = si.issue_id WHERE i.key = 'WEB-22' AND s.state != 'closed'")[0] == "E2E sprint"
    issues = await _call(client, "jira_get_sprint_issues", {"sprint_id": str(sprint["id"])})
    assert [i["key"] for i in issues["issues"]] == ["WEB-22"]


async def _attachments(client: Client, site: Site, tmp_path: Path) -> None:
    note = tmp_path / "notes.txt"
    note.write_text("attached by mcp-atlassian")
    await _call(client, "jira_update_issue", {"issue_key": "WEB-22", "fields": json.dumps({"labels": ["files"]}),
                                              "attachments": str(note)})
    row = site.one("SELECT a.filename, a.content FROM attachments a JOIN issues i ON i.id = a.issue_id "
                   "WHERE i.key = 'WEB-22'")
    assert row is not None and (row[0], bytes(row[1])) == ("notes.txt", b"attached by mcp-atlassian")
    downloaded = await _call(client, "jira_download_attachments", {"issue_key": "WEB-22"})
    assert downloaded["downloaded"] == 1, downloaded
