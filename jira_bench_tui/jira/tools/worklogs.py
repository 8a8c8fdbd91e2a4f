"""Time tracking tools: log work on an issue (and adjust its estimates), and list its worklogs."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from jira_bench_tui.jira.durations import format_duration, parse_duration
from jira_bench_tui.jira.issue_load import load_worklogs, worklog
from jira_bench_tui.jira.issue_shape import worklog_dict
from jira_bench_tui.jira.render import parse_time, stored_time
from jira_bench_tui.jira.tools.common import (
    ISSUE_KEY,
    ChangeItem,
    JiraContext,
    JiraError,
    ToolDef,
    ToolFailure,
    param,
)
from jira_bench_tui.jira.tools.issue_fields import FieldWriter


def _seconds(name: str, text: str) -> int:
    try:
        seconds = parse_duration(text)
    except ValueError as exc:
        raise ToolFailure(f"{name}: {exc}") from exc
    if seconds <= 0:
        raise ToolFailure(f"{name} must be more than zero, e.g. '1h 30m'.")
    return seconds


_MCPA_UNITS = {"w": 7 * 24 * 3600, "d": 24 * 3600, "h": 3600, "m": 60}


def mcpa_seconds(text: str) -> int:
    """The `timeSpentSeconds` 0.23.1 sends for a time_spent text (jira/worklog.py `_parse_time_spent`): "90s" is 90;
    else the sum of every <n><w|d|h|m> in it with w = 7 days and d = 24 hours (not Jira's 5d and 8h); when that is
    0, the text as a number, else 60 (a warning: "lots" logs one minute)."""
    if text.endswith("s"):
        try:
            return int(text[:-1])
        except ValueError:
            pass
    total = sum(int(value) * _MCPA_UNITS[unit] for value, unit in re.findall(r"(\d+)([wdhm])", text))
    if total:
        return total
    try:
        return int(float(text))
    except ValueError:
        return 60
    except OverflowError as exc:  # "inf": not caught there, so add_worklog's own wrapping reports it
        raise JiraError(str(exc)) from None


JIRA_STARTED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+[+-]\d{2}:?\d{2}")
STARTED_REFUSED = 'Invalid date format. Please enter the date in the format "yyyy-MM-dd\'T\'HH:mm:ss.SSSZ".'


def jira_started(text: str) -> datetime:
    """A worklog's `started` as Jira parses it: only `yyyy-MM-dd'T'HH:mm:ss.SSSZ` (e.g.
    2026-11-20T09:30:00.000+0000; the offset may carry a colon); a date alone, `Z`, or no milliseconds is refused
    with Jira's 400 (errors.started, atlascode#898, gouqi#123). mcp-atlassian 0.23.1 passes `started` on
    unchanged (jira/worklog.py)."""
    if not JIRA_STARTED.fullmatch(text.strip()):
        raise JiraError.body([], {"started": STARTED_REFUSED})
    try:
        return parse_time(text.strip())
    except ValueError:
        raise JiraError.body([], {"started": STARTED_REFUSED}) from None


def mcpa_add_worklog(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_add_worklog`: `add_worklog` with the time spent 0.23.1 sends (`mcpa_seconds`), as Jira's POST
    /issue/KEY/worklog takes `timeSpentSeconds`: more than zero ("Time Spent must be more than zero." otherwise,
    as "Error adding worklog: ..."), counted in whole minutes (under one is one)."""
    seconds = mcpa_seconds(args["time_spent"])
    if seconds <= 0:
        raise JiraError.body([], {"timeLogged": "Time Spent must be more than zero."})
    try:
        return add_worklog(ctx, {**args, "time_spent": format_duration(seconds) or "1m"})
    except JiraError:
        raise
    except ToolFailure as exc:  # every refusal comes from Jira here, and 0.23.1 wraps it
        raise JiraError(str(exc), exc.hint) from exc


