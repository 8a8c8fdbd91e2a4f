"""Agile tools: boards, their sprints, a sprint's issues; creating, starting, completing and editing sprints; moving
issues into a sprint or back to the backlog."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from jira_bench_tui.jira.render import agile_time, parse_time, stored_time
from jira_bench_tui.jira.tools.common import (
    PROJECT_KEY_PATTERN,
    JiraContext,
    RollbackWithResult,
    ToolDef,
    ToolFailure,
    csv_arg,
    param,
)
from jira_bench_tui.jira.tools.issue_fields import move_to_sprint
from jira_bench_tui.jira.tools.issues import FIELDS_HELP, run_search

SPRINT_STATES = ("active", "future", "closed")


def sprint_dict(row: Any) -> dict[str, Any]:
    """A sprint as mcp-atlassian 0.23.1's sprint tools show it (models/jira/agile.py `JiraSprint.to_simplified_dict`):
    id as a string, name, state, then goal, start_date and end_date each only when not empty, the dates as Jira's
    agile API gives them (2026-10-19T09:00:00.000Z)."""
    out: dict[str, Any] = {"id": str(row["id"]), "name": row["name"], "state": row["state"]}
    if row["goal"]:
        out["goal"] = row["goal"]
    for key in ("start_date", "end_date"):
        if row[key]:
            out[key] = agile_time(row[key])
    return out


def boards(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_agile_boards`: [{"id", "name", "type"}] by id, filtered by name part, project key and scrum/kanban,
    paged by start_at and limit. An unknown project or board type answers [], as 0.23.1's
    `get_all_agile_boards` turns Jira's refusal into an empty list (jira/boards.py)."""
    sql = "SELECT b.* FROM boards b LEFT JOIN projects p ON p.id = b.project_id WHERE 1 = 1"
    values: list[Any] = []
    if args.get("board_name"):
        sql += " AND b.name LIKE ?"
        values.append(f"%{args['board_name']}%")
    if args.get("project_key"):
        sql += " AND p.key = ? COLLATE NOCASE"
        values.append(args["project_key"])
    if args.get("board_type"):
        kind = args["board_type"].strip().lower()
        if kind not in ("scrum", "kanban"):
            return []
        sql += " AND b.type = ?"
        values.append(kind)
    sql += " ORDER BY b.id LIMIT ? OFFSET ?"
    values += [args.get("limit", 10), args.get("start_at", 0)]
    return [{"id": str(r["id"]), "name": r["name"], "type": r["type"]} for r in ctx.conn.execute(sql, values)]


# Jira's agile API (404) for an id it does not know, a non-numeric one included
_NOT_FOUND = {"boards": "Board does not exist or you do not have permission to see it.",
              "sprints": "Sprint does not exist or you do not have permission to view it."}


def _by_id(ctx: JiraContext, table: Literal["boards", "sprints"], value: Any, listed_by: str) -> Any:
    """The row of a board or sprint given by id ("3" or 3); ToolFailure with Jira's 404 message otherwise,
    hinting the tool that lists them."""
    text = str(value).strip()
    row = ctx.conn.execute(f"SELECT * FROM {table} WHERE id = ?", (int(text),)).fetchone() if text.isdigit() else None
    if row is None:
        raise ToolFailure(_NOT_FOUND[table], hint=f"({listed_by} lists {table}.)")
    return row


def _board(ctx: JiraContext, value: Any) -> Any:
    return _by_id(ctx, "boards", value, "jira_get_agile_boards")


def _sprint(ctx: JiraContext, value: Any) -> Any:
    return _by_id(ctx, "sprints", value, "jira_get_sprints_from_board")


