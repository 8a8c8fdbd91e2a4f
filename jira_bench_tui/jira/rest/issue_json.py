"""An issue as Jira Cloud's REST API returns it (`GET /rest/api/{2,3}/issue/{key}`, search results): `fields`
chosen by the `fields` parameter (`*all`, `*navigable`, ids, `-id` to leave one out) and the `expand` sections
`renderedFields`, `names`, `schema`, `changelog`, `transitions`, `editmeta` (empty) and `operations` (empty)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt

from jira_bench_tui.jira.durations import format_duration
from jira_bench_tui.jira.issue_load import issue_rows
from jira_bench_tui.jira.render import raw_time
from jira_bench_tui.jira.rest import shapes
from jira_bench_tui.jira.rest.core import RestCall
from jira_bench_tui.jira.tools.catalog import field_entries

EXPAND_ATTR = "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations"
NOT_NAVIGABLE = frozenset({"comment", "worklog", "attachment"})
_HTML = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


@dataclass(frozen=True)
class FieldChoice:
    """Which fields a request asked for: everything, the navigable ones, or named ids (minus exclusions)."""

    all_fields: bool
    navigable: bool
    names: frozenset[str]
    excluded: frozenset[str]

    @classmethod
    def parse(cls, values: list[str] | str | None, default: str = "*all") -> FieldChoice:
        """Read a `fields` parameter (comma-separated or repeated): `*all`, `*navigable`, names, `-name` exclusions."""
        if isinstance(values, str):
            values = values.split(",")
        parts = [v.strip() for v in (values or []) if v and v.strip()] or [default]
        names = {p for p in parts if not p.startswith(("-", "*"))}
        excluded = {p[1:] for p in parts if p.startswith("-")}
        if not names and not any(p.startswith("*") for p in parts):
            parts.append(default)
        return cls("*all" in parts, "*navigable" in parts, frozenset(names), frozenset(excluded))

    def wants(self, field_id: str) -> bool:
        """Whether the issue JSON should carry `field_id`."""
        if field_id in self.excluded:
            return False
        if self.all_fields or field_id in self.names:
            return True
        return self.navigable and field_id not in NOT_NAVIGABLE


def field_defs(call: RestCall) -> list[dict[str, Any]]:
    """The site's fields as `GET /field` lists them."""
    return field_entries(call.ctx)


