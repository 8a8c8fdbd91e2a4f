"""Project components and users as Jira Cloud's REST API shows them, shared by both faces: the REST face
(`rest/shapes.py`) and the MCP tools that pass Jira's JSON on unchanged (`jira_get_project_components`)."""

from __future__ import annotations

import sqlite3
from typing import Any

from jira_bench_tui.jira.avatars import avatars
from jira_bench_tui.jira.render import rest_url


def user_rest_json(base_url: str, api: str, row: sqlite3.Row | None) -> dict[str, Any] | None:
    """A user as Jira Cloud's REST API `api` ("2" or "3") shows one: {self, accountId, emailAddress, avatarUrls,
    displayName, active, timeZone, accountType}; None for no row."""
    if row is None:
        return None
    account = row["account_id"]
    return {
        "self": f"{base_url}/rest/api/{api}/user?accountId={account}",
        "accountId": account, "emailAddress": row["email"], "avatarUrls": avatars(base_url, "user", account),
        "displayName": row["display_name"], "active": bool(row["active"]), "timeZone": row["time_zone"],
        "accountType": "atlassian",
    }


def _fold(name: str) -> str:
    """Java's `String.compareToIgnoreCase` key: each character upper-cased then lower-cased."""
    return "".join(upper.lower() if len(upper := char.upper()) == 1 else char for char in name)


def project_component_rows(conn: sqlite3.Connection, project_id: int) -> list[sqlite3.Row]:
    """A project's components in Jira's order for GET /project/{key}/components: by name, ignoring case
    (`ProjectComponentComparator`), then by id."""
    rows = conn.execute("SELECT * FROM components WHERE project_id = ? ORDER BY id", (project_id,)).fetchall()
    return sorted(rows, key=lambda row: _fold(row["name"]))


def component_json(conn: sqlite3.Connection, base_url: str, api: str, row: sqlite3.Row,
                   project: sqlite3.Row | None = None) -> dict[str, Any]:
    """A component through REST API `api`: {self, id, name, description?}; with `project`, the full form of
    GET /project/{key}/components: lead (a full user, left out when there is none), assigneeType,
    isAssigneeTypeValid, project (key), projectId (a number)."""
    out: dict[str, Any] = {"self": rest_url(base_url, f"component/{row['id']}", api), "id": str(row["id"]),
                           "name": row["name"]}
    if row["description"]:
        out["description"] = row["description"]
    if project is None:
        return out
    lead = None
    if row["lead_account_id"]:
        lead_row = conn.execute("SELECT * FROM users WHERE account_id = ?", (row["lead_account_id"],)).fetchone()
        lead = user_rest_json(base_url, api, lead_row)
    if lead is not None:
        out["lead"] = lead
    out.update({"assigneeType": "PROJECT_DEFAULT", "isAssigneeTypeValid": False, "project": project["key"],
                "projectId": project["id"]})
    return out
