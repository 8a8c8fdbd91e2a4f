"""History tools: changelogs of several issues (`batch_get_changelogs`, Jira Cloud's `POST /changelog/bulkfetch`),
an issue's dates and status timeline (`get_issue_dates`) and its SLA metrics (`get_issue_sla`), as mcp-atlassian
0.23.1 computes them (`jira/metrics.py`, `jira/sla.py`) from the issue and its changelog. Clock-dependent values
(lead time of an open issue) use the site's frozen clock."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from jira_bench_tui.jira.issue_history import (
    StatusStay,
    changelog_dicts,
    format_minutes,
    minutes_between,
    status_stays,
    status_summary,
)
from jira_bench_tui.jira.render import parse_time
from jira_bench_tui.jira.tools.common import ISSUE_KEY_PATTERN, JiraContext, ToolDef, csv_arg, param
from jira_bench_tui.jira.tools.rest_like import ISSUE_NOT_FOUND, find_issue, issue_or_404, simple_user

SLA_METRICS = ("cycle_time", "lead_time", "time_in_status", "due_date_compliance", "resolution_time",
               "first_response_time")
DEFAULT_SLA_METRICS = ("cycle_time", "time_in_status")  # JIRA_SLA_METRICS unset


def batch_changelogs(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_batch_get_changelogs`: [{"issue_id", "changelogs": [...]}] for the issues that have history (in the
    order asked), each limited to `limit` entries (-1: all); `fields` keeps the named fields' items. ToolFailure
    with Jira's 404 text when an issue does not exist."""
    rows = [issue_or_404(ctx, ref) for ref in csv_arg(args["issue_ids_or_keys"])]
    wanted = set(csv_arg(args.get("fields"))) if args.get("fields") is not None else None
    limit = args.get("limit", -1)
    results: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        entries = changelog_dicts(ctx.conn, row["id"], lambda a: _user(ctx, a), wanted)
        if entries:
            results.setdefault(str(row["id"]), []).extend(entries)
    return [{"issue_id": issue_id, "changelogs": entries if limit == -1 else entries[:limit]}
            for issue_id, entries in results.items()]


def _user(ctx: JiraContext, account_id: str) -> dict[str, Any] | None:
    row = ctx.conn.execute("SELECT * FROM users WHERE account_id = ?", (account_id,)).fetchone()
    return simple_user(ctx, row) if row is not None else {"display_name": account_id}


class _Dates:
    """An issue's dates and status timeline (mcp-atlassian's IssueDatesResponse)."""

    def __init__(self, ctx: JiraContext, row: Any) -> None:
        self.created = parse_time(row["created"])
        self.updated = parse_time(row["updated"])
        self.due = datetime.fromisoformat(row["due_date"]) if row["due_date"] else None
        self.resolved = parse_time(row["resolution_date"]) if row["resolution_date"] else None
        self.status = row["status_name"]
        self.stays: list[StatusStay] = status_stays(ctx.conn, row["id"], self.created)

    def as_dict(self, key: str, changes: bool, summary: bool) -> dict[str, Any]:
        """IssueDatesResponse.to_simplified_dict: dates set, current status, changes and summary when non-empty."""
        out: dict[str, Any] = {"issue_key": key, "created": self.created.isoformat(),
                               "updated": self.updated.isoformat()}
        if self.due:
            out["due_date"] = self.due.isoformat()
        if self.resolved:
            out["resolution_date"] = self.resolved.isoformat()
        out["current_status"] = self.status
        if changes and self.stays:
            out["status_changes"] = [s.as_dict() for s in self.stays]
        if summary and changes and self.stays:
            out["status_summary"] = status_summary(self.stays)
        return out