def sprints(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_sprints_from_board`: the board's sprints (sprint_dict) by id, optionally only some states
    (comma-separated active, future, closed), paged. An unknown board or state answers [], as 0.23.1's
    `get_all_sprints_from_board` turns Jira's refusal into an empty list (jira/sprints.py)."""
    try:
        board = _board(ctx, args["board_id"])
    except ToolFailure:
        return []
    sql = "SELECT * FROM sprints WHERE board_id = ?"
    values: list[Any] = [board["id"]]
    if args.get("state"):
        states = [s.lower() for s in csv_arg(args["state"])]
        bad = [s for s in states if s not in SPRINT_STATES]
        if bad:
            return []
        sql += f" AND state IN ({','.join('?' * len(states))})"
        values += states
    sql += " ORDER BY id LIMIT ? OFFSET ?"
    values += [args.get("limit", 10), args.get("start_at", 0)]
    return [sprint_dict(r) for r in ctx.conn.execute(sql, values)]


def sprint_issues(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_sprint_issues`: a sprint's issues by key, as a jira_search page (`run_search`) with the given
    fields, as 0.23.1 searches `sprint = N` (jira/search.py `get_sprint_issues`): "Invalid sprint_id 'x': must be
    an integer" for a non-integer id, Jira's refusal of the JQL as "Error searching issues for sprint: ..."."""
    try:
        sprint_id = int(str(args["sprint_id"]).strip())
    except ValueError:
        raise ToolFailure(f"Invalid sprint_id {args['sprint_id']!r}: must be an integer",
                          hint="(jira_get_sprints_from_board lists sprints.)") from None
    try:
        return run_search(ctx, f"sprint = {sprint_id}", fields=args["fields"], limit=args["limit"])
    except ToolFailure as exc:
        raise ToolFailure(f"Error searching issues for sprint: {exc}",
                          hint=exc.hint or "(jira_get_sprints_from_board lists sprints.)") from exc


def _mcpa_date(text: str) -> datetime | None:
    """mcp-atlassian's `parse_date` (utils/date.py): None for an empty text, epoch milliseconds for digits, else
    dateutil's reading (here: ISO 8601, which covers what agents send), ValueError "Invalid date format: X"."""
    if not text:
        return None
    if text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, tz=UTC)
    try:
        return parse_time(text)
    except ValueError:
        raise ToolFailure(f"Invalid date format: {text}",
                          hint="(use ISO 8601, e.g. '2027-01-04T09:00:00.000Z')") from None


