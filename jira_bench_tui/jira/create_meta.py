"""Create metadata: which fields an issue type's create screen has, and which are required, as Jira Cloud's
`GET /issue/createmeta/{project}/issuetypes/{typeId}` lists them on this site (the system fields below, then every
custom field; an epic's screen has no parent). Shared by the MCP tools; the REST face's createmeta route applies
the same rule."""

from __future__ import annotations

import sqlite3
from typing import Any

CREATE_FIELDS = ("summary", "issuetype", "parent", "description", "project", "reporter", "assignee", "priority",
                 "labels", "components", "fixVersions", "versions", "duedate", "environment", "timetracking")


def create_screen(fields: list[dict[str, Any]], issue_type: sqlite3.Row) -> list[tuple[dict[str, Any], bool]]:
    """(`GET /field` entry, required) for each field on the create screen of `issue_type`, in `/field` order:
    summary, issue type and project are required, and a sub-task's parent."""
    screen = []
    for entry in fields:
        field_id = entry["id"]
        if not (entry.get("custom") or field_id in CREATE_FIELDS):
            continue
        if field_id == "parent" and not issue_type["subtask"] and issue_type["hierarchy_level"] > 0:
            continue
        required = field_id in ("summary", "issuetype", "project") or (field_id == "parent"
                                                                       and bool(issue_type["subtask"]))
        screen.append((entry, required))
    return screen
