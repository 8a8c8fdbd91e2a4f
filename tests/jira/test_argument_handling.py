"""Argument handling by kind, as mcp-atlassian 0.23.1's FastMCP/pydantic layer does it: every integer and boolean
parameter of every tool takes its string form, null is refused where the default is not null, schema violations
read as pydantic's text, and each tool words a missing issue as 0.23.1 does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jira_bench_tui.jira.tools import ALL_TOOLS, ToolDef

from .conftest import open_jira

NOT_VISIBLE = "Issue does not exist or you do not have permission to see it."
SAMPLES = {"integer": ("2", 2), "boolean": ("true", True)}


def required_arguments(tool: ToolDef) -> dict[str, Any]:
    """Plausible values for the tool's required parameters (keys match the schema patterns)."""
    values: dict[str, Any] = {}
    for name, spec in tool.properties.items():
        if "default" in spec:
            continue
        pattern = spec.get("pattern", "")
        values[name] = [] if spec["type"] == "array" else "PROJ-1" if "\\d" in pattern else "PROJ" if pattern else "1"
    return values


def typed_parameters(kinds: tuple[str, ...]) -> list[tuple[str, str, str]]:
    return [(tool.name, name, spec["type"]) for tool in ALL_TOOLS for name, spec in tool.properties.items()
            if spec["type"] in kinds]


TOOLS = {tool.name: tool for tool in ALL_TOOLS}


@pytest.mark.parametrize(("tool", "name", "kind"), typed_parameters(("integer", "boolean")))
async def test_numeric_and_boolean_strings_are_coerced(sample_db: Path, tool: str, name: str, kind: str) -> None:
    text_form, _ = SAMPLES[kind]
    async with open_jira(sample_db) as jira:
        text, _ = await jira.raw(tool, {**required_arguments(TOOLS[tool]), name: text_form})
    assert "validation error for call[" not in text, text


@pytest.mark.parametrize(("tool", "name", "kind"), typed_parameters(("integer", "boolean", "string")))
async def test_null_only_where_the_default_is_null(sample_db: Path, tool: str, name: str, kind: str) -> None:
    spec = TOOLS[tool].properties[name]
    async with open_jira(sample_db) as jira:
        text, is_error = await jira.raw(tool, {**required_arguments(TOOLS[tool]), name: None})
    short = tool.removeprefix("jira_")
    if "default" in spec and spec["default"] is None:
        assert "validation error for call[" not in text, text
    else:
        expected = {"integer": "integer", "boolean": "boolean", "string": "string"}[kind]
        assert is_error and text.startswith(f"1 validation error for call[{short}]\n{name}\n  Input should be a "
                                            f"valid {expected} [type={expected[:3] if kind != 'string' else 'string'}"
                                            ), text