def mcpa_create_sprint(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_create_sprint`: 0.23.1's own checks first (jira/sprints.py `create_sprint`: "Start date is
    required.", "Invalid date format: X", "Start date cannot be in the past.", "Start date must be before end
    date."), then Jira's (`create_sprint`)."""
    start = _mcpa_date(args["start_date"])
    if start is None:
        raise ToolFailure("Start date is required.")
    start = start if start.tzinfo else start.replace(tzinfo=UTC)
    if start < ctx.now:
        raise ToolFailure("Start date cannot be in the past.")
    end = _mcpa_date(args["end_date"])
    if end is not None and start >= (end if end.tzinfo else end.replace(tzinfo=UTC)):
        raise ToolFailure("Start date must be before end date.")
    return create_sprint(ctx, args)


def create_sprint(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """A future sprint on a scrum board (sprint_dict), as Jira's agile API makes it (POST /sprint; the REST face
    uses it too): ToolFailure with Jira's message for an unknown board, a board without sprints, an empty name,
    a start before today or an end not after it."""
    board = _board(ctx, args["board_id"])
    if board["type"] != "scrum":
        raise ToolFailure("The board does not support sprints", hint="(only a scrum board has sprints.)")
    if not args["name"].strip():
        raise ToolFailure("Sprint name is required.")
    dates = {}
    for name in ("start_date", "end_date"):
        try:
            dates[name] = parse_time(args[name])
        except ValueError as exc:
            raise ToolFailure(f"Invalid date format: {args[name]}",
                              hint="(use ISO 8601, e.g. '2027-01-04T09:00:00.000Z')") from exc
    if dates["start_date"] < ctx.now.replace(hour=0, minute=0, second=0, microsecond=0):
        raise ToolFailure("Start date cannot be in the past.")
    if dates["end_date"] <= dates["start_date"]:
        raise ToolFailure("Start date must be before end date.")
    cur = ctx.conn.execute("INSERT INTO sprints(board_id, name, state, start_date, end_date, goal) VALUES "
                           "(?, ?, 'future', ?, ?, ?)", (board["id"], args["name"].strip(),
                                                         stored_time(dates["start_date"]),
                                                         stored_time(dates["end_date"]), args.get("goal")))
    return sprint_dict(ctx.conn.execute("SELECT * FROM sprints WHERE id = ?", (cur.lastrowid,)).fetchone())


def move_issues(ctx: JiraContext, issue_keys: str, sprint: Any) -> list[Any]:
    """Move the issues named by a comma-separated string into `sprint` (None: the backlog); their rows."""
    keys = csv_arg(issue_keys)
    if not keys:  # 0.23.1 posts {"issues": []}, which Jira's agile API refuses
        raise ToolFailure("issues must list at least one issue key or id.",
                          hint="(pass comma-separated issue keys, e.g. 'PROJ-1,PROJ-2'.)")
    rows = [ctx.issue(key.upper()) for key in keys]
    for row in rows:
        items: list[Any] = []
        move_to_sprint(ctx, row["id"], sprint, items)
        ctx.record_change(row["id"], items)
    return rows


def add_to_sprint(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_add_issues_to_sprint`: move issues into a sprint, out of any other open one (their open sub-tasks
    follow); {"message", "sprint_id", "issue_keys"}. ToolFailure for a closed sprint or a sub-task."""
    sprint = _sprint(ctx, args["sprint_id"])
    rows = move_issues(ctx, args["issue_keys"], sprint)
    return {"message": f"Successfully added {len(rows)} issue(s) to sprint", "sprint_id": str(sprint["id"]),
            "issue_keys": [r["key"] for r in rows]}


def _date_arg(name: str, value: str) -> str:
    try:
        return stored_time(parse_time(value))
    except ValueError as exc:
        raise ToolFailure(f"{name} must be an ISO 8601 date-time such as '2027-01-04T00:00:00.000Z', got "
                          f"'{value}'.") from exc


def _new_state(ctx: JiraContext, sprint: Any, wanted: str, dates: dict[str, str | None]) -> str:
    """Check a state change the way Jira's agile API does: future -> active (start), active -> closed (complete)."""
    current: str = sprint["state"]
    if wanted == current:
        return current
    label = f"Sprint {sprint['id']} ('{sprint['name']}')"
    if current == "future" and wanted == "active":
        if not dates["start_date"] or not dates["end_date"]:
            raise ToolFailure(f"{label} cannot be started without a start date and an end date; pass start_date "
                              "and end_date.")
        running = ctx.conn.execute("SELECT id, name FROM sprints WHERE board_id = ? AND state = 'active'",
                                   (sprint["board_id"],)).fetchone()
        if running is not None:
            raise ToolFailure(f"{label} cannot be started: sprint {running['id']} ('{running['name']}') is already "
                              "active on this board. Complete it first (state='closed').")
        return wanted
    if current == "active" and wanted == "closed":
        return wanted
    if current == "future" and wanted == "closed":
        raise ToolFailure(f"{label} has not been started; only an active sprint can be completed.")
    if current == "closed":
        raise ToolFailure(f"{label} is closed; a completed sprint cannot be reopened or restarted.")
    raise ToolFailure(f"{label} is active; an active sprint can only be completed (state='closed').")


def update_sprint(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_update_sprint`: change name, goal, dates or state (sprint_dict of the result). future -> active starts
    it (dates needed, one active sprint per board), active -> closed completes it; a closed sprint keeps its dates.
    ToolFailure for any other state change, an end before the start, or nothing to change."""
    sprint = _sprint(ctx, args["sprint_id"])
    state = (args.get("state") or "").strip().lower()
    if state and state not in SPRINT_STATES:
        raise ToolFailure(f"state must be future, active or closed, got '{args['state']}'.")
    changes: dict[str, Any] = {}
    if args.get("name"):
        if not args["name"].strip():
            raise ToolFailure("name cannot be blank.")
        changes["name"] = args["name"].strip()
    if args.get("goal"):
        changes["goal"] = args["goal"]
    dates: dict[str, str | None] = {"start_date": sprint["start_date"], "end_date": sprint["end_date"]}
    for name in ("start_date", "end_date"):
        if args.get(name):
            dates[name] = _date_arg(name, args[name])
    if sprint["state"] != "closed":  # Jira ignores date changes on a closed sprint; only name and goal change
        if dates["start_date"] and dates["end_date"] and parse_time(dates["end_date"]) <= parse_time(
                dates["start_date"]):
            raise ToolFailure("End date must be after the start date.")
        changes.update({name: dates[name] for name in ("start_date", "end_date") if args.get(name)})
    if state:
        new_state = _new_state(ctx, sprint, state, dates)
        if new_state != sprint["state"]:
            changes["state"] = new_state
            if new_state == "closed":
                changes["complete_date"] = ctx.now_stored
    if not changes and not state and not any(args.get(n) for n in ("start_date", "end_date")):
        raise ToolFailure("Nothing to update: pass at least one of name, state, start_date, end_date, goal.")
    if changes:
        assignments = ", ".join(f"{column} = ?" for column in changes)
        ctx.conn.execute(f"UPDATE sprints SET {assignments} WHERE id = ?", (*changes.values(), sprint["id"]))
    return sprint_dict(ctx.conn.execute("SELECT * FROM sprints WHERE id = ?", (sprint["id"],)).fetchone())


def mcpa_update_sprint(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_update_sprint`: `update_sprint`, but any failure (a state other than future/active/closed, which
    0.23.1 checks itself, or Jira's refusal, nothing to change included) answers
    {"error": "Failed to update sprint N. Check logs for details."} as a success with nothing written, as 0.23.1
    does (jira/sprints.py `update_sprint` returns None; servers/jira.py words it). The reason is the hint."""
    try:
        if args.get("state") and args["state"] not in SPRINT_STATES:
            raise ToolFailure(f"state must be future, active or closed, got '{args['state']}'.")
        return update_sprint(ctx, args)
    except ToolFailure as exc:
        reason = " ".join(part for part in (str(exc), (exc.hint or "").strip("()")) if part)
        failed = f"Failed to update sprint {args['sprint_id']}. Check logs for details."
        raise RollbackWithResult({"error": ctx.quirks.hinted(failed, f"({reason})")}) from None


def move_to_backlog(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_move_issues_to_backlog`: take issues out of their open sprint (closed sprints keep them, open sub-tasks
    follow); {"message", "issue_keys"}."""
    rows = move_issues(ctx, args["issue_keys"], None)
    return {"message": f"Successfully moved {len(rows)} issue(s) to backlog", "issue_keys": [r["key"] for r in rows]}


PAGE = {"start_at": param("integer", "Index of the first item (0-based).", 0, minimum=0),
        "limit": param("integer", "Items per page, 1-50.", 10, minimum=1, maximum=50)}
TOOLS = [
    ToolDef("jira_get_agile_boards",
            "List agile boards, optionally by name, project or type. Example: project_key='PROJ', "
            "board_type='scrum'.",
            {"board_name": param("string", "Only boards whose name contains this text.", None),
             "project_key": param("string", "Only boards of this project, e.g. 'PROJ'.", None,
                                  pattern=PROJECT_KEY_PATTERN),
             "board_type": param("string", "'scrum' or 'kanban'.", None), **PAGE},
            boards, read_only=True),
    ToolDef("jira_get_sprints_from_board",
            "List a board's sprints. Example: board_id='1', state='active' (or future, closed).",
            {"board_id": param("string", "The board's id, e.g. '1'."),
             "state": param("string", "Only sprints in this state: active, future or closed.", None), **PAGE},
            sprints, read_only=True),
    ToolDef("jira_get_sprint_issues",
            "List the issues in a sprint. Example: sprint_id='3', fields='summary,status,assignee'.",
            {"sprint_id": param("string", "The sprint's id, e.g. '3'."),
             "fields": param("string", FIELDS_HELP,
                             "versions,status,reporter,description,updated,issuetype,summary,assignee,created,"
                             "priority,labels"), **PAGE},
            sprint_issues, read_only=True),
    ToolDef("jira_create_sprint",
            "Create a future sprint on a scrum board. Example: board_id='1', name='Sprint 8', "
            "start_date='2027-01-04T09:00:00.000Z', end_date='2027-01-18T17:00:00.000Z', goal='Ship checkout'.",
            {"board_id": param("string", "The scrum board's id, e.g. '1'."),
             "name": param("string", "The sprint's name."),
             "start_date": param("string", "Start, ISO 8601, not in the past."),
             "end_date": param("string", "End, ISO 8601, after the start."),
             "goal": param("string", "The sprint goal.", None)},
            mcpa_create_sprint, read_only=False),
    ToolDef("jira_add_issues_to_sprint",
            "Move issues into a sprint (they leave any other open sprint). Example: sprint_id='3', "
            "issue_keys='PROJ-1,PROJ-2'.",
            {"sprint_id": param("string", "The sprint's id, e.g. '3'."),
             "issue_keys": param("string", "Comma-separated issue keys, e.g. 'PROJ-1,PROJ-2'.")},
            add_to_sprint, read_only=False),
    ToolDef("jira_update_sprint",
            "Edit a sprint, start it or complete it. state='active' starts a future sprint (it needs start and end "
            "dates); state='closed' completes the active sprint (unfinished issues stay in it until moved). "
            "Empty values are ignored. Example: sprint_id='3', state='closed'; or sprint_id='4', name='Sprint 9', "
            "goal='Ship search', end_date='2027-01-22T17:00:00.000Z'.",
            {"sprint_id": param("string", "The sprint's id, e.g. '3'."),
             "name": param("string", "A new name.", None),
             "state": param("string", "A new state: future, active (start it) or closed (complete it).", None),
             "start_date": param("string", "A new start, ISO 8601.", None),
             "end_date": param("string", "A new end, ISO 8601, after the start.", None),
             "goal": param("string", "A new sprint goal.", None)},
            mcpa_update_sprint, read_only=False, destructive=True),
    ToolDef("jira_move_issues_to_backlog",
            "Move issues out of their active or future sprint into the backlog (closed sprints keep their history; "
            "open sub-tasks follow their parent). Example: issue_keys='PROJ-1,PROJ-2'.",
            {"issue_keys": param("string", "Comma-separated issue keys, e.g. 'PROJ-1,PROJ-2'.")},
            move_to_backlog, read_only=False),
]
