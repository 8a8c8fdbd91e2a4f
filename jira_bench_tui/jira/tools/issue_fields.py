"""Apply a `fields` / `additional_fields` object to an issue the way Jira does: resolve names, validate, write,
and return the changelog items. Shared by create, update, batch create and transitions."""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from typing import Any

from jira_bench_tui.jira.durations import format_duration, parse_duration
from jira_bench_tui.jira.tools.common import ChangeItem, JiraContext, JiraError, ToolFailure

_NORMAL = re.compile(r"[^a-z0-9]")

# normalised key -> our handler name
SYSTEM_FIELDS = {
    "summary": "summary", "description": "description", "environment": "environment",
    "assignee": "assignee", "reporter": "reporter", "priority": "priority", "labels": "labels",
    "components": "components", "component": "components",
    "fixversions": "fix_versions", "fixversion": "fix_versions",
    "versions": "affects_versions", "affectsversions": "affects_versions", "affectedversions": "affects_versions",
    "duedate": "duedate", "due": "duedate", "parent": "parent", "epickey": "epic", "epiclink": "epic",
    "timetracking": "timetracking", "originalestimate": "original_estimate", "remainingestimate": "remaining_estimate",
    "issuetype": "issuetype", "status": "status", "resolution": "resolution",
}


def normal_name(name: str) -> str:
    """A field key folded for matching: lower case, letters and digits only ("Fix Versions", "fix_versions" ->
    "fixversions")."""
    return _NORMAL.sub("", name.lower())


def _name_of(value: Any, what: str) -> Any:
    if isinstance(value, dict):
        return value.get("name") if value.get("name") is not None else value.get("id", value.get("value"))
    return value


def _named_rows(ctx: JiraContext, table: str, project_id: int, values: Any, what: str, field: str
                ) -> list[sqlite3.Row]:
    if values is None:
        values = []
    if isinstance(values, str):
        values = [v for v in (p.strip() for p in values.split(",")) if v]
    if not isinstance(values, list):
        raise ToolFailure(f"{field} must be a list such as [{{\"name\": \"1.0\"}}] or [\"1.0\"].")
    rows = []
    for value in values:
        ref = _name_of(value, what)
        row = ctx.conn.execute(f"SELECT * FROM {table} WHERE project_id = ? AND (name = ? COLLATE NOCASE "
                               "OR CAST(id AS TEXT) = ?)", (project_id, str(ref), str(ref))).fetchone()
        if row is None:
            known = ", ".join(r[0] for r in ctx.conn.execute(
                f"SELECT name FROM {table} WHERE project_id = ? ORDER BY name", (project_id,))) or "none"
            raise ToolFailure(f"{what} '{ref}' does not exist in this project (known: {known}).")
        rows.append(row)
    return rows


