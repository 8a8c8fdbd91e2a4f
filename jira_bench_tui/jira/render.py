"""Turn database rows into mcp-atlassian 0.23.1 result shapes: the simplified issue, users, raw REST fragments.

Only reads. Timestamps are stored as `2026-11-20T09:30:00.000+0000` (UTC) and shown the way mcp-atlassian shows
each of them (see the `*_time` helpers).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from jira_bench_tui.jira.durations import format_duration

DEFAULT_FIELDS = "versions,status,reporter,description,updated,issuetype,summary,assignee,created,priority,labels"
DEFAULT_FIELD_SET = frozenset(DEFAULT_FIELDS.split(","))
INCLUDE_ALL = ("comments", "changelog", "transitions", "watchers", "worklogs", "remote_links")

# What a `fields` name asks for, lower-cased, in the simplified issue's terms.
_FIELD_ALIASES = {
    "issuetype": "issuetype", "issue_type": "issuetype", "type": "issuetype",
    "fixversions": "fixversions", "fix_versions": "fixversions", "fixversion": "fixversions",
    "versions": "versions", "affectedversion": "versions", "affectsversions": "versions",
    "comment": "comment", "comments": "comment",
    "worklog": "worklog", "worklogs": "worklog",
    "component": "components", "components": "components",
    "due": "duedate", "duedate": "duedate", "due_date": "duedate",
    "resolved": "resolutiondate", "resolutiondate": "resolutiondate",
    "issuelinks": "issuelinks", "links": "issuelinks", "subtasks": "subtasks",
}


# ---- time ----------------------------------------------------------------------------------------------------


def parse_time(stored: str) -> datetime:
    """A stored or ISO timestamp as an aware UTC datetime (a bare date is midnight UTC)."""
    value = datetime.fromisoformat(stored.strip().replace(" ", "T", 1) if "T" not in stored else stored.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def stored_time(moment: datetime) -> str:
    """The storage form: 2026-11-20T09:30:00.000+0000."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def display_time(stored: str | None) -> str | None:
    """created/updated of a simplified issue: 2025-05-01 10:00:00 UTC."""
    return None if not stored else parse_time(stored).strftime("%Y-%m-%d %H:%M:%S UTC")


def python_time(stored: str | None) -> str | None:
    """Write results and worklogs: 2026-11-24 02:07:02+00:00 (Python's str of the datetime)."""
    return None if not stored else str(parse_time(stored).replace(microsecond=0))


def iso_time(stored: str | None) -> str | None:
    """Changelog entries: 2025-05-02T11:00:00+00:00."""
    return None if not stored else parse_time(stored).replace(microsecond=0).isoformat()


def raw_time(stored: str | None) -> str | None:
    """Comments and resolutiondate are passed through in Jira's REST form."""
    return None if not stored else stored_time(parse_time(stored))


# ---- the site ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """What every renderer needs: the connection, the site's base URL and the current user's account id."""

    conn: sqlite3.Connection
    base_url: str
    current_user: str

    def rest(self, path: str) -> str:
        return f"{self.base_url}/rest/api/3/{path}"


def user_dict(site: Site, account_id: str | None, display_name: str | None, email: str | None) -> dict[str, Any]:
    """mcp-atlassian's simplified user; callers show an empty assignee as {"display_name": "Unassigned"}."""
    return {
        "account_id": account_id,
        "display_name": display_name,
        "name": display_name,
        "email": email,
        "avatar_url": f"{site.base_url}/avatar/{account_id}.png",
    }


def user_by_id(site: Site, account_id: str | None) -> dict[str, Any] | None:
    if not account_id:
        return None
    row = site.conn.execute("SELECT account_id, display_name, email FROM users WHERE account_id = ?",
                            (account_id,)).fetchone()
    if row is None:
        return {"display_name": account_id}
    return user_dict(site, row["account_id"], row["display_name"], row["email"])


def display_name_of(site: Site, account_id: str | None) -> str | None:
    if not account_id:
        return None
    row = site.conn.execute("SELECT display_name FROM users WHERE account_id = ?", (account_id,)).fetchone()
    return row["display_name"] if row else account_id


# ---- issues --------------------------------------------------------------------------------------------------

