"""What the tools that mcp-atlassian 0.23.1 passes straight to Jira Cloud REST share: Jira's 404 texts, the issue
lookup REST does (a key in any case, an id, or a key the issue had before a move), and the text an HTTP error
becomes in mcp-atlassian's answer (atlassian-python-api's `raise_for_status`: error messages, then the per-field
errors, one per line)."""

from __future__ import annotations

import sqlite3
from typing import Any

from jira_bench_tui.jira.issue_load import issue_row_by_key
from jira_bench_tui.jira.render import user_dict
from jira_bench_tui.jira.tools.common import JiraContext, ToolFailure

ISSUE_NOT_FOUND = "Issue does not exist or you do not have permission to see it."


def jira_error_text(messages: list[str] | None = None, errors: dict[str, str] | None = None) -> str:
    """The text of a Jira error body as mcp-atlassian shows it: `errorMessages` then `errors` values, joined by
    newlines (atlassian-python-api `AtlassianRestAPI.raise_for_status`)."""
    return "\n".join([*(messages or []), *(errors or {}).values()])


def find_issue(ctx: JiraContext, ref: str) -> sqlite3.Row | None:
    """The ISSUE_SELECT row Jira's `/issue/{issueIdOrKey}` resolves `ref` to (key in any case, numeric id, or the key
    an issue had before it moved), or None."""
    text = str(ref).strip().upper()
    if text.isdigit():
        found = ctx.conn.execute("SELECT key FROM issues WHERE id = ?", (int(text),)).fetchone()
        text = found[0] if found else ""
    elif text and ctx.conn.execute("SELECT 1 FROM issues WHERE key = ?", (text,)).fetchone() is None:
        moved = ctx.conn.execute("SELECT i.key FROM moved_keys m JOIN issues i ON i.id = m.issue_id "
                                 "WHERE m.old_key = ?", (text,)).fetchone()
        text = moved[0] if moved else text
    return issue_row_by_key(ctx.site, text) if text else None


def issue_or_404(ctx: JiraContext, ref: str) -> sqlite3.Row:
    """`find_issue`, or ToolFailure with Jira Cloud's 404 text (what mcp-atlassian reports for an unknown issue)."""
    row = find_issue(ctx, ref)
    if row is None:
        raise ToolFailure(ISSUE_NOT_FOUND)
    return row


def project_row(ctx: JiraContext, ref: str) -> sqlite3.Row | None:
    """The project with this key (any case) or id, or None."""
    text = str(ref).strip()
    row: sqlite3.Row | None = ctx.conn.execute(
        "SELECT * FROM projects WHERE key = ? COLLATE NOCASE OR CAST(id AS TEXT) = ?", (text, text)).fetchone()
    return row


def simple_user(ctx: JiraContext, row: sqlite3.Row) -> dict[str, Any]:
    """mcp-atlassian's simplified user (`JiraUser.to_simplified_dict`) of a users row."""
    return user_dict(ctx.base_url, row["account_id"], row["display_name"], row["email"])
