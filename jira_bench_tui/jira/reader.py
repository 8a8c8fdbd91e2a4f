"""The backend-neutral read interface checks use: issues by key, JQL search, whole-state snapshots.

Two implementations share it: one over the embedded SQLite Jira and one over any MCP server's jira_search and
jira_get_issue tools (so the same checks run against a real Jira behind mcp-atlassian).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Awaitable, Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, TypedDict, TypeVar

from jira_bench_tui.jira import db, render, write_tracking
from jira_bench_tui.jira.issue_load import ISSUE_JOINS

_T = TypeVar("_T")


class CommentRecord(TypedDict):
    """A comment of an IssueRecord: author by display name, `created` as 2026-11-20T09:30:00.000+0000 (to the
    second)."""

    id: str
    author: str | None  # display name
    body: str
    created: str


class LinkRecord(TypedDict):
    """A link of an IssueRecord, as read from that issue (`text` "blocks" or "is blocked by")."""

    id: str
    type: str  # link type name, e.g. "Blocks"
    direction: str  # "outward": this issue <outward text> other ("WEB-1 blocks WEB-2"); "inward": the reverse
    other: str  # the other issue's key
    text: str  # the phrase as read from this issue: "blocks", "is blocked by"


class WorklogRecord(TypedDict):
    """A worklog of an IssueRecord: author by display name, seconds spent, `started` as CommentRecord.created."""

    id: str
    author: str | None
    time_spent_seconds: int
    comment: str | None
    started: str


class IssueRecord(TypedDict):
    """One issue, normalised. Names, not ids; lists sorted; None for empty. JSON-serialisable."""

    key: str
    project: str
    summary: str
    description: str | None
    issue_type: str
    status: str
    status_category: str  # "new" | "indeterminate" | "done"
    priority: str | None
    resolution: str | None
    assignee: str | None  # display name
    assignee_email: str | None
    reporter: str | None
    labels: list[str]
    components: list[str]
    fix_versions: list[str]
    affects_versions: list[str]
    parent: str | None  # key of the parent (sub-task) or epic
    due_date: str | None
    sprints: list[str]  # sprint names
    story_points: float | None
    custom_fields: dict[str, Any]  # by field name
    comments: list[CommentRecord]
    links: list[LinkRecord]
    worklogs: list[WorklogRecord]
    time_spent_seconds: int
    created: str
    updated: str
    resolved: str | None


class JiraReadError(Exception):
    """A read failed: bad JQL, an unreachable server. The message is fit to show a user."""


class JiraReader(Protocol):
    """What checks may ask of a Jira. Every method is read-only."""

    async def get_issue(self, key: str) -> IssueRecord | None:
        """The issue with this key, or None when it does not exist."""
        ...

    async def search_keys(self, jql: str, limit: int = 1000) -> list[str]:
        """Keys of the issues matching `jql`, in the query's order. Raises JiraReadError on a bad query."""
        ...

    async def snapshot(self) -> dict[str, IssueRecord]:
        """Every issue in scope by key, for before/after diffs ("nothing else changed", the changes a trial made)."""
        ...


# ---- implementations ---------------------------------------------------------------------------------------------
# (below the interface so its Protocol and records stay as they are)


_CATEGORY_BY_NAME = {"to do": "new", "in progress": "indeterminate", "done": "done"}
_CATEGORY_BY_COLOR = {"blue-gray": "new", "medium-gray": "new", "yellow": "indeterminate", "green": "done"}
_STORY_POINT_NAMES = ("story point estimate", "story points")
_DERIVED_CUSTOM = ("sprint", "epic link")
# Jira Cloud's usual ids, for servers whose custom-field entries carry only {"value"} (mcp-atlassian 0.23.1)
_USUAL_CUSTOM_NAMES = {"customfield_10016": "Story point estimate", "customfield_10020": "Sprint",
                       "customfield_10014": "Epic Link"}


@lru_cache(maxsize=4096)
def _normal_time(text: str | None) -> str | None:
    """Any timestamp form the tools show, as 2026-11-20T09:30:00.000+0000 (to the second), so records compare."""
    if not text:
        return None
    value = text.strip()
    if value.endswith(" UTC"):
        value = value[:-4] + "+00:00"
    return render.stored_time(render.parse_time(value).replace(microsecond=0))


