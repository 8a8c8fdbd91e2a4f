"""Jira Software (agile 1.0) endpoints: boards (`/board`, `/board/{id}`, its sprints, issues and backlog),
sprints (`POST /sprint`, `GET/POST/PUT /sprint/{id}`, `GET/POST /sprint/{id}/issue`) and `POST /backlog/issue`.
Sprint life (start, complete) and moving issues reuse the model's agile tools, so sub-tasks follow their parent."""

from __future__ import annotations

import sqlite3
from typing import Any

from jira_bench_tui.jira.issue_load import issue_rows
from jira_bench_tui.jira.jql import JqlError
from jira_bench_tui.jira.jql import search as jql_search
from jira_bench_tui.jira.jql_scope import scoped as _scoped
from jira_bench_tui.jira.rest import shapes
from jira_bench_tui.jira.rest.core import (
    Reply,
    RestCall,
    RestError,
    bad_request,
    issue_row,
    paged_values,
    route,
)
from jira_bench_tui.jira.rest.issue_json import FieldChoice, field_defs, issue_json
from jira_bench_tui.jira.rest.routes.issues import expand_set
from jira_bench_tui.jira.tools.agile import create_sprint, move_issues, update_sprint

AGILE = ("agile",)


def _board(call: RestCall) -> sqlite3.Row:
    row = call.conn.execute("SELECT * FROM boards WHERE CAST(id AS TEXT) = ?", (call.params["boardId"],)).fetchone()
    if row is None:
        raise RestError(404, "Board does not exist or you do not have permission to see it.")
    return row


def _sprint(call: RestCall) -> sqlite3.Row:
    row = call.conn.execute("SELECT * FROM sprints WHERE CAST(id AS TEXT) = ?", (call.params["sprintId"],)).fetchone()
    if row is None:
        raise RestError(404, "Sprint does not exist or you do not have permission to view it.")
    return row


@route("GET", "board", versions=AGILE)
def list_boards(call: RestCall) -> Reply:
    """GET /board?name=&projectKeyOrId=&type=: a page of boards."""
    rows = call.conn.execute("SELECT b.*, p.key AS project_key FROM boards b LEFT JOIN projects p "
                             "ON p.id = b.project_id ORDER BY b.id").fetchall()
    name, project, kind = (call.arg("name") or "").lower(), call.arg("projectKeyOrId"), call.args("type")
    chosen = [r for r in rows if name in r["name"].lower()
              and (not project or project.upper() in (str(r["project_key"]), str(r["project_id"])))
              and (not kind or r["type"] in kind)]
    return Reply(paged_values(call, [shapes.board_json(call, r) for r in chosen]))


@route("GET", "board/{boardId}", versions=AGILE)
def get_board(call: RestCall) -> Reply:
    """GET /board/{id}: one board with its location; 404 when unknown."""
    return Reply(shapes.board_json(call, _board(call)))


@route("GET", "board/{boardId}/sprint", versions=AGILE)
def board_sprints(call: RestCall) -> Reply:
    """GET /board/{id}/sprint?state=active,future: a page of sprints; 400 on a kanban board, as Jira answers."""
    board = _board(call)
    if board["type"] != "scrum":
        raise bad_request("The board does not support sprints")
    states = call.args("state")
    rows = call.conn.execute("SELECT * FROM sprints WHERE board_id = ? ORDER BY id", (board["id"],)).fetchall()
    return Reply(paged_values(call, [shapes.sprint_json(call, r) for r in rows if not states or r["state"] in states]))


def _issue_page(call: RestCall, jql: str, default_max: int = 50) -> dict[str, Any]:
    """Jira agile's issue page `{"expand", "startAt", "maxResults", "total", "issues"}` for a JQL query."""
    start, size = call.int_arg("startAt", 0), min(call.int_arg("maxResults", default_max), 100)
    try:
        ids, total = jql_search(call.conn, jql, start_at=start, limit=size)
    except JqlError as error:
        raise RestError(400, str(error)) from None
    rows = issue_rows(call.ctx.site, ids)
    choice = FieldChoice.parse(call.args("fields"), default="*navigable")
    defs = field_defs(call)
    return {"expand": "schema,names", "startAt": start, "maxResults": size, "total": total,
            "issues": [issue_json(call, rows[i], choice, expand_set(call), defs) for i in ids if i in rows]}


@route("GET", "board/{boardId}/issue", versions=AGILE)
def board_issues(call: RestCall) -> Reply:
    """GET /board/{id}/issue?jql=&fields=&startAt=&maxResults=: the board filter's issues, narrowed by `jql`."""
    board = _board(call)
    return Reply(_issue_page(call, _scoped(board["filter_jql"] or "", call.arg("jql"))))


