"""Loading: an issue's rows in the embedded Jira's database to `JiraIssue`, a typed in-memory value holding what its
simplified form shows; `issue_shape.py` turns that into the dict. The split is mcp-atlassian 0.23.1's
(`JiraIssue.from_api_response`, then `to_simplified_dict`).

Only reads, and only what a FieldSelection asks for (an issue loaded for `fields=summary` costs no extra query).
Timestamps stay in their stored form (`2026-11-20T09:30:00.000+0000`, UTC); shaping formats them."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from jira_bench_tui.jira.issue_extras import attachment_rows, remote_link_rows, watcher_rows
from jira_bench_tui.jira.render import FieldSelection, Site

# The issue and the names it refers to, joined; every reader of whole issues selects its columns FROM this.
ISSUE_JOINS = """
FROM issues i
JOIN projects p ON p.id = i.project_id
JOIN statuses s ON s.id = i.status_id
JOIN status_categories sc ON sc.id = s.category_id
JOIN issue_types t ON t.id = i.issue_type_id
LEFT JOIN priorities pr ON pr.id = i.priority_id
LEFT JOIN resolutions r ON r.id = i.resolution_id
LEFT JOIN users a ON a.account_id = i.assignee_id
LEFT JOIN users rp ON rp.account_id = i.reporter_id
"""
ISSUE_SELECT = f"""
SELECT i.*, p.key AS project_key, p.name AS project_name, p.workflow_id AS workflow_id,
  s.name AS status_name, sc.id AS cat_id, sc.key AS cat_key, sc.name AS cat_name, sc.color_name AS cat_color,
  t.name AS type_name, t.subtask AS type_subtask, t.hierarchy_level AS type_level, t.description AS type_description,
  pr.name AS priority_name, r.name AS resolution_name,
  a.display_name AS assignee_name, a.email AS assignee_email,
  rp.display_name AS reporter_name, rp.email AS reporter_email
{ISSUE_JOINS}"""


# ---- rows ----------------------------------------------------------------------------------------------------


def issue_rows(site: Site, issue_ids: list[int]) -> dict[int, sqlite3.Row]:
    """Rows of ISSUE_SELECT (the issue with its names joined in) by issue id; ids that do not exist are left out."""
    if not issue_ids:
        return {}
    marks = ",".join("?" * len(issue_ids))
    rows = site.conn.execute(f"{ISSUE_SELECT} WHERE i.id IN ({marks})", issue_ids).fetchall()
    return {row["id"]: row for row in rows}


def issue_row_by_key(site: Site, key: str) -> sqlite3.Row | None:
    """The ISSUE_SELECT row of the issue with this key (exact, upper-case), or None."""
    row: sqlite3.Row | None = site.conn.execute(f"{ISSUE_SELECT} WHERE i.key = ?", (key,)).fetchone()
    return row


def transition_rows(site: Site, workflow_id: int, status_id: int) -> list[sqlite3.Row]:
    """Transitions available from a status: those leaving it, then global ones to another status, by id.

    Columns: id, name, to_status_id, sets_resolution, clears_resolution, to_name."""
    return site.conn.execute(
        "SELECT t.id, t.name, t.to_status_id, t.sets_resolution, t.clears_resolution, s.name AS to_name "
        "FROM transitions t JOIN statuses s ON s.id = t.to_status_id "
        "WHERE t.workflow_id = ? AND (t.from_status_id = ? OR (t.from_status_id IS NULL AND t.to_status_id != ?)) "
        "ORDER BY t.id", (workflow_id, status_id, status_id)).fetchall()


def display_name_of(site: Site, account_id: str | None) -> str | None:
    """A user's display name; the account id itself when nobody has it, None for no account id."""
    if not account_id:
        return None
    row = site.conn.execute("SELECT display_name FROM users WHERE account_id = ?", (account_id,)).fetchone()
    return row["display_name"] if row else account_id


# ---- the typed value -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class User:
    """A user an issue refers to; `found` is False when the account id names nobody in the database."""

    account_id: str
    display_name: str | None
    email: str | None
    found: bool = True


@dataclass(slots=True)
class Status:
    """A status with its category (Jira's statusCategory: id, key new/indeterminate/done, name, colour)."""

    id: int
    name: str
    category_id: int
    category_key: str
    category_name: str
    category_color: str


