"""Workflow, comment and worklog endpoints of Jira Cloud REST v2/v3: `GET/POST /issue/{key}/transitions`,
`/issue/{key}/comment[/{id}]`, `/issue/{key}/worklog[/{id}]`. Transitions reuse the model's workflow (valid
transitions from the current status, resolution set or cleared, changelog); comments and worklogs are stored as
Markdown and shown as ADF (v3) or wiki markup (v2)."""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

from jira_bench_tui.jira.durations import format_duration, parse_duration
from jira_bench_tui.jira.issue_load import transition_rows
from jira_bench_tui.jira.rest import shapes
from jira_bench_tui.jira.rest.core import Reply, RestCall, RestError, bad_request, issue_row, route
from jira_bench_tui.jira.rest.fields_in import apply_fields, apply_update, rich_text_in
from jira_bench_tui.jira.tools.comments import insert_comment
from jira_bench_tui.jira.tools.common import ChangeItem, ToolFailure
from jira_bench_tui.jira.tools.issue_fields import FieldWriter
from jira_bench_tui.jira.tools.transitions import apply_resolution
from jira_bench_tui.jira.tools.worklogs import STARTED_REFUSED, add_worklog


def transitions_json(call: RestCall, row: sqlite3.Row, with_fields: bool = False) -> list[dict[str, Any]]:
    """The transitions available from the issue's status, as `GET /issue/{key}/transitions` lists them."""
    out: list[dict[str, Any]] = []
    seen: set[int] = set()
    for t in transition_rows(call.ctx.site, row["workflow_id"], row["status_id"]):
        if t["id"] in seen:
            continue
        seen.add(t["id"])
        is_global = call.conn.execute("SELECT 1 FROM transitions WHERE workflow_id = ? AND id = ? AND "
                                      "from_status_id IS NULL", (row["workflow_id"], t["id"])).fetchone() is not None
        entry: dict[str, Any] = {"id": str(t["id"]), "name": t["name"], "to": shapes.status_json(call, t["to_status_id"]),
                                 "hasScreen": bool(t["sets_resolution"]), "isGlobal": is_global, "isInitial": False,
                                 "isAvailable": True, "isConditional": False, "isLooped": False}
        if with_fields:
            entry["fields"] = _transition_fields(call) if t["sets_resolution"] else {}
        out.append(entry)
    return out


def _transition_fields(call: RestCall) -> dict[str, Any]:
    values = [shapes.resolution_json(call, r[0]) for r in call.conn.execute("SELECT id FROM resolutions ORDER BY id")]
    return {"resolution": {"required": False, "schema": {"type": "resolution", "system": "resolution"},
                           "name": "Resolution", "key": "resolution", "operations": ["set"],
                           "allowedValues": values}}


@route("GET", "issue/{issueIdOrKey}/transitions")
def get_transitions(call: RestCall) -> Reply:
    """GET /issue/{key}/transitions: `{"expand": "transitions", "transitions": [...]}`; `transitionId` filters."""
    row = issue_row(call)
    listed = transitions_json(call, row, "transitions.fields" in call.args("expand"))
    wanted = call.arg("transitionId")
    if wanted:
        listed = [t for t in listed if t["id"] == wanted]
    return Reply({"expand": "transitions", "transitions": listed})


@route("POST", "issue/{issueIdOrKey}/transitions")
def do_transition(call: RestCall) -> Reply:
    """POST /issue/{key}/transitions `{"transition": {"id"}, "fields"?, "update"?}`: 204; 400 for a transition
    not valid from the current status ("Transition id 'N' is not valid for this issue.")."""
    row = issue_row(call)
    body = call.json_object()
    ref = body.get("transition")
    wanted = str((ref.get("id") or "") if isinstance(ref, dict) else (ref or "")).strip()
    if not wanted:
        raise bad_request("Missing 'transition' identifier")
    chosen = next((t for t in transition_rows(call.ctx.site, row["workflow_id"], row["status_id"])
                   if str(t["id"]) == wanted), None)
    if chosen is None:
        raise bad_request(f"Transition id '{wanted}' is not valid for this issue.")
    fields = dict(body.get("fields") or {})
    resolution = fields.pop("resolution", None)
    items = [ChangeItem("status", str(row["status_id"]), row["status_name"], str(chosen["to_status_id"]),
                        chosen["to_name"])]
    call.conn.execute("UPDATE issues SET status_id = ? WHERE id = ?", (chosen["to_status_id"], row["id"]))
    try:
        items += apply_resolution(call.ctx, row, chosen, resolution)
    except ToolFailure as failure:
        raise RestError(400, errors={"resolution": str(failure).split(" Transition")[0]}) from None
    writer = FieldWriter(call.ctx, row["id"])
    apply_fields(call, writer, fields)
    comments = apply_update(call, writer, body.get("update") or {})
    call.ctx.record_change(row["id"], items + writer.items)
    for text in comments:
        insert_comment(call.ctx, row["id"], text, None)
    return Reply(None, 204)