ISSUE_SELECT = """
SELECT i.*, p.key AS project_key, p.name AS project_name, p.workflow_id AS workflow_id,
  s.name AS status_name, sc.id AS cat_id, sc.key AS cat_key, sc.name AS cat_name, sc.color_name AS cat_color,
  t.name AS type_name, t.subtask AS type_subtask, t.hierarchy_level AS type_level, t.description AS type_description,
  pr.name AS priority_name, r.name AS resolution_name,
  a.display_name AS assignee_name, a.email AS assignee_email,
  rp.display_name AS reporter_name, rp.email AS reporter_email
FROM issues i
JOIN projects p ON p.id = i.project_id
JOIN statuses s ON s.id = i.status_id
JOIN status_categories sc ON sc.id = s.category_id
JOIN issue_types t ON t.id = i.issue_type_id
LEFT JOIN priorities pr ON pr.id = i.priority_id
LEFT JOIN resolutions r ON r.id = i.resolution_id
LEFT JOIN users a ON a.account_id = i.assignee_id
LEFT JOIN users rp ON rp.account_id = i.reporter_id
"""


def issue_rows(site: Site, issue_ids: list[int]) -> dict[int, sqlite3.Row]:
    """Issue rows with their names joined in, by id."""
    if not issue_ids:
        return {}
    marks = ",".join("?" * len(issue_ids))
    rows = site.conn.execute(f"{ISSUE_SELECT} WHERE i.id IN ({marks})", issue_ids).fetchall()
    return {row["id"]: row for row in rows}


def issue_row_by_key(site: Site, key: str) -> sqlite3.Row | None:
    return site.conn.execute(f"{ISSUE_SELECT} WHERE i.key = ?", (key,)).fetchone()


@dataclass(frozen=True)
class FieldSelection:
    """Which fields a caller asked for (`fields` and `include` parameters)."""

    everything: bool
    names: frozenset[str]
    includes: frozenset[str] = frozenset()
    comment_limit: int = 10
    with_browse_url: bool = True
    with_url: bool = False

    @classmethod
    def parse(cls, fields: str | None, *, include: str | None = None, comment_limit: int = 10,
              comments_by_default: bool = False, with_browse_url: bool = True) -> FieldSelection:
        text = (fields or DEFAULT_FIELDS).strip() or DEFAULT_FIELDS
        raw = {part.strip() for part in text.split(",") if part.strip()}
        everything = "*all" in raw or "*navigable" in raw
        names = {_FIELD_ALIASES.get(name.lower(), name.lower()) for name in raw}
        if comments_by_default and raw == DEFAULT_FIELD_SET:
            names.add("comment")
        includes: set[str] = set()
        for part in (include or "").split(","):
            part = part.strip().lower()
            if part == "all":
                includes.update(INCLUDE_ALL)
            elif part:
                includes.add(part)
        if "comments" in includes:
            names.add("comment")
        return cls(everything, frozenset(names), frozenset(includes), comment_limit, with_browse_url,
                   with_url=everything)

    def wants(self, name: str) -> bool:
        return self.everything or name in self.names


def status_simple(row: sqlite3.Row) -> dict[str, Any]:
    return {"name": row["status_name"], "category": row["cat_name"], "color": row["cat_color"]}


def _raw_status(site: Site, row: sqlite3.Row) -> dict[str, Any]:
    return {
        "self": site.rest(f"status/{row['status_id']}"), "description": "",
        "iconUrl": f"{site.base_url}/images/icons/statuses/generic.png", "name": row["status_name"],
        "id": str(row["status_id"]),
        "statusCategory": {"id": row["cat_id"], "key": row["cat_key"], "colorName": row["cat_color"],
                           "name": row["cat_name"], "self": site.rest(f"statuscategory/{row['cat_id']}")},
    }


def _raw_fragment(site: Site, row: sqlite3.Row) -> dict[str, Any]:
    """A parent or sub-task the way Jira's REST API nests it (mcp-atlassian passes it through unchanged)."""
    fields: dict[str, Any] = {"summary": row["summary"], "status": _raw_status(site, row)}
    if row["priority_id"] is not None:
        fields["priority"] = {"self": site.rest(f"priority/{row['priority_id']}"),
                              "iconUrl": f"{site.base_url}/images/icons/priorities/{row['priority_name'].lower()}.svg",
                              "name": row["priority_name"], "id": str(row["priority_id"])}
    fields["issuetype"] = {"self": site.rest(f"issuetype/{row['issue_type_id']}"), "id": str(row["issue_type_id"]),
                           "description": row["type_description"] or "",
                           "iconUrl": f"{site.base_url}/images/icons/issuetypes/{row['type_name'].lower()}.svg",
                           "name": row["type_name"], "subtask": bool(row["type_subtask"]),
                           "hierarchyLevel": row["type_level"]}
    return {"id": str(row["id"]), "key": row["key"], "self": site.rest(f"issue/{row['id']}"), "fields": fields}