def _story_points(custom: dict[str, Any]) -> float | None:
    for name in _STORY_POINT_NAMES:
        for key, value in custom.items():
            if key.lower() == name and isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
    return None


# The issue columns a record needs, by position (plain tuples read faster than sqlite3.Row by name)
_RECORD_SELECT = f"""
SELECT i.id, i.key, p.key, i.summary, i.description, t.name, s.name, sc.key, pr.name, r.name,
  a.display_name, a.email, rp.display_name, i.parent_id, i.due_date, i.custom_fields, i.time_spent_s,
  i.created, i.updated, i.resolution_date
{ISSUE_JOINS}"""
# A scope of up to this many issues is read with `IN (ids)`; a larger one reads every row and filters in Python
# (SQLite limits the number of bound parameters).
_MAX_BOUND_IDS = 500


class SqliteReader:
    """JiraReader over the embedded Jira's database file, read directly (fast; for checks after a trial).

    Records are built in batches: one query per table for all the issues asked for, grouped in Python. Use it as a
    context manager (`with SqliteReader(path) as reader:`) or call close()."""

    def __init__(self, db_path: Path | str | None = None, scope_jql: str | None = None, *,
                 conn: sqlite3.Connection | None = None) -> None:
        if conn is None and db_path is None:
            raise TypeError("SqliteReader needs a database path or an open connection")
        self._owns_conn = conn is None
        self.conn = db.connect(Path(str(db_path))) if conn is None else conn
        try:
            self.scope_jql = scope_jql
            meta = db.read_meta(self.conn)
            self.site = render.Site(self.conn, meta.base_url.rstrip("/"), meta.current_user)
        except BaseException:
            if self._owns_conn:
                self.conn.close()
            raise
        self._closed = False
        self._lock = threading.RLock()  # the connection is used from worker threads, one at a time

    def close(self) -> None:
        """Close the database connection (safe to call twice; a connection given to the constructor is left open:
        its owner closes it)."""
        if not self._closed:
            self._closed = True
            if self._owns_conn:
                self.conn.close()

    def __enter__(self) -> SqliteReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self) -> SqliteReader:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.close()

    async def _off_loop(self, function: Callable[..., _T], *args: Any) -> _T:
        """Run a blocking read in a worker thread (never two at once on this connection), off the event loop."""

        def locked() -> _T:
            with self._lock:
                return function(*args)

        return await asyncio.to_thread(locked)

    async def get_issue(self, key: str) -> IssueRecord | None:
        """The record of the issue with this key (any case), or None; read straight from the database."""
        return await self._off_loop(self.get_issue_now, key)

    def get_issue_now(self, key: str) -> IssueRecord | None:
        """get_issue, blocking (for a caller already off the event loop)."""
        row = self._rows(f"{_RECORD_SELECT} WHERE i.key = ?", [key.strip().upper()]).fetchone()
        return None if row is None else _RecordBatch(self.conn, [row[0]]).record(row)

    def records_by_id(self, issue_ids: list[int]) -> dict[int, IssueRecord]:
        """The records of these issues (the ones that exist) by issue id, read in batches; blocking."""
        with self._lock:
            return read_records(self.conn, issue_ids)

    def written_records(self) -> tuple[list[int], dict[int, IssueRecord]]:
        """The ids of the issues written since the database was built (`write_tracking`) and the records of those
        that exist now; blocking."""
        with self._lock:
            ids = write_tracking.written_issue_ids(self.conn)
            return ids, read_records(self.conn, ids)

    def _rows(self, sql: str, params: list[Any]) -> sqlite3.Cursor:
        cursor = self.conn.cursor()
        cursor.row_factory = None
        return cursor.execute(sql, params)

    async def search_keys(self, jql: str, limit: int = 1000) -> list[str]:
        """Keys of the issues matching `jql` in the query's order, at most `limit`, through the embedded JQL
        (jql.search). Raises JiraReadError with Jira's message for a query Jira would refuse."""
        return await self._off_loop(self.search_keys_now, jql, limit)

    def search_keys_now(self, jql: str, limit: int = 1000) -> list[str]:
        """search_keys, blocking."""
        from jira_bench_tui.jira.jql import (  # imported late: the checks module imports this one
            JqlError,
            search,
        )

        try:
            ids, _ = search(self.conn, jql, limit=limit)
        except JqlError as exc:
            raise JiraReadError(str(exc)) from exc
        if not ids:
            return []
        if len(ids) <= _MAX_BOUND_IDS:
            rows = self._rows(f"SELECT id, key FROM issues WHERE id IN ({','.join('?' * len(ids))})", ids)
        else:
            rows = self._rows("SELECT id, key FROM issues", [])
        keys = dict(rows.fetchall())
        return [keys[i] for i in ids if i in keys]

    async def snapshot(self) -> dict[str, IssueRecord]:
        """Every issue by key: those `scope_jql` matches (in its order), else all, by project and number."""
        return await self._off_loop(self.snapshot_now)

    def snapshot_now(self) -> dict[str, IssueRecord]:
        """snapshot, blocking."""
        if self.scope_jql:
            keys = self.search_keys_now(self.scope_jql, limit=1_000_000)
            if not keys:
                return {}
            if len(keys) <= _MAX_BOUND_IDS:
                rows = self._rows(f"{_RECORD_SELECT} WHERE i.key IN ({','.join('?' * len(keys))})", keys).fetchall()
            else:
                rows = self._rows(_RECORD_SELECT, []).fetchall()
            wanted = set(keys)
            rows_by_key = {row[1]: row for row in rows if row[1] in wanted}
            batch = _RecordBatch(self.conn, [row[0] for row in rows_by_key.values()])
            return {key: batch.record(rows_by_key[key]) for key in keys if key in rows_by_key}
        rows = self._rows(f"{_RECORD_SELECT} ORDER BY i.project_id, i.num", []).fetchall()
        batch = _RecordBatch(self.conn, None)
        return {row[1]: batch.record(row) for row in rows}