# ---------------------------------------------------------------- comments


def _comment_row(call: RestCall, issue_id: int) -> sqlite3.Row:
    row = call.conn.execute("SELECT * FROM comments WHERE CAST(id AS TEXT) = ? AND issue_id = ?",
                            (call.params["id"], issue_id)).fetchone()
    if row is None:
        raise RestError(404, "Can not find a comment for the id: " + call.params["id"] + ".")
    return row


def _visibility(value: Any) -> str | None:
    if value in (None, {}):
        return None
    if not isinstance(value, dict) or value.get("type") not in ("group", "role") or not value.get("value"):
        raise bad_request("Visibility must be {\"type\": \"group\" or \"role\", \"value\": ...}.")
    return json.dumps({"type": value["type"], "value": value["value"]})


@route("GET", "issue/{issueIdOrKey}/comment")
def list_comments(call: RestCall) -> Reply:
    """GET /issue/{key}/comment: `{"startAt", "maxResults", "total", "comments"}` (`orderBy=-created` reverses)."""
    row = issue_row(call)
    order = "DESC" if (call.arg("orderBy") or "created").startswith("-") else "ASC"
    rows = call.conn.execute(f"SELECT * FROM comments WHERE issue_id = ? ORDER BY created {order}, id {order}",
                             (row["id"],)).fetchall()
    start, size = call.int_arg("startAt", 0), call.int_arg("maxResults", 5000)
    window = rows[start:start + size]
    return Reply({"startAt": start, "maxResults": size, "total": len(rows),
                  "comments": [shapes.comment_json(call, c, row["id"]) for c in window]})


@route("POST", "issue/{issueIdOrKey}/comment")
def add_comment(call: RestCall) -> Reply:
    """POST /issue/{key}/comment `{"body", "visibility"?}`: 201 with the comment."""
    row = issue_row(call)
    body = call.json_object()
    text = rich_text_in(call, body.get("body"), "comment")
    if not text or not text.strip():
        raise RestError(400, errors={"comment": "Comment body can not be empty!"})
    comment_id = insert_comment(call.ctx, row["id"], text, _visibility(body.get("visibility")))
    saved = call.conn.execute("SELECT * FROM comments WHERE id = ?", (comment_id,)).fetchone()
    return Reply(shapes.comment_json(call, saved, row["id"]), 201)


@route("GET", "issue/{issueIdOrKey}/comment/{id}")
def get_comment(call: RestCall) -> Reply:
    """GET /issue/{key}/comment/{id}: one comment; 404 for a comment not on that issue."""
    row = issue_row(call)
    return Reply(shapes.comment_json(call, _comment_row(call, row["id"]), row["id"]))


@route("PUT", "issue/{issueIdOrKey}/comment/{id}")
def edit_comment(call: RestCall) -> Reply:
    """PUT /issue/{key}/comment/{id} `{"body", "visibility"?}`: 200 with the comment."""
    row = issue_row(call)
    comment = _comment_row(call, row["id"])
    body = call.json_object()
    text = rich_text_in(call, body.get("body"), "comment")
    if not text or not text.strip():
        raise RestError(400, errors={"comment": "Comment body can not be empty!"})
    visibility = _visibility(body["visibility"]) if "visibility" in body else comment["visibility"]
    call.conn.execute("UPDATE comments SET body = ?, visibility = ?, updated = ?, update_author_id = ? WHERE id = ?",
                      (text, visibility, call.ctx.now_stored, call.ctx.current_user, comment["id"]))
    call.ctx.touch(row["id"])
    saved = call.conn.execute("SELECT * FROM comments WHERE id = ?", (comment["id"],)).fetchone()
    return Reply(shapes.comment_json(call, saved, row["id"]))


