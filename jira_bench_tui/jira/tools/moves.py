"""Move tool: move an issue (with its sub-tasks) to another project (mcp-atlassian 0.23.1's `move_issue`, Jira
Cloud's bulk move with "infer defaults"), through the model's `issue_move.move_issue`."""

from __future__ import annotations

from typing import Any

from jira_bench_tui.jira.issue_move import move_issue
from jira_bench_tui.jira.render import FieldSelection
from jira_bench_tui.jira.tools.common import (
    ISSUE_KEY_PATTERN,
    PROJECT_KEY_PATTERN,
    JiraContext,
    ToolDef,
    ToolFailure,
    param,
)
from jira_bench_tui.jira.tools.rest_like import ISSUE_NOT_FOUND, find_issue, project_row


def _target_type(ctx: JiraContext, issue: Any, target: Any) -> int:
    """The target project's type for the issue: the same id, else the same name (any case) and sub-task kind;
    ToolFailure in 0.23.1's words when the project has none (or does not exist)."""
    types = ctx.conn.execute("SELECT t.* FROM issue_types t JOIN project_issue_types pt ON pt.issue_type_id = t.id "
                             "WHERE pt.project_id = ? ORDER BY t.id", (target["id"] if target else -1,)).fetchall()
    for row in types:
        if row["id"] == issue["issue_type_id"]:
            return int(row["id"])
    for row in types:
        if row["name"].strip().lower() == issue["type_name"].strip().lower() \
                and bool(row["subtask"]) == bool(issue["type_subtask"]):
            return int(row["id"])
    raise ToolFailure(f"Target project {target['key'] if target else ''} does not support issue type "
                      f"{issue['type_name']}")


def move_issue_tool(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_move_issue`: {"message", "issue"} with the moved issue under its new key (every field but custom ones,
    as 0.23.1 reads it back without a field list). ToolFailure:
    an unknown issue or a refused move as "Failed to move issue K to project P: <Jira's text>", a project without the
    issue's type as 0.23.1 words it."""
    key, project_key = args["issue_key"].strip(), args["target_project_key"].strip()
    failed = f"Failed to move issue {key} to project {project_key}: "
    issue = find_issue(ctx, key)
    if issue is None:
        raise ToolFailure(failed + ISSUE_NOT_FOUND)
    target = project_row(ctx, project_key)
    type_id = _target_type(ctx, issue, target if target is not None else {"id": -1, "key": project_key})
    assert target is not None  # a project that does not exist has no types: _target_type refused it
    try:
        move_issue(ctx, issue["id"], target, type_id)
    except ToolFailure as refused:
        raise ToolFailure(failed + str(refused)) from None
    view = ctx.issue_view(issue["id"], FieldSelection.parse("*all", with_browse_url=False), "v2_raw")
    # 0.23.1 reads the moved issue without asking for fields: no custom fields, and its REST v2 `self` as url
    view = {k: v for k, v in view.items() if not k.startswith("customfield_")}
    if isinstance(view.get("url"), str):
        view["url"] = view["url"].replace("/rest/api/3/issue/", "/rest/api/2/issue/")
    return {"message": f"Issue moved successfully from {key} to project {project_key}", "issue": view}


TOOLS = [
    ToolDef("jira_move_issue",
            "Move an issue (and its sub-tasks) to another project; it gets a new key there and keeps its type. "
            "Example: issue_key='WEB-7', target_project_key='MOB'.",
            {"issue_key": param("string", "The issue to move, e.g. 'WEB-7'.", pattern=ISSUE_KEY_PATTERN),
             "target_project_key": param("string", "The project to move it to, e.g. 'MOB'.",
                                         pattern=PROJECT_KEY_PATTERN)},
            move_issue_tool, read_only=False, destructive=True),
]
