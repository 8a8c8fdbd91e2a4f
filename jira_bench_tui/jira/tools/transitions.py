"""Workflow tools: list the transitions available to an issue and move it through one (status, resolution)."""

from __future__ import annotations

from typing import Any

from jira_bench_tui.jira.issue_load import load_transitions, transition_rows
from jira_bench_tui.jira.issue_shape import transition_dicts
from jira_bench_tui.jira.render import FieldSelection
from jira_bench_tui.jira.tools.comments import insert_comment
from jira_bench_tui.jira.tools.common import (
    ISSUE_KEY,
    ChangeItem,
    JiraContext,
    ToolDef,
    ToolFailure,
    mcpa_object,
)
from jira_bench_tui.jira.tools.issue_fields import FieldWriter, normal_name


def get_transitions(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_transitions`: the transitions available from the issue's status, [{"id": 21, "name": ...}] (with
    "to_status" under the `transitions_to_status` quirk)."""
    row = ctx.issue(args["issue_key"])
    transitions = load_transitions(ctx.site, row["workflow_id"], row["status_id"])
    return transition_dicts(transitions, ctx.quirks.transitions_show_target)


def _choose(ctx: JiraContext, row: Any, wanted: str) -> Any:
    available = transition_rows(ctx.site, row["workflow_id"], row["status_id"])
    text = wanted.strip()
    for t in available:
        if str(t["id"]) == text:
            return t
    if ctx.quirks.transitions_match_names:
        for t in available:
            if t["name"].lower() == text.lower() or t["to_name"].lower() == text.lower():
                return t
    listed = ", ".join(f"{t['id']} ({t['name']})" for t in available) or "none"
    raise ToolFailure(f"Transition id '{wanted}' is not valid for this issue.",
                      hint=f"(Transitions available from '{row['status_name']}': {listed}; jira_get_transitions "
                           "lists them.)")


def transition_issue(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_transition_issue`: move the issue through an available transition (by id; by name too under the
    `transition_by_name` quirk), setting the resolution on the way to done (given one, else Done) and clearing it on
    the way back; other `fields` and a `comment` are applied with it. {"message", "issue"}; ToolFailure listing the
    available transitions for one that is not."""
    if not args["issue_key"] or not args["transition_id"]:
        raise ToolFailure("issue_key and transition_id are required.")
    fields = dict(mcpa_object(args.get("fields")))  # parsed first, as servers/jira.py does
    row = ctx.issue(args["issue_key"])
    chosen = _choose(ctx, row, str(args["transition_id"]))
    resolution_ref = None
    for key in list(fields):
        if normal_name(key) == "resolution":
            resolution_ref = fields.pop(key)
    items = [ChangeItem("status", str(row["status_id"]), row["status_name"], str(chosen["to_status_id"]),
                        chosen["to_name"])]
    ctx.conn.execute("UPDATE issues SET status_id = ? WHERE id = ?", (chosen["to_status_id"], row["id"]))
    items += apply_resolution(ctx, row, chosen, resolution_ref)
    if fields:
        writer = FieldWriter(ctx, row["id"])
        writer.apply(fields)
        items += writer.items
    ctx.record_change(row["id"], items)
    comment = args.get("comment")
    if comment:
        insert_comment(ctx, row["id"], comment, None)
    sel = FieldSelection.parse(None, comments_by_default=True)
    return {"message": f"Issue {row['key']} transitioned successfully", "issue": ctx.issue_view(row["id"], sel)}


def mcpa_status_transition(ctx: JiraContext, issue_id: int, status: Any) -> None:
    """A `status` among jira_update_issue's fields, as 0.23.1 handles it after the other fields (jira/issues.py
    `_update_issue_with_status`): the transition whose id is the status (a digit string, a number or {"id"}) is
    done without fields; a status name never matches, since 0.23.1 reads no target status from
    atlassian-python-api's transitions; otherwise "Could not find transition to status '<status>'. Available
    transitions: <names>"."""
    row = ctx.issue(ctx.conn.execute("SELECT key FROM issues WHERE id = ?", (issue_id,)).fetchone()[0])
    wanted = status.get("id") if isinstance(status, dict) else status
    if isinstance(wanted, bool) or not isinstance(wanted, int | str) or not str(wanted).isdigit():
        wanted = None
    available = transition_rows(ctx.site, row["workflow_id"], row["status_id"])
    chosen = next((t for t in available if wanted is not None and str(t["id"]) == str(wanted)), None)
    if chosen is None:
        names = ", ".join(t["name"] for t in available) or "None found"
        raise ToolFailure(f"Could not find transition to status '{status}'. Available transitions: {names}",
                          hint="(pass a transition id from jira_get_transitions, or use jira_transition_issue.)")
    items = [ChangeItem("status", str(row["status_id"]), row["status_name"], str(chosen["to_status_id"]),
                        chosen["to_name"])]
    ctx.conn.execute("UPDATE issues SET status_id = ? WHERE id = ?", (chosen["to_status_id"], row["id"]))
    items += apply_resolution(ctx, row, chosen, None)
    ctx.record_change(row["id"], items)


