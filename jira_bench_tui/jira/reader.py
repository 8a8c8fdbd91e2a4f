"""The backend-neutral read interface checks use: issues by key, JQL search, whole-state snapshots.

Two implementations share it: one over the embedded SQLite Jira and one over any MCP server's jira_search and
jira_get_issue tools (so the same checks run against a real Jira behind mcp-atlassian).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol, TypedDict

from jira_bench_tui.jira import db, render


class CommentRecord(TypedDict):
    id: str
    author: str | None  # display name
    body: str
    created: str


class LinkRecord(TypedDict):
    id: str
    type: str  # link type name, e.g. "Blocks"
    direction: str  # "outward": this issue <outward text> other ("WEB-1 blocks WEB-2"); "inward": the reverse
    other: str  # the other issue's key
    text: str  # the phrase as read from this issue: "blocks", "is blocked by"


class WorklogRecord(TypedDict):
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


class SqliteReader:
    """JiraReader over the embedded Jira's database file, read directly (fast; for checks after a trial)."""

    def __init__(self, db_path: Path | str, scope_jql: str | None = None) -> None:
        self.conn = db.connect(Path(db_path))
        self.scope_jql = scope_jql
        meta = db.read_meta(self.conn)
        self.site = render.Site(self.conn, meta.base_url.rstrip("/"), meta.current_user)

    def close(self) -> None:
        self.conn.close()

    async def get_issue(self, key: str) -> IssueRecord | None:
        row = render.issue_row_by_key(self.site, key.strip().upper())
        return None if row is None else self._record(row)

    async def search_keys(self, jql: str, limit: int = 1000) -> list[str]:
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
        marks = ",".join("?" * len(ids))
        keys = {r[0]: r[1] for r in self.conn.execute(f"SELECT id, key FROM issues WHERE id IN ({marks})", ids)}
        return [keys[i] for i in ids if i in keys]

    async def snapshot(self) -> dict[str, IssueRecord]:
        if self.scope_jql:
            keys = await self.search_keys(self.scope_jql, limit=1_000_000)
            records = [await self.get_issue(k) for k in keys]
            return {r["key"]: r for r in records if r is not None}
        rows = self.conn.execute(f"{render.ISSUE_SELECT} ORDER BY i.project_id, i.num").fetchall()
        return {row["key"]: self._record(row) for row in rows}

    def _record(self, row: sqlite3.Row) -> IssueRecord:
        site = self.site
        issue_id = row["id"]
        names = {r["id"]: r["name"] for r in render.custom_field_defs(site)}
        stored = json.loads(row["custom_fields"] or "{}")
        custom = {names.get(fid, fid): value for fid, value in sorted(stored.items())
                  if value is not None and names.get(fid, fid).lower() not in _DERIVED_CUSTOM}
        parent = None
        if row["parent_id"] is not None:
            parent = self.conn.execute("SELECT key FROM issues WHERE id = ?", (row["parent_id"],)).fetchone()[0]
        links: list[LinkRecord] = []
        for link in render.link_dicts(site, issue_id):
            links.append(_link_record(link))
        return IssueRecord(
            key=row["key"], project=row["project_key"], summary=row["summary"], description=row["description"] or None,
            issue_type=row["type_name"], status=row["status_name"], status_category=row["cat_key"],
            priority=row["priority_name"], resolution=row["resolution_name"], assignee=row["assignee_name"],
            assignee_email=row["assignee_email"], reporter=row["reporter_name"],
            labels=render.labels_of(site, issue_id), components=render.components_of(site, issue_id),
            fix_versions=render.versions_of(site, issue_id, "fix"),
            affects_versions=render.versions_of(site, issue_id, "affects"), parent=parent, due_date=row["due_date"],
            sprints=sorted(s["name"] for s in render.sprints_of(site, issue_id)), story_points=_story_points(custom),
            custom_fields=custom,
            comments=[CommentRecord(id=str(c["id"]), author=render.display_name_of(site, c["author_id"]),
                                    body=c["body"], created=_normal_time(c["created"]) or "")
                      for c in render.comment_rows(site, issue_id)],
            links=links,
            worklogs=[WorklogRecord(id=str(w["id"]), author=render.display_name_of(site, w["author_id"]),
                                    time_spent_seconds=w["time_spent_s"], comment=w["comment"],
                                    started=_normal_time(w["started"]) or "")
                      for w in render.worklog_rows(site, issue_id)],
            time_spent_seconds=row["time_spent_s"] or 0, created=_normal_time(row["created"]) or "",
            updated=_normal_time(row["updated"]) or "", resolved=_normal_time(row["resolution_date"]),
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
        return data

    async def search_keys(self, jql: str, limit: int = 1000) -> list[str]:
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
            worklogs=[WorklogRecord(id=str(w["id"]), author=w.get("author"),
                                    time_spent_seconds=int(w.get("time_spent_seconds") or 0), comment=w.get("comment"),
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
