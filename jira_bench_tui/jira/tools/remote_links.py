"""Remote-link tool: link an issue to a web page (mcp-atlassian 0.23.1's `create_remote_issue_link`, Jira Cloud's
`POST /rest/api/3/issue/{key}/remotelink`)."""

from __future__ import annotations

from typing import Any

from jira_bench_tui.jira.issue_extras import upsert_remote_link
from jira_bench_tui.jira.tools.common import ISSUE_KEY_PATTERN, JiraContext, ToolDef, ToolFailure, param
from jira_bench_tui.jira.tools.rest_like import issue_or_404


def create_remote_link(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_create_remote_issue_link`: a web link on the issue (icon titled like the link when `icon_url` is given);
    {"success", "message", "issue_key", "link_title", "link_url", "relationship"}. ToolFailure for an empty url or
    title (0.23.1's checks come first) and for an unknown issue (Jira's 404 text). Bumps the issue's `updated`."""
    url, title = args["url"], args["title"]
    if not url:
        raise ToolFailure("url is required.")
    if not title:
        raise ToolFailure("title is required.")
    obj: dict[str, Any] = {"url": url, "title": title}
    if args.get("summary"):
        obj["summary"] = args["summary"]
    if args.get("icon_url"):
        obj["icon"] = {"url16x16": args["icon_url"], "title": title}
    link: dict[str, Any] = {"object": obj}
    if args.get("relationship"):
        link["relationship"] = args["relationship"]
    issue = issue_or_404(ctx, args["issue_key"])
    upsert_remote_link(ctx.conn, issue["id"], link, ctx.now_stored)
    ctx.touch(issue["id"])
    return {"success": True, "message": f"Remote link created for issue {args['issue_key']}",
            "issue_key": args["issue_key"], "link_title": title, "link_url": url,
            "relationship": link.get("relationship", "")}


TOOLS = [
    ToolDef("jira_create_remote_issue_link",
            "Attach a web link (a design doc, a dashboard, a runbook) to an issue. Example: issue_key='PROJ-7', "
            "url='https://wiki.example.com/design', title='Design doc', relationship='documented by'.",
            {"issue_key": param("string", "The issue's key, e.g. 'PROJ-123'.", pattern=ISSUE_KEY_PATTERN),
             "url": param("string", "The page's address."),
             "title": param("string", "The text the link shows."),
             "summary": param("string", "A line about the page.", None),
             "relationship": param("string", "How the page relates to the issue, e.g. 'documented by'.", None),
             "icon_url": param("string", "A 16x16 icon for the link.", None)},
            create_remote_link, read_only=False),
]