def _names(site: Site, sql: str, issue_id: int) -> list[str]:
    return [r[0] for r in site.conn.execute(sql, (issue_id,))]


def labels_of(site: Site, issue_id: int) -> list[str]:
    return _names(site, "SELECT label FROM issue_labels WHERE issue_id = ? ORDER BY label", issue_id)


def components_of(site: Site, issue_id: int) -> list[str]:
    return _names(site, "SELECT c.name FROM issue_components ic JOIN components c ON c.id = ic.component_id "
                        "WHERE ic.issue_id = ? ORDER BY c.name", issue_id)


def versions_of(site: Site, issue_id: int, kind: str) -> list[str]:
    return [r[0] for r in site.conn.execute(
        "SELECT v.name FROM issue_versions iv JOIN versions v ON v.id = iv.version_id "
        "WHERE iv.issue_id = ? AND iv.kind = ? ORDER BY v.name", (issue_id, kind))]


def sprints_of(site: Site, issue_id: int) -> list[sqlite3.Row]:
    return site.conn.execute("SELECT s.* FROM sprint_issues si JOIN sprints s ON s.id = si.sprint_id "
                             "WHERE si.issue_id = ? ORDER BY s.id", (issue_id,)).fetchall()


def comment_rows(site: Site, issue_id: int) -> list[sqlite3.Row]:
    return site.conn.execute("SELECT * FROM comments WHERE issue_id = ? ORDER BY created, id", (issue_id,)).fetchall()


def comment_dict(site: Site, row: sqlite3.Row) -> dict[str, Any]:
    return {"id": str(row["id"]), "body": row["body"], "author": user_by_id(site, row["author_id"]),
            "created": raw_time(row["created"]), "updated": raw_time(row["updated"])}


def link_dicts(site: Site, issue_id: int) -> list[dict[str, Any]]:
    """issuelinks as mcp-atlassian shows them: the other end as outward_issue or inward_issue."""
    rows = site.conn.execute(
        "SELECT l.id, l.inward_issue_id, l.outward_issue_id, lt.id AS type_id, lt.name, lt.inward, lt.outward "
        "FROM issue_links l JOIN link_types lt ON lt.id = l.link_type_id "
        "WHERE l.inward_issue_id = ? OR l.outward_issue_id = ? ORDER BY l.id", (issue_id, issue_id)).fetchall()
    if not rows:
        return []
    others = issue_rows(site, [r["outward_issue_id"] if r["inward_issue_id"] == issue_id else r["inward_issue_id"]
                               for r in rows])
    links = []
    for r in rows:
        outward = r["inward_issue_id"] == issue_id  # this issue <outward text> the other
        other = others[r["outward_issue_id"] if outward else r["inward_issue_id"]]
        link_type = {"id": str(r["type_id"]), "name": r["name"], "inward": r["inward"], "outward": r["outward"],
                     "self": site.rest(f"issueLinkType/{r['type_id']}")}
        other_fields: dict[str, Any] = {"summary": other["summary"], "status": status_simple(other)}
        if other["priority_name"]:
            other_fields["priority"] = {"name": other["priority_name"]}
        other_fields["issuetype"] = {"name": other["type_name"]}
        end = {"id": str(other["id"]), "key": other["key"], "fields": other_fields}
        links.append({"id": str(r["id"]), "type": link_type,
                      ("outward_issue" if outward else "inward_issue"): end})
    return links


def worklog_dict(site: Site, row: sqlite3.Row) -> dict[str, Any]:
    return {"id": str(row["id"]), "comment": row["comment"], "created": python_time(row["created"]),
            "updated": python_time(row["updated"]), "started": python_time(row["started"]),
            "time_spent": format_duration(row["time_spent_s"]), "time_spent_seconds": row["time_spent_s"],
            "author": display_name_of(site, row["author_id"])}


def worklog_rows(site: Site, issue_id: int) -> list[sqlite3.Row]:
    return site.conn.execute("SELECT * FROM worklogs WHERE issue_id = ? ORDER BY started, id", (issue_id,)).fetchall()


def _raw_worklogs(site: Site, issue_id: int) -> dict[str, Any]:
    rows = worklog_rows(site, issue_id)
    entries = [{"self": site.rest(f"issue/{issue_id}/worklog/{r['id']}"), "author": user_by_id(site, r["author_id"]),
                "comment": r["comment"], "created": raw_time(r["created"]), "updated": raw_time(r["updated"]),
                "started": raw_time(r["started"]), "timeSpent": format_duration(r["time_spent_s"]),
                "timeSpentSeconds": r["time_spent_s"], "id": str(r["id"]), "issueId": str(issue_id)}
               for r in rows[:20]]
    return {"startAt": 0, "maxResults": 20, "total": len(rows), "worklogs": entries}


