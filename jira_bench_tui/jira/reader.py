"""The backend-neutral read interface checks use: issues by key, JQL search, whole-state snapshots.

Two implementations share it: one over the embedded SQLite Jira and one over any MCP server's jira_search and
jira_get_issue tools (so the same checks run against a real Jira behind mcp-atlassian).
"""

from __future__ import annotations

from typing import Any, Protocol, TypedDict


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