@dataclass(slots=True)
class IssueType:
    """An issue type; `hierarchy_level` is Jira's: -1 sub-task, 0 standard, 1 epic."""

    id: int
    name: str
    subtask: bool
    hierarchy_level: int
    description: str | None


@dataclass(slots=True)
class Named:
    """A priority or a resolution: its id and name."""

    id: int
    name: str


@dataclass(slots=True)
class Project:
    """The project an issue is in."""

    id: int
    key: str
    name: str


@dataclass(slots=True)
class IssueRef:
    """Another issue as this one shows it: a parent, a sub-task, the other end of a link."""

    id: int
    key: str
    summary: str
    status: Status
    issue_type: IssueType
    priority: Named | None


@dataclass(slots=True)
class Attachment:
    """A file attached to an issue (its metadata); `created` in the stored form."""

    id: int
    filename: str
    size: int
    mime_type: str | None
    author: User | None
    created: str | None


@dataclass(slots=True)
class Comment:
    """A comment; times in the stored form."""

    id: int
    body: str
    author: User | None
    created: str | None
    updated: str | None


@dataclass(slots=True)
class LinkType:
    """A link type with its phrases: Blocks, "is blocked by" / "blocks"."""

    id: int
    name: str
    inward: str
    outward: str


@dataclass(slots=True)
class IssueLink:
    """A link seen from one issue: `outward` when this issue reads "<outward phrase> other" (it is the link's
    inward end, e.g. the blocker of "A blocks B")."""

    id: int
    type: LinkType
    outward: bool
    other: IssueRef


@dataclass(slots=True)
class Worklog:
    """Work logged on an issue: `seconds` spent, `started` and the other times in the stored form."""

    id: int
    issue_id: int
    author: User | None
    comment: str | None
    created: str | None
    updated: str | None
    started: str | None
    seconds: int


@dataclass(slots=True)
class ChangelogItem:
    """One field change of a changelog entry, as Jira's changelog API names it."""

    field: str
    fieldtype: str
    from_string: str | None
    to_string: str | None
    from_id: str | None
    to_id: str | None


@dataclass(slots=True)
class ChangelogEntry:
    """A group of changes made together, by `author`, at `created`."""

    author: User | None
    created: str
    items: tuple[ChangelogItem, ...]


@dataclass(slots=True)
class Transition:
    """A workflow transition available to the issue, and the status it leads to."""

    id: int
    name: str
    to_status: str


@dataclass(slots=True)
class Sprint:
    """A sprint the issue is in (the value of the Sprint custom field)."""

    id: int
    name: str
    state: str
    board_id: int
    goal: str | None
    start_date: str | None
    end_date: str | None
    complete_date: str | None = None


@dataclass(slots=True)
class CustomFieldValue:
    """A custom field of the issue: its stored JSON value, or for the Sprint field the issue's sprints."""

    id: str
    name: str
    value: Any
    sprints: tuple[Sprint, ...] | None = None


