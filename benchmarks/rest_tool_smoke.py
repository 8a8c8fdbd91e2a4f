"""The real mcp-atlassian against the REST face: one basic call of each of the tools it lists, on a fresh copy of
builtin:default, counting the calls that complete without error. Needs mcp-atlassian installed in its own
environment (`jira-bench servers install mcp-atlassian`, or `JIRA_BENCH_MCP_ATLASSIAN=/path/to/bin/mcp-atlassian`).

Prints one line per failing tool, then `rest smoke: completed=N/M tools=M seconds=S` last. `--verbose` prints every
result."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mcp.client import Client  # noqa: E402
from mcp.client.stdio import StdioServerParameters, stdio_client  # noqa: E402

from jira_bench_tui.jira import db  # noqa: E402
from jira_bench_tui.jira.fixture_files import load_fixture_file  # noqa: E402
from jira_bench_tui.jira.rest import RestServer, mcp_atlassian_env  # noqa: E402

HOST = "t-smoke.atlassian.net"
SAM = "cec60bf2b8fc8648e00a4cfd"  # sam@acme.test in builtin:default

# One ordinary call per tool on builtin:default (WEB-1..3 epics, sprints 3 active / 4 future on board 1).
CALLS: dict[str, dict[str, Any]] = {
    "jira_get_issue": {"issue_key": "WEB-5", "include": "all"},
    "jira_search": {"jql": "project = WEB ORDER BY key", "limit": 5},
    "jira_get_project_issues": {"project_key": "WEB", "limit": 5},
    "jira_get_transitions": {"issue_key": "WEB-5"},
    "jira_get_worklog": {"issue_key": "WEB-5"},
    "jira_get_issue_watchers": {"issue_key": "WEB-5"},
    "jira_get_issue_dates": {"issue_key": "WEB-5"},
    "jira_get_issue_images": {"issue_key": "WEB-5"},
    "jira_download_attachments": {"issue_key": "WEB-5"},
    "jira_batch_get_changelogs": {"issue_ids_or_keys": "WEB-5"},
    "jira_search_fields": {"keyword": "story"},
    "jira_get_field_options": {"field_id": "priority", "project_key": "WEB", "issue_type": "Task"},
    "jira_get_create_fields": {"project_key": "WEB", "issue_type_id": "10002"},
    "jira_get_project_fields": {"project_key": "WEB"},
    "jira_get_all_projects": {},
    "jira_search_projects": {"query": "store"},
    "jira_get_project_issue_types": {"project_key": "WEB"},
    "jira_get_project_versions": {"project_key": "WEB"},
    "jira_get_project_components": {"project_key": "WEB"},
    "jira_get_project_epic_hierarchy": {"project_key": "WEB"},
    "jira_get_cross_project_dependencies": {"project_key": "WEB"},
    "jira_search_assignable_users": {"query": "sam", "project_key": "WEB"},
    "jira_get_user_profile": {"user_identifier": "sam@acme.test"},
    "jira_get_link_types": {},
    "jira_get_agile_boards": {"project_key": "WEB"},
    "jira_get_sprints_from_board": {"board_id": "1"},
    "jira_get_sprint_issues": {"sprint_id": "3"},
    "jira_get_board_issues": {"board_id": "1", "jql": "status != Done"},
    "jira_create_issue": {"project_key": "WEB", "summary": "Smoke issue", "issue_type": "Task",
                          "description": "Made by the **smoke** test."},
    "jira_batch_create_issues": {"issues": json.dumps([{"project_key": "WEB", "summary": "Batch one",
                                                       "issue_type": "Task"}])},
    "jira_update_issue": {"issue_key": "WEB-5", "fields": json.dumps({"labels": ["smoke"]})},
    "jira_assign_issue": {"issue_key": "WEB-5", "assignee": "sam@acme.test"},
    "jira_transition_issue": {"issue_key": "WEB-5", "transition_id": "21"},
    "jira_add_comment": {"issue_key": "WEB-5", "body": "A *smoke* comment"},
    "jira_edit_comment": {"issue_key": "WEB-7", "comment_id": "10000", "body": "Edited"},
    "jira_add_worklog": {"issue_key": "WEB-5", "time_spent": "1h"},
    "jira_add_watcher": {"issue_key": "WEB-5", "user_identifier": SAM},
    "jira_remove_watcher": {"issue_key": "WEB-5", "account_id": SAM},
    "jira_create_issue_link": {"link_type": "Blocks", "inward_issue_key": "WEB-5", "outward_issue_key": "WEB-6"},
    "jira_remove_issue_link": {"link_id": "10011"},
    "jira_create_remote_issue_link": {"issue_key": "WEB-5", "url": "https://example.com/doc", "title": "Design doc"},
    "jira_link_to_epic": {"issue_key": "WEB-10", "epic_key": "WEB-1"},
    "jira_create_sprint": {"board_id": "1", "name": "Smoke sprint", "start_date": "2027-01-04T09:00:00.000Z",
                           "end_date": "2027-01-15T17:00:00.000Z"},
    "jira_update_sprint": {"sprint_id": "4", "goal": "Smoke goal"},
    "jira_add_issues_to_sprint": {"sprint_id": "4", "issue_keys": "WEB-6"},
    "jira_move_issues_to_backlog": {"issue_keys": "WEB-6"},
    "jira_create_version": {"project_key": "WEB", "name": "9.9"},
    "jira_batch_create_versions": {"project_key": "WEB", "versions": json.dumps([{"name": "9.10"}])},
    "jira_update_version": {"version_id": "10000", "description": "Smoke"},
    "jira_move_issue": {"issue_key": "WEB-7", "target_project_key": "MOB"},
    "jira_get_issue_development_info": {"issue_key": "WEB-5"},
    "jira_get_issues_development_info": {"issue_keys": "WEB-5"},
    "jira_get_issue_sla": {"issue_key": "WEB-5"},
    "jira_get_issue_proforma_forms": {"issue_key": "WEB-5"},
    "jira_get_proforma_form_details": {"issue_key": "WEB-5", "form_id": "1"},
    "jira_update_proforma_form_answers": {"issue_key": "WEB-5", "form_id": "1", "answers": []},
    "jira_get_service_desk_for_project": {"project_key": "WEB"},
    "jira_get_service_desk_queues": {"service_desk_id": "1"},
    "jira_get_queue_issues": {"service_desk_id": "1", "queue_id": "1"},
    "jira_get_request_types": {"service_desk_id": "1"},
    "jira_get_request_type_fields": {"service_desk_id": "1", "request_type_id": "1"},
    "jira_create_customer_request": {"service_desk_id": "1", "request_type_id": "1",
                                     "request_field_values": json.dumps({"summary": "Help"})},
    "jira_delete_issue": {"issue_key": "WEB-80"},
}


def binary() -> str:
    """The mcp-atlassian executable `jira-bench` would run ($JIRA_BENCH_MCP_ATLASSIAN, else the managed install)."""
    from jira_bench_tui.engine import server_envs

    found = server_envs.find("mcp-atlassian")
    if found is None:
        raise SystemExit("mcp-atlassian is not installed: run `jira-bench servers install mcp-atlassian`")
    return str(found)


def failed(result: Any) -> tuple[bool, str]:
    """(failed, text): an error result, or a success whose JSON says `"success": false` / has an `error`."""
    text = getattr(result.content[0], "text", "") if result.content else ""
    if result.is_error:
        return True, text
    try:
        value = json.loads(text)
    except ValueError:
        return False, text
    if isinstance(value, dict) and (value.get("success") is False or value.get("error")):
        return True, text
    return False, text


async def run(verbose: bool) -> tuple[int, int]:
    template = db.prepare_template(load_fixture_file("builtin:default"))
    with tempfile.TemporaryDirectory() as tmp, RestServer() as server:
        server.registry.add(HOST, Path(tmp) / "jira.sqlite", template=template)
        params = StdioServerParameters(command=binary(), env=mcp_atlassian_env(server.url, HOST))
        with open(os.devnull, "w") as quiet:
            async with Client(stdio_client(params, errlog=quiet), mode="legacy") as client:
                names = [t.name for t in (await client.list_tools()).tools]
                completed = 0
                for name in names:
                    result = await client.call_tool(name, CALLS.get(name, {}))
                    bad, text = failed(result)
                    completed += not bad
                    if bad or verbose:
                        print(f"{'FAIL' if bad else 'ok  '} {name}: {text[:300].replace(chr(10), ' ')}")
                return completed, len(names)


def main() -> None:
    start = time.monotonic()
    completed, total = asyncio.run(run("--verbose" in sys.argv))
    print(f"rest smoke: completed={completed}/{total} tools={total} seconds={time.monotonic() - start:.1f}")


if __name__ == "__main__":
    main()