def issue_dates(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_issue_dates`: {"issue_key", "created", "updated", "due_date"?, "resolution_date"?,
    "current_status", "status_changes"?, "status_summary"?}; an unknown issue answers {"success": false, "error",
    "issue_key"} (not an error result), as 0.23.1 does."""
    row = find_issue(ctx, args["issue_key"])
    if row is None:
        return {"success": False, "error": ISSUE_NOT_FOUND, "issue_key": args["issue_key"]}
    return _Dates(ctx, row).as_dict(args["issue_key"], args.get("include_status_changes", True),
                                    args.get("include_status_summary", True))


def _timed(minutes: int, **extra: Any) -> dict[str, Any]:
    return {"calculated": True, "value_minutes": minutes, "formatted": format_minutes(minutes), **extra}


def _time_in_status(dates: _Dates) -> dict[str, Any]:
    summary = status_summary(dates.stays)
    total = sum(s["total_duration_minutes"] for s in summary)
    statuses = [{"status": s["status"], "value_minutes": s["total_duration_minutes"],
                 "formatted": s["total_duration_formatted"],
                 "percentage": round(s["total_duration_minutes"] / total * 100, 2) if total > 0 else 0.0,
                 "visit_count": s["visit_count"]} for s in summary]
    return {"statuses": statuses, "total_minutes": total}


def _due_date(dates: _Dates) -> dict[str, Any]:
    if not dates.due:
        return {"status": "no_due_date"}
    if not dates.resolved:
        return {"status": "not_resolved"}
    deadline = datetime.combine(dates.due.date(), time(23, 59, 59), tzinfo=dates.resolved.tzinfo)
    margin = int((deadline - dates.resolved).total_seconds() / 60)
    if margin >= 0:
        return {"status": "met", "margin_minutes": margin, "formatted_margin": f"{format_minutes(margin)} early"}
    return {"status": "missed", "margin_minutes": margin, "formatted_margin": f"{format_minutes(-margin)} late"}


def _resolution_time(ctx: JiraContext, dates: _Dates) -> dict[str, Any]:
    if not dates.resolved:
        return {"calculated": False, "reason": "Issue not resolved"}
    categories = {r[0].lower(): r[1] for r in ctx.conn.execute(
        "SELECT s.name, c.key FROM statuses s JOIN status_categories c ON c.id = s.category_id")}
    started = next((s.entered_at for s in dates.stays if categories.get(s.status.lower(), "") == "indeterminate"
                    or (s.status.lower() not in categories
                        and s.status.lower() in ("in progress", "in development", "working"))), None)
    if started is None:
        return {"calculated": False, "reason": "No 'In Progress' status found"}
    return _timed(minutes_between(started, dates.resolved))


def _metric(ctx: JiraContext, dates: _Dates, name: str) -> dict[str, Any]:
    """One SLA metric's simplified dict (mcp-atlassian's `SLAMixin._calculate_*`, calendar time)."""
    if name == "cycle_time":
        if not dates.resolved:
            return {"calculated": False, "reason": "Issue not resolved"}
        return _timed(minutes_between(dates.created, dates.resolved))
    if name == "lead_time":
        minutes = minutes_between(dates.created, dates.resolved or ctx.now)
        return {"value_minutes": minutes, "formatted": format_minutes(minutes),
                "is_resolved": dates.resolved is not None}
    if name == "time_in_status":
        return _time_in_status(dates)
    if name == "due_date_compliance":
        return _due_date(dates)
    if name == "resolution_time":
        return _resolution_time(ctx, dates)
    first = dates.stays[1].entered_at if len(dates.stays) > 1 else None
    return _timed(minutes_between(dates.created, first), response_type="transition") if first else \
        {"calculated": False}


def issue_sla(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_issue_sla`: {"issue_key", "metrics": {...}, "raw_dates"?}; `metrics` names which (unknown names
    dropped; default cycle_time,time_in_status). Working hours are not applied (calendar time, as with
    JIRA_SLA_WORKING_HOURS_ONLY unset). An unknown issue answers {"success": false, "error", "issue_key"}."""
    row = find_issue(ctx, args["issue_key"])
    if row is None:
        return {"success": False, "error": ISSUE_NOT_FOUND, "issue_key": args["issue_key"]}
    dates = _Dates(ctx, row)
    wanted = csv_arg(args["metrics"]) if args.get("metrics") else list(DEFAULT_SLA_METRICS)
    metrics = {name: _metric(ctx, dates, name) for name in SLA_METRICS if name in wanted}
    out: dict[str, Any] = {"issue_key": args["issue_key"], "metrics": metrics}
    if args.get("include_raw_dates"):
        changes = [{k: v for k, v in s.as_dict().items() if k in ("status", "entered_at", "exited_at",
                                                                   "transitioned_by")} for s in dates.stays]
        out["raw_dates"] = {"created": dates.created.isoformat(), "updated": dates.updated.isoformat(),
                            "due_date": dates.due.isoformat() if dates.due else None,
                            "resolution_date": dates.resolved.isoformat() if dates.resolved else None,
                            "current_status": dates.status, "status_changes": changes}
    return out


ISSUE_KEY = param("string", "The issue's key, e.g. 'PROJ-123'.", pattern=ISSUE_KEY_PATTERN)
TOOLS = [
    ToolDef("jira_batch_get_changelogs",
            "Read the change history of several issues at once: who changed which field from what to what, and "
            "when. Example: issue_ids_or_keys='PROJ-1,PROJ-2', fields='status,assignee', limit=20.",
            {"issue_ids_or_keys": param("string", "Comma-separated issue keys or ids, e.g. 'PROJ-1,10002'."),
             "fields": param("string", "Only changes to these fields (comma-separated ids such as status, "
                                       "assignee, fixVersions); all when omitted.", None),
             "limit": param("integer", "At most this many history entries per issue; -1 for all.", -1)},
            batch_changelogs, read_only=True),
    ToolDef("jira_get_issue_dates",
            "An issue's dates (created, updated, due, resolved) and how long it spent in each status, from its "
            "history. Example: issue_key='PROJ-7'.",
            {"issue_key": ISSUE_KEY,
             "include_status_changes": param("boolean", "List each status the issue entered, with times.", True),
             "include_status_summary": param("boolean", "Total time and visits per status.", True)},
            issue_dates, read_only=True),
    ToolDef("jira_get_issue_sla",
            "Time metrics of an issue from its history: cycle_time, lead_time, time_in_status, "
            "due_date_compliance, resolution_time, first_response_time. Example: issue_key='PROJ-7', "
            "metrics='cycle_time,due_date_compliance'.",
            {"issue_key": ISSUE_KEY,
             "metrics": param("string", "Comma-separated metric names; default 'cycle_time,time_in_status'.", None),
             "working_hours_only": param("boolean", "Count working hours only (this site counts calendar time).",
                                         None),
             "include_raw_dates": param("boolean", "Also return the dates the metrics were computed from.", False)},
            issue_sla, read_only=True),
]
