"""Issue endpoints of Jira Cloud REST v2/v3: get, create, bulk create, edit, delete, assign, changelog (per issue
and `POST /changelog/bulkfetch`). Writes go through the model's `create_one` and `FieldWriter` (tools/), so the
MCP face and the REST face change a database the same way."""

from __future__ import annotations

from typing import Any

from jira_bench_tui.jira.page_tokens import decode_page_token, encode_page_token
from jira_bench_tui.jira.rest.core import Reply, RestCall, RestError, bad_request, issue_row, route
from jira_bench_tui.jira.rest.fields_in import apply_fields, apply_update
from jira_bench_tui.jira.rest.issue_json import FieldChoice, changelog_page, issue_json
from jira_bench_tui.jira.rest.shapes import history_json
from jira_bench_tui.jira.tools.comments import insert_comment
from jira_bench_tui.jira.tools.common import ToolFailure
from jira_bench_tui.jira.tools.issue_fields import FieldWriter
from jira_bench_tui.jira.tools.issues import create_one


def expand_set(call: RestCall, extra: Any = None) -> set[str]:
    """The `expand` parameter (query, or `extra` from a body) as a set of names."""
    names = set(call.args("expand"))
    if isinstance(extra, str):
        names.update(p.strip() for p in extra.split(",") if p.strip())
    elif isinstance(extra, list):
        names.update(str(p).strip() for p in extra)
    return names


@route("GET", "issue/{issueIdOrKey}")
def get_issue(call: RestCall) -> Reply:
    """GET /issue/{key}: `fields` (default all), `expand`; 404 for an unknown issue."""
    row = issue_row(call)
    choice = FieldChoice.parse(call.args("fields"), default="*all")
    return Reply(issue_json(call, row, choice, expand_set(call)))


def _project_of(call: RestCall, value: Any) -> Any:
    ref = value.get("key") or value.get("id") if isinstance(value, dict) else value
    if ref in (None, ""):
        raise RestError(400, errors={"project": "Specify a valid project ID or key"})
    row = call.conn.execute("SELECT * FROM projects WHERE key = ? COLLATE NOCASE OR CAST(id AS TEXT) = ?",
                            (str(ref), str(ref))).fetchone()
    if row is None:
        raise RestError(400, errors={"project": "Specify a valid project ID or key"})
    return row


def _issue_type_of(call: RestCall, project: Any, value: Any) -> str:
    ref = (value.get("id") or value.get("name")) if isinstance(value, dict) else value
    if ref in (None, ""):
        raise RestError(400, errors={"issuetype": "Specify an issue type"})
    row = call.conn.execute("SELECT t.id FROM issue_types t JOIN project_issue_types pt ON pt.issue_type_id = t.id "
                            "WHERE pt.project_id = ? AND (CAST(t.id AS TEXT) = ? OR t.name = ? COLLATE NOCASE)",
                            (project["id"], str(ref), str(ref))).fetchone()
    if row is None:
        raise RestError(400, errors={"issuetype": "Specify a valid issue type"})
    return str(row[0])


def create_from_body(call: RestCall, body: dict[str, Any]) -> dict[str, Any]:
    """Create one issue from a `{"fields": {...}, "update": {...}}` body; `{"id", "key", "self"}` or RestError."""
    fields = body.get("fields")
    if not isinstance(fields, dict):
        raise bad_request("Issue fields are required: send {\"fields\": {\"project\": ..., \"summary\": ..., "
                          "\"issuetype\": ...}}.")
    project = _project_of(call, fields.get("project"))
    type_id = _issue_type_of(call, project, fields.get("issuetype"))
    summary = fields.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise RestError(400, errors={"summary": "You must specify a summary of the issue."})
    spec: dict[str, Any] = {"project_key": project["key"], "summary": summary, "issue_type": type_id,
                            "additional_fields": {"parent": fields["parent"]} if fields.get("parent") else {}}
    try:
        issue_id = create_one(call.ctx, spec)
    except ToolFailure as failure:
        field = "parent" if "parent" in str(failure).lower() else "summary" if "summary" in str(failure) else None
        raise RestError(400, errors={field: str(failure)}) if field else RestError(400, str(failure)) from None
    writer = FieldWriter(call.ctx, issue_id, creating=True)
    apply_fields(call, writer, fields, skip=frozenset({"project", "issuetype", "summary", "parent"}))
    for text in apply_update(call, writer, body.get("update") or {}):
        insert_comment(call.ctx, issue_id, text, None)
    key = call.conn.execute("SELECT key FROM issues WHERE id = ?", (issue_id,)).fetchone()[0]
    return {"id": str(issue_id), "key": key, "self": call.self_url(f"issue/{issue_id}")}


@route("POST", "issue")
def create_issue(call: RestCall) -> Reply:
    """POST /issue: 201 `{"id", "key", "self"}`; 400 with per-field errors, nothing created."""
    return Reply(create_from_body(call, call.json_object()), 201)


@route("POST", "issue/bulk")
def create_issues(call: RestCall) -> Reply:
    """POST /issue/bulk: each of `issueUpdates` on its own; failures listed with `failedElementNumber`."""
    updates = call.json_object().get("issueUpdates")
    if not isinstance(updates, list):
        raise bad_request("issueUpdates must be a list of issues to create.")
    created: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for index, body in enumerate(updates):
        call.conn.execute("SAVEPOINT bulk_item")
        try:
            if not isinstance(body, dict):
                raise bad_request("Each element of issueUpdates must be an object.")
            created.append(create_from_body(call, body))
        except RestError as error:
            call.conn.execute("ROLLBACK TO bulk_item")
            errors.append({"status": error.status, "elementErrors": error.body(), "failedElementNumber": index})
        call.conn.execute("RELEASE bulk_item")
    return Reply({"issues": created, "errors": errors}, 201 if created or not errors else 400)