@route("GET", "board/{boardId}/backlog", versions=AGILE)
def board_backlog(call: RestCall) -> Reply:
    """GET /board/{id}/backlog: the board's issues in no open sprint and not done."""
    board = _board(call)
    backlog = "(sprint IS EMPTY OR sprint NOT IN openSprints()) AND statusCategory != Done"
    return Reply(_issue_page(call, _scoped(_scoped(board["filter_jql"] or "", backlog), call.arg("jql"))))


@route("POST", "sprint", versions=AGILE)
def new_sprint(call: RestCall) -> Reply:
    """POST /sprint `{"name", "originBoardId", "startDate"?, "endDate"?, "goal"?}`: 201 with the sprint."""
    body = call.json_object()
    errors = {}
    if not isinstance(body.get("name"), str) or not body["name"].strip():
        errors["name"] = "Sprint name is required."
    if body.get("originBoardId") in (None, ""):
        errors["originBoardId"] = "originBoardId is required."
    if errors:
        raise RestError(400, errors=errors)
    call.params["boardId"] = str(body["originBoardId"])
    board = _board(call)
    if body.get("startDate") and body.get("endDate"):
        made = create_sprint(call.ctx, {"board_id": str(board["id"]), "name": body["name"],
                                        "start_date": str(body["startDate"]), "end_date": str(body["endDate"]),
                                        "goal": body.get("goal")})
        sprint_id = int(made["id"])
    else:
        if board["type"] != "scrum":
            raise bad_request("The board does not support sprints")
        sprint_id = int(call.conn.execute("INSERT INTO sprints(board_id, name, state, goal) VALUES (?, ?, 'future', ?)",
                                          (board["id"], body["name"].strip(), body.get("goal"))).lastrowid or 0)
    row = call.conn.execute("SELECT * FROM sprints WHERE id = ?", (sprint_id,)).fetchone()
    return Reply(shapes.sprint_json(call, row), 201)


@route("GET", "sprint/{sprintId}", versions=AGILE)
def get_sprint(call: RestCall) -> Reply:
    """GET /sprint/{id}: one sprint; 404 when unknown."""
    return Reply(shapes.sprint_json(call, _sprint(call)))


def _change_sprint(call: RestCall) -> Reply:
    sprint = _sprint(call)
    body = call.json_object()
    args = {"sprint_id": str(sprint["id"]), "name": body.get("name"), "state": body.get("state"),
            "start_date": body.get("startDate"), "end_date": body.get("endDate"), "goal": body.get("goal")}
    if any(args[k] for k in ("name", "state", "start_date", "end_date", "goal")):
        update_sprint(call.ctx, args)
    return Reply(shapes.sprint_json(call, _sprint(call)))


@route("POST", "sprint/{sprintId}", versions=AGILE)
def partial_update_sprint(call: RestCall) -> Reply:
    """POST /sprint/{id}: change the given fields; `state` active starts, closed completes (model rules)."""
    return _change_sprint(call)


@route("PUT", "sprint/{sprintId}", versions=AGILE)
def full_update_sprint(call: RestCall) -> Reply:
    """PUT /sprint/{id}: as POST (fields not given are kept)."""
    return _change_sprint(call)


@route("GET", "sprint/{sprintId}/issue", versions=AGILE)
def sprint_issues(call: RestCall) -> Reply:
    """GET /sprint/{id}/issue?jql=&fields=: the sprint's issues."""
    sprint = _sprint(call)
    return Reply(_issue_page(call, _scoped(f"sprint = {sprint['id']}", call.arg("jql"))))


def _issue_keys(call: RestCall) -> str:
    issues = call.json_object().get("issues")
    if not isinstance(issues, list) or not issues:
        raise bad_request("issues must list at least one issue key or id.")
    if len(issues) > 50:
        raise bad_request("At most 50 issues can be moved at once.")
    return ",".join(issue_row(call, str(ref))["key"] for ref in issues)


@route("POST", "sprint/{sprintId}/issue", versions=AGILE)
def move_to_sprint(call: RestCall) -> Reply:
    """POST /sprint/{id}/issue `{"issues": [...]}`: 204; a closed sprint takes no issues (400)."""
    sprint = _sprint(call)
    move_issues(call.ctx, _issue_keys(call), sprint)
    return Reply(None, 204)


@route("POST", "backlog/issue", versions=AGILE)
def move_to_backlog(call: RestCall) -> Reply:
    """POST /backlog/issue `{"issues": [...]}`: out of their open sprint; 204."""
    move_issues(call.ctx, _issue_keys(call), None)
    return Reply(None, 204)
