"""Board issues tool: a board's issues narrowed by JQL (mcp-atlassian 0.23.1's `get_board_issues`, Jira Software's
`GET /rest/agile/1.0/board/{id}/issue`), with the agile API's real `total`."""

from __future__ import annotations

import json
from typing import Any

from jira_bench_tui.jira.issue_load import issue_rows
from jira_bench_tui.jira.jql import JqlError, search
from jira_bench_tui.jira.jql_scope import scoped
from jira_bench_tui.jira.render import DEFAULT_FIELDS, FieldSelection
from jira_bench_tui.jira.tools.common import JiraContext, ToolDef, ToolFailure, param

BOARD_NOT_FOUND = "Board does not exist or you do not have permission to see it."


def _refused(message: str) -> ToolFailure:
    """0.23.1's text for a refused board query: the HTTP body as Python prints bytes (`str(response.content)`)."""
    body = json.dumps({"errorMessages": [message], "errors": {}}, separators=(",", ":")).encode()
    return ToolFailure(f"Error searching issues for board with JQL: {body!r}")


def board_issues(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_board_issues`: {"total", "start_at", "max_results", "issues"} of the board filter's issues AND
    `jql` (its ORDER BY, else Rank), with the `fields` asked for. ToolFailure for an unknown board or a bad query, in
    0.23.1's words around Jira's error body."""
    board = ctx.conn.execute("SELECT * FROM boards WHERE CAST(id AS TEXT) = ?", (str(args["board_id"]).strip(),)
                             ).fetchone()
    if board is None:
        raise _refused(BOARD_NOT_FOUND)
    start, limit = args.get("start_at", 0), args.get("limit", 10)
    try:
        ids, total = search(ctx.conn, scoped(board["filter_jql"] or "", args["jql"]), start_at=start, limit=limit)
    except JqlError as error:
        raise _refused(str(error)) from None
    rows = issue_rows(ctx.site, ids)
    sel = FieldSelection.parse(args.get("fields") or DEFAULT_FIELDS, api="agile", expand=args.get("expand"))
    return {"total": total, "start_at": start, "max_results": limit,
            "issues": [ctx.shape(rows[i], sel, "v2_raw") for i in ids if i in rows]}


TOOLS = [
    ToolDef("jira_get_board_issues",
            "Issues on an agile board that match a JQL query, with the total count. Example: board_id='1', "
            "jql='status != Done ORDER BY priority DESC', fields='summary,status,assignee', limit=20.",
            {"board_id": param("string", "The board's id (jira_get_agile_boards lists boards)."),
             "jql": param("string", "JQL that narrows the board's issues, e.g. \"assignee = currentUser()\"."),
             "fields": param("string", "Comma-separated fields to show, or '*all'.", DEFAULT_FIELDS),
             "start_at": param("integer", "Index of the first issue (0-based).", 0, minimum=0),
             "limit": param("integer", "At most this many issues (1-50).", 10, minimum=1, maximum=50),
             "expand": param("string", "Jira expand options, e.g. 'changelog' (adds each issue's history).", "version")},
            board_issues, read_only=True),
]