def _number(field: sqlite3.Row, value: Any) -> int | float:
    """A number custom field's value from a number or numeric text; ToolFailure naming the field otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ToolFailure(f"{field['id']} ({field['name']}) must be a number, got {value!r}.")
    try:
        number = float(value)
    except ValueError as exc:
        raise ToolFailure(f"{field['id']} ({field['name']}) must be a number, got {value!r}.") from exc
    return int(number) if number.is_integer() else number


class FieldWriter:
    """Writes fields of one issue and collects the changelog items."""

    def __init__(self, ctx: JiraContext, issue_id: int, *, creating: bool = False) -> None:
        self.ctx = ctx
        self.conn = ctx.conn
        self.issue_id = issue_id
        self.creating = creating
        self.items: list[ChangeItem] = []
        row = self.conn.execute("SELECT * FROM issues WHERE id = ?", (issue_id,)).fetchone()
        self.row = row
        self.project_id: int = row["project_id"]

    def _change(self, field: str, from_id: Any, from_s: Any, to_id: Any, to_s: Any, fieldtype: str = "jira") -> None:
        if not self.creating and (from_id, from_s) != (to_id, to_s):
            self.items.append(ChangeItem(field, None if from_id is None else str(from_id),
                                         None if from_s is None else str(from_s),
                                         None if to_id is None else str(to_id), None if to_s is None else str(to_s),
                                         fieldtype))

    def _set_column(self, column: str, value: Any) -> Any:
        old = self.conn.execute(f"SELECT {column} FROM issues WHERE id = ?", (self.issue_id,)).fetchone()[0]
        self.conn.execute(f"UPDATE issues SET {column} = ? WHERE id = ?", (value, self.issue_id))
        return old

    def apply(self, fields: dict[str, Any], *, allow_resolution: bool = False) -> None:
        """Write `fields` (system fields by id or name, custom fields by id or name, "story points" too) and collect
        the changelog items in `self.items`. Unknown keys are dropped, or an error with the `unknown_fields` quirk,
        as in mcp-atlassian 0.23.1; ToolFailure with Jira's message for a value Jira refuses. `allow_resolution`
        leaves a resolution to the transition that carries it."""
        customs = {normal_name(r["id"]): r for r in self.conn.execute("SELECT * FROM fields WHERE custom = 1")}
        customs.update({normal_name(r["name"]): r for r in self.conn.execute("SELECT * FROM fields WHERE custom = 1")})
        unknown = []
        for key, value in fields.items():
            norm = normal_name(key)
            handler = SYSTEM_FIELDS.get(norm)
            if norm == "storypoints" and "storypointestimate" in customs:
                self._custom(customs["storypointestimate"], value)
            elif handler == "resolution" and allow_resolution:
                continue  # the transition handles it
            elif handler is not None:
                getattr(self, f"_{handler}")(value)
            elif norm in customs:
                self._custom(customs[norm], value)
            else:
                unknown.append(key)
        if unknown and self.ctx.quirks.unknown_fields_are_errors:
            raise ToolFailure(f"Unknown field(s) {', '.join(repr(u) for u in unknown)}: not a Jira field id or name "
                              "(jira_search_fields finds field ids, e.g. customfield_10016 for story points).")

    # ---- system fields ----

    def _summary(self, value: Any) -> None:
        if not isinstance(value, str) or not value.strip():
            raise ToolFailure("summary: You must specify a summary of the issue.")
        if "\n" in value or len(value) > 255:
            raise ToolFailure("summary: The summary must be one line of at most 255 characters.")
        old = self._set_column("summary", value)
        self._change("summary", None, old, None, value)

    def _text(self, column: str, field: str, value: Any) -> None:
        if value is not None and not isinstance(value, str):
            raise ToolFailure(f"{field} must be a string (Markdown) or null.")
        value = value or None
        old = self._set_column(column, value)
        self._change(field, None, old, None, value)

    def _description(self, value: Any) -> None:
        self._text("description", "description", value)

    def _environment(self, value: Any) -> None:
        self._text("environment", "environment", value)

    def _user_column(self, column: str, field: str, value: Any) -> None:
        new = None if value in (None, "", {}) else self.ctx.user(value)
        old_id = self._set_column(column, new["account_id"] if new else None)
        old_name = None
        if old_id:
            r = self.conn.execute("SELECT display_name FROM users WHERE account_id = ?", (old_id,)).fetchone()
            old_name = r[0] if r else old_id
        self._change(field, old_id, old_name, new["account_id"] if new else None, new["display_name"] if new else None)

    def _assignee(self, value: Any) -> None:
        self._user_column("assignee_id", "assignee", value)

    def _reporter(self, value: Any) -> None:
        if value in (None, "", {}):
            raise ToolFailure("reporter: the reporter cannot be empty.")
        self._user_column("reporter_id", "reporter", value)

    def _priority(self, value: Any) -> None:
        ref = _name_of(value, "priority")
        row = self.conn.execute("SELECT * FROM priorities WHERE name = ? COLLATE NOCASE OR CAST(id AS TEXT) = ?",
                                (str(ref), str(ref))).fetchone()
        if row is None:
            known = ", ".join(r[0] for r in self.conn.execute("SELECT name FROM priorities ORDER BY rank"))
            raise ToolFailure(f"Priority '{ref}' does not exist (known: {known}). Use {{\"priority\": "
                              "{\"name\": \"High\"}}.")
        old = self._set_column("priority_id", row["id"])
        old_name = None
        if old is not None:
            old_name = self.conn.execute("SELECT name FROM priorities WHERE id = ?", (old,)).fetchone()[0]
        self._change("priority", old, old_name, row["id"], row["name"])

    def _labels(self, value: Any) -> None:
        if isinstance(value, str):
            value = [v for v in (p.strip() for p in value.split(",")) if v]
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ToolFailure("labels must be a list of strings, e.g. {\"labels\": [\"backend\", \"p0\"]}.")
        for label in value:
            if not label or any(ch.isspace() for ch in label):
                raise ToolFailure(f"The label '{label}' contains spaces; a Jira label cannot contain spaces.")
        old = [r[0] for r in self.conn.execute("SELECT label FROM issue_labels WHERE issue_id = ? ORDER BY label",
                                               (self.issue_id,))]
        self.conn.execute("DELETE FROM issue_labels WHERE issue_id = ?", (self.issue_id,))
        new = sorted(set(value))
        self.conn.executemany("INSERT INTO issue_labels(issue_id, label) VALUES (?, ?)",
                              [(self.issue_id, v) for v in new])
        self._change("labels", None, " ".join(old) or None, None, " ".join(new) or None)

    def _components(self, value: Any) -> None:
        rows = _named_rows(self.ctx, "components", self.project_id, value, "Component", "components")
        self._multi("issue_components", "component_id", "components", "Component", rows, "")

    def _fix_versions(self, value: Any) -> None:
        rows = _named_rows(self.ctx, "versions", self.project_id, value, "Version", "fixVersions")
        self._multi("issue_versions", "version_id", "versions", "Fix Version", rows, "fix")

    def _affects_versions(self, value: Any) -> None:
        rows = _named_rows(self.ctx, "versions", self.project_id, value, "Version", "versions")
        self._multi("issue_versions", "version_id", "versions", "Version", rows, "affects")

    def _multi(self, table: str, column: str, ref_table: str, field: str, rows: list[sqlite3.Row], kind: str) -> None:
        kind_sql = " AND kind = ?" if kind else ""
        args: tuple[Any, ...] = (self.issue_id, kind) if kind else (self.issue_id,)
        old = {r[0]: r[1] for r in self.conn.execute(
            f"SELECT t.id, t.name FROM {table} x JOIN {ref_table} t ON t.id = x.{column} "
            f"WHERE x.issue_id = ?{kind_sql}", args)}
        self.conn.execute(f"DELETE FROM {table} WHERE issue_id = ?{kind_sql}", args)
        new = {r["id"]: r["name"] for r in rows}
        for ref_id in new:
            if kind:
                self.conn.execute(f"INSERT INTO {table}(issue_id, {column}, kind) VALUES (?, ?, ?)",
                                  (self.issue_id, ref_id, kind))
            else:
                self.conn.execute(f"INSERT INTO {table}(issue_id, {column}) VALUES (?, ?)", (self.issue_id, ref_id))
        for ref_id in sorted(set(old) - set(new)):
            self._change(field, ref_id, old[ref_id], None, None)
        for ref_id in sorted(set(new) - set(old)):
            self._change(field, None, None, ref_id, new[ref_id])

    def _duedate(self, value: Any) -> None:
        if value in (None, ""):
            value = None
        elif not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise ToolFailure(f"duedate must be a date as YYYY-MM-DD (e.g. \"2027-02-01\"), got {value!r}.")
        else:
            value = value.strip()
        old = self._set_column("due_date", value)
        self._change("duedate", None, old, None, value)

    def _parent(self, value: Any) -> None:
        own = self.conn.execute("SELECT i.key, t.subtask, t.hierarchy_level FROM issues i JOIN issue_types t "
                                "ON t.id = i.issue_type_id WHERE i.id = ?", (self.issue_id,)).fetchone()
        if value in (None, "", {}):
            if own["subtask"]:
                raise ToolFailure("A sub-task must have a parent; it cannot be removed.")
            self._set_parent(None)
            return
        try:
            parent = self.ctx.issue_ref(value, "parent")
        except ToolFailure:  # Jira's words for a parent it cannot find, or one that is not a key or id
            raise JiraError.body([], {"parent": "Could not find issue by id or key."}) from None
        if parent["id"] == self.issue_id:
            raise ToolFailure(f"{own['key']} cannot be its own parent.")
        if own["subtask"]:
            if parent["type_subtask"] or parent["type_level"] > 0:
                raise ToolFailure(f"The parent of a sub-task must be a standard issue; {parent['key']} is a "
                                  f"{parent['type_name']}.")
        elif own["hierarchy_level"] >= parent["type_level"]:
            raise ToolFailure(f"{parent['key']} is a {parent['type_name']}; the parent of a {own['key']} "
                              "must be an Epic (use jira_link_to_epic), or create a sub-task instead.")
        self._set_parent(parent)

    def _epic(self, value: Any) -> None:
        if value in (None, ""):
            self._set_parent(None)
            return
        epic = self.ctx.issue_ref(value, "epic")
        if epic["type_level"] != 1:
            raise ToolFailure(f"{epic['key']} is not an Epic (it is a {epic['type_name']}).")
        self._parent(epic["key"])

    def _set_parent(self, parent: sqlite3.Row | None) -> None:
        old = self._set_column("parent_id", parent["id"] if parent else None)
        old_key = None
        if old is not None:
            old_key = self.conn.execute("SELECT key FROM issues WHERE id = ?", (old,)).fetchone()[0]
        self._change("IssueParentAssociation", old, old_key, parent["id"] if parent else None,
                     parent["key"] if parent else None)

    def _estimate(self, column: str, field: str, value: Any) -> None:
        seconds = None
        if value not in (None, ""):
            try:
                seconds = parse_duration(str(value))
            except ValueError as exc:
                raise ToolFailure(str(exc)) from exc
        old = self._set_column(column, seconds)
        self._change(field, old, None if old is None else format_duration(old),
                     seconds, None if seconds is None else format_duration(seconds))

    def _original_estimate(self, value: Any) -> None:
        self._estimate("orig_estimate_s", "timeoriginalestimate", value)

    def _remaining_estimate(self, value: Any) -> None:
        self._estimate("remaining_estimate_s", "timeestimate", value)

    def _timetracking(self, value: Any) -> None:
        if not isinstance(value, dict):
            raise ToolFailure("timetracking must be an object such as {\"originalEstimate\": \"3d\", "
                              "\"remainingEstimate\": \"1d\"}.")
        for key, item in value.items():
            norm = normal_name(key)
            if norm == "originalestimate":
                self._original_estimate(item)
            elif norm == "remainingestimate":
                self._remaining_estimate(item)

    def _issuetype(self, value: Any) -> None:
        current = self.conn.execute("SELECT t.name FROM issues i JOIN issue_types t ON t.id = i.issue_type_id "
                                    "WHERE i.id = ?", (self.issue_id,)).fetchone()[0]
        if self.creating or str(_name_of(value, "issuetype")).lower() == current.lower():
            return
        raise ToolFailure("The issue type cannot be changed here; create a new issue of the wanted type instead.")

    def _status(self, value: Any) -> None:
        raise ToolFailure("The status cannot be set directly: use jira_get_transitions to list the transitions "
                          "available to this issue, then jira_transition_issue with one of their ids.")

    def _resolution(self, value: Any) -> None:
        raise ToolFailure("Field 'resolution' cannot be set. It is not on the appropriate screen, or unknown. "
                          "The resolution is set by a transition to a done status (jira_transition_issue with "
                          "fields={\"resolution\": {\"name\": \"Done\"}}).")

    # ---- custom fields ----

    def _custom(self, field: sqlite3.Row, value: Any) -> None:
        if field["name"].lower() == "sprint":
            self._sprint(value)
            return
        if field["name"].lower() == "epic link":
            self._epic(value)
            return
        if isinstance(value, dict) and "value" in value:
            value = value["value"]
        if value is not None:
            value = self._custom_value(field, value)
        values = json.loads(self.conn.execute("SELECT custom_fields FROM issues WHERE id = ?",
                                              (self.issue_id,)).fetchone()[0] or "{}")
        old = values.get(field["id"])
        if value is None:
            values.pop(field["id"], None)
        else:
            values[field["id"]] = value
        self._set_column("custom_fields", json.dumps(values, sort_keys=True))
        self._change(field["name"], None, None if old is None else old, None, value, fieldtype="custom")

    def _custom_value(self, field: sqlite3.Row, value: Any) -> Any:
        """The value to store for a custom field of the field's schema type: a number (int when whole), an allowed
        option, a user's account id, a YYYY-MM-DD date, or text as given. ToolFailure naming the field otherwise."""
        kind = field["schema_type"] or "string"
        if kind == "number":
            return _number(field, value)
        if kind == "option":
            options = [r[0] for r in self.conn.execute(
                "SELECT value FROM field_options WHERE field_id = ? ORDER BY option_id", (field["id"],))]
            if options and str(value) not in options:
                raise ToolFailure(f"{field['id']} ({field['name']}): '{value}' is not an allowed value "
                                  f"(allowed: {', '.join(options)}).")
        elif kind == "user":
            return self.ctx.user(value)["account_id"]
        elif kind == "date" and not (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
            raise ToolFailure(f"{field['id']} ({field['name']}) must be a date as YYYY-MM-DD.")
        return value

    def _sprint(self, value: Any) -> None:
        """Jira Cloud's Sprint field takes one sprint id as a JSON number, or null to leave the open sprint: a name,
        a list or an object is refused ("Number value expected as the Sprint id.", atlassian-cli#72)."""
        if value is None:
            move_to_sprint(self.ctx, self.issue_id, None, self.items, creating=self.creating)
            return
        if isinstance(value, bool) or not isinstance(value, int):
            raise JiraError("Number value expected as the Sprint id.",
                            hint="(The Sprint field takes one sprint id as a number, e.g. {\"customfield_10020\": 4}; "
                                 "jira_get_sprints_from_board lists sprints.)")
        row = self.conn.execute("SELECT * FROM sprints WHERE id = ?", (value,)).fetchone()
        if row is None:
            raise ToolFailure(f"Sprint '{value}' does not exist (jira_get_sprints_from_board lists sprints).")
        move_to_sprint(self.ctx, self.issue_id, row, self.items, creating=self.creating)


def move_to_sprint(ctx: JiraContext, issue_id: int, sprint: sqlite3.Row | None, items: list[ChangeItem],
                   *, creating: bool = False, following_parent: bool = False) -> None:
    """Put an issue in `sprint` (or the backlog): it leaves any other open sprint; closed sprints keep it.

    As in Jira, sub-tasks follow their parent: moving a parent moves its open (not done) sub-tasks with it, each
    with its own changelog entry, and a sub-task cannot be moved on its own. Only sub-tasks that were where the
    parent was (the same open sprint, or the backlog) follow: in Jira that is all of them; a fixture may have put a
    sub-task elsewhere, and then it is left alone."""
    issue = ctx.conn.execute("SELECT i.key, t.subtask, p.key AS parent_key FROM issues i "
                             "JOIN issue_types t ON t.id = i.issue_type_id LEFT JOIN issues p ON p.id = i.parent_id "
                             "WHERE i.id = ?", (issue_id,)).fetchone()
    if issue["subtask"] and not following_parent:
        raise ToolFailure(subtask_sprint_error(issue["key"], issue["parent_key"]))
    if sprint is not None and sprint["state"] == "closed":
        raise ToolFailure(f"Sprint {sprint['id']} ('{sprint['name']}') is closed; issues cannot be added to it.")
    before = ctx.conn.execute("SELECT s.id, s.name, s.state FROM sprint_issues si JOIN sprints s "
                              "ON s.id = si.sprint_id WHERE si.issue_id = ? ORDER BY s.id", (issue_id,)).fetchall()
    ctx.conn.execute("DELETE FROM sprint_issues WHERE issue_id = ? AND sprint_id IN "
                     "(SELECT id FROM sprints WHERE state != 'closed')", (issue_id,))
    if sprint is not None:
        ctx.conn.execute("INSERT OR IGNORE INTO sprint_issues(sprint_id, issue_id) VALUES (?, ?)",
                         (sprint["id"], issue_id))
    after = ctx.conn.execute("SELECT s.id, s.name FROM sprint_issues si JOIN sprints s ON s.id = si.sprint_id "
                             "WHERE si.issue_id = ? ORDER BY s.id", (issue_id,)).fetchall()
    old_ids = ",".join(str(r["id"]) for r in before)
    new_ids = ",".join(str(r["id"]) for r in after)
    if old_ids != new_ids and not creating:
        items.append(ChangeItem("Sprint", old_ids or None, ", ".join(r["name"] for r in before) or None,
                                new_ids or None, ", ".join(r["name"] for r in after) or None, "custom"))
    if issue["subtask"]:
        return
    parent_was_in = {r["id"] for r in before if r["state"] != "closed"}
    for (child_id,) in ctx.conn.execute(
            "SELECT i.id FROM issues i JOIN issue_types t ON t.id = i.issue_type_id JOIN statuses s "
            "ON s.id = i.status_id JOIN status_categories sc ON sc.id = s.category_id "
            "WHERE i.parent_id = ? AND t.subtask = 1 AND sc.key != 'done' ORDER BY i.id", (issue_id,)).fetchall():
        if _open_sprint_ids(ctx, child_id) != parent_was_in:
            continue
        child_items: list[ChangeItem] = []
        move_to_sprint(ctx, child_id, sprint, child_items, creating=creating, following_parent=True)
        ctx.record_change(child_id, child_items)


def _open_sprint_ids(ctx: JiraContext, issue_id: int) -> set[int]:
    return {r[0] for r in ctx.conn.execute("SELECT s.id FROM sprint_issues si JOIN sprints s ON s.id = si.sprint_id "
                                           "WHERE si.issue_id = ? AND s.state != 'closed'", (issue_id,))}


def subtask_sprint_error(key: str, parent_key: str | None) -> str:
    """Jira's refusal to move a sub-task into a sprint or the backlog by itself."""
    parent = f" ({parent_key})" if parent_key else ""
    return (f"Issue {key} is a sub-task; sub-tasks cannot be moved to a sprint or the backlog on their own. "
            f"They follow their parent: move the parent issue{parent} instead.")


def join_parent_sprint(ctx: JiraContext, issue_id: int, parent_id: int) -> None:
    """A new sub-task starts in its parent's open sprint, as in Jira."""
    ctx.conn.execute("INSERT OR IGNORE INTO sprint_issues(sprint_id, issue_id) SELECT si.sprint_id, ? "
                     "FROM sprint_issues si JOIN sprints s ON s.id = si.sprint_id "
                     "WHERE si.issue_id = ? AND s.state != 'closed'", (issue_id, parent_id))


# ---- what mcp-atlassian 0.23.1 makes of a fields object before Jira sees it (jira/issues.py, jira/fields.py) ----

EPIC_LINK_ALIASES = frozenset({"epickey", "epic_link", "epiclink", "epic link"})
_ACCOUNT_ID = re.compile(r"[0-9a-fA-F]{24}|\d+:[0-9a-fA-F][0-9a-fA-F-]{7,}")


def mcpa_normal(text: str | None) -> str:
    """mcp-atlassian's `normalize_text`: accents dropped (its unidecode), case folded."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def mcpa_account_id(ctx: JiraContext, ref: str) -> str | None:
    """The account id mcp-atlassian's `_get_account_id` finds on Cloud, or None where it raises "Could not find
    account ID for user: ...": an "accountid:" prefix or an account-id-shaped string is taken as is (unchecked);
    otherwise `/user/search?query=` (active users only) must give a user whose display name or email equals the
    text (accents and case aside). Its `/user/permission/search` fallback never finds anyone on Cloud (it reads
    `users` from what is a list there)."""
    if ref.startswith("accountid:"):
        return ref[len("accountid:"):]
    if _ACCOUNT_ID.fullmatch(ref):
        return ref
    wanted = mcpa_normal(ref)
    for row in ctx.conn.execute("SELECT account_id, email, display_name FROM users WHERE active = 1 ORDER BY rowid"):
        if wanted and wanted in (mcpa_normal(row["display_name"]), mcpa_normal(row["email"])):
            return str(row["account_id"])
    return None


def _field_rows(ctx: JiraContext) -> dict[str, dict[str, Any]]:
    from jira_bench_tui.jira.tools.catalog import field_entries  # catalog imports this module's neighbours

    return {entry["id"]: entry for entry in field_entries(ctx)}


def mcpa_field_map(entries: dict[str, dict[str, Any]]) -> dict[str, str]:
    """`_generate_field_map`: every field's lower-cased name (first one wins) and its id, to the id."""
    names: dict[str, str] = {}
    for field_id, entry in entries.items():
        if entry.get("name"):
            names.setdefault(str(entry["name"]).lower(), field_id)
    return names | {field_id: field_id for field_id in entries}


def mcpa_epic_link(ctx: JiraContext, fields: dict[str, Any], kwargs: dict[str, Any]) -> None:
    """`_prepare_epic_link_fields`: the first epic-link alias key (epicKey, epic_link, epicLink, "epic link") is
    taken out of `kwargs` and, when truthy, set on the site's Epic Link field (by name), else on Cloud as
    `parent` = {"key": value} unless a parent is already set."""
    for key in list(kwargs):
        if key.lower() in EPIC_LINK_ALIASES:
            value = kwargs.pop(key)
            if not value:
                return
            epic_link = next((fid for fid, e in _field_rows(ctx).items() if str(e.get("name")).lower() == "epic link"),
                             None)
            if epic_link:
                fields[epic_link] = value
            elif "parent" not in fields:
                fields["parent"] = {"key": value}
            return


def mcpa_fields(ctx: JiraContext, kwargs: dict[str, Any]) -> dict[str, Any]:
    """`_process_additional_fields`: each key as a field id, by lower-cased field name, a `customfield_` id or an
    exact system id; `parent` and `assignee` are left to the caller. An unknown key ("story_points") is logged and
    dropped (or refused with the `unknown_fields=error` quirk); null passes (clears); other values are formatted
    as `_format_field_value_for_write` does, and a value it cannot format is dropped."""
    entries = _field_rows(ctx)
    field_map = mcpa_field_map(entries)
    out: dict[str, Any] = {}
    unknown: list[str] = []
    for key, value in kwargs.items():
        if key.startswith("__epic_") or key in ("parent", "assignee"):
            continue
        field_id = field_map.get(key.lower()) or (key if key.startswith("customfield_") else field_map.get(key))
        if field_id is None:
            unknown.append(key)
            continue
        formatted = None if value is None else _mcpa_format(ctx, field_id, value, entries.get(field_id))
        if value is None or formatted is not None:
            out[field_id] = formatted
    if unknown and ctx.quirks.unknown_fields_are_errors:
        raise ToolFailure(f"Unknown field(s) {', '.join(repr(u) for u in unknown)}: not a Jira field id or name "
                          "(jira_search_fields finds field ids, e.g. customfield_10016 for story points).")
    return out


def _mcpa_format(ctx: JiraContext, field_id: str, value: Any, entry: dict[str, Any] | None) -> Any:
    """`_format_field_value_for_write` (None = dropped): system fields by id, then custom ones by schema type."""
    schema = (entry or {}).get("schema", {})
    system = field_id.lower()
    if system == "priority":
        return {"name": value} if isinstance(value, str) else value if isinstance(value, dict) and (
            "name" in value or "id" in value) else None
    if system == "labels":
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
        return [v.strip() for v in value.split(",") if v.strip()] if isinstance(value, str) else None
    if system in ("fixversions", "versions", "components"):
        if not isinstance(value, list):
            return None
        return [{"name": v} if isinstance(v, str) else v for v in value
                if isinstance(v, str) or (isinstance(v, dict) and ("name" in v or "id" in v))]
    if system == "reporter" or (schema.get("type") == "user" and system != "assignee"):
        if isinstance(value, str):
            account = mcpa_account_id(ctx, value)
            return {"accountId": account} if account else None
        return value if system != "reporter" or (isinstance(value, dict) and ("name" in value or "accountId" in value)) \
            else None
    if system == "duedate" or schema.get("type") == "date":
        return value if isinstance(value, str) else None
    if schema.get("type") == "option" and isinstance(value, str):
        return {"value": value}
    if schema.get("type") == "array" and schema.get("items") == "option":
        if isinstance(value, str):
            return [{"value": v.strip()} for v in value.split(",") if v.strip()]
        if isinstance(value, list):
            return [{"value": v} if isinstance(v, str) else v for v in value]
    return value