def issue_json(call: RestCall, row: sqlite3.Row, choice: FieldChoice, expand: set[str],
               defs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The REST issue for one row (from `render.ISSUE_SELECT`)."""
    defs = defs if defs is not None else field_defs(call)
    fields: dict[str, Any] = {}
    for entry in defs:
        field_id = entry["id"]
        if field_id in ("issuekey", "statusCategory") or not choice.wants(field_id):
            continue
        fields[field_id] = field_value(call, row, field_id)
    for extra in ("subtasks", "attachment", "votes", "statuscategorychangedate", "aggregatetimespent",
                  "aggregatetimeoriginalestimate", "aggregatetimeestimate", "progress", "aggregateprogress",
                  "workratio", "lastViewed", "security"):
        if choice.wants(extra) and (choice.all_fields or choice.navigable or extra in choice.names):
            fields[extra] = field_value(call, row, extra)
    out: dict[str, Any] = {"expand": EXPAND_ATTR, "id": str(row["id"]), "self": call.self_url(f"issue/{row['id']}"),
                           "key": row["key"]}
    if "renderedFields" in expand:
        out["renderedFields"] = rendered_fields(call, row, fields)
    if "names" in expand:
        out["names"] = {e["id"]: e["name"] for e in defs if e["id"] in fields}
    if "schema" in expand:
        out["schema"] = {e["id"]: e.get("schema", {}) for e in defs if e["id"] in fields}
    if "transitions" in expand:
        from jira_bench_tui.jira.rest.routes.workflow import transitions_json  # routes import this module

        out["transitions"] = transitions_json(call, row, with_fields="transitions.fields" in expand)
    if "operations" in expand:
        out["operations"] = {"linkGroups": []}
    if "editmeta" in expand:
        out["editmeta"] = {"fields": {}}
    if "changelog" in expand:
        out["changelog"] = changelog_page(call, row["id"], 0, 100)
    out["fields"] = fields
    return out


def changelog_page(call: RestCall, issue_id: int, start: int, size: int) -> dict[str, Any]:
    """`{"startAt", "maxResults", "total", "histories"}` of an issue's changelog, oldest first."""
    groups = call.conn.execute("SELECT * FROM changelog WHERE issue_id = ? ORDER BY id", (issue_id,)).fetchall()
    window = groups[start:start + size]
    return {"startAt": start, "maxResults": size, "total": len(groups),
            "histories": [shapes.history_json(call, g) for g in window]}


def rendered_fields(call: RestCall, row: sqlite3.Row, fields: dict[str, Any]) -> dict[str, Any]:
    """`renderedFields`: rich text as HTML, the rest as given (Jira renders dates for people; we keep ISO)."""
    out: dict[str, Any] = {}
    for field_id in fields:
        if field_id in ("description", "environment"):
            text = row[field_id]
            out[field_id] = _HTML.render(text) if text else None
        elif field_id == "comment":
            comments = call.conn.execute("SELECT * FROM comments WHERE issue_id = ? ORDER BY created, id",
                                         (row["id"],)).fetchall()
            out["comment"] = {"comments": [{**shapes.comment_json(call, c, row["id"]), "body": _HTML.render(c["body"])}
                                           for c in comments], "maxResults": len(comments),
                              "total": len(comments), "startAt": 0}
        else:
            out[field_id] = None
    return out


def field_value(call: RestCall, row: sqlite3.Row, field_id: str) -> Any:
    """The REST value of one field of an issue."""
    simple = _SIMPLE.get(field_id)
    if simple is not None:
        return simple(call, row)
    if field_id.startswith("customfield_"):
        return _custom(call, row, field_id)
    return None


def _names(call: RestCall, sql: str, issue_id: int) -> list[sqlite3.Row]:
    return call.conn.execute(sql, (issue_id,)).fetchall()


def _labels(call: RestCall, row: sqlite3.Row) -> list[str]:
    return [r[0] for r in _names(call, "SELECT label FROM issue_labels WHERE issue_id = ? ORDER BY label", row["id"])]


def _components(call: RestCall, row: sqlite3.Row) -> list[dict[str, Any]]:
    rows = _names(call, "SELECT c.* FROM issue_components ic JOIN components c ON c.id = ic.component_id "
                        "WHERE ic.issue_id = ? ORDER BY c.name", row["id"])
    return [shapes.component_json(call, c) for c in rows]


def _versions(kind: str) -> Callable[[RestCall, sqlite3.Row], list[dict[str, Any]]]:
    def read(call: RestCall, row: sqlite3.Row) -> list[dict[str, Any]]:
        rows = call.conn.execute("SELECT v.* FROM issue_versions iv JOIN versions v ON v.id = iv.version_id "
                                 "WHERE iv.issue_id = ? AND iv.kind = ? ORDER BY v.name", (row["id"], kind))
        return [{k: v for k, v in shapes.version_json(call, r).items() if k != "projectId"} for r in rows]
    return read


def fragment_json(call: RestCall, row: sqlite3.Row) -> dict[str, Any]:
    """A parent or sub-task as Jira nests it: id, key, self and a few fields."""
    return {"id": str(row["id"]), "key": row["key"], "self": call.self_url(f"issue/{row['id']}"),
            "fields": {"summary": row["summary"], "status": shapes.status_json(call, row["status_id"]),
                       "priority": shapes.priority_json(call, row["priority_id"]),
                       "issuetype": _issuetype(call, row)}}


def _parent(call: RestCall, row: sqlite3.Row) -> dict[str, Any] | None:
    if row["parent_id"] is None:
        return None
    parent = issue_rows(call.ctx.site, [row["parent_id"]]).get(row["parent_id"])
    return fragment_json(call, parent) if parent is not None else None


def _subtasks(call: RestCall, row: sqlite3.Row) -> list[dict[str, Any]]:
    ids = [r[0] for r in call.conn.execute("SELECT i.id FROM issues i JOIN issue_types t ON t.id = i.issue_type_id "
                                           "WHERE i.parent_id = ? AND t.subtask = 1 ORDER BY i.id", (row["id"],))]
    children = issue_rows(call.ctx.site, ids)
    return [fragment_json(call, children[i]) for i in ids]


def _issuetype(call: RestCall, row: sqlite3.Row) -> dict[str, Any]:
    type_row = call.conn.execute("SELECT * FROM issue_types WHERE id = ?", (row["issue_type_id"],)).fetchone()
    return shapes.issue_type_json(call, type_row)


def _project(call: RestCall, row: sqlite3.Row) -> dict[str, Any]:
    project = call.conn.execute("SELECT * FROM projects WHERE id = ?", (row["project_id"],)).fetchone()
    return shapes.project_json(call, project)


def _timetracking(call: RestCall, row: sqlite3.Row) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, column in (("originalEstimate", "orig_estimate_s"), ("remainingEstimate", "remaining_estimate_s"),
                        ("timeSpent", "time_spent_s")):
        if row[column]:
            out[key] = format_duration(row[column])
    for key, column in (("originalEstimateSeconds", "orig_estimate_s"),
                        ("remainingEstimateSeconds", "remaining_estimate_s"), ("timeSpentSeconds", "time_spent_s")):
        if row[column]:
            out[key] = row[column]
    return out


def _progress(call: RestCall, row: sqlite3.Row) -> dict[str, Any]:
    spent = row["time_spent_s"] or 0
    total = spent + (row["remaining_estimate_s"] or 0)
    out: dict[str, Any] = {"progress": spent, "total": total}
    if total:
        out["percent"] = int(spent * 100 / total)
    return out


def _comment_page(call: RestCall, row: sqlite3.Row) -> dict[str, Any]:
    comments = call.conn.execute("SELECT * FROM comments WHERE issue_id = ? ORDER BY created, id",
                                 (row["id"],)).fetchall()
    return {"comments": [shapes.comment_json(call, c, row["id"]) for c in comments],
            "self": call.self_url(f"issue/{row['id']}/comment"), "maxResults": len(comments),
            "total": len(comments), "startAt": 0}


def _worklog_page(call: RestCall, row: sqlite3.Row) -> dict[str, Any]:
    logs = call.conn.execute("SELECT * FROM worklogs WHERE issue_id = ? ORDER BY started, id",
                             (row["id"],)).fetchall()
    return {"startAt": 0, "maxResults": 20, "total": len(logs),
            "worklogs": [shapes.worklog_json(call, w) for w in logs[:20]]}


def issue_links_json(call: RestCall, row: sqlite3.Row) -> list[dict[str, Any]]:
    """`issuelinks`: each link with the other end as `outwardIssue` or `inwardIssue`."""
    links = call.conn.execute(
        "SELECT l.*, t.name, t.inward, t.outward FROM issue_links l JOIN link_types t ON t.id = l.link_type_id "
        "WHERE l.inward_issue_id = ? OR l.outward_issue_id = ? ORDER BY l.id", (row["id"], row["id"])).fetchall()
    others = issue_rows(call.ctx.site, [r["outward_issue_id"] if r["inward_issue_id"] == row["id"]
                                        else r["inward_issue_id"] for r in links])
    out = []
    for link in links:
        outward = link["inward_issue_id"] == row["id"]
        other = others[link["outward_issue_id"] if outward else link["inward_issue_id"]]
        out.append({"id": str(link["id"]), "self": call.self_url(f"issueLink/{link['id']}"),
                    "type": link_type_json(call, link["link_type_id"], link["name"], link["inward"], link["outward"]),
                    ("outwardIssue" if outward else "inwardIssue"): fragment_json(call, other)})
    return out


def link_type_json(call: RestCall, type_id: int, name: str, inward: str, outward: str) -> dict[str, Any]:
    """An issue link type `{id, name, inward, outward, self}` (`GET /issueLinkType`)."""
    return {"id": str(type_id), "name": name, "inward": inward, "outward": outward,
            "self": call.self_url(f"issueLinkType/{type_id}")}


def _watches(call: RestCall, row: sqlite3.Row) -> dict[str, Any]:
    ids = [r[0] for r in call.conn.execute("SELECT account_id FROM watchers WHERE issue_id = ?", (row["id"],))]
    return {"self": call.self_url(f"issue/{row['key']}/watchers"), "watchCount": len(ids),
            "isWatching": call.ctx.current_user in ids}


def _custom(call: RestCall, row: sqlite3.Row, field_id: str) -> Any:
    field = call.conn.execute("SELECT * FROM fields WHERE id = ?", (field_id,)).fetchone()
    if field is None:
        return None
    name = field["name"].lower()
    if name == "sprint":
        sprints = call.conn.execute("SELECT s.* FROM sprint_issues si JOIN sprints s ON s.id = si.sprint_id "
                                    "WHERE si.issue_id = ? ORDER BY s.id", (row["id"],)).fetchall()
        if not sprints:
            return None
        return [shapes.sprint_field_value(s) for s in sprints]
    values = json.loads(row["custom_fields"] or "{}")
    if name == "epic link":
        parent = call.conn.execute("SELECT i.key, t.hierarchy_level FROM issues i JOIN issue_types t "
                                   "ON t.id = i.issue_type_id WHERE i.id = ?", (row["parent_id"],)).fetchone() \
            if row["parent_id"] is not None else None
        return parent["key"] if parent and parent["hierarchy_level"] == 1 else values.get(field_id)
    value = values.get(field_id)
    if value is None:
        return None
    if field["schema_type"] == "option":
        option = call.conn.execute("SELECT option_id FROM field_options WHERE field_id = ? AND value = ?",
                                   (field_id, value)).fetchone()
        ident = option[0] if option else "-1"
        return {"self": call.self_url(f"customFieldOption/{ident}"), "value": value, "id": str(ident)}
    if field["schema_type"] == "user":
        return shapes.user_by_account(call, value)
    return value


_SIMPLE: dict[str, Callable[[RestCall, sqlite3.Row], Any]] = {
    "summary": lambda c, r: r["summary"],
    "description": lambda c, r: shapes.text_out(c, r["description"]),
    "environment": lambda c, r: shapes.text_out(c, r["environment"]),
    "project": _project,
    "issuetype": _issuetype,
    "status": lambda c, r: shapes.status_json(c, r["status_id"]),
    "priority": lambda c, r: shapes.priority_json(c, r["priority_id"]),
    "resolution": lambda c, r: shapes.resolution_json(c, r["resolution_id"]),
    "resolutiondate": lambda c, r: raw_time(r["resolution_date"]),
    "assignee": lambda c, r: shapes.user_by_account(c, r["assignee_id"]),
    "reporter": lambda c, r: shapes.user_by_account(c, r["reporter_id"]),
    "creator": lambda c, r: shapes.user_by_account(c, r["creator_id"]),
    "labels": _labels,
    "components": _components,
    "fixVersions": _versions("fix"),
    "versions": _versions("affects"),
    "parent": _parent,
    "subtasks": _subtasks,
    "duedate": lambda c, r: r["due_date"],
    "created": lambda c, r: raw_time(r["created"]),
    "updated": lambda c, r: raw_time(r["updated"]),
    "statuscategorychangedate": lambda c, r: raw_time(r["updated"]),
    "lastViewed": lambda c, r: None,
    "timetracking": _timetracking,
    "timeoriginalestimate": lambda c, r: r["orig_estimate_s"],
    "timeestimate": lambda c, r: r["remaining_estimate_s"],
    "timespent": lambda c, r: r["time_spent_s"] or None,
    "aggregatetimeoriginalestimate": lambda c, r: r["orig_estimate_s"],
    "aggregatetimeestimate": lambda c, r: r["remaining_estimate_s"],
    "aggregatetimespent": lambda c, r: r["time_spent_s"] or None,
    "progress": _progress,
    "aggregateprogress": _progress,
    "workratio": lambda c, r: int(r["time_spent_s"] * 100 / r["orig_estimate_s"]) if r["orig_estimate_s"] else -1,
    "comment": _comment_page,
    "worklog": _worklog_page,
    "issuelinks": issue_links_json,
    "watches": _watches,
    "votes": lambda c, r: {"self": c.self_url(f"issue/{r['key']}/votes"), "votes": 0, "hasVoted": False},
    "attachment": lambda c, r: [shapes.attachment_json(c, a) for a in c.conn.execute(
        "SELECT * FROM attachments WHERE issue_id = ? ORDER BY id", (r["id"],))],
    "security": lambda c, r: None,
}
