"""A fixture's issue history (`IssueSpec.history`) as changelog rows, checked to end at the issue's current values.

Each change becomes one `changelog` entry with one item per field, named and valued as the MCP tools and Jira's
changelog API write them (`status`, `resolution`, `priority`, `assignee`, `reporter` with ids and names; `Fix Version`
as one item per version added or removed). The JQL history operators (WAS, CHANGED) search these rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jira_bench_tui.jira.fixture import HistorySpec, IssueSpec

if TYPE_CHECKING:  # the builder imports this module
    from jira_bench_tui.jira.db import _Builder

# fixture key -> the changelog's field name (as jira/tools write it)
CHANGELOG_FIELDS = {"status": "status", "resolution": "resolution", "priority": "priority", "assignee": "assignee",
                    "reporter": "reporter", "fix_versions": "Fix Version"}


@dataclass(frozen=True)
class _Value:
    """A field's value at one time: its stored id (text, as the changelog keeps it; None: empty) and its name."""

    id: str | None
    name: str | None


class _IssueHistory:
    """Writes one issue's history, following each field from change to change."""

    def __init__(self, builder: _Builder, issue_id: int, project_key: str, place: str,
                 names: dict[str, dict[Any, str]]) -> None:
        self.b = builder
        self.names = names
        self.issue_id = issue_id
        self.project_key = project_key
        self.place = place
        columns = ("created", "updated", *_COLUMNS.values())
        row = builder.conn.execute(f"SELECT {', '.join(columns)} FROM issues WHERE id = ?", (issue_id,)).fetchone()
        self.row: dict[str, Any] = dict(zip(columns, row, strict=True))
        self.seen: dict[str, Any] = {}  # field -> the value its last change set

    # -- values by name

    def value(self, field: str, name: str | None, place: str) -> _Value:
        """A single-valued field's value named in the fixture, with the name as Jira stores it."""
        if name is None:
            if field in ("status", "reporter"):
                raise _fail(f"{place}: the {field} cannot be empty")
            return _Value(None, None)
        if field in ("assignee", "reporter"):
            account = self.b.user(name, place)
            assert account is not None
            return _Value(account, self.b.users[account])
        table = {"status": self.b.statuses, "resolution": self.b.resolutions, "priority": self.b.priorities}[field]
        ident = self.b.named(table, name, place, field)
        return _Value(str(ident), self.names[field][ident])

    def versions(self, names: list[str], place: str) -> dict[str, str]:
        """Fix versions named in the fixture: version id (text) -> name."""
        out: dict[str, str] = {}
        for name in names:
            found = self.b.versions.get((self.project_key.lower(), name.strip().lower()))
            if found is None:
                raise _fail(f"{place}: unknown version '{name}' in project {self.project_key}")
            out[str(found)] = self.names["version"][found]
        return out

    # -- the changes

    def write(self, changes: list[HistorySpec]) -> None:
        last = self.row["created"]
        for index, change in enumerate(changes):
            place = f"{self.place}.history[{index}]"
            at = self.b.timestamp(change.at, f"{place}.at")
            if not last <= at <= self.row["updated"]:
                bound = "the change before it" if index else "the issue's created time"
                raise _fail(f"{place}.at: {at} must lie between {bound} ({last}) and the issue's updated time "
                                   f"({self.row['updated']})")
            last = at
            author = self.b.user(change.by, f"{place}.by")
            items = self.items(change, place)
            if not items:
                raise _fail(f"{place}: a change must change at least one field")
            entry = self.b.insert("changelog", issue_id=self.issue_id, author_id=author, created=at)
            self.b.conn.executemany(
                "INSERT INTO changelog_items(changelog_id, field, from_id, from_string, to_id, to_string) "
                "VALUES (?, ?, ?, ?, ?, ?)", [(entry, *item) for item in items])
        self.check_current()

    def items(self, change: HistorySpec, place: str) -> list[tuple[str, str | None, str | None, str | None,
                                                                  str | None]]:
        """The changelog items of one change, each field's `from` checked against the change before."""
        items: list[tuple[str, str | None, str | None, str | None, str | None]] = []
        for field in ("status", "resolution", "priority", "assignee", "reporter"):
            pair = getattr(change, field)
            if pair is None:
                continue
            old = self.value(field, pair[0], f"{place}.{field}[0]")
            new = self.value(field, pair[1], f"{place}.{field}[1]")
            self.follow(field, old.id, new.id, pair, place)
            items.append((CHANGELOG_FIELDS[field], old.id, old.name, new.id, new.name))
        if change.fix_versions is not None:
            old_set = self.versions(change.fix_versions[0], f"{place}.fix_versions[0]")
            new_set = self.versions(change.fix_versions[1], f"{place}.fix_versions[1]")
            self.follow("fix_versions", frozenset(old_set), frozenset(new_set), change.fix_versions, place)
            items += [("Fix Version", vid, old_set[vid], None, None) for vid in sorted(set(old_set) - set(new_set))]
            items += [("Fix Version", None, None, vid, new_set[vid]) for vid in sorted(set(new_set) - set(old_set))]
        return items

    def follow(self, field: str, old: Any, new: Any, pair: Any, place: str) -> None:
        """Check that a change starts where the previous change of the field ended, and remember where it ends."""
        if field in self.seen and self.seen[field] != old:
            raise _fail(f"{place}.{field}: starts from {pair[0]!r}, but the change before set it to "
                               "another value")
        if old == new:
            raise _fail(f"{place}.{field}: from and to are the same ({pair[0]!r})")
        self.seen[field] = new

    def check_current(self) -> None:
        """History never changes an issue: each field's last change must set the value the issue has now."""
        for field, value in self.seen.items():
            if field == "fix_versions":
                now: Any = frozenset(str(r[0]) for r in self.b.conn.execute(
                    "SELECT version_id FROM issue_versions WHERE issue_id = ? AND kind = 'fix'", (self.issue_id,)))
            else:
                current = self.row[_COLUMNS[field]]
                now = None if current is None else str(current)
            if now != value:
                raise _fail(f"{self.place}.history: the last change of {field} must set the issue's current "
                                   f"{field} (history never changes the issue)")


_TABLES = {"status": "statuses", "resolution": "resolutions", "priority": "priorities"}
_COLUMNS = {"status": "status_id", "resolution": "resolution_id", "priority": "priority_id", "assignee": "assignee_id",
            "reporter": "reporter_id"}


def _fail(message: str) -> Exception:
    """The builder's FixtureError (imported late: db.py imports this module)."""
    from jira_bench_tui.jira.db import FixtureError

    return FixtureError(message)


def write_history(builder: _Builder, issues: list[IssueSpec], keys: list[str]) -> None:
    """Insert the changelog of every issue that has `history` (issues and keys in fixture order). Raises FixtureError
    naming the place of a change that does not follow the one before, or does not end at the issue's values."""
    names = {field: dict(builder.conn.execute(f"SELECT id, name FROM {table}").fetchall())
             for field, table in (*_TABLES.items(), ("version", "versions"))}
    for index, spec in enumerate(issues):
        if spec.history:
            key = keys[index]
            place = f"issues[{index}] ({key})"
            _IssueHistory(builder, builder.issue_ids[key], key.rsplit("-", 1)[0], place, names).write(spec.history)
