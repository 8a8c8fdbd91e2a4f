"""JQL field names to the kind of field they search, and which operators each kind takes.

A *kind* is our name for how a field is searched ("assignee", "created", "cf_number"...): system clause names and
their aliases map to one kind each, as Jira Cloud's clause names do (GET /rest/api/3/field, `clauseNames`); custom
fields get a kind from their schema type. The compiler, the value resolver and the function registry all speak in
kinds."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from jira_bench_tui.jira.jql_parser import FieldRef, JqlError

EQUALITY = frozenset({"=", "!=", "in", "not in", "is", "is not"})
RANGE = frozenset({">", ">=", "<", "<="})
TEXT = frozenset({"~", "!~", "is", "is not"})

# JQL clause names (lower-case) -> the kind of field they search.
SYSTEM_CLAUSES: dict[str, str] = {
    "project": "project", "key": "key", "issuekey": "key", "id": "key", "issue": "key",
    "summary": "summary", "description": "description", "environment": "environment", "comment": "comment",
    "text": "text", "status": "status", "statuscategory": "statuscategory", "priority": "priority",
    "type": "issuetype", "issuetype": "issuetype", "assignee": "assignee", "reporter": "reporter",
    "creator": "creator", "labels": "labels", "label": "labels", "component": "component",
    "fixversion": "fixversion", "affectedversion": "affectedversion", "sprint": "sprint", "parent": "parent",
    "epic link": "epiclink", "created": "created", "createddate": "created", "updated": "updated",
    "updateddate": "updated", "resolved": "resolutiondate", "resolutiondate": "resolutiondate",
    "duedate": "duedate", "due": "duedate", "resolution": "resolution", "watcher": "watcher",
    "watchers": "watcher", "issuelinktype": "issuelinktype", "rank": "rank",
    "worklogauthor": "worklogauthor", "worklogdate": "worklogdate", "timespent": "timespent",
    "originalestimate": "originalestimate", "timeoriginalestimate": "originalestimate",
    "remainingestimate": "remainingestimate", "timeestimate": "remainingestimate",
}
KIND_OPERATORS: dict[str, frozenset[str]] = {
    "project": EQUALITY, "key": EQUALITY | RANGE, "summary": TEXT, "description": TEXT, "environment": TEXT,
    "comment": TEXT, "text": frozenset({"~"}), "status": EQUALITY, "statuscategory": EQUALITY,
    "priority": EQUALITY | RANGE, "issuetype": EQUALITY, "assignee": EQUALITY, "reporter": EQUALITY,
    "creator": EQUALITY, "labels": EQUALITY, "component": EQUALITY, "fixversion": EQUALITY,
    "affectedversion": EQUALITY, "sprint": EQUALITY, "parent": EQUALITY, "epiclink": EQUALITY,
    "created": EQUALITY | RANGE, "updated": EQUALITY | RANGE, "resolutiondate": EQUALITY | RANGE,
    "duedate": EQUALITY | RANGE, "resolution": EQUALITY, "watcher": EQUALITY, "issuelinktype": EQUALITY,
    "rank": frozenset(), "cf_number": EQUALITY | RANGE, "cf_string": TEXT, "cf_option": EQUALITY,
    "cf_array": EQUALITY, "cf_date": EQUALITY | RANGE, "cf_user": EQUALITY,
    "worklogauthor": EQUALITY, "worklogdate": EQUALITY | RANGE, "timespent": EQUALITY | RANGE,
    "originalestimate": EQUALITY | RANGE, "remainingestimate": EQUALITY | RANGE,
}
# Kinds whose values are users, moments, durations (the same values, the same functions)
USER_KINDS = frozenset({"assignee", "reporter", "creator", "watcher", "cf_user", "worklogauthor"})
DATE_KINDS = frozenset({"created", "updated", "resolutiondate", "duedate", "cf_date", "worklogdate"})
DURATION_KINDS = frozenset({"timespent", "originalestimate", "remainingestimate"})
# A custom field's schema type -> its kind; any other type searches as text
CUSTOM_KINDS = {"number": "cf_number", "option": "cf_option", "array": "cf_array", "date": "cf_date",
                "datetime": "cf_date", "user": "cf_user"}
_CF = re.compile(r"^(?:cf\[(\d+)\]|customfield_(\d+))$", re.IGNORECASE)


@dataclass(frozen=True)
class Field:
    """A resolved JQL field: what it searches, how it is named in messages, and the custom field behind it."""

    kind: str
    shown: str  # the name as the query wrote it
    custom_id: str | None = None
    custom_name: str | None = None


@dataclass(frozen=True)
class _CustomField:
    id: str  # customfield_10016
    name: str
    schema_type: str | None


class FieldResolver:
    """Resolves the field names of queries against one database's custom fields (read once, on first need)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._custom: dict[str, _CustomField] | None = None

    def custom_fields(self) -> dict[str, _CustomField]:
        """The database's custom fields by lower-case name and by lower-case id."""
        if self._custom is None:
            self._custom = {}
            for fid, name, stype in self.conn.execute("SELECT id, name, schema_type FROM fields WHERE custom = 1"):
                custom = _CustomField(fid, name, stype)
                self._custom[name.lower()] = custom
                self._custom[fid.lower()] = custom
        return self._custom

    def resolve(self, ref: FieldRef) -> Field:
        """The field a name stands for: a custom field by `cf[N]`, `customfield_N` or name, else a system clause.

        Custom fields named "Sprint" and "Epic Link" search the sprint and the parent, as in Jira Software.
        Raises JqlError ("Field 'foo' does not exist or you do not have permission to view it.")."""
        name = ref.name.strip()
        lowered = name.lower()
        cf_match = _CF.match(name)
        custom = None
        if cf_match:
            custom = self.custom_fields().get(f"customfield_{cf_match.group(1) or cf_match.group(2)}")
        elif lowered not in SYSTEM_CLAUSES:
            custom = self.custom_fields().get(lowered)
        if custom is not None:
            return _custom_field(custom, name)
        if lowered in SYSTEM_CLAUSES and not cf_match:
            return Field(SYSTEM_CLAUSES[lowered], name)
        raise JqlError(f"Field '{name}' does not exist or you do not have permission to view it.")


def _custom_field(custom: _CustomField, shown: str) -> Field:
    if custom.name == "Sprint":
        return Field("sprint", shown)
    if custom.name == "Epic Link":
        return Field("epiclink", shown)
    kind = CUSTOM_KINDS.get(custom.schema_type or "string", "cf_string")
    return Field(kind, shown, custom.id, custom.name)
