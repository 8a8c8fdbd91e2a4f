"""Watcher tools: list an issue's watchers, add one, remove one (mcp-atlassian 0.23.1's `WatchersMixin` over Jira
Cloud's `/issue/{key}/watchers`). Cloud takes account ids only, so an email or a name is an unknown account."""

from __future__ import annotations

from typing import Any

from jira_bench_tui.jira.issue_extras import (
    add_watcher,
    remove_watcher,
    unknown_account,
    user_by_account,
    watcher_rows,
)
from jira_bench_tui.jira.tools.common import ISSUE_KEY_PATTERN, JiraContext, ToolDef, ToolFailure, param
from jira_bench_tui.jira.tools.rest_like import issue_or_404, simple_user


def get_watchers(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_issue_watchers`: {"issue_key", "watcher_count", "is_watching", "watchers": [simplified users]}
    (by display name; `is_watching` is the current user's). ToolFailure with Jira's 404 text for an unknown issue."""
    issue = issue_or_404(ctx, args["issue_key"])
    rows = watcher_rows(ctx.conn, issue["id"])
    return {"issue_key": args["issue_key"], "watcher_count": len(rows),
            "is_watching": any(r["account_id"] == ctx.current_user for r in rows),
            "watchers": [simple_user(ctx, r) for r in rows]}


def add_watcher_tool(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_add_watcher`: the user (an account id) watches the issue; {"success", "message", "issue_key", "user"}.
    ToolFailure with Jira's texts for an unknown issue or account id."""
    issue = issue_or_404(ctx, args["issue_key"])
    ident = args["user_identifier"]
    user = user_by_account(ctx.conn, ident)
    if user is None:
        raise ToolFailure(unknown_account(ident))
    add_watcher(ctx.conn, issue["id"], user["account_id"])
    return {"success": True, "message": f"User '{ident}' added as watcher to {args['issue_key']}",
            "issue_key": args["issue_key"], "user": ident}


def remove_watcher_tool(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_remove_watcher`: the user stops watching; {"success", "message", "issue_key", "user"}. On Cloud
    0.23.1 sends only `account_id` (a `username` alone reaches Jira as the account id 'None'); ToolFailure when
    neither is given, for an unknown issue or account."""
    username, account = args.get("username"), args.get("account_id")
    if not username and not account:
        raise ToolFailure("Either username or account_id must be provided")
    issue = issue_or_404(ctx, args["issue_key"])
    user = user_by_account(ctx.conn, account)
    if user is None:
        raise ToolFailure(unknown_account(account))
    remove_watcher(ctx.conn, issue["id"], user["account_id"])
    shown = account or username
    return {"success": True, "message": f"User '{shown}' removed from watching {args['issue_key']}",
            "issue_key": args["issue_key"], "user": shown}


ISSUE_KEY = param("string", "The issue's key, e.g. 'PROJ-123'.", pattern=ISSUE_KEY_PATTERN)
TOOLS = [
    ToolDef("jira_get_issue_watchers",
            "List who watches an issue (gets its notifications), with the count and whether you watch it. "
            "Example: issue_key='PROJ-7'.", {"issue_key": ISSUE_KEY}, get_watchers, read_only=True),
    ToolDef("jira_add_watcher",
            "Make a user watch an issue. Jira Cloud takes the user's account id (jira_get_user_profile or "
            "jira_search_assignable_users give it). Example: issue_key='PROJ-7', user_identifier='5b10ac8d82e05b22'.",
            {"issue_key": ISSUE_KEY,
             "user_identifier": param("string", "The account id of the user who should watch the issue.")},
            add_watcher_tool, read_only=False),
    ToolDef("jira_remove_watcher",
            "Stop a user watching an issue. On Jira Cloud pass account_id. Example: issue_key='PROJ-7', "
            "account_id='5b10ac8d82e05b22'.",
            {"issue_key": ISSUE_KEY,
             "username": param("string", "A username (Jira Server/Data Center only; Cloud needs account_id).", None),
             "account_id": param("string", "The account id of the watcher to remove.", None)},
            remove_watcher_tool, read_only=False, destructive=True),
]