def apply_resolution(ctx: JiraContext, row: Any, chosen: Any, ref: Any) -> list[ChangeItem]:
    """Set the resolution on a transition to done, clear it on the way back; return the changelog items."""
    new_id: int | None = row["resolution_id"]
    if chosen["sets_resolution"]:
        name = (ref.get("name") or ref.get("id")) if isinstance(ref, dict) else (ref or "Done")
        res = ctx.conn.execute("SELECT * FROM resolutions WHERE name = ? COLLATE NOCASE OR CAST(id AS TEXT) = ?",
                               (str(name), str(name))).fetchone()
        if res is None:
            known = ", ".join(r[0] for r in ctx.conn.execute("SELECT name FROM resolutions ORDER BY id"))
            raise ToolFailure(f"Resolution '{name}' does not exist (known: {known}).")
        new_id = res["id"]
        ctx.conn.execute("UPDATE issues SET resolution_id = ?, resolution_date = ? WHERE id = ?",
                         (new_id, ctx.now_stored, row["id"]))
    elif ref is not None:
        raise ToolFailure(f"Field 'resolution' cannot be set. Transition '{chosen['name']}' does not resolve the "
                          "issue; only transitions to a done status take a resolution.")
    elif chosen["clears_resolution"]:
        new_id = None
        ctx.conn.execute("UPDATE issues SET resolution_id = NULL, resolution_date = NULL WHERE id = ?", (row["id"],))
    if new_id == row["resolution_id"]:
        return []
    new_name = None
    if new_id is not None:
        new_name = ctx.conn.execute("SELECT name FROM resolutions WHERE id = ?", (new_id,)).fetchone()[0]
    return [ChangeItem("resolution", None if row["resolution_id"] is None else str(row["resolution_id"]),
                       row["resolution_name"], None if new_id is None else str(new_id), new_name)]


TOOLS = [
    ToolDef("jira_get_transitions",
            "List the workflow transitions available to an issue now, as [{\"id\": 21, \"name\": \"In Progress\"}]. "
            "Use an id with jira_transition_issue. Example: issue_key='PROJ-1'.",
            {"issue_key": ISSUE_KEY}, get_transitions, read_only=True),
    ToolDef("jira_transition_issue",
            "Move an issue through a workflow transition (the only way to change its status). Example: "
            "issue_key='PROJ-1', transition_id='31' (an id from jira_get_transitions, as a string), "
            "fields='{\"resolution\": {\"name\": \"Done\"}}', comment='Fixed in build 42' (Markdown).",
            {"issue_key": ISSUE_KEY,
             "transition_id": {"description": "Transition id from jira_get_transitions, e.g. '21'.",
                               "type": "string"},
             "fields": {"default": None, "description": "Fields to set during the transition, as a JSON object "
                        "string, e.g. '{\"resolution\": {\"name\": \"Won't Do\"}}'.", "type": "string"},
             "comment": {"default": None, "description": "A comment to add with the transition (Markdown).",
                         "type": "string"}},
            transition_issue, read_only=False, destructive=True),
]
