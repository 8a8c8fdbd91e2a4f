"""Project versions (fix versions): create and update them with Jira Cloud's checks (`POST /rest/api/2/version`,
`PUT /rest/api/2/version/{id}`) and show one as Jira's REST v2 JSON. Shared by the MCP tools (`tools/versions.py`);
the checks are the REST face's (`rest/routes/catalog.py`), in the same order with the same texts."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_ERROR = "Please enter the date in the following format: yyyy-MM-dd"
NAME_ERROR = "You must specify a valid version name"
DUPLICATE_ERROR = "A version with this name already exists in this project."
_COLUMNS = (("name", "name"), ("description", "description"), ("startDate", "start_date"),
            ("releaseDate", "release_date"), ("released", "released"), ("archived", "archived"))


class VersionRefused(Exception):
    """Jira refused the version: its per-field errors (`{"name": "..."}`), or a message (unknown version)."""

    def __init__(self, errors: dict[str, str] | None = None, message: str | None = None) -> None:
        self.errors = dict(errors or {})
        self.messages = [message] if message else []
        super().__init__("\n".join([*self.messages, *self.errors.values()]))


def version_values(body: dict[str, Any]) -> dict[str, Any]:
    """The columns a REST version body sets (`name`, `description`, `startDate`, `releaseDate`, `released`,
    `archived`); VersionRefused with every field's error (dates must be yyyy-MM-dd, a name must not be blank)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, column in _COLUMNS:
        if key not in body:
            continue
        value = body[key]
        if key in ("startDate", "releaseDate") and value is not None and not DATE.match(str(value)):
            errors[key] = DATE_ERROR
        elif key in ("released", "archived"):
            value = 1 if value else 0
        elif key == "name" and (not isinstance(value, str) or not value.strip()):
            errors["name"] = NAME_ERROR
        values[column] = value
    if errors:
        raise VersionRefused(errors)
    return values


def _check_unique(conn: sqlite3.Connection, project_id: int, name: str, version_id: int | None = None) -> None:
    if conn.execute("SELECT 1 FROM versions WHERE project_id = ? AND name = ? COLLATE NOCASE AND id != ?",
                    (project_id, name, version_id or -1)).fetchone():
        raise VersionRefused({"name": DUPLICATE_ERROR})


def create_version(conn: sqlite3.Connection, project_id: int, body: dict[str, Any]) -> sqlite3.Row:
    """Create a version in a project from a REST body; the new row (ids go on from 10000). VersionRefused for bad
    values, a missing name or a name the project already has (any case)."""
    values = version_values(body)
    if "name" not in values:
        raise VersionRefused({"name": NAME_ERROR})
    _check_unique(conn, project_id, values["name"])
    new_id = conn.execute("SELECT MAX(COALESCE(MAX(id) + 1, 10000), 10000) FROM versions").fetchone()[0]
    columns = ["id", "project_id", *values]
    conn.execute(f"INSERT INTO versions({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                 (new_id, project_id, *values.values()))
    row: sqlite3.Row = conn.execute("SELECT * FROM versions WHERE id = ?", (new_id,)).fetchone()
    return row


def update_version(conn: sqlite3.Connection, version_ref: str, body: dict[str, Any]) -> sqlite3.Row:
    """Change the given fields of a version; the updated row. VersionRefused for an unknown id (Jira's "Could not
    find version for id '...'"), bad values or a duplicate name."""
    row = conn.execute("SELECT * FROM versions WHERE CAST(id AS TEXT) = ?", (str(version_ref),)).fetchone()
    if row is None:
        raise VersionRefused(message=f"Could not find version for id '{version_ref}'")
    values = version_values(body)
    if values.get("name"):
        _check_unique(conn, row["project_id"], values["name"], row["id"])
    if values:
        sets = ", ".join(f"{column} = ?" for column in values)
        conn.execute(f"UPDATE versions SET {sets} WHERE id = ?", (*values.values(), row["id"]))
    fresh: sqlite3.Row = conn.execute("SELECT * FROM versions WHERE id = ?", (row["id"],)).fetchone()
    return fresh


def version_json(base_url: str, row: sqlite3.Row, self_url: str | None = None) -> dict[str, Any]:
    """A version as Jira Cloud's REST v2 shows it: `self` (`self_url`, else the v2 URL under `base_url`), `id`,
    `name`, `description`?, `archived`, `released`, `startDate`?, `releaseDate`?, `projectId`."""
    out: dict[str, Any] = {"self": self_url or f"{base_url}/rest/api/2/version/{row['id']}", "id": str(row["id"]),
                           "name": row["name"]}
    if row["description"]:
        out["description"] = row["description"]
    out["archived"] = bool(row["archived"])
    out["released"] = bool(row["released"])
    if row["start_date"]:
        out["startDate"] = row["start_date"]
    if row["release_date"]:
        out["releaseDate"] = row["release_date"]
    out["projectId"] = row["project_id"]
    return out
