"""What every tool shares: the call context (connection, clock, quirks), the failure type, schema and argument
helpers, and the lookups that turn an agent's references (keys, names, emails) into rows or clear errors."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jira_bench_tui.jira.issue_load import issue_row_by_key, issue_rows
from jira_bench_tui.jira.issue_shape import simplified_issue
from jira_bench_tui.jira.quirks import Quirks
from jira_bench_tui.jira.render import FieldSelection, Site, stored_time

ISSUE_KEY_PATTERN = r"^[A-Z][A-Z0-9_]+-\d+(?:-\d+)*$"
PROJECT_KEY_PATTERN = r"^[A-Z][A-Z0-9_]+$"
REQUIRED = object()


class ToolFailure(Exception):
    """A call the agent got wrong (or Jira refused): the message is shown to it after "Error calling tool ..."."""


@dataclass
class JiraContext:
    """One database, its frozen clock and current user, and the quirks in force."""

    conn: sqlite3.Connection
    now: datetime
    current_user: str
    base_url: str
    quirks: Quirks = field(default_factory=Quirks)

    def __post_init__(self) -> None:
        self.site = Site(self.conn, self.base_url, self.current_user)
        self.now_stored = stored_time(self.now)

    # ---- lookups ----

    def issue(self, key: str) -> sqlite3.Row:
        """The ISSUE_SELECT row of the issue with this key (exact, as the key patterns require upper case);
        ToolFailure with mcp-atlassian's "Issue KEY not found" otherwise."""
        row = issue_row_by_key(self.site, key)
        if row is None:
            raise ToolFailure(f"Issue {key} not found. Verify the issue key and project access.")
        return row

    def issue_ref(self, ref: Any, what: str = "issue") -> sqlite3.Row:
        """An issue given as a key, {"key": ...} or {"id": ...}."""
        if isinstance(ref, dict):
            ref = ref.get("key") or ref.get("id")
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            row = self.conn.execute("SELECT key FROM issues WHERE id = ?", (int(ref),)).fetchone()
            if row is None:
                raise ToolFailure(f"The {what} with id {ref} does not exist.")
            ref = row["key"]
        if not isinstance(ref, str) or not ref.strip():
            raise ToolFailure(f"The {what} must be an issue key such as PROJ-123.")
        return self.issue(ref.strip().upper())

    def issue_view(self, issue_id: int, sel: FieldSelection) -> dict[str, Any]:
        """The issue as it stands now (after this call's writes), as mcp-atlassian's simplified issue."""
        return simplified_issue(self.site, issue_rows(self.site, [issue_id])[issue_id], sel)

    def project(self, key: str) -> sqlite3.Row:
        """The project row with this key (any case); ToolFailure listing the known keys otherwise."""
        row: sqlite3.Row | None = self.conn.execute("SELECT * FROM projects WHERE key = ? COLLATE NOCASE",
                                                    (key,)).fetchone()
        if row is None:
            known = ", ".join(r[0] for r in self.conn.execute("SELECT key FROM projects ORDER BY key"))
            raise ToolFailure(f"Project '{key}' not found (known projects: {known}).")
        return row

    def find_user(self, ref: str) -> sqlite3.Row | None:
        """A user by account id, then email, then display name (case-insensitive), as mcp-atlassian resolves."""
        ref = ref.strip()
        for column in ("account_id", "email", "display_name"):
            row: sqlite3.Row | None = self.conn.execute(f"SELECT * FROM users WHERE {column} = ? COLLATE NOCASE",
                                                        (ref,)).fetchone()
            if row is not None:
                return row
        return None

    def user(self, ref: Any) -> sqlite3.Row:
        """A user from an identifier or a user object ({"accountId"}, {"account_id"}, {"emailAddress"}...)."""
        if isinstance(ref, dict):
            ref = (ref.get("accountId") or ref.get("account_id") or ref.get("id") or ref.get("emailAddress")
                   or ref.get("email") or ref.get("name") or ref.get("displayName") or ref.get("display_name"))
        if not isinstance(ref, str) or not ref.strip():
            raise ToolFailure("A user must be given as an account id, an email address or a display name.")
        row = self.find_user(ref)
        if row is None:
            raise ToolFailure(f"User '{ref}' not found. Use an account id, an email address or a display name "
                              "(jira_search_assignable_users lists the users).")
        if not row["active"]:
            raise ToolFailure(f"User '{row['display_name']}' is inactive and cannot be assigned.")
        return row

    # ---- writes ----

    def record_change(self, issue_id: int, items: list[ChangeItem]) -> None:
        """One changelog group by the current user, now, and `updated` bumped."""
        if not items:
            return
        cur = self.conn.execute("INSERT INTO changelog(issue_id, author_id, created) VALUES (?, ?, ?)",
                                (issue_id, self.current_user, self.now_stored))
        self.conn.executemany(
            "INSERT INTO changelog_items(changelog_id, field, fieldtype, from_id, from_string, to_id, to_string) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(cur.lastrowid, i.field, i.fieldtype, i.from_id, i.from_string, i.to_id, i.to_string) for i in items])
        self.touch(issue_id)

    def touch(self, issue_id: int) -> None:
        """Set the issue's `updated` to now (every write does, as in Jira)."""
        self.conn.execute("UPDATE issues SET updated = ? WHERE id = ?", (self.now_stored, issue_id))


@dataclass(frozen=True)
class ChangeItem:
    """One item of a changelog entry, as Jira's changelog API names it: the field, its old and new id and text."""

    field: str
    from_id: str | None
    from_string: str | None
    to_id: str | None
    to_string: str | None
    fieldtype: str = "jira"


@dataclass(frozen=True)
class ToolDef:
    """One MCP tool: its mcp-atlassian name and input schema, our description, and the function doing the work."""

    name: str
    description: str
    properties: dict[str, dict[str, Any]]
    handler: Callable[[JiraContext, dict[str, Any]], Any]
    read_only: bool
    destructive: bool = False
    # accepted but not listed: mcp-atlassian 0.23.1 takes them although its schema does not show them
    hidden_properties: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def short_name(self) -> str:
        """The name without its `jira_` prefix, as mcp-atlassian's error texts name a tool ("Error calling tool
        'get_issue'")."""
        return self.name.removeprefix("jira_")

    @property
    def input_schema(self) -> dict[str, Any]:
        """The JSON schema the MCP client sees: the listed properties, those without a default required, no others
        allowed (mcp-atlassian 0.23.1's `additionalProperties: false`)."""
        required = [name for name, spec in self.properties.items() if "default" not in spec]
        schema: dict[str, Any] = {"additionalProperties": False, "properties": self.properties, "type": "object"}
        if required:
            schema["required"] = required
        return schema


def param(kind: str, description: str, default: Any = REQUIRED, *, pattern: str | None = None,
          minimum: int | None = None, maximum: int | None = None) -> dict[str, Any]:
    """One property of an input schema, in mcp-atlassian's flattened style (optional = a null default)."""
    spec: dict[str, Any] = {"description": description, "type": kind}
    if default is not REQUIRED:
        spec["default"] = default
    if pattern is not None:
        spec["pattern"] = pattern
    if minimum is not None:
        spec["minimum"] = minimum
    if maximum is not None:
        spec["maximum"] = maximum
    return spec


ISSUE_KEY = param("string", "Issue key, e.g. 'PROJ-123' (upper case).", pattern=ISSUE_KEY_PATTERN)


def json_arg(name: str, text: Any, *, expect: type = dict, example: str = '{"summary": "New title"}') -> Any:
    """A parameter that carries JSON in a string (mcp-atlassian's convention); objects are accepted as they are."""
    if text is None or text == "":
        return expect()
    value = text
    if isinstance(text, str):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ToolFailure(f"Invalid JSON in {name}: {exc.msg} at character {exc.pos}. "
                              f"Pass a JSON {'object' if expect is dict else 'array'} as a string, e.g. {example}"
                              ) from exc
    if not isinstance(value, expect):
        kind = "object" if expect is dict else "array"
        raise ToolFailure(f"{name} must be a JSON {kind}, e.g. {example}")
    return value


def csv_arg(text: Any) -> list[str]:
    """A comma-separated parameter ("API,Frontend") as a list; a JSON list is accepted too."""
    if text is None:
        return []
    if isinstance(text, list):
        return [str(t).strip() for t in text if str(t).strip()]
    return [part.strip() for part in str(text).split(",") if part.strip()]


def ids_arg(name: str, value: Any) -> int:
    """A numeric id given as a string ("12") or a number."""
    text = str(value).strip()
    if not text.isdigit():
        raise ToolFailure(f"{name} must be a numeric id such as '1', got '{value}'.")
    return int(text)


class RollbackWithResult(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Undo the call's writes but answer with `result` (a dry run such as validate_only)."""

    def __init__(self, result: Any) -> None:
        super().__init__("rollback")
        self.result = result
