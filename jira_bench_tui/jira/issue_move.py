"""Moving an issue to another project, as Jira Cloud's bulk move does (`POST /rest/api/3/bulk/issues/move` with the
"infer defaults" options): the issue and its sub-tasks get new keys in the target project, keep their type, take the
target workflow's initial status when theirs is not in it, drop components and versions of the old project, and
remember their old keys (Jira keeps answering to them). One changelog entry per issue records `Key` and `project`."""

from __future__ import annotations

import sqlite3

from jira_bench_tui.jira.tools.common import ChangeItem, JiraContext, ToolFailure


def _workflow_statuses(conn: sqlite3.Connection, workflow_id: int) -> set[int]:
    """The statuses a workflow uses: its initial one and every transition's ends."""
    return {r[0] for r in conn.execute(
        "SELECT to_status_id FROM transitions WHERE workflow_id = ? UNION SELECT from_status_id FROM transitions "
        "WHERE workflow_id = ? AND from_status_id IS NOT NULL UNION SELECT initial_status_id FROM workflows "
        "WHERE id = ?", (workflow_id, workflow_id, workflow_id))}


def move_issue(ctx: JiraContext, issue_id: int, target: sqlite3.Row, issue_type_id: int) -> list[int]:
    """Move one issue (and its sub-tasks) to the project row `target` as type `issue_type_id`; the moved ids.

    Raises ToolFailure when the type is not used in the target project, or the issue is a sub-task (sub-tasks move
    with their parent)."""
    conn = ctx.conn
    allowed = {r[0] for r in conn.execute("SELECT issue_type_id FROM project_issue_types WHERE project_id = ?",
                                          (target["id"],))}
    if issue_type_id not in allowed:
        raise ToolFailure(f"The issue type is not used in project {target['key']}.")
    row = conn.execute("SELECT i.*, t.subtask FROM issues i JOIN issue_types t ON t.id = i.issue_type_id "
                       "WHERE i.id = ?", (issue_id,)).fetchone()
    if row["subtask"]:
        raise ToolFailure(f"{row['key']} is a sub-task: it moves with its parent.")
    if row["project_id"] == target["id"]:
        raise ToolFailure(f"{row['key']} is already in project {target['key']}.")
    children = [r[0] for r in conn.execute(
        "SELECT i.id FROM issues i JOIN issue_types t ON t.id = i.issue_type_id WHERE i.parent_id = ? "
        "AND t.subtask = 1 ORDER BY i.id", (issue_id,))]
    moved = [issue_id]
    _move_one(ctx, row, target, issue_type_id)
    for child in children:
        child_row = conn.execute("SELECT * FROM issues WHERE id = ?", (child,)).fetchone()
        _move_one(ctx, child_row, target, child_row["issue_type_id"])
        moved.append(child)
    return moved


def _move_one(ctx: JiraContext, row: sqlite3.Row, target: sqlite3.Row, issue_type_id: int) -> None:
    conn = ctx.conn
    old_project = conn.execute("SELECT * FROM projects WHERE id = ?", (row["project_id"],)).fetchone()
    num = conn.execute("SELECT next_issue_num FROM projects WHERE id = ?", (target["id"],)).fetchone()[0]
    while conn.execute("SELECT 1 FROM issues WHERE key = ?", (f"{target['key']}-{num}",)).fetchone():
        num += 1
    new_key = f"{target['key']}-{num}"
    status = row["status_id"]
    if status not in _workflow_statuses(conn, target["workflow_id"]):
        status = conn.execute("SELECT initial_status_id FROM workflows WHERE id = ?",
                              (target["workflow_id"],)).fetchone()[0]
    conn.execute("UPDATE issues SET key = ?, project_id = ?, num = ?, issue_type_id = ?, status_id = ? WHERE id = ?",
                 (new_key, target["id"], num, issue_type_id, status, row["id"]))
    conn.execute("UPDATE projects SET next_issue_num = ? WHERE id = ?", (num + 1, target["id"]))
    conn.execute("DELETE FROM issue_components WHERE issue_id = ?", (row["id"],))
    conn.execute("DELETE FROM issue_versions WHERE issue_id = ?", (row["id"],))
    conn.execute("INSERT OR REPLACE INTO moved_keys(old_key, issue_id) VALUES (?, ?)", (row["key"], row["id"]))
    ctx.record_change(row["id"], [
        ChangeItem("project", str(old_project["id"]), old_project["name"], str(target["id"]), target["name"]),
        ChangeItem("Key", None, row["key"], None, new_key)])