def changelog_dicts(site: Site, issue_id: int) -> list[dict[str, Any]]:
    groups = site.conn.execute("SELECT * FROM changelog WHERE issue_id = ? ORDER BY id", (issue_id,)).fetchall()
    result = []
    for group in groups:
        items = [{"field": i["field"], "fieldtype": i["fieldtype"], "from_string": i["from_string"],
                  "to_string": i["to_string"], "from_id": i["from_id"], "to_id": i["to_id"]}
                 for i in site.conn.execute("SELECT * FROM changelog_items WHERE changelog_id = ? ORDER BY rowid",
                                            (group["id"],))]
        result.append({"items": items, "author": user_by_id(site, group["author_id"]),
                       "created": iso_time(group["created"])})
    return result


def transition_rows(site: Site, workflow_id: int, status_id: int) -> list[sqlite3.Row]:
    """Transitions available from a status: those leaving it, then global ones to another status, by id."""
    return site.conn.execute(
        "SELECT t.id, t.name, t.to_status_id, t.sets_resolution, t.clears_resolution, s.name AS to_name "
        "FROM transitions t JOIN statuses s ON s.id = t.to_status_id "
        "WHERE t.workflow_id = ? AND (t.from_status_id = ? OR (t.from_status_id IS NULL AND t.to_status_id != ?)) "
        "ORDER BY t.id", (workflow_id, status_id, status_id)).fetchall()


def transition_dicts(site: Site, row: sqlite3.Row, with_target: bool) -> list[dict[str, Any]]:
    """mcp-atlassian 0.23.1 gives [{"id": 11, "name": "To Do"}]: an int id and no target (a known bug)."""
    seen: set[int] = set()
    result = []
    for t in transition_rows(site, row["workflow_id"], row["status_id"]):
        if t["id"] in seen:
            continue
        seen.add(t["id"])
        entry: dict[str, Any] = {"id": t["id"], "name": t["name"]}
        if with_target:
            entry["to_status"] = t["to_name"]
        result.append(entry)
    return result


def watchers_dict(site: Site, row: sqlite3.Row) -> dict[str, Any]:
    ids = [r[0] for r in site.conn.execute("SELECT account_id FROM watchers WHERE issue_id = ? ORDER BY account_id",
                                           (row["id"],))]
    return {"issue_key": row["key"], "watcher_count": len(ids), "is_watching": site.current_user in ids,
            "watchers": [user_by_id(site, a) for a in ids]}


def custom_field_defs(site: Site) -> list[sqlite3.Row]:
    return site.conn.execute("SELECT * FROM fields WHERE custom = 1 ORDER BY id").fetchall()


def _custom_value(site: Site, row: sqlite3.Row, field: sqlite3.Row, values: dict[str, Any]) -> Any:
    if field["name"].lower() == "sprint":
        sprints = sprints_of(site, row["id"])
        if not sprints:
            return None
        return [{"id": s["id"], "name": s["name"], "state": s["state"], "boardId": s["board_id"], "goal": s["goal"],
                 "startDate": s["start_date"], "endDate": s["end_date"]} for s in sprints]
    if field["name"].lower() == "epic link":
        if row["parent_id"] is None or row["type_subtask"]:
            return values.get(field["id"])
        parent = site.conn.execute("SELECT i.key, t.hierarchy_level FROM issues i JOIN issue_types t "
                                   "ON t.id = i.issue_type_id WHERE i.id = ?", (row["parent_id"],)).fetchone()
        return parent["key"] if parent and parent["hierarchy_level"] == 1 else values.get(field["id"])
    return values.get(field["id"])


def _timetracking(row: sqlite3.Row) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, column in (("original_estimate", "orig_estimate_s"), ("remaining_estimate", "remaining_estimate_s"),
                         ("time_spent", "time_spent_s")):
        seconds = row[column]
        if seconds:
            result[name] = format_duration(seconds)
            result[f"{name}_seconds"] = seconds
    return result


