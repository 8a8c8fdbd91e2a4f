"""The database lookups behind JQL values: a project, an issue, a user or a link phrase named in a query, found the
way Jira finds it, with Jira's message when it does not exist.

Shared by the value resolver (`jql_values.py`) and the JQL functions (`jql_functions.py`); only reads."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from jira_bench_tui.jira.jql_parser import JqlError

_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)-(\d+)$")
_USER_QUERIES = (
    "SELECT account_id FROM users WHERE account_id = ?",
    "SELECT account_id FROM users WHERE lower(email) = lower(?)",
    "SELECT account_id FROM users WHERE lower(display_name) = lower(?)",
)


def no_value(text: str, field: str) -> JqlError:
    """Jira's refusal of a value it cannot find: "The value 'XYZ' does not exist for the field 'project'."

    `field` is the field's name as the query wrote it."""
    return JqlError(f"The value '{text}' does not exist for the field '{field}'.")


def project_id(conn: sqlite3.Connection, text: str) -> int | None:
    """The id of the project `text` names by key (any case), name (any case) or numeric id; None when none does."""
    row = conn.execute(
        "SELECT id FROM projects WHERE upper(key) = upper(?) OR lower(name) = lower(?) OR CAST(id AS TEXT) = ?",
        (text, text, text)).fetchone()
    return None if row is None else int(row[0])


def issue_id(conn: sqlite3.Connection, text: str, field: str) -> int:
    """The id of the issue `text` names by key (`WEB-3`, any case) or numeric id.

    Raises JqlError with Jira's message for a malformed key or an issue that does not exist; `field` is the
    field's name as written, for the message."""
    value = text.strip()
    if value.isdigit():
        row = conn.execute("SELECT id FROM issues WHERE id = ?", (int(value),)).fetchone()
        if row is None:
            raise JqlError(f"An issue with id '{value}' does not exist for field '{field}'.")
        return int(row[0])
    if not _KEY.match(value):
        raise JqlError(f"The issue key '{value}' for field '{field}' is invalid.")
    row = conn.execute("SELECT id FROM issues WHERE key = ?", (value.upper(),)).fetchone()
    if row is None:
        raise JqlError(f"An issue with key '{value}' does not exist for field '{field}'.")
    return int(row[0])


def user_ids(conn: sqlite3.Connection, text: str) -> list[Any]:
    """The account ids a user value names: by account id, else email, else display name (case-insensitive), the
    first of these that matches anybody; empty when nobody matches."""
    for sql in _USER_QUERIES:
        rows = conn.execute(sql, (text,)).fetchall()
        if rows:
            return [row[0] for row in rows]
    return []


def link_condition(conn: sqlite3.Connection, text: str, link: str, issue_sql: str) -> tuple[str, list[Any]]:
    """A condition on the link row `link` (joined to its type as `lt`) and its parameters: the issue `issue_sql`
    reads the link as `text` ("blocks", "is blocked by"); a link type's name ("Blocks") matches both directions.

    `text` is lower-case."""
    phrase = conn.execute("SELECT 1 FROM link_types WHERE lower(inward) = ? OR lower(outward) = ?",
                          (text, text)).fetchone()
    if phrase is None:
        return "lower(lt.name) = ?", [text]
    return (f"((lower(lt.outward) = ? AND {link}.inward_issue_id = {issue_sql}) OR "
            f"(lower(lt.inward) = ? AND {link}.outward_issue_id = {issue_sql}))"), [text, text]