def add_worklog(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """Log `time_spent` (a Jira duration: 1d = 8h) as the current user, started now or at `started`; the
    remaining estimate is set when given, else reduced by the time spent (Jira's "adjust automatically").
    `original_estimate` is ignored, as 0.23.1's refused edit leaves it (the `worklog_original_estimate` quirk sets
    it). {"message", "worklog"}, the worklog as jira_get_worklog shows it plus which estimates were set. The REST
    face uses it for POST /issue/KEY/worklog."""
    row = ctx.issue(args["issue_key"])
    spent = _seconds("time_spent", args["time_spent"])
    started = ctx.now_stored
    if args.get("started"):
        started = stored_time(jira_started(args["started"]))
    writer = FieldWriter(ctx, row["id"])
    sets_original = bool(args.get("original_estimate")) and ctx.quirks.worklog_sets_original_estimate
    if sets_original:
        _seconds("original_estimate", args["original_estimate"])
        writer.apply({"originalEstimate": args["original_estimate"]})
    if args.get("remaining_estimate"):
        _seconds("remaining_estimate", args["remaining_estimate"])
        writer.apply({"remainingEstimate": args["remaining_estimate"]})
    elif row["remaining_estimate_s"] is not None:  # Jira's "adjust automatically"
        writer.apply({"remainingEstimate": format_duration(max(0, row["remaining_estimate_s"] - spent)) or "0m"})
    cur = ctx.conn.execute(
        "INSERT INTO worklogs(id, issue_id, author_id, comment, started, time_spent_s, created, updated) VALUES "
        "((SELECT MAX(COALESCE(MAX(id), 10299) + 1, 10300) FROM worklogs), ?, ?, ?, ?, ?, ?, ?)",
        (row["id"], ctx.current_user, args.get("comment"), started, spent, ctx.now_stored, ctx.now_stored))
    total = row["time_spent_s"] + spent
    ctx.conn.execute("UPDATE issues SET time_spent_s = ? WHERE id = ?", (total, row["id"]))
    items = [ChangeItem("timespent", str(row["time_spent_s"] or 0), str(row["time_spent_s"] or 0), str(total),
                        str(total)), ChangeItem("WorklogId", None, None, str(cur.lastrowid), str(cur.lastrowid))]
    ctx.record_change(row["id"], items + writer.items)
    saved = ctx.conn.execute("SELECT * FROM worklogs WHERE id = ?", (cur.lastrowid,)).fetchone()
    entry = worklog_dict(worklog(ctx.site, saved), ctx.text_path("v3_clean"))  # 0.23.1 posts ADF to REST v3
    entry["original_estimate_updated"] = sets_original
    entry["remaining_estimate_updated"] = bool(args.get("remaining_estimate"))
    return {"message": "Worklog added successfully", "worklog": entry}


def get_worklog(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_worklog`: {"worklogs": [...]} of the issue, by start time, as mcp-atlassian 0.23.1 shows them."""
    row = ctx.issue(args["issue_key"])
    return {"worklogs": [worklog_dict(w, ctx.text_path("v2")) for w in load_worklogs(ctx.site, row["id"])]}


TOOLS = [
    ToolDef("jira_add_worklog",
            "Log time spent on an issue, as the current user. Durations use Jira's units w, d (8h), h, m: "
            "time_spent='1h 30m', '2d', '45m'. Example: issue_key='PROJ-1', time_spent='3h', comment='Debugging', "
            "started='2026-11-20T09:30:00.000+0000', remaining_estimate='1d'.",
            {"issue_key": ISSUE_KEY,
             "time_spent": param("string", "Time spent as a Jira duration, e.g. '1h 30m', '2d', '45m'."),
             "comment": param("string", "What the time was spent on.", None),
             "started": param("string", "When the work started (ISO 8601); default now.", None),
             "original_estimate": param("string", "Set the issue's original estimate, e.g. '3d'.", None),
             "remaining_estimate": param("string", "Set the remaining estimate, e.g. '1d'; otherwise it is reduced "
                                                   "by time_spent.", None)},
            mcpa_add_worklog, read_only=False),
    ToolDef("jira_get_worklog",
            "List the work logged on an issue: who, when, how long. Example: issue_key='PROJ-1'.",
            {"issue_key": ISSUE_KEY}, get_worklog, read_only=True),
]