@route("PUT", "issue/{issueIdOrKey}")
def edit_issue(call: RestCall) -> Reply:
    """PUT /issue/{key}: `fields` and `update`; 204 (200 with the issue when `returnIssue=true`)."""
    row = issue_row(call)
    body = call.json_object()
    writer = FieldWriter(call.ctx, row["id"])
    fields = body.get("fields") or {}
    if not isinstance(fields, dict):
        raise bad_request("fields must be an object.")
    apply_fields(call, writer, fields)
    comments = apply_update(call, writer, body.get("update") or {})
    call.ctx.record_change(row["id"], writer.items)
    for text in comments:
        insert_comment(call.ctx, row["id"], text, None)
    if call.bool_arg("returnIssue", False):
        fresh = issue_row(call, row["key"])
        return Reply(issue_json(call, fresh, FieldChoice.parse(None), expand_set(call)))
    return Reply(None, 204)


@route("DELETE", "issue/{issueIdOrKey}")
def delete_issue(call: RestCall) -> Reply:
    """DELETE /issue/{key}: 204; an issue with sub-tasks needs `deleteSubtasks=true` (400 otherwise)."""
    row = issue_row(call)
    subtasks = [r[0] for r in call.conn.execute(
        "SELECT i.id FROM issues i JOIN issue_types t ON t.id = i.issue_type_id WHERE i.parent_id = ? "
        "AND t.subtask = 1", (row["id"],))]
    if subtasks and not call.bool_arg("deleteSubtasks", False):
        raise bad_request(f"The issue '{row['key']}' has subtasks. Set 'deleteSubtasks' to true to delete the issue "
                          "and its subtasks.")
    keep = ",".join("?" * len(subtasks)) or "0"
    call.conn.execute(f"UPDATE issues SET parent_id = NULL WHERE parent_id = ? AND id NOT IN ({keep})",
                      (row["id"], *subtasks))
    for issue_id in [*subtasks, row["id"]]:
        call.conn.execute("DELETE FROM changelog_items WHERE changelog_id IN "
                          "(SELECT id FROM changelog WHERE issue_id = ?)", (issue_id,))
        call.conn.execute("DELETE FROM issues WHERE id = ?", (issue_id,))
    return Reply(None, 204)


@route("PUT", "issue/{issueIdOrKey}/assignee")
def assign_issue(call: RestCall) -> Reply:
    """PUT /issue/{key}/assignee `{"accountId": ...}` (null unassigns): 204."""
    row = issue_row(call)
    body = call.json_object()
    if "accountId" not in body:
        raise bad_request("accountId is required (null to unassign).")
    writer = FieldWriter(call.ctx, row["id"])
    apply_fields(call, writer, {"assignee": body})
    call.ctx.record_change(row["id"], writer.items)
    return Reply(None, 204)


@route("GET", "issue/{issueIdOrKey}/changelog")
def get_changelog(call: RestCall) -> Reply:
    """GET /issue/{key}/changelog: `{"self", "maxResults", "startAt", "total", "isLast", "values"}`."""
    row = issue_row(call)
    start, size = call.int_arg("startAt", 0), call.int_arg("maxResults", 100)
    page = changelog_page(call, row["id"], start, size)
    return Reply({"self": call.self_url(f"issue/{row['key']}/changelog?maxResults={size}&startAt={start}"),
                  "maxResults": size, "startAt": start, "total": page["total"],
                  "isLast": start + len(page["histories"]) >= page["total"], "values": page["histories"]})


@route("POST", "changelog/bulkfetch")
def bulk_changelog(call: RestCall) -> Reply:
    """POST /changelog/bulkfetch `{"issueIdsOrKeys", "fieldIds", "maxResults", "nextPageToken"}` ->
    `{"issueChangeLogs": [{"issueId", "changeHistories"}], "nextPageToken"?}` (Jira Cloud only)."""
    body = call.json_object()
    refs = body.get("issueIdsOrKeys")
    if not isinstance(refs, list) or not refs:
        raise bad_request("issueIdsOrKeys must list at least one issue.")
    wanted = set(body.get("fieldIds") or [])
    size = int(body.get("maxResults") or 1000)
    offset = token_offset(body.get("nextPageToken"))
    entries: list[tuple[str, dict[str, Any]]] = []
    for ref in refs:
        row = issue_row(call, str(ref))
        for group in call.conn.execute("SELECT * FROM changelog WHERE issue_id = ? ORDER BY id", (row["id"],)):
            history = history_json(call, group)
            if wanted:
                history["items"] = [i for i in history["items"] if i.get("fieldId") in wanted or i["field"] in wanted]
                if not history["items"]:
                    continue
            entries.append((str(row["id"]), history))
    window = entries[offset:offset + size]
    logs: dict[str, list[dict[str, Any]]] = {}
    for issue_id, history in window:
        logs.setdefault(issue_id, []).append(history)
    out: dict[str, Any] = {"issueChangeLogs": [{"issueId": k, "changeHistories": v} for k, v in logs.items()]}
    if offset + len(window) < len(entries):
        out["nextPageToken"] = encode_page_token(offset + len(window))
    return Reply(out)


def token_offset(token: Any) -> int:
    """The offset of a `nextPageToken` (`page_tokens.decode_page_token`), or Jira's 400 "The nextPageToken is
    invalid."."""
    try:
        return decode_page_token(None if token is None else str(token))
    except ValueError:
        raise bad_request("The nextPageToken is invalid.") from None