def read_records(conn: sqlite3.Connection, issue_ids: list[int]) -> dict[int, IssueRecord]:
    """The records of these issues (the ones that exist) by issue id: a few queries per 500 issues; blocking."""
    cursor = conn.cursor()
    cursor.row_factory = None
    result: dict[int, IssueRecord] = {}
    for start in range(0, len(issue_ids), _MAX_BOUND_IDS):
        chunk = issue_ids[start:start + _MAX_BOUND_IDS]
        rows = cursor.execute(f"{_RECORD_SELECT} WHERE i.id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
        if rows:
            batch = _RecordBatch(conn, [row[0] for row in rows])
            result.update((row[0], batch.record(row)) for row in rows)
    return result


def _grouped(rows: Any, wanted: set[int] | None) -> dict[int, list[Any]]:
    """Rows whose first column is an issue id, grouped by it (order kept), only the wanted ids when given."""
    groups: dict[int, list[Any]] = {}
    for row in rows:
        if wanted is None or row[0] in wanted:
            groups.setdefault(row[0], []).append(row)
    return groups


class _RecordBatch:
    """Everything IssueRecords need besides the issue row, read with one query per table for a set of issues
    (None: every issue). The same orderings as the tools use, so records match McpReader's."""

    def __init__(self, conn: sqlite3.Connection, issue_ids: list[int] | None) -> None:
        wanted = None if issue_ids is None else set(issue_ids)
        bound = issue_ids is not None and len(issue_ids) <= _MAX_BOUND_IDS
        marks = ",".join("?" * len(issue_ids)) if bound and issue_ids else ""
        params: list[int] = list(issue_ids) if bound and issue_ids else []

        cursor = conn.cursor()
        cursor.row_factory = None  # plain tuples

        def rows(sql: str, column: str, order: str) -> dict[int, list[Any]]:
            where = f" WHERE {column} IN ({marks})" if bound else ""
            return _grouped(cursor.execute(f"{sql}{where} ORDER BY {order}", params).fetchall(), wanted)

        self.custom_names = {r[0]: r[1] for r in cursor.execute("SELECT id, name FROM fields WHERE custom = 1")}
        self.users = {r[0]: r[1] for r in cursor.execute("SELECT account_id, display_name FROM users")}
        self._conn = conn
        # every key up front for a whole snapshot; looked up one by one (parents, link ends) for a few issues
        self.keys: dict[int, str] = {} if bound else {r[0]: r[1] for r in cursor.execute("SELECT id, key FROM issues")}
        self.labels = rows("SELECT issue_id, label FROM issue_labels", "issue_id", "issue_id, label")
        self.components = rows("SELECT ic.issue_id, c.name FROM issue_components ic "
                               "JOIN components c ON c.id = ic.component_id", "ic.issue_id", "ic.issue_id, c.name")
        self.versions = rows("SELECT iv.issue_id, v.name, iv.kind FROM issue_versions iv "
                             "JOIN versions v ON v.id = iv.version_id", "iv.issue_id", "iv.issue_id, v.name")
        self.sprints = rows("SELECT si.issue_id, s.name FROM sprint_issues si JOIN sprints s ON s.id = si.sprint_id",
                            "si.issue_id", "si.issue_id")
        self.comments = rows("SELECT issue_id, id, author_id, body, created FROM comments", "issue_id",
                             "issue_id, created, id")
        self.worklogs = rows("SELECT issue_id, id, author_id, time_spent_s, comment, started FROM worklogs",
                             "issue_id", "issue_id, started, id")
        self.links: dict[int, list[LinkRecord]] = {}
        link_sql = ("SELECT l.id, l.inward_issue_id, l.outward_issue_id, lt.name, lt.inward, lt.outward "
                    "FROM issue_links l JOIN link_types lt ON lt.id = l.link_type_id")
        link_params: list[int] = []
        if bound:
            link_sql += f" WHERE l.inward_issue_id IN ({marks}) OR l.outward_issue_id IN ({marks})"
            link_params = params + params
        for link_id, inward_id, outward_id, name, inward_text, outward_text in cursor.execute(
                f"{link_sql} ORDER BY l.id", link_params).fetchall():
            # the inward issue reads "<outward text> other"; the outward issue reads "<inward text> other"
            if wanted is None or inward_id in wanted:
                self.links.setdefault(inward_id, []).append(LinkRecord(
                    id=str(link_id), type=name, direction="outward", other=self._key(outward_id), text=outward_text))
            if outward_id != inward_id and (wanted is None or outward_id in wanted):
                self.links.setdefault(outward_id, []).append(LinkRecord(
                    id=str(link_id), type=name, direction="inward", other=self._key(inward_id), text=inward_text))

    def _key(self, issue_id: int) -> str:
        key = self.keys.get(issue_id)
        if key is None:
            key = self.keys[issue_id] = self._conn.execute("SELECT key FROM issues WHERE id = ?",
                                                             (issue_id,)).fetchone()[0]
        return key

    def _name_of(self, account_id: str | None) -> str | None:
        return None if not account_id else self.users.get(account_id, account_id)

    def record(self, row: tuple[Any, ...]) -> IssueRecord:
        """The record of one row of _RECORD_SELECT."""
        (issue_id, key, project, summary, description, type_name, status, category, priority, resolution,
         assignee, assignee_email, reporter, parent_id, due_date, custom_json, time_spent, created, updated,
         resolved) = row
        names = self.custom_names
        custom: dict[str, Any] = {}
        if custom_json and custom_json != "{}":
            custom = {names.get(fid, fid): value for fid, value in sorted(json.loads(custom_json).items())
                      if value is not None and names.get(fid, fid).lower() not in _DERIVED_CUSTOM}
        versions = self.versions.get(issue_id, ())
        name_of = self._name_of
        return IssueRecord(
            key=key, project=project, summary=summary, description=description or None,
            issue_type=type_name, status=status, status_category=category,
            priority=priority, resolution=resolution, assignee=assignee,
            assignee_email=assignee_email, reporter=reporter,
            labels=[r[1] for r in self.labels.get(issue_id, ())],
            # sorted as McpReader sorts (code points), not as SQLite's NOCASE names would ("Offline Sync" < "iOS")
            components=sorted(r[1] for r in self.components.get(issue_id, ())),
            fix_versions=sorted(r[1] for r in versions if r[2] == "fix"),
            affects_versions=sorted(r[1] for r in versions if r[2] == "affects"),
            parent=None if parent_id is None else self._key(parent_id), due_date=due_date,
            sprints=sorted(r[1] for r in self.sprints.get(issue_id, ())), story_points=_story_points(custom),
            custom_fields=custom,
            comments=[CommentRecord(id=str(c[1]), author=name_of(c[2]), body=c[3], created=_normal_time(c[4]) or "")
                      for c in self.comments.get(issue_id, ())],
            links=list(self.links.get(issue_id, ())),
            worklogs=[WorklogRecord(id=str(w[1]), author=name_of(w[2]), time_spent_seconds=w[3], comment=w[4],
                                    started=_normal_time(w[5]) or "")
                      for w in self.worklogs.get(issue_id, ())],
            time_spent_seconds=time_spent or 0, created=_normal_time(created) or "",
            updated=_normal_time(updated) or "", resolved=_normal_time(resolved),
        )


def _link_record(link: dict[str, Any]) -> LinkRecord:
    outward = "outward_issue" in link
    other = link["outward_issue"] if outward else link["inward_issue"]
    link_type = link["type"]
    return LinkRecord(id=str(link["id"]), type=link_type["name"], direction="outward" if outward else "inward",
                      other=other["key"], text=link_type["outward"] if outward else link_type["inward"])


CallTool = Callable[[str, dict[str, Any]], Awaitable[tuple[str, bool]]]
_PAGE = 50


class McpReader:
    """JiraReader through any Jira MCP server in mcp-atlassian's dialect, using only its read tools
    (jira_search, jira_get_issue, jira_get_worklog, and jira_get_all_projects for the default scope)."""

    def __init__(self, call_tool: CallTool, scope_jql: str | None = None) -> None:
        self.call_tool = call_tool
        self.scope_jql = scope_jql

    async def _call(self, tool: str, arguments: dict[str, Any]) -> tuple[Any, str | None]:
        text, is_error = await self.call_tool(tool, arguments)
        if is_error:
            return None, text.split(": ", 1)[1] if text.startswith("Error calling tool") and ": " in text else text
        try:
            return json.loads(text), None
        except json.JSONDecodeError as exc:
            raise JiraReadError(f"{tool} returned something that is not JSON: {text[:200]!r}") from exc

    async def get_issue(self, key: str) -> IssueRecord | None:
        """The record of the issue with this key, from jira_get_issue (fields '*all', 100 comments) and
        jira_get_worklog; None when the server says the issue does not exist, JiraReadError for any other
        failure."""
        data, error = await self._call("jira_get_issue", {"issue_key": key.strip().upper(), "fields": "*all",
                                                          "comment_limit": 100, "include": "comments"})
        if error is not None:
            if "not found" in error.lower() or "does not exist" in error.lower() or "invalid issue_key" in error.lower():
                return None
            raise JiraReadError(error)
        logs, error = await self._call("jira_get_worklog", {"issue_key": data["key"]})
        if error is not None:
            raise JiraReadError(error)
        return self._record(data, logs.get("worklogs", []) if isinstance(logs, dict) else [])

    async def _search_page(self, jql: str, start_at: int, token: str | None) -> dict[str, Any]:
        arguments: dict[str, Any] = {"jql": jql, "fields": "summary", "limit": _PAGE, "start_at": start_at}
        if token:
            arguments["page_token"] = token
        data, error = await self._call("jira_search", arguments)
        if error is not None:
            raise JiraReadError(error)
        page: dict[str, Any] = data
        return page

    async def search_keys(self, jql: str, limit: int = 1000) -> list[str]:
        """Keys of the issues matching `jql`, paging jira_search 50 at a time (start_at and next_page_token, so
        servers with either paging work); at most `limit`. Raises JiraReadError with the server's message."""
        keys: list[str] = []
        start_at, token = 0, None
        while len(keys) < limit:
            page = await self._search_page(jql, start_at, token)
            issues = page.get("issues", [])
            keys += [issue["key"] for issue in issues]
            token = page.get("next_page_token")
            if not issues or (not token and len(issues) < _PAGE):
                break
            start_at += len(issues)
        return keys[:limit]

    async def _scope(self) -> str:
        if self.scope_jql:
            return self.scope_jql
        data, error = await self._call("jira_get_all_projects", {})
        if error is not None or not isinstance(data, list):
            raise JiraReadError(error or "jira_get_all_projects did not return a list of projects")
        keys = [p["key"] for p in data]
        if not keys:
            return "project = NONE"
        return f"project in ({', '.join(keys)}) ORDER BY key ASC"

    async def snapshot(self) -> dict[str, IssueRecord]:
        """Every issue in scope by key, one jira_get_issue each: `scope_jql`, else every project
        jira_get_all_projects lists."""
        scope = await self._scope()
        result: dict[str, IssueRecord] = {}
        for key in await self.search_keys(scope, limit=1_000_000):
            record = await self.get_issue(key)
            if record is not None:
                result[record["key"]] = record
        return result

    @staticmethod
    def _record(issue: dict[str, Any], worklogs: list[dict[str, Any]]) -> IssueRecord:
        status = issue.get("status") or {}
        category = _CATEGORY_BY_NAME.get(str(status.get("category", "")).lower()) or _CATEGORY_BY_COLOR.get(
            str(status.get("color", "")).lower(), "new")
        assignee = issue.get("assignee") or {}
        has_assignee = bool(assignee.get("account_id"))
        custom: dict[str, Any] = {}
        sprints: list[str] = []
        for field_id, entry in issue.items():
            if not field_id.startswith("customfield_") or not isinstance(entry, dict):
                continue
            name = entry.get("name") or _USUAL_CUSTOM_NAMES.get(field_id, field_id)
            value = entry.get("value")
            if name.lower() == "sprint" or field_id == "customfield_10020":
                sprints = sorted(s["name"] for s in value or [] if isinstance(s, dict))
            elif value is not None and name.lower() not in _DERIVED_CUSTOM:
                custom[name] = value
        custom = dict(sorted(custom.items(), key=lambda kv: _custom_order(issue, kv[0])))
        tracking = issue.get("timetracking") or {}
        return IssueRecord(
            key=issue["key"], project=(issue.get("project") or {}).get("key") or issue["key"].rsplit("-", 1)[0],
            summary=issue.get("summary", ""), description=issue.get("description") or None,
            issue_type=(issue.get("issue_type") or {}).get("name", ""), status=status.get("name", ""),
            status_category=category, priority=(issue.get("priority") or {}).get("name"),
            resolution=(issue.get("resolution") or {}).get("name"),
            assignee=assignee.get("display_name") if has_assignee else None,
            assignee_email=assignee.get("email") if has_assignee else None,
            reporter=(issue.get("reporter") or {}).get("display_name"),
            labels=sorted(issue.get("labels") or []), components=sorted(issue.get("components") or []),
            fix_versions=sorted(issue.get("fix_versions") or []), affects_versions=sorted(issue.get("versions") or []),
            parent=(issue.get("parent") or {}).get("key"), due_date=issue.get("duedate"), sprints=sprints,
            story_points=_story_points(custom), custom_fields=custom,
            comments=[CommentRecord(id=str(c["id"]), author=(c.get("author") or {}).get("display_name"),
                                    body=c.get("body", ""), created=_normal_time(c.get("created")) or "")
                      for c in issue.get("comments") or []],
            links=sorted((_link_record(link) for link in issue.get("issuelinks") or []), key=lambda r: int(r["id"])
                         if r["id"].isdigit() else 0),
            worklogs=[WorklogRecord(id=str(w["id"]), author=w.get("author"),  # no comment reads "" over MCP
                                    time_spent_seconds=int(w.get("time_spent_seconds") or 0),
                                    comment=w.get("comment") or None,
                                    started=_normal_time(w.get("started")) or "") for w in worklogs],
            time_spent_seconds=int(tracking.get("time_spent_seconds") or 0),
            created=_normal_time(issue.get("created")) or "", updated=_normal_time(issue.get("updated")) or "",
            resolved=_normal_time(issue.get("resolutiondate")),
        )


def _custom_order(issue: dict[str, Any], name: str) -> str:
    for field_id, entry in issue.items():
        if field_id.startswith("customfield_") and isinstance(entry, dict) and entry.get("name") == name:
            return field_id
    return name
