"""Which issues a trial wrote: SQLite triggers record, in `written_issues`, the id of every issue whose record
(`reader.IssueRecord`) a write may have changed, so a trial's state is captured in proportion to what it did.

Installed once into every built database (`db.build_database`, after the fixture is loaded, so a template and each
trial's copy start with an empty table). Every write counts, whichever connection makes it (the MCP tools, the REST
face, anything else): the triggers live in the file. A row can name an issue whose record did not change (a field
set to its own value, an issue created and deleted again); it never misses one whose record changed:

- writes to an issue's own rows (the issue, its labels, components, versions, sprints, comments, worklogs, links:
  both ends of a link), foreign-key cascades included (SQLite fires triggers for them);
- a new issue key (a move): the issue's sub-tasks and children (their `parent`) and the other end of its links;
- a renamed name an IssueRecord shows (project key, issue type, status and its category, priority, resolution,
  user name or email, component, version, sprint, link type): every issue that shows it;
- a changed field definition (`fields`: custom field names): every issue (rare; no tool does it).
"""

from __future__ import annotations

import sqlite3

TABLE = "written_issues"

# table -> the columns of a row that name an issue whose record the row is part of
_ISSUE_ROWS: dict[str, tuple[str, ...]] = {
    "issues": ("id",),
    "issue_labels": ("issue_id",),
    "issue_components": ("issue_id",),
    "issue_versions": ("issue_id",),
    "sprint_issues": ("issue_id",),
    "comments": ("issue_id",),
    "worklogs": ("issue_id",),
    "issue_links": ("inward_issue_id", "outward_issue_id"),
}
# (table, columns whose update renames what records show, the issues that show this row: SQL over NEW)
_NAMES: list[tuple[str, str, str]] = [
    ("projects", "key", "SELECT id FROM issues WHERE project_id = NEW.id"),
    ("issue_types", "name", "SELECT id FROM issues WHERE issue_type_id = NEW.id"),
    ("statuses", "name, category_id", "SELECT id FROM issues WHERE status_id = NEW.id"),
    ("status_categories", "key", "SELECT i.id FROM issues i JOIN statuses s ON s.id = i.status_id "
                                 "WHERE s.category_id = NEW.id"),
    ("priorities", "name", "SELECT id FROM issues WHERE priority_id = NEW.id"),
    ("resolutions", "name", "SELECT id FROM issues WHERE resolution_id = NEW.id"),
    ("users", "display_name, email",
     "SELECT id FROM issues WHERE assignee_id = NEW.account_id OR reporter_id = NEW.account_id "
     "UNION SELECT issue_id FROM comments WHERE author_id = NEW.account_id "
     "UNION SELECT issue_id FROM worklogs WHERE author_id = NEW.account_id"),
    ("components", "name", "SELECT issue_id FROM issue_components WHERE component_id = NEW.id"),
    ("versions", "name", "SELECT issue_id FROM issue_versions WHERE version_id = NEW.id"),
    ("sprints", "name", "SELECT issue_id FROM sprint_issues WHERE sprint_id = NEW.id"),
    ("link_types", "name, inward, outward",
     "SELECT inward_issue_id FROM issue_links WHERE link_type_id = NEW.id "
     "UNION SELECT outward_issue_id FROM issue_links WHERE link_type_id = NEW.id"),
    ("issues", "key", "SELECT id FROM issues WHERE parent_id = NEW.id "
                      "UNION SELECT inward_issue_id FROM issue_links WHERE outward_issue_id = NEW.id "
                      "UNION SELECT outward_issue_id FROM issue_links WHERE inward_issue_id = NEW.id"),
]


def tracking_sql() -> str:
    """The table and triggers (one script; every name prefixed `track_`)."""
    mark = f"INSERT OR IGNORE INTO {TABLE}(issue_id)"
    parts = [f"CREATE TABLE {TABLE}(issue_id INTEGER PRIMARY KEY);"]
    for table, columns in _ISSUE_ROWS.items():
        for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("NEW", "OLD")), ("DELETE", ("OLD",))):
            values = ", ".join(f"({row}.{column})" for row in rows for column in columns)
            parts.append(f"CREATE TRIGGER track_{table}_{event.lower()} AFTER {event} ON {table} "
                         f"BEGIN {mark} VALUES {values}; END;")
    for index, (table, named, issues) in enumerate(_NAMES):
        parts.append(f"CREATE TRIGGER track_{table}_names_{index} AFTER UPDATE OF {named} ON {table} "
                     f"BEGIN {mark} {issues}; END;")
    every = f"BEGIN {mark} SELECT id FROM issues; END;"
    parts.append(f"CREATE TRIGGER track_fields_update AFTER UPDATE ON fields {every}")
    parts.append(f"CREATE TRIGGER track_fields_delete AFTER DELETE ON fields {every}")
    return "\n".join(parts)


def install(conn: sqlite3.Connection) -> None:
    """Add the table and triggers to a database (once, after its fixture is loaded)."""
    conn.executescript(tracking_sql())


def is_tracked(conn: sqlite3.Connection) -> bool:
    """Whether the database records its writes (a database built before write tracking does not)."""
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)).fetchone()
    return row is not None


def written_issue_ids(conn: sqlite3.Connection) -> list[int]:
    """Ids of the issues written since the database was built (ascending; some may no longer exist)."""
    cursor = conn.cursor()
    cursor.row_factory = None
    return [row[0] for row in cursor.execute(f"SELECT issue_id FROM {TABLE} ORDER BY issue_id")]