async def test_schema_violations_read_as_pydantic_does(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        text, is_error = await jira.raw("jira_search", {"jql": 3, "limit": "2.5", "colour": "red"})
    assert is_error and text == (
        "3 validation errors for call[search]\n"
        "jql\n  Input should be a valid string [type=string_type, input_value=3, input_type=int]\n"
        "    For further information visit https://errors.pydantic.dev/2.14/v/string_type\n"
        "limit\n  Input should be a valid integer, unable to parse string as an integer [type=int_parsing, "
        "input_value='2.5', input_type=str]\n"
        "    For further information visit https://errors.pydantic.dev/2.14/v/int_parsing\n"
        "colour\n  Unexpected keyword argument [type=unexpected_keyword_argument, input_value='red', "
        "input_type=str]\n"
        "    For further information visit https://errors.pydantic.dev/2.14/v/unexpected_keyword_argument")


MISSING = [
    ("jira_get_issue", {}, "Issue PROJ-999 not found. Verify the issue key and project access."),
    ("jira_update_issue", {"fields": '{"summary": "x"}'},
     f"Failed to update issue PROJ-999: Failed to update issue PROJ-999: {NOT_VISIBLE}"),
    ("jira_assign_issue", {"assignee": "bob@example.com"},
     f"Failed to assign issue PROJ-999: Failed to assign issue PROJ-999: {NOT_VISIBLE}"),
    ("jira_delete_issue", {}, f"Error deleting issue PROJ-999: {NOT_VISIBLE}"),
    ("jira_get_transitions", {}, NOT_VISIBLE),
    ("jira_transition_issue", {"transition_id": "21"}, NOT_VISIBLE),
    ("jira_add_comment", {"body": "hi"}, f"Error adding comment: {NOT_VISIBLE}"),
    ("jira_edit_comment", {"comment_id": "1", "body": "hi"}, f"Error editing comment: {NOT_VISIBLE}"),
    ("jira_add_worklog", {"time_spent": "1h"}, f"Error adding worklog: {NOT_VISIBLE}"),
    ("jira_get_worklog", {}, f"Error getting worklogs: {NOT_VISIBLE}"),
    ("jira_link_to_epic", {"epic_key": "PROJ-1"}, NOT_VISIBLE),
]


@pytest.mark.parametrize(("tool", "arguments", "expected"), MISSING, ids=[m[0] for m in MISSING])
async def test_each_tool_words_a_missing_issue_as_mcp_atlassian(sample_db: Path, tool: str,
                                                                 arguments: dict[str, Any], expected: str) -> None:
    async with open_jira(sample_db) as jira:
        text, is_error = await jira.raw(tool, {"issue_key": "PROJ-999", **arguments})
    assert is_error and text == f"Error calling tool '{tool.removeprefix('jira_')}': {expected}"


async def test_search_pages_only_by_token_and_is_not_capped(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        first = await jira.ok("jira_search", jql="project = PROJ ORDER BY key ASC", fields="summary", limit=2,
                              start_at=3)
        rest = await jira.ok("jira_search", jql="project = PROJ ORDER BY key ASC", fields="summary", limit=60,
                             page_token=first["next_page_token"])
        missing = await jira.ok("jira_get_project_issues", project_key="NOPE")
    assert [i["key"] for i in first["issues"]] == ["PROJ-1", "PROJ-2"] and first["start_at"] == 0
    assert [i["key"] for i in rest["issues"]] == ["PROJ-3", "PROJ-4"] and rest["max_results"] == 60
    assert missing == {"total": 0, "start_at": 0, "max_results": 0, "issues": []}


@pytest.mark.parametrize("started", ["2026-11-20", "2026-11-20T09:30:00Z", "2026-11-20T09:30:00+0000",
                                     "2026-11-20 09:30:00.000+0000", "yesterday"])
async def test_worklog_started_only_in_jiras_format(sample_db: Path, started: str) -> None:
    async with open_jira(sample_db) as jira:
        text = await jira.error("jira_add_worklog", issue_key="PROJ-1", time_spent="1h", started=started)
        good = await jira.ok("jira_add_worklog", issue_key="PROJ-1", time_spent="1h",
                             started="2026-11-20T09:30:00.000+0100")
    assert "Invalid date format. Please enter the date in the format" in text
    assert good["worklog"]["started"] == "2026-11-20 08:30:00+00:00"


@pytest.mark.parametrize("value", ['"Sprint 1"', '[{"id": 1}]', '{"id": 1}', '"1"', "[1]"])
async def test_the_sprint_field_takes_only_a_number(sample_db: Path, value: str) -> None:
    async with open_jira(sample_db) as jira:
        text = await jira.error("jira_update_issue", issue_key="PROJ-4",
                                fields=f'{{"customfield_10020": {value}}}')
    assert text.endswith("Failed to update issue PROJ-4: Number value expected as the Sprint id.")


@pytest.mark.parametrize("fields", ['{"parent": null}', '{"parent": ""}', '{"parent": {}}', '{"story_points": 5}',
                                   '{"Story Points": 5}', "{}"])
async def test_what_mcp_atlassian_drops_is_a_silent_success(sample_db: Path, fields: str) -> None:
    async with open_jira(sample_db) as jira:
        before = jira.dump()
        result = await jira.ok("jira_update_issue", issue_key="PROJ-4", fields=fields)
        assert jira.dump() == before
    assert result["message"] == "Issue updated successfully"