def simplified_issue(site: Site, row: sqlite3.Row, sel: FieldSelection, *, with_target: bool = False) -> dict:
    """mcp-atlassian's `to_simplified_dict`: only the asked-for fields that are not empty."""
    issue_id = row["id"]
    out: dict[str, Any] = {"id": str(issue_id), "key": row["key"]}
    if sel.wants("summary"):
        out["summary"] = row["summary"]
    if sel.with_url:
        out["url"] = site.rest(f"issue/{issue_id}")
    if sel.with_browse_url:
        out["browse_url"] = f"{site.base_url}/browse/{row['key']}"
    if sel.wants("description") and row["description"]:
        out["description"] = row["description"]
    if sel.wants("environment") and row["environment"]:
        out["environment"] = row["environment"]
    if sel.wants("status"):
        out["status"] = status_simple(row)
    if sel.wants("issuetype"):
        out["issue_type"] = {"name": row["type_name"]}
    if sel.wants("priority") and row["priority_name"]:
        out["priority"] = {"name": row["priority_name"]}
    if sel.wants("project"):
        out["project"] = {"key": row["project_key"], "name": row["project_name"],
                          "avatar_url": f"{site.base_url}/secure/projectavatar?pid={row['project_id']}"}
    if sel.wants("resolution") and row["resolution_name"]:
        out["resolution"] = {"name": row["resolution_name"], "id": str(row["resolution_id"])}
    if sel.wants("duedate") and row["due_date"]:
        out["duedate"] = row["due_date"]
    if sel.wants("resolutiondate") and row["resolution_date"]:
        out["resolutiondate"] = raw_time(row["resolution_date"])
    if sel.wants("parent") and row["parent_id"] is not None:
        parent = issue_rows(site, [row["parent_id"]]).get(row["parent_id"])
        if parent is not None:
            out["parent"] = _raw_fragment(site, parent)
    if sel.wants("subtasks"):
        child_ids = [r[0] for r in site.conn.execute(
            "SELECT i.id FROM issues i JOIN issue_types t ON t.id = i.issue_type_id "
            "WHERE i.parent_id = ? AND t.subtask = 1 ORDER BY i.id", (issue_id,))]
        if child_ids:
            children = issue_rows(site, child_ids)
            out["subtasks"] = [_raw_fragment(site, children[c]) for c in child_ids]
    if sel.everything:
        out["worklog"] = _raw_worklogs(site, issue_id)
    if sel.wants("assignee"):
        out["assignee"] = (user_dict(site, row["assignee_id"], row["assignee_name"], row["assignee_email"])
                           if row["assignee_id"] else {"display_name": "Unassigned"})
    if sel.wants("reporter") and row["reporter_id"]:
        out["reporter"] = user_dict(site, row["reporter_id"], row["reporter_name"], row["reporter_email"])
    if sel.wants("labels"):
        labels = labels_of(site, issue_id)
        if labels:
            out["labels"] = labels
    if sel.wants("components"):
        components = components_of(site, issue_id)
        if components:
            out["components"] = components
    if sel.wants("fixversions"):
        fix = versions_of(site, issue_id, "fix")
        if fix:
            out["fix_versions"] = fix
    if sel.wants("versions"):
        affects = versions_of(site, issue_id, "affects")
        if affects:
            out["versions"] = affects
    if sel.wants("created"):
        out["created"] = display_time(row["created"])
    if sel.wants("updated"):
        out["updated"] = display_time(row["updated"])
    if sel.wants("comment") and sel.comment_limit > 0:
        comments = comment_rows(site, issue_id)
        if comments:
            out["comments"] = [comment_dict(site, c) for c in comments[-sel.comment_limit:]]
    if sel.wants("issuelinks"):
        links = link_dicts(site, issue_id)
        if links:
            out["issuelinks"] = links
    if sel.wants("timetracking"):
        tracking = _timetracking(row)
        if tracking:
            out["timetracking"] = tracking
    if "changelog" in sel.includes:
        out["changelogs"] = changelog_dicts(site, issue_id)
    wanted_custom = [f for f in custom_field_defs(site) if sel.everything or f["id"] in sel.names]
    if wanted_custom:
        values = json.loads(row["custom_fields"] or "{}")
        for field in wanted_custom:
            out[field["id"]] = {"value": _custom_value(site, row, field, values), "name": field["name"]}
    if "remote_links" in sel.includes:
        out["remote_links"] = []
    if "transitions" in sel.includes:
        out["transitions"] = transition_dicts(site, row, with_target)
    if "watchers" in sel.includes:
        out["watchers"] = watchers_dict(site, row)
    if "worklogs" in sel.includes:
        out["worklogs"] = [worklog_dict(site, w) for w in worklog_rows(site, issue_id)]
    return out


def to_json(value: Any) -> str:
    """Tool results are JSON text with indent=2, as mcp-atlassian writes them."""
    return json.dumps(value, indent=2, ensure_ascii=False)