@route("DELETE", "issue/{issueIdOrKey}/comment/{id}")
def delete_comment(call: RestCall) -> Reply:
    """DELETE /issue/{key}/comment/{id}: 204."""
    row = issue_row(call)
    comment = _comment_row(call, row["id"])
    call.conn.execute("DELETE FROM comments WHERE id = ?", (comment["id"],))
    call.ctx.touch(row["id"])
    return Reply(None, 204)


# ---------------------------------------------------------------- worklogs


@route("GET", "issue/{issueIdOrKey}/worklog")
def list_worklogs(call: RestCall) -> Reply:
    """GET /issue/{key}/worklog: `{"startAt", "maxResults", "total", "worklogs"}`."""
    row = issue_row(call)
    rows = call.conn.execute("SELECT * FROM worklogs WHERE issue_id = ? ORDER BY started, id", (row["id"],)).fetchall()
    start, size = call.int_arg("startAt", 0), call.int_arg("maxResults", 5000)
    return Reply({"startAt": start, "maxResults": size, "total": len(rows),
                  "worklogs": [shapes.worklog_json(call, w) for w in rows[start:start + size]]})


def _spent(body: dict[str, Any]) -> str:
    if body.get("timeSpentSeconds") is not None:
        seconds = body["timeSpentSeconds"]
        if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds <= 0:
            raise RestError(400, errors={"timeLogged": "Time Spent must be more than zero."})
        return format_duration(seconds) or "1m"
    text = body.get("timeSpent")
    if not isinstance(text, str) or not text.strip():
        raise RestError(400, errors={"timeLogged": "You must indicate the time spent working."})
    try:
        parse_duration(text)
    except ValueError:
        raise RestError(400, errors={"timeLogged": "Invalid time duration entered."}) from None
    return text


_JIRA_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$")


def _started(body: dict[str, Any]) -> str | None:
    """The worklog's `started` in Jira's one accepted form, `yyyy-MM-dd'T'HH:mm:ss.SSSZ` (`2026-11-20T09:00:00.000+0000`);
    400 for anything else (a date alone, `Z`, no milliseconds), as Jira Cloud answers (public report C15)."""
    started = body.get("started")
    if started is None:
        return None
    if not isinstance(started, str) or not _JIRA_DATETIME.match(started):
        raise RestError(400, errors={"started": STARTED_REFUSED})
    return started


@route("POST", "issue/{issueIdOrKey}/worklog")
def add_worklog_route(call: RestCall) -> Reply:
    """POST /issue/{key}/worklog `{"timeSpent"|"timeSpentSeconds", "started"?, "comment"?}` with `adjustEstimate`
    (auto, new + newEstimate, leave, manual + reduceBy): 201 with the worklog."""
    row = issue_row(call)
    body = call.json_object()
    args: dict[str, Any] = {"issue_key": row["key"], "time_spent": _spent(body), "started": _started(body),
                            "comment": rich_text_in(call, body.get("comment"), "comment")}
    mode = call.arg("adjustEstimate", "auto")
    if mode == "new":
        args["remaining_estimate"] = call.arg("newEstimate")
    elif mode == "leave" and row["remaining_estimate_s"] is not None:
        args["remaining_estimate"] = format_duration(row["remaining_estimate_s"]) or "0m"
    elif mode == "manual" and row["remaining_estimate_s"] is not None:
        reduce_by = parse_duration(call.arg("reduceBy") or "0m")
        args["remaining_estimate"] = format_duration(max(0, row["remaining_estimate_s"] - reduce_by)) or "0m"
    try:
        result = add_worklog(call.ctx, args)
    except ToolFailure as failure:
        raise RestError(400, errors={"started" if "started" in str(failure) else "timeLogged": str(failure)}) from None
    saved = call.conn.execute("SELECT * FROM worklogs WHERE id = ?", (int(result["worklog"]["id"]),)).fetchone()
    return Reply(shapes.worklog_json(call, saved), 201)


@route("GET", "issue/{issueIdOrKey}/worklog/{id}")
def get_worklog(call: RestCall) -> Reply:
    """GET /issue/{key}/worklog/{id}: one worklog; 404 when unknown."""
    row = issue_row(call)
    saved = call.conn.execute("SELECT * FROM worklogs WHERE CAST(id AS TEXT) = ? AND issue_id = ?",
                              (call.params["id"], row["id"])).fetchone()
    if saved is None:
        raise RestError(404, "Cannot find worklog with id: " + call.params["id"])
    return Reply(shapes.worklog_json(call, saved))
