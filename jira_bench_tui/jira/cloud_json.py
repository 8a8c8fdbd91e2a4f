"""Jira Cloud REST behaviour both faces share: users and project components as its REST API shows them, and
which users its user searches find. Used by the REST face (`rest/shapes.py`, `rest/routes/catalog.py`) and by the
MCP tools that pass Jira's answer on (`jira_get_project_components`, `jira_search_assignable_users`)."""

from __future__ import annotations

import re
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


def user_matches(row: sqlite3.Row, query: str) -> bool:
    """Whether Jira Cloud's user searches (`/user/search`, `/user/assignable/search`, ... `query=`) find this user:
    the lower-cased, stripped query is a prefix of the display name, of one of its words, or of the email address
    ("john" finds John Smith and johnson@example.com, as Jira's REST reference says; a domain such as
    "example.com" finds nobody), or is the account id. An empty query finds everyone."""
    query = query.strip().lower()
    if not query:
        return True
    name = (row["display_name"] or "").lower()
    return (name.startswith(query) or any(word.startswith(query) for word in re.split(r"\s+", name))
            or (row["email"] or "").lower().startswith(query) or row["account_id"] == query)


def found_users(conn: sqlite3.Connection, query: str, *, active_only: bool = True) -> list[sqlite3.Row]:
    """The users a Jira Cloud user search with `query` answers (`user_matches`), by display name then account id;
    inactive users only when `active_only` is False."""
    rows = conn.execute("SELECT * FROM users ORDER BY display_name, account_id").fetchall()
    return [row for row in rows if (row["active"] or not active_only) and user_matches(row, query)]
