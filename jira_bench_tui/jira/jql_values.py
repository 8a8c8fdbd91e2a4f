"""The values of a JQL clause to the stored values they stand for, checked against the database the way Jira checks
them: `status = "In Progress"` becomes the status's id, `assignee = bob@x` an account id, `created > -7d` a UTC
moment, `sprint in openSprints()` the open sprints' ids. Unknown values raise JqlError with Jira's message."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jira_bench_tui.jira.durations import parse_duration
from jira_bench_tui.jira.jql_dates import INVALID_DATE, DateValueError, parse_date_value
from jira_bench_tui.jira.jql_fields import DATE_KINDS, DURATION_KINDS, USER_KINDS, Field
from jira_bench_tui.jira.jql_functions import FUNCTIONS, FunctionCall, FunctionRegistry, JqlFunction
from jira_bench_tui.jira.jql_lookups import issue_id, no_value, project_id, user_ids
from jira_bench_tui.jira.jql_parser import Empty, Function, JqlError, Literal_, Value

# Kinds whose values are looked up by name (any case) or id in one table
_NAMED_TABLES = {"status": "statuses", "issuetype": "issue_types", "priority": "priorities",
                 "component": "components", "fixversion": "versions", "affectedversion": "versions"}
# A literal's stored values; None: the literal means EMPTY (`resolution = Unresolved`)
_Literal = Callable[["ValueResolver", Field, Literal_], "list[Any] | None"]


@dataclass(frozen=True)
class Resolved:
    """A clause's values resolved against the database: the stored values to match, and whether EMPTY is among them."""

    values: tuple[Any, ...]
    empty: bool = False