@dataclass(slots=True)
class JiraIssue:
    """One issue as its simplified form shows it. The fields after `time_spent_s` are loaded only when the
    FieldSelection asks for them (empty otherwise); `watching` is whether the current user watches it."""

    id: int
    key: str
    summary: str
    description: str | None
    environment: str | None
    status: Status
    issue_type: IssueType
    priority: Named | None
    project: Project
    resolution: Named | None
    due_date: str | None  # YYYY-MM-DD
    resolution_date: str | None
    created: str
    updated: str
    assignee: User | None
    reporter: User | None
    original_estimate_s: int | None
    remaining_estimate_s: int | None
    time_spent_s: int | None
    parent: IssueRef | None = None
    subtasks: tuple[IssueRef, ...] = ()
    labels: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    fix_versions: tuple[str, ...] = ()
    affects_versions: tuple[str, ...] = ()
    comments: tuple[Comment, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    links: tuple[IssueLink, ...] = ()
    worklogs: tuple[Worklog, ...] = ()
    changelog: tuple[ChangelogEntry, ...] = ()
    custom_fields: tuple[CustomFieldValue, ...] = ()
    transitions: tuple[Transition, ...] = ()
    watchers: tuple[User, ...] = ()
    watching: bool = False
    remote_links: tuple[sqlite3.Row, ...] = ()  # remote_links rows, shaped by issue_extras.remote_link_json


# ---- from rows -----------------------------------------------------------------------------------------------


def _status(row: sqlite3.Row) -> Status:
    return Status(row["status_id"], row["status_name"], row["cat_id"], row["cat_key"], row["cat_name"],
                  row["cat_color"])


def _issue_type(row: sqlite3.Row) -> IssueType:
    return IssueType(row["issue_type_id"], row["type_name"], bool(row["type_subtask"]), row["type_level"],
                     row["type_description"])


def _named(row: sqlite3.Row, id_column: str, name_column: str) -> Named | None:
    return None if row[id_column] is None or row[name_column] is None else Named(row[id_column], row[name_column])


def issue_ref(row: sqlite3.Row) -> IssueRef:
    """The IssueRef of an ISSUE_SELECT row."""
    return IssueRef(row["id"], row["key"], row["summary"], _status(row), _issue_type(row),
                    _named(row, "priority_id", "priority_name"))


def _joined_user(row: sqlite3.Row, role: str) -> User | None:
    account_id = row[f"{role}_id"]
    return User(account_id, row[f"{role}_name"], row[f"{role}_email"]) if account_id else None


def load_user(site: Site, account_id: str | None) -> User | None:
    """The user with this account id (found=False when nobody has it); None for no account id."""
    if not account_id:
        return None
    row = site.conn.execute("SELECT display_name, email FROM users WHERE account_id = ?", (account_id,)).fetchone()
    if row is None:
        return User(account_id, None, None, found=False)
    return User(account_id, row["display_name"], row["email"])


def _texts(site: Site, sql: str, *params: Any) -> tuple[str, ...]:
    return tuple(r[0] for r in site.conn.execute(sql, params))


def _refs(site: Site, issue_ids: list[int]) -> dict[int, IssueRef]:
    return {issue_id: issue_ref(row) for issue_id, row in issue_rows(site, issue_ids).items()}


def load_parent(site: Site, row: sqlite3.Row) -> IssueRef | None:
    """The issue's parent (epic or sub-task parent), or None."""
    if row["parent_id"] is None:
        return None
    return _refs(site, [row["parent_id"]]).get(row["parent_id"])


def load_subtasks(site: Site, issue_id: int) -> tuple[IssueRef, ...]:
    """The issue's sub-tasks, by id (an epic's child issues are not sub-tasks)."""
    child_ids = [r[0] for r in site.conn.execute(
        "SELECT i.id FROM issues i JOIN issue_types t ON t.id = i.issue_type_id "
        "WHERE i.parent_id = ? AND t.subtask = 1 ORDER BY i.id", (issue_id,))]
    children = _refs(site, child_ids)
    return tuple(children[c] for c in child_ids)


def load_attachments(site: Site, issue_id: int) -> tuple[Attachment, ...]:
    """The issue's attachments in upload order (Jira's `attachment` field)."""
    return tuple(Attachment(row["id"], row["filename"], row["size"], row["mime_type"],
                            load_user(site, row["author_id"]), row["created"])
                 for row in attachment_rows(site.conn, issue_id))


def load_comments(site: Site, issue_id: int, limit: int) -> tuple[Comment, ...]:
    """The issue's latest `limit` comments (none for 0), oldest first."""
    if limit <= 0:
        return ()
    rows = site.conn.execute("SELECT * FROM comments WHERE issue_id = ? ORDER BY created, id", (issue_id,)).fetchall()
    return tuple(Comment(r["id"], r["body"], load_user(site, r["author_id"]), r["created"], r["updated"])
                 for r in rows[-limit:])


def load_links(site: Site, issue_id: int) -> tuple[IssueLink, ...]:
    """The issue's links, by link id, each with the issue at its other end."""
    rows = site.conn.execute(
        "SELECT l.id, l.inward_issue_id, l.outward_issue_id, lt.id AS type_id, lt.name, lt.inward, lt.outward "
        "FROM issue_links l JOIN link_types lt ON lt.id = l.link_type_id "
        "WHERE l.inward_issue_id = ? OR l.outward_issue_id = ? ORDER BY l.id", (issue_id, issue_id)).fetchall()
    if not rows:
        return ()
    others = _refs(site, [r["outward_issue_id"] if r["inward_issue_id"] == issue_id else r["inward_issue_id"]
                          for r in rows])
    links = []
    for r in rows:
        outward = r["inward_issue_id"] == issue_id  # this issue <outward text> the other
        other = others[r["outward_issue_id"] if outward else r["inward_issue_id"]]
        links.append(IssueLink(r["id"], LinkType(r["type_id"], r["name"], r["inward"], r["outward"]), outward, other))
    return tuple(links)


def load_worklogs(site: Site, issue_id: int) -> tuple[Worklog, ...]:
    """The work logged on the issue, by start time."""
    rows = site.conn.execute("SELECT * FROM worklogs WHERE issue_id = ? ORDER BY started, id", (issue_id,)).fetchall()
    return tuple(worklog(site, r) for r in rows)


def worklog(site: Site, row: sqlite3.Row) -> Worklog:
    """The Worklog of a row of the worklogs table."""
    return Worklog(row["id"], row["issue_id"], load_user(site, row["author_id"]), row["comment"], row["created"],
                   row["updated"], row["started"], row["time_spent_s"])


def load_changelog(site: Site, issue_id: int) -> tuple[ChangelogEntry, ...]:
    """The issue's history, oldest first, each entry's items in the order they were recorded."""
    groups = site.conn.execute("SELECT * FROM changelog WHERE issue_id = ? ORDER BY id", (issue_id,)).fetchall()
    entries = []
    for group in groups:
        items = tuple(ChangelogItem(i["field"], i["fieldtype"], i["from_string"], i["to_string"], i["from_id"],
                                    i["to_id"])
                      for i in site.conn.execute("SELECT * FROM changelog_items WHERE changelog_id = ? ORDER BY rowid",
                                                 (group["id"],)))
        entries.append(ChangelogEntry(load_user(site, group["author_id"]), group["created"], items))
    return tuple(entries)


def load_transitions(site: Site, workflow_id: int, status_id: int) -> tuple[Transition, ...]:
    """The transitions available from a status, each once (a transition may leave from several statuses)."""
    seen: set[int] = set()
    result = []
    for t in transition_rows(site, workflow_id, status_id):
        if t["id"] not in seen:
            seen.add(t["id"])
            result.append(Transition(t["id"], t["name"], t["to_name"]))
    return tuple(result)


def load_watchers(site: Site, issue_id: int) -> tuple[User, ...]:
    """The issue's watchers in the order Jira lists them: by display name (`issue_extras.watcher_rows`, what
    GET /issue/{key}/watchers answers and mcp-atlassian's include=watchers passes through)."""
    return tuple(User(r["account_id"], r["display_name"], r["email"]) for r in watcher_rows(site.conn, issue_id))


def _load_sprints(site: Site, issue_id: int) -> tuple[Sprint, ...]:
    rows = site.conn.execute("SELECT s.* FROM sprint_issues si JOIN sprints s ON s.id = si.sprint_id "
                             "WHERE si.issue_id = ? ORDER BY s.id", (issue_id,)).fetchall()
    return tuple(Sprint(s["id"], s["name"], s["state"], s["board_id"], s["goal"], s["start_date"], s["end_date"],
                        s["complete_date"])
                 for s in rows)


def _epic_link(site: Site, row: sqlite3.Row, stored: Any) -> Any:
    """The Epic Link field: the parent's key when the parent is an epic (and the issue is not a sub-task)."""
    if row["parent_id"] is None or row["type_subtask"]:
        return stored
    parent = site.conn.execute("SELECT i.key, t.hierarchy_level FROM issues i JOIN issue_types t "
                               "ON t.id = i.issue_type_id WHERE i.id = ?", (row["parent_id"],)).fetchone()
    return parent["key"] if parent and parent["hierarchy_level"] == 1 else stored


def load_custom_fields(site: Site, row: sqlite3.Row, sel: FieldSelection) -> tuple[CustomFieldValue, ...]:
    """The custom fields the selection asks for (all with '*all'), in the order Jira's field list gives them (the
    site's, as GET /field and an issue's `fields` list them); Sprint and Epic Link are derived from the issue's
    sprints and parent, as in Jira Software."""
    wanted = [f for f in site.conn.execute("SELECT * FROM fields WHERE custom = 1 ORDER BY rowid").fetchall()
              if sel.everything or f["id"] in sel.names]
    if not wanted:
        return ()
    values = json.loads(row["custom_fields"] or "{}")
    result = []
    for field in wanted:
        stored = values.get(field["id"])
        name = field["name"].lower()
        if name == "sprint":
            result.append(CustomFieldValue(field["id"], field["name"], None, _load_sprints(site, row["id"])))
        elif name == "epic link":
            result.append(CustomFieldValue(field["id"], field["name"], _epic_link(site, row, stored)))
        else:
            result.append(CustomFieldValue(field["id"], field["name"], stored))
    return tuple(result)


def load_labels(site: Site, issue_id: int) -> tuple[str, ...]:
    """The issue's labels, sorted."""
    return _texts(site, "SELECT label FROM issue_labels WHERE issue_id = ? ORDER BY label", issue_id)


def load_components(site: Site, issue_id: int) -> tuple[str, ...]:
    """The names of the issue's components, sorted."""
    return _texts(site, "SELECT c.name FROM issue_components ic JOIN components c ON c.id = ic.component_id "
                        "WHERE ic.issue_id = ? ORDER BY c.name", issue_id)


def load_versions(site: Site, issue_id: int, kind: str) -> tuple[str, ...]:
    """The names of the issue's fix versions (`kind` "fix") or affected versions ("affects"), sorted."""
    return _texts(site, "SELECT v.name FROM issue_versions iv JOIN versions v ON v.id = iv.version_id "
                        "WHERE iv.issue_id = ? AND iv.kind = ? ORDER BY v.name", issue_id, kind)


def load_issue(site: Site, row: sqlite3.Row, sel: FieldSelection) -> JiraIssue:
    """The JiraIssue of an ISSUE_SELECT row, with the parts `sel` asks for loaded (a query or two each)."""
    issue_id = row["id"]
    wants = sel.wants
    include = sel.includes
    watchers = load_watchers(site, issue_id) if "watchers" in include else ()
    return JiraIssue(
        id=issue_id, key=row["key"], summary=row["summary"], description=row["description"],
        environment=row["environment"], status=_status(row), issue_type=_issue_type(row),
        priority=_named(row, "priority_id", "priority_name"),
        project=Project(row["project_id"], row["project_key"], row["project_name"]),
        resolution=_named(row, "resolution_id", "resolution_name"), due_date=row["due_date"],
        resolution_date=row["resolution_date"], created=row["created"], updated=row["updated"],
        assignee=_joined_user(row, "assignee"), reporter=_joined_user(row, "reporter"),
        original_estimate_s=row["orig_estimate_s"], remaining_estimate_s=row["remaining_estimate_s"],
        time_spent_s=row["time_spent_s"],
        parent=load_parent(site, row) if wants("parent") else None,
        subtasks=load_subtasks(site, issue_id) if wants("subtasks") else (),
        labels=load_labels(site, issue_id) if wants("labels") else (),
        components=load_components(site, issue_id) if wants("components") else (),
        fix_versions=load_versions(site, issue_id, "fix") if wants("fixversions") else (),
        affects_versions=load_versions(site, issue_id, "affects") if wants("versions") else (),
        comments=load_comments(site, issue_id, sel.comment_limit) if wants("comment") else (),
        attachments=load_attachments(site, issue_id) if wants("attachment") else (),
        links=load_links(site, issue_id) if wants("issuelinks") else (),
        worklogs=load_worklogs(site, issue_id) if wants("worklog") or "worklogs" in include else (),
        changelog=load_changelog(site, issue_id) if "changelog" in include | sel.expand else (),
        custom_fields=load_custom_fields(site, row, sel),
        transitions=load_transitions(site, row["workflow_id"], row["status_id"]) if "transitions" in include else (),
        watchers=watchers, watching=any(w.account_id == site.current_user for w in watchers),
        remote_links=tuple(remote_link_rows(site.conn, issue_id)) if "remote_links" in include else (),
    )
