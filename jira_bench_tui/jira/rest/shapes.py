"""Database rows -> Jira Cloud REST JSON (v2 and v3): users, projects, statuses, priorities, issue types,
components, versions, comments, worklogs, transitions, changelog histories, sprints and boards.

Shapes follow Jira Cloud's REST API reference (api/2 and api/3, agile/1.0); rich text is wiki markup on v2 and ADF on
v3 (`text_out`). Issues themselves are in `issue_json.py`."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from jira_bench_tui.jira import cloud_json, versions
from jira_bench_tui.jira.avatars import (  # noqa: F401  (AVATAR_SIZES: public here before)
    AVATAR_SIZES,
    avatars,
    issue_type_avatar_id,
)
from jira_bench_tui.jira.cloud_json import user_rest_json
from jira_bench_tui.jira.durations import format_duration
from jira_bench_tui.jira.render import agile_time, raw_time
from jira_bench_tui.jira.rest.adf import markdown_to_adf
from jira_bench_tui.jira.rest.core import RestCall
from jira_bench_tui.jira.rest.wiki import markdown_to_wiki


def text_out(call: RestCall, markdown: str | None) -> Any:
    """Stored Markdown as the API version shows rich text: ADF on v3, wiki markup on v2 (None stays None)."""
    if markdown is None:
        return None
    return markdown_to_adf(markdown) if call.v3 else markdown_to_wiki(markdown)


def user_json(call: RestCall, row: sqlite3.Row | None) -> dict[str, Any] | None:
    """A user as Jira Cloud shows one (`cloud_json.user_rest_json`: accountId, displayName, emailAddress, active,
    timeZone...)."""
    return user_rest_json(call.base_url, "3" if call.v3 else "2", row)


def user_by_account(call: RestCall, account_id: str | None) -> dict[str, Any] | None:
    """The REST user of an account id; None for None or an unknown id."""
    if not account_id:
        return None
    row = call.conn.execute("SELECT * FROM users WHERE account_id = ?", (account_id,)).fetchone()
    return user_json(call, row)


def project_json(call: RestCall, row: sqlite3.Row, *, full: bool = False) -> dict[str, Any]:
    """A project (the short form nested in issues; `full` adds description, lead, issue types, ...)."""
    out: dict[str, Any] = {
        "self": call.self_url(f"project/{row['id']}"), "id": str(row["id"]), "key": row["key"], "name": row["name"],
        "projectTypeKey": row["project_type"], "simplified": False,
        "avatarUrls": avatars(call.base_url, "project", row["id"]),
    }
    if full:
        out["description"] = row["description"] or ""
        out["lead"] = user_by_account(call, row["lead_account_id"])
        out["isPrivate"] = False
        out["archived"] = bool(row["archived"])
        out["style"] = "classic"
        types = call.conn.execute("SELECT t.* FROM issue_types t JOIN project_issue_types pt ON pt.issue_type_id = "
                                  "t.id WHERE pt.project_id = ? ORDER BY t.id", (row["id"],)).fetchall()
        out["issueTypes"] = [issue_type_json(call, t) for t in types]
        out["components"] = [component_json(call, c, row) for c in cloud_json.project_component_rows(call.conn, row["id"])]
        out["versions"] = [version_json(call, v) for v in call.conn.execute(
            "SELECT * FROM versions WHERE project_id = ? ORDER BY id", (row["id"],))]
    return out


def issue_type_json(call: RestCall, row: sqlite3.Row) -> dict[str, Any]:
    """An issue type `{self, id, name, subtask, hierarchyLevel, iconUrl, avatarId, description}`."""
    name = row["name"]
    return {"self": call.self_url(f"issuetype/{row['id']}"), "id": str(row["id"]),
            "description": row["description"] or "",
            "iconUrl": f"{call.base_url}/images/icons/issuetypes/{name.lower().replace(' ', '')}.svg",
            "name": name, "subtask": bool(row["subtask"]), "avatarId": issue_type_avatar_id(row["id"]),
            "hierarchyLevel": row["hierarchy_level"]}


def status_category_json(call: RestCall, cat_id: int, key: str, name: str, color: str) -> dict[str, Any]:
    """A status category `{self, id, key, colorName, name}` (key: new, indeterminate, done)."""
    return {"self": call.self_url(f"statuscategory/{cat_id}"), "id": cat_id, "key": key, "colorName": color,
            "name": name}


def status_json(call: RestCall, status_id: int) -> dict[str, Any]:
    """A status with its category, as nested in issues and transitions."""
    row = call.conn.execute("SELECT s.*, c.key AS cat_key, c.name AS cat_name, c.color_name FROM statuses s "
                            "JOIN status_categories c ON c.id = s.category_id WHERE s.id = ?", (status_id,)).fetchone()
    return {"self": call.self_url(f"status/{row['id']}"), "description": "",
            "iconUrl": f"{call.base_url}/images/icons/statuses/generic.png", "name": row["name"],
            "id": str(row["id"]),
            "statusCategory": status_category_json(call, row["category_id"], row["cat_key"], row["cat_name"],
                                                   row["color_name"])}


def priority_json(call: RestCall, priority_id: int | None) -> dict[str, Any] | None:
    """A priority `{self, iconUrl, name, id}`; None when unset."""
    if priority_id is None:
        return None
    row = call.conn.execute("SELECT * FROM priorities WHERE id = ?", (priority_id,)).fetchone()
    return {"self": call.self_url(f"priority/{row['id']}"),
            "iconUrl": f"{call.base_url}/images/icons/priorities/{row['name'].lower()}.svg",
            "name": row["name"], "id": str(row["id"])}


def resolution_json(call: RestCall, resolution_id: int | None) -> dict[str, Any] | None:
    """A resolution `{self, id, description, name}`; None when unresolved."""
    if resolution_id is None:
        return None
    row = call.conn.execute("SELECT * FROM resolutions WHERE id = ?", (resolution_id,)).fetchone()
    return {"self": call.self_url(f"resolution/{row['id']}"), "id": str(row["id"]),
            "description": row["description"] or "", "name": row["name"]}


def component_json(call: RestCall, row: sqlite3.Row, project: sqlite3.Row | None = None) -> dict[str, Any]:
    """A component; with `project`, the full form of `GET /project/{key}/components` (lead, project): the shape
    the MCP tools show too (`cloud_json.component_json`)."""
    return cloud_json.component_json(call.conn, call.base_url, call.version, row, project)


def version_json(call: RestCall, row: sqlite3.Row) -> dict[str, Any]:
    """A version (`GET /version/{id}`, `/project/{key}/versions`): the model's shape (`jira/versions.py`), its
    `self` under the API version of the call."""
    return versions.version_json("", row, self_url=call.self_url(f"version/{row['id']}"))


def comment_json(call: RestCall, row: sqlite3.Row, issue_id: int) -> dict[str, Any]:
    """A comment (`GET /issue/{key}/comment`): body as ADF on v3, wiki markup on v2."""
    out: dict[str, Any] = {
        "self": call.self_url(f"issue/{issue_id}/comment/{row['id']}"), "id": str(row["id"]),
        "author": user_by_account(call, row["author_id"]), "body": text_out(call, row["body"]),
        "updateAuthor": user_by_account(call, row["update_author_id"] or row["author_id"]),
        "created": raw_time(row["created"]), "updated": raw_time(row["updated"]), "jsdPublic": True,
    }
    if row["visibility"]:
        visibility = json.loads(row["visibility"])
        out["visibility"] = {**visibility, "identifier": visibility.get("value")}
    return out


def worklog_json(call: RestCall, row: sqlite3.Row) -> dict[str, Any]:
    """A worklog (`GET /issue/{key}/worklog`): comment as ADF on v3, wiki markup on v2."""
    out: dict[str, Any] = {
        "self": call.self_url(f"issue/{row['issue_id']}/worklog/{row['id']}"),
        "author": user_by_account(call, row["author_id"]), "updateAuthor": user_by_account(call, row["author_id"]),
    }
    if row["comment"]:
        out["comment"] = text_out(call, row["comment"])
    out.update({"created": raw_time(row["created"]), "updated": raw_time(row["updated"]),
                "started": raw_time(row["started"]), "timeSpent": format_duration(row["time_spent_s"]),
                "timeSpentSeconds": row["time_spent_s"], "id": str(row["id"]), "issueId": str(row["issue_id"])})
    return out


def history_json(call: RestCall, group: sqlite3.Row) -> dict[str, Any]:
    """One changelog history: `{id, author, created, items: [{field, fieldtype, fieldId, from, fromString, ...}]}`."""
    items = []
    for item in call.conn.execute("SELECT * FROM changelog_items WHERE changelog_id = ? ORDER BY rowid",
                                  (group["id"],)):
        entry: dict[str, Any] = {"field": item["field"], "fieldtype": item["fieldtype"]}
        field_id = _FIELD_IDS.get(item["field"])
        if field_id:
            entry["fieldId"] = field_id
        entry.update({"from": item["from_id"], "fromString": item["from_string"], "to": item["to_id"],
                      "toString": item["to_string"]})
        items.append(entry)
    return {"id": str(group["id"]), "author": user_by_account(call, group["author_id"]),
            "created": raw_time(group["created"]), "items": items}


_FIELD_IDS = {"status": "status", "resolution": "resolution", "assignee": "assignee", "priority": "priority",
              "labels": "labels", "Component": "components", "Fix Version": "fixVersions", "Version": "versions",
              "duedate": "duedate", "summary": "summary", "description": "description", "reporter": "reporter",
              "environment": "environment", "timespent": "timespent", "timeestimate": "timeestimate",
              "timeoriginalestimate": "timeoriginalestimate", "IssueParentAssociation": "parent"}


def sprint_json(call: RestCall, row: sqlite3.Row) -> dict[str, Any]:
    """An agile sprint (`GET /rest/agile/1.0/sprint/{id}`)."""
    out: dict[str, Any] = {"id": row["id"], "self": call.self_url(f"sprint/{row['id']}", "agile"),
                           "state": row["state"], "name": row["name"]}
    for key, column in (("startDate", "start_date"), ("endDate", "end_date"), ("completeDate", "complete_date")):
        if row[column]:
            out[key] = _agile_time(row[column])
    if row["state"] != "future" and row["start_date"]:
        out["activatedDate"] = _agile_time(row["start_date"])
    out["originBoardId"] = row["board_id"]
    out["goal"] = row["goal"] or ""
    return out


def sprint_field_value(row: sqlite3.Row) -> dict[str, Any]:
    """One sprint as the Sprint custom field shows it on an issue in Jira Cloud (`customfield_10020`: `{id, name,
    state, boardId, goal, startDate, endDate, completeDate}`, dates with `Z`): not the agile API's sprint (no
    `self`, `originBoardId` or `activatedDate`)."""
    out: dict[str, Any] = {"id": row["id"], "name": row["name"], "state": row["state"], "boardId": row["board_id"],
                           "goal": row["goal"] or ""}
    for key, column in (("startDate", "start_date"), ("endDate", "end_date"), ("completeDate", "complete_date")):
        if row[column]:
            out[key] = _agile_time(row[column])
    return out


def _agile_time(stored: str) -> str:
    """Agile dates are ISO with a `Z`: 2026-11-20T09:30:00.000Z (`render.agile_time`)."""
    return agile_time(stored) or ""


def board_json(call: RestCall, row: sqlite3.Row) -> dict[str, Any]:
    """An agile board with its location (the project it belongs to)."""
    out: dict[str, Any] = {"id": row["id"], "self": call.self_url(f"board/{row['id']}", "agile"),
                           "name": row["name"], "type": row["type"]}
    if row["project_id"] is not None:
        project = call.conn.execute("SELECT * FROM projects WHERE id = ?", (row["project_id"],)).fetchone()
        out["location"] = {"projectId": project["id"], "displayName": f"{project['name']} ({project['key']})",
                           "projectName": project["name"], "projectKey": project["key"],
                           "projectTypeKey": project["project_type"],
                           "avatarURI": f"{call.base_url}/secure/projectavatar?size=small&pid={project['id']}",
                           "name": f"{project['name']} ({project['key']})"}
    return out


def attachment_json(call: RestCall, row: sqlite3.Row) -> dict[str, Any]:
    """An attachment's metadata (`GET /attachment/{id}`, the `attachment` field)."""
    return {"self": call.self_url(f"attachment/{row['id']}"), "id": str(row["id"]), "filename": row["filename"],
            "author": user_by_account(call, row["author_id"]), "created": row["created"], "size": row["size"],
            "mimeType": row["mime_type"], "content": call.self_url(f"attachment/content/{row['id']}")}
