"""What every tool shares: the call context (connection, clock, quirks), the failure type, schema and argument
helpers, and the lookups that turn an agent's references (keys, names, emails) into rows or clear errors."""

from __future__ import annotations

import inspect
import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, TypeAdapter, ValidationError

from jira_bench_tui.jira.issue_load import issue_row_by_key, issue_rows
from jira_bench_tui.jira.issue_shape import simplified_issue
from jira_bench_tui.jira.mcpa_text import TextPath
from jira_bench_tui.jira.quirks import Quirks
from jira_bench_tui.jira.render import FieldSelection, Site, stored_time

ISSUE_KEY_PATTERN = r"^[A-Z][A-Z0-9_]+-\d+(?:-\d+)*$"
PROJECT_KEY_PATTERN = r"^[A-Z][A-Z0-9_]+$"
REQUIRED = object()


class ToolFailure(Exception):
    """A call the agent got wrong (or Jira refused): the message (mcp-atlassian 0.23.1's words) is shown to it after
    "Error calling tool ...". `hint`, our extra help (known values, the tool that lists them), is appended only
    when the `error_hints` quirk is on (`Quirks.hinted`)."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass
class JiraContext:
    """One database, its frozen clock and current user, and the quirks in force. `workdir` is the folder the
    server works in, where file paths given to it (jira_update_issue's attachments) are read from; None: the
    process's current folder, as mcp-atlassian's."""

    conn: sqlite3.Connection
    now: datetime
    current_user: str
    base_url: str
    quirks: Quirks = field(default_factory=Quirks)
    workdir: Path | None = None

    def __post_init__(self) -> None:
        self.site = Site(self.conn, self.base_url, self.current_user)
        self.now_stored = stored_time(self.now)

    # ---- lookups ----

    def issue(self, key: str) -> sqlite3.Row:
        """The ISSUE_SELECT row of the issue with this key (exact, as the key patterns require upper case);
        JiraError with Jira Cloud's 404 message otherwise (`Issue does not exist or you do not have permission to
        see it.`), which each tool words its own way."""
        row = issue_row_by_key(self.site, key)
        if row is None:
            raise JiraError(ISSUE_NOT_VISIBLE)
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

    def issue_view(self, issue_id: int, sel: FieldSelection, text: TextPath = "v2") -> dict[str, Any]:
        """The issue as it stands now (after this call's writes), as mcp-atlassian's simplified issue, its rich text
        read along `text` ("v2": as 0.23.1's `get_issue` cleans it; "v2_raw": the wiki markup of the issue a write
        answers with)."""
        return self.shape(issue_rows(self.site, [issue_id])[issue_id], sel, text)

    def shape(self, row: sqlite3.Row, sel: FieldSelection, text: TextPath = "v2") -> dict[str, Any]:
        """mcp-atlassian's simplified issue of an ISSUE_SELECT row (`issue_shape.simplified_issue`), with the quirks
        in force that change it (transitions_to_status, custom_field_names, rich_text); rich text read along `text`."""
        return simplified_issue(self.site, row, sel, with_target=self.quirks.transitions_show_target,
                                field_names=self.quirks.custom_fields_named, text=self.text_path(text))

    def text_path(self, path: TextPath) -> TextPath:
        """The read path of a tool's rich text: `path`, or "markdown" under the `rich_text=markdown` quirk."""
        return "markdown" if self.quirks.rich_text_as_written else path

    def project(self, key: str) -> sqlite3.Row:
        """The project row with this key (any case); otherwise ToolFailure with Jira Cloud's create refusal
        ("Specify a valid project ID or key", errors.project of POST /issue), hinting the known keys."""
        row: sqlite3.Row | None = self.conn.execute("SELECT * FROM projects WHERE key = ? COLLATE NOCASE",
                                                    (key,)).fetchone()
        if row is None:
            raise ToolFailure("Specify a valid project ID or key", hint=f"(known projects: {self.project_keys()}).")
        return row

    def project_keys(self) -> str:
        """The keys of every project, comma-separated, for hints."""
        return ", ".join(r[0] for r in self.conn.execute("SELECT key FROM projects ORDER BY key"))

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


def mcpa_object(text: str | None) -> dict[str, Any]:
    """A JSON-object parameter as servers/jira.py's `_parse_additional_fields` reads it (for `fields` too): null is
    {}; ToolFailure "additional_fields is not valid JSON: ..." or "Parsed additional_fields is not a JSON object
    (dict)." otherwise."""
    if text is None:
        return {}
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ToolFailure(f"additional_fields is not valid JSON: {exc}") from exc
    if not isinstance(parsed, dict):
        raise ToolFailure("Parsed additional_fields is not a JSON object (dict).")
    return parsed


def csv_arg(text: Any) -> list[str]:
    """A comma-separated parameter ("API,Frontend") as a list; a JSON list is accepted too."""
    if text is None:
        return []
    if isinstance(text, list):
        return [str(t).strip() for t in text if str(t).strip()]
    return [part.strip() for part in str(text).split(",") if part.strip()]



class RollbackWithResult(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Undo the call's writes but answer with `result` (a dry run such as validate_only)."""

    def __init__(self, result: Any) -> None:
        super().__init__("rollback")
        self.result = result


# ---- argument validation, as the real server's FastMCP/pydantic layer does it ----

_PYDANTIC_DOCS = re.compile(r"https://errors\.pydantic\.dev/[0-9.]+/v/")
_ANNOTATIONS: dict[str, Any] = {"string": str, "integer": int, "boolean": bool, "number": float, "array": list[dict],
                                "object": dict}
_VALIDATORS: dict[str, TypeAdapter[Any]] = {}  # by tool name, built once per process


class ArgumentError(Exception):
    """Arguments refused before the tool runs: the text is pydantic's, whole ("1 validation error for
    call[get_issue]\\n..."), and the tool answers it as is, with no "Error calling tool" prefix (FastMCP 3.4)."""


def _annotation(spec: dict[str, Any]) -> Any:
    """A schema property as the real tool function annotates it: `X | None` when its default is None, plain `X`
    otherwise (a null for it is refused), with the key pattern and bounds as pydantic Field constraints."""
    base: Any = _ANNOTATIONS.get(spec.get("type", ""), Any)
    if "default" in spec and spec["default"] is None:
        base = base | None
    constraints = {key: spec[name] for name, key in (("pattern", "pattern"), ("minimum", "ge"), ("maximum", "le"))
                   if name in spec}
    return Annotated[base, Field(**constraints)] if constraints else base


def _arguments_validator(tool: ToolDef) -> TypeAdapter[Any]:
    """pydantic's call validator for a function shaped like the real tool: its name without `jira_` (errors say
    `call[get_issue]`), one positional-or-keyword parameter per property in schema order, defaults as listed."""
    parameters = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=_annotation(spec),
                                    default=spec.get("default", inspect.Parameter.empty))
                  for name, spec in {**tool.properties, **tool.hidden_properties}.items()]

    def call(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return kwargs

    call.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    call.__name__ = tool.short_name
    call.__annotations__ = {p.name: p.annotation for p in parameters}
    return TypeAdapter(call)  # type: ignore[arg-type]  # pydantic validates calls to a function too


def validate_arguments(tool: ToolDef, arguments: dict[str, Any]) -> dict[str, Any]:
    """Every argument of the tool, coerced and with defaults filled in, as FastMCP 3.4 validates a call with
    `TypeAdapter(fn).validate_python(arguments)` (pydantic 2.14, lax mode): "2" for an integer and "true"/"yes"/1
    for a boolean are accepted, an integral float is an integer, a number for a string is refused, null only where
    the default is null. ArgumentError with pydantic's text otherwise (the documentation link pinned to 2.14, the
    version mcp-atlassian 0.23.1 ships with)."""
    validator = _VALIDATORS.get(tool.name)
    if validator is None:
        validator = _VALIDATORS[tool.name] = _arguments_validator(tool)
    try:
        values: dict[str, Any] = validator.validate_python(arguments)
    except ValidationError as exc:
        raise ArgumentError(_PYDANTIC_DOCS.sub("https://errors.pydantic.dev/2.14/v/", str(exc))) from None
    return values


# ---- Jira's own refusals, as mcp-atlassian passes them on ----

ISSUE_NOT_VISIBLE = "Issue does not exist or you do not have permission to see it."


class JiraError(ToolFailure):
    """A refusal by Jira itself (the REST API's error body), which mcp-atlassian 0.23.1 passes on as
    atlassian-python-api's `raise_for_status` words it: `errorMessages`, then the `errors` values, joined by
    newlines. Each tool wraps it in its own words ("Error adding comment: ..."; server.JIRA_ERROR_FORMATS)."""

    @classmethod
    def body(cls, messages: list[str], errors: dict[str, str] | None = None) -> JiraError:
        """The error for a REST body {"errorMessages": messages, "errors": errors}."""
        return cls("\n".join([*messages, *(errors or {}).values()]))