class ValueResolver:
    """Resolves the literals and function calls of one query's clauses against one database, at `now` (UTC) for
    `current_user` (an account id)."""

    def __init__(self, conn: sqlite3.Connection, now: datetime, current_user: str,
                 functions: FunctionRegistry = FUNCTIONS) -> None:
        self.conn = conn
        self.now = now
        self.current_user = current_user
        self.functions = functions

    def resolve(self, field: Field, values: tuple[Value, ...]) -> Resolved:
        """The stored values of a clause's values (duplicates dropped, order kept). Raises JqlError."""
        out: list[Any] = []
        empty = False
        for value in values:
            if isinstance(value, Empty):
                empty = True
            elif isinstance(value, Function):
                out.extend(self.function_values(field, value))
            else:
                resolved = self.literal(field, value)
                if resolved is None:
                    empty = True
                else:
                    out.extend(resolved)
        return Resolved(tuple(dict.fromkeys(out)), empty)

    # ---- functions ------------------------------------------------------------------------------------------------

    def check_function(self, field: Field, function: Function) -> JqlFunction:
        """The registered function a call names, once Jira's checks pass for `field`; raises JqlError."""
        return self.functions.check(function.name, len(function.args), field.kind, field.shown)

    def function_values(self, field: Field, function: Function) -> list[Any]:
        """The stored values a function call stands for (see jql_functions.py); raises JqlError."""
        declared = self.check_function(field, function)
        call = FunctionCall(self.conn, self.now, self.current_user, function.name, function.args, field.shown)
        return declared.evaluate(call)

    # ---- literals -------------------------------------------------------------------------------------------------

    def literal(self, field: Field, value: Literal_) -> list[Any] | None:
        """The stored values a literal stands for (None: it means EMPTY); raises Jira's message when unknown."""
        resolver = _LITERALS.get(field.kind)
        if resolver is None:  # pragma: no cover - every kind that takes = is in _LITERALS
            raise JqlError(f"The operator is not supported by the '{field.shown}' field.")
        return resolver(self, field, value)

    def number(self, field: Field, value: Value) -> float:
        """A number field's value; raises JqlError for a function (number fields take none) or a non-number."""
        if isinstance(value, Function):
            self.check_function(field, value)  # raises: number fields take no functions
        assert isinstance(value, Literal_)
        try:
            return float(value.text)
        except ValueError:
            raise JqlError(f"The value '{value.text}' is not a valid number for the field '{field.shown}'.") from None

    def _found(self, rows: list[Any], field: Field, value: Literal_) -> list[Any]:
        if not rows:
            raise no_value(value.text, field.shown)
        return [r[0] for r in rows]

    def _named(self, field: Field, value: Literal_) -> list[Any]:
        text = value.text.strip()
        rows = self.conn.execute(f"SELECT id FROM {_NAMED_TABLES[field.kind]} "
                                 "WHERE lower(name) = ? OR CAST(id AS TEXT) = ?", (text.lower(), text)).fetchall()
        return self._found(rows, field, value)

    def _project(self, field: Field, value: Literal_) -> list[Any]:
        project = project_id(self.conn, value.text.strip())
        if project is None:
            raise no_value(value.text, field.shown)
        return [project]

    def _issue(self, field: Field, value: Literal_) -> list[Any]:
        return [issue_id(self.conn, value.text.strip(), field.shown)]

    def _status_category(self, field: Field, value: Literal_) -> list[Any]:
        """The statuses of a category named by name, key or id (none is fine: a category may have no status)."""
        text = value.text.strip()
        lowered = text.lower()
        rows = self.conn.execute(
            "SELECT s.id FROM statuses s JOIN status_categories c ON c.id = s.category_id "
            "WHERE lower(c.name) = ? OR c.key = ? OR CAST(c.id AS TEXT) = ?", (lowered, lowered, text)).fetchall()
        if not rows and self.conn.execute("SELECT 1 FROM status_categories WHERE lower(name) = ? OR key = ? OR "
                                          "CAST(id AS TEXT) = ?", (lowered, lowered, text)).fetchone():
            return []
        return self._found(rows, field, value)

    def _resolution(self, field: Field, value: Literal_) -> list[Any] | None:
        if value.text.strip().lower() == "unresolved":
            return None
        rows = self.conn.execute("SELECT id FROM resolutions WHERE lower(name) = ? OR CAST(id AS TEXT) = ?",
                                 (value.text.strip().lower(), value.text.strip())).fetchall()
        return self._found(rows, field, value)

    def _user(self, field: Field, value: Literal_) -> list[Any]:
        found = user_ids(self.conn, value.text.strip())
        if not found:
            raise no_value(value.text, field.shown)
        return found

    def _sprint(self, field: Field, value: Literal_) -> list[Any]:
        """Sprints by name (any case), else by id."""
        text = value.text.strip()
        rows = self.conn.execute("SELECT id FROM sprints WHERE lower(name) = ?", (text.lower(),)).fetchall()
        if not rows and text.isdigit():
            rows = self.conn.execute("SELECT id FROM sprints WHERE id = ?", (int(text),)).fetchall()
        return self._found(rows, field, value)

    def _date(self, field: Field, value: Literal_) -> list[Any]:
        try:
            return [parse_date_value(value.text.strip(), self.now)]
        except DateValueError:
            raise JqlError(INVALID_DATE.format(value=value.text, field=field.shown)) from None

    def _number(self, field: Field, value: Literal_) -> list[Any]:
        return [self.number(field, value)]

    def _duration(self, field: Field, value: Literal_) -> list[Any]:
        """Seconds, from a Jira duration (2h, 1d 4h: 1d = 8h)."""
        try:
            return [parse_duration(value.text.strip())]
        except ValueError:
            raise JqlError(f"The value '{value.text}' is not a valid duration for the field '{field.shown}' "
                           "(use a duration such as 2h, 1d 4h or 30m).") from None

    def _option(self, field: Field, value: Literal_) -> list[Any]:
        """A select field's option (any case), checked against the field's options when it lists any."""
        lowered = value.text.strip().lower()
        options = [r[0] for r in self.conn.execute("SELECT value FROM field_options WHERE field_id = ?",
                                                   (field.custom_id,))]
        if options and lowered not in {o.lower() for o in options}:
            raise no_value(value.text, field.shown)
        return [lowered]

    def _as_written(self, field: Field, value: Literal_) -> list[Any]:
        """Labels are any text, as written."""
        return [value.text.strip()]

    def _lowered(self, field: Field, value: Literal_) -> list[Any]:
        """Multi-value custom fields compare in lower case."""
        return [value.text.strip().lower()]


_LITERALS: dict[str, _Literal] = {
    "project": ValueResolver._project, "key": ValueResolver._issue, "parent": ValueResolver._issue,
    "epiclink": ValueResolver._issue, "statuscategory": ValueResolver._status_category,
    "resolution": ValueResolver._resolution, "labels": ValueResolver._as_written, "sprint": ValueResolver._sprint,
    "cf_number": ValueResolver._number, "cf_option": ValueResolver._option, "cf_array": ValueResolver._lowered,
    **dict.fromkeys(_NAMED_TABLES, ValueResolver._named),
    **dict.fromkeys(USER_KINDS, ValueResolver._user),
    **dict.fromkeys(DATE_KINDS, ValueResolver._date),
    **dict.fromkeys(DURATION_KINDS, ValueResolver._duration),
}
