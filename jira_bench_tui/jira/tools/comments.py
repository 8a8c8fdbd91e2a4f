"""Comment tools: add a comment to an issue and edit one, authored by the current user, now."""

from __future__ import annotations

import json
from typing import Any

from jira_bench_tui.jira.issue_load import display_name_of
from jira_bench_tui.jira.mcpa_text import shown_text
from jira_bench_tui.jira.render import python_time
from jira_bench_tui.jira.tools.common import (
    ISSUE_KEY,
    JiraContext,
    JiraError,
    ToolDef,
    ToolFailure,
    param,
)
from jira_bench_tui.jira.tools.products import no_service_desk


def _visibility(value: Any) -> str | None:
    """The stored visibility JSON of a `visibility` parameter, read as servers/jira.py's `_parse_visibility`
    does: empty or JSON null is none; not JSON or not an object fails with its message."""
    if value is None or not str(value).strip():
        return None
    example = '{"type":"group","value":"jira-users"}'
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as exc:
        raise ToolFailure(f"visibility must be a valid JSON object, e.g. {example}; got error: {exc}") from exc
    if parsed is None:
        return None
    if not isinstance(parsed, dict):
        raise ToolFailure(f"visibility must be a valid JSON object, e.g. {example}")
    if parsed.get("type") not in ("group", "role") or not parsed.get("value"):
        raise ToolFailure('visibility must be {"type": "group" or "role", "value": "<name>"}.')
    return json.dumps({"type": parsed["type"], "value": parsed["value"]})


def _answered(ctx: JiraContext, body: str) -> str | None:
    """A written comment body as 0.23.1's add_comment/edit_comment show it (ADF from REST v3, flattened, cleaned)."""
    return shown_text(body, ctx.text_path("v3_clean"), ctx.base_url)


def insert_comment(ctx: JiraContext, issue_id: int, body: str, visibility: str | None) -> int:
    """Add a comment by the current user, now, and bump the issue's `updated`; its id (ids start at 10000).
    ToolFailure for an empty body. `visibility` is the stored JSON ({"type": "group", "value": ...}) or None."""
    if not isinstance(body, str) or not body.strip():
        raise JiraError("Comment body can not be empty!", hint="(pass the comment text, Markdown, in body.)")
    cur = ctx.conn.execute(
        "INSERT INTO comments(id, issue_id, author_id, body, visibility, created, updated, update_author_id) "
        "VALUES ((SELECT MAX(COALESCE(MAX(id) + 1, 10000), 10000) FROM comments), ?, ?, ?, ?, ?, ?, ?)",
        (issue_id, ctx.current_user, body, visibility, ctx.now_stored, ctx.now_stored, ctx.current_user))
    ctx.touch(issue_id)
    return int(cur.lastrowid or 0)


def add_comment(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_add_comment`: {"id", "body", "created", "author"} of the new comment (author by display name, created
    as Python prints a datetime), as mcp-atlassian 0.23.1 answers: the body as it reads back the ADF Jira Cloud
    answers with (`mcpa_text`, "v3_clean"). public=true goes to the ServiceDesk API (jira/comments.py
    `_add_servicedesk_comment`), which this site has not: "Error adding ServiceDesk comment to KEY: null for uri:
    ..."."""
    visibility = _visibility(args.get("visibility"))
    if args.get("public"):  # 0.23.1 takes a bare false as not given (no internal-only projects here)
        if visibility is not None:
            raise ToolFailure("Cannot use both 'public' and 'visibility'. 'public' uses the ServiceDesk API which "
                              "does not support Jira visibility restrictions.")
        failure = no_service_desk(f"request/{args['issue_key']}/comment")
        raise ToolFailure(f"Error adding ServiceDesk comment to {args['issue_key']}: {failure}",
                          hint="(public is for Jira Service Management requests only; leave it out.)")
    row = ctx.issue(args["issue_key"])
    comment_id = insert_comment(ctx, row["id"], args["body"], visibility)
    return {"id": str(comment_id), "body": _answered(ctx, args["body"]), "created": python_time(ctx.now_stored),
            "author": display_name_of(ctx.site, ctx.current_user)}


def edit_comment(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_edit_comment`: replace a comment's body (and visibility when given); {"id", "body", "updated",
    "author"}, the body as add_comment shows it, `author` the display name of the comment's original author
    (jira/comments.py `edit_comment` reads it from Jira's answer; "Unknown" when it has none). ToolFailure for a comment that is not on the issue, or an empty
    body."""
    new_visibility = _visibility(args.get("visibility"))
    row = ctx.issue(args["issue_key"])
    comment = ctx.conn.execute("SELECT * FROM comments WHERE CAST(id AS TEXT) = ? AND issue_id = ?",
                               (str(args["comment_id"]).strip(), row["id"])).fetchone()
    if comment is None:
        raise JiraError(f"Can not find a comment for the id: {args['comment_id']}.",
                        hint=f"(jira_get_issue shows the comments of {row['key']} with their ids.)")
    if not isinstance(args["body"], str) or not args["body"].strip():
        raise JiraError("Comment body can not be empty!", hint="(pass the new comment text, Markdown, in body.)")
    visibility = new_visibility or comment["visibility"]
    ctx.conn.execute("UPDATE comments SET body = ?, visibility = ?, updated = ?, update_author_id = ? WHERE id = ?",
                     (args["body"], visibility, ctx.now_stored, ctx.current_user, comment["id"]))
    ctx.touch(row["id"])
    # 0.23.1 reads `author` of Jira's PUT answer: the comment's original author (the editor is `updateAuthor`)
    author = display_name_of(ctx.site, comment["author_id"]) or "Unknown"
    return {"id": str(comment["id"]), "body": _answered(ctx, args["body"]), "updated": python_time(ctx.now_stored),
            "author": author}


VISIBILITY = param("string", "Restrict who sees the comment, as a JSON object string: "
                             "'{\"type\": \"group\", \"value\": \"jira-developers\"}' (or type 'role').", None)

TOOLS = [
    ToolDef("jira_add_comment",
            "Add a comment to an issue, as the current user. Example: issue_key='PROJ-1', body='Fixed in "
            "**build 42**.' (Markdown).",
            {"issue_key": ISSUE_KEY, "body": param("string", "Comment text in Markdown."), "visibility": VISIBILITY,
             "public": param("boolean", "Service-desk only: whether customers see it (fails here: no service desk).", None)},
            add_comment, read_only=False),
    ToolDef("jira_edit_comment",
            "Replace the text of an existing comment. Example: issue_key='PROJ-1', comment_id='10050', "
            "body='Updated text' (Markdown). Comment ids are in jira_get_issue's comments.",
            {"issue_key": ISSUE_KEY, "comment_id": param("string", "The comment's id, e.g. '10050'."),
             "body": param("string", "The new comment text in Markdown."), "visibility": VISIBILITY},
            edit_comment, read_only=False, destructive=True),
]
