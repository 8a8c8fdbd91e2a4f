"""An issue's history read as mcp-atlassian 0.23.1 reads it: changelog entries in its simplified form
(`JiraChangelog.to_simplified_dict`), and the status timeline its metrics build from them (`MetricsMixin`:
`_parse_changelog_to_status_changes`, `_aggregate_status_times`, `_format_duration`). Shared by the changelog, dates
and SLA tools."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jira_bench_tui.jira.render import parse_time

# changelog item field name -> Jira's fieldId (what /changelog/bulkfetch `fieldIds` matches), as the REST face has it
FIELD_IDS = {"status": "status", "resolution": "resolution", "assignee": "assignee", "priority": "priority",
             "labels": "labels", "Component": "components", "Fix Version": "fixVersions", "Version": "versions",
             "duedate": "duedate", "summary": "summary", "description": "description", "reporter": "reporter",
             "environment": "environment", "timespent": "timespent", "timeestimate": "timeestimate",
             "timeoriginalestimate": "timeoriginalestimate", "IssueParentAssociation": "parent"}


def item_dict(item: sqlite3.Row) -> dict[str, Any]:
    """One changelog item: field, fieldtype, then from/to strings and ids that are set (None keys left out)."""
    out: dict[str, Any] = {"field": item["field"], "fieldtype": item["fieldtype"]}
    for key, column in (("from_string", "from_string"), ("to_string", "to_string"), ("from_id", "from_id"),
                        ("to_id", "to_id")):
        if item[column] is not None:
            out[key] = item[column]
    return out


def changelog_dicts(conn: sqlite3.Connection, issue_id: int, user: Callable[[str], dict[str, Any] | None],
                    fields: set[str] | None = None) -> list[dict[str, Any]]:
    """An issue's changelog, oldest first, as {"items", "author", "created"} (created in Python's isoformat).
    `fields` keeps only items whose field or fieldId is named, and entries left with an item (bulkfetch's
    `fieldIds`); `user` turns an account id into the simplified user."""
    out = []
    for group in conn.execute("SELECT * FROM changelog WHERE issue_id = ? ORDER BY id", (issue_id,)).fetchall():
        items = [i for i in conn.execute("SELECT * FROM changelog_items WHERE changelog_id = ? ORDER BY rowid",
                                         (group["id"],))
                 if not fields or i["field"] in fields or FIELD_IDS.get(i["field"]) in fields]
        if fields and not items:
            continue
        entry: dict[str, Any] = {}
        if items:
            entry["items"] = [item_dict(i) for i in items]
        author = user(group["author_id"]) if group["author_id"] else None
        if author:
            entry["author"] = author
        entry["created"] = parse_time(group["created"]).isoformat()
        out.append(entry)
    return out


@dataclass
class StatusStay:
    """One stay in a status: entered, exited (None: still there), minutes, who moved the issue into it."""

    status: str
    entered_at: datetime
    exited_at: datetime | None
    minutes: int | None
    by: str | None

    def as_dict(self) -> dict[str, Any]:
        """mcp-atlassian's StatusChangeEntry.to_simplified_dict."""
        out: dict[str, Any] = {"status": self.status, "entered_at": self.entered_at.isoformat()}
        if self.exited_at:
            out["exited_at"] = self.exited_at.isoformat()
        if self.minutes is not None:
            out["duration_minutes"] = self.minutes
            out["duration_formatted"] = format_minutes(self.minutes)
        if self.by:
            out["transitioned_by"] = self.by
        return out


def format_minutes(minutes: int) -> str:
    """mcp-atlassian's duration text: '34d 0h 0m', '1h 30m', '0m' (24-hour days)."""
    if minutes <= 0:
        return "0m"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d"] if days else []
    if hours or days:
        parts.append(f"{hours}h")
    return " ".join([*parts, f"{mins}m"])


def minutes_between(start: datetime, end: datetime) -> int:
    """Whole minutes from start to end, truncated as mcp-atlassian does (`int(seconds / 60)`)."""
    return int((end - start).total_seconds() / 60)


def status_stays(conn: sqlite3.Connection, issue_id: int, created: datetime | None) -> list[StatusStay]:
    """The status timeline from the changelog's `status` items (sorted by time): the first status from creation
    when there is a transition, then one stay per transition."""
    moves = []
    for row in conn.execute("SELECT c.created, u.display_name, i.from_string, i.to_string FROM changelog c "
                            "JOIN changelog_items i ON i.changelog_id = c.id LEFT JOIN users u ON "
                            "u.account_id = c.author_id WHERE c.issue_id = ? AND lower(i.field) = 'status' "
                            "ORDER BY c.id, i.rowid", (issue_id,)):
        moves.append((parse_time(row["created"]), row["display_name"], row["from_string"], row["to_string"]))
    moves.sort(key=lambda move: move[0])
    stays: list[StatusStay] = []
    if created and moves and moves[0][2]:
        stays.append(StatusStay(moves[0][2], created, moves[0][0], minutes_between(created, moves[0][0]), None))
    for index, (when, by, _, to_status) in enumerate(moves):
        if not to_status:
            continue
        exited = moves[index + 1][0] if index + 1 < len(moves) else None
        stays.append(StatusStay(to_status, when, exited, minutes_between(when, exited) if exited else None, by))
    return stays


def status_summary(stays: list[StatusStay]) -> list[dict[str, Any]]:
    """Minutes and visits per status, most time first (ties keep first-seen order), as `_aggregate_status_times`."""
    totals: dict[str, list[int]] = {}
    for stay in stays:
        if stay.minutes is not None or stay.exited_at is None:
            entry = totals.setdefault(stay.status, [0, 0])
            entry[0] += stay.minutes or 0
            entry[1] += 1
    ranked = sorted(totals.items(), key=lambda item: item[1][0], reverse=True)
    return [{"status": name, "total_duration_minutes": minutes, "total_duration_formatted": format_minutes(minutes),
             "visit_count": visits} for name, (minutes, visits) in ranked]
