"""The tool surface seen by a real MCP client over stdio matches mcp-atlassian 0.23.1's, schema for schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from mcp import StdioServerParameters
from mcp.client import Client

from .conftest import REFERENCE, SAMPLE_SITE, text_of

OUR_TOOLS = sorted("""jira_search jira_get_issue jira_get_project_issues jira_create_issue jira_batch_create_issues
jira_update_issue jira_assign_issue jira_delete_issue jira_get_transitions jira_transition_issue jira_add_comment
jira_edit_comment jira_search_fields jira_get_all_projects jira_get_project_issue_types jira_get_project_versions
jira_get_project_components jira_search_assignable_users jira_get_user_profile jira_get_link_types
jira_create_issue_link jira_remove_issue_link jira_link_to_epic jira_add_worklog jira_get_worklog
jira_get_agile_boards jira_get_sprints_from_board jira_get_sprint_issues jira_add_issues_to_sprint
jira_create_sprint jira_update_sprint jira_move_issues_to_backlog""".split())
WRITE_TOOLS = {"jira_create_issue", "jira_batch_create_issues", "jira_update_issue", "jira_assign_issue",
               "jira_delete_issue", "jira_transition_issue", "jira_add_comment", "jira_edit_comment",
               "jira_create_issue_link", "jira_remove_issue_link", "jira_link_to_epic", "jira_add_worklog",
               "jira_add_issues_to_sprint", "jira_create_sprint", "jira_update_sprint", "jira_move_issues_to_backlog"}

DESTRUCTIVE_TOOLS = {"jira_update_issue", "jira_assign_issue", "jira_delete_issue", "jira_transition_issue",
                     "jira_edit_comment", "jira_remove_issue_link", "jira_update_sprint"}


def interface(schema: dict) -> dict:
    """What an agent's call depends on: names, types, defaults, patterns, bounds, required, extra keys."""
    keep = ("type", "default", "pattern", "minimum", "maximum")
    return {
        "properties": {name: {k: spec[k] for k in keep if k in spec} for name, spec in schema["properties"].items()},
        "required": sorted(schema.get("required", [])),
        "additionalProperties": schema.get("additionalProperties"),
    }


async def test_stdio_server_lists_the_mcp_atlassian_tools_with_their_exact_schemas(tmp_path: Path) -> None:
    reference = {t["name"]: t["inputSchema"] for t in json.loads((REFERENCE / "mcp-atlassian-tools.json")
                                                                  .read_text())["tools"]}
    params = StdioServerParameters(command=sys.executable, cwd=str(tmp_path),
                                   args=["-m", "jira_bench_tui", "jira-server", "--fixture", str(SAMPLE_SITE)])
    async with Client(params) as client:
        listed = (await client.list_tools()).tools
        result = await client.call_tool("jira_get_issue", {"issue_key": "PROJ-1"})
    tools = {t.name: t for t in listed}
    assert sorted(tools) == OUR_TOOLS
    for name in OUR_TOOLS:
        assert interface(tools[name].input_schema) == interface(reference[name]), name
        assert len(tools[name].description or "") > 40, name
        annotations = tools[name].annotations
        assert annotations is not None
        assert annotations.read_only_hint is (name not in WRITE_TOOLS), name
        assert annotations.destructive_hint is (name in DESTRUCTIVE_TOOLS), name
    assert not result.is_error
    assert json.loads(text_of(result))["key"] == "PROJ-1"
    assert result.structured_content == {"result": text_of(result)}
