"""Link tools: link types, create and remove issue links ("A blocks B"), and put an issue under an epic."""

from __future__ import annotations

from typing import Any

from jira_bench_tui.jira.render import FieldSelection
from jira_bench_tui.jira.tools.comments import insert_comment
from jira_bench_tui.jira.tools.common import (
    ISSUE_KEY_PATTERN,
    ChangeItem,
    JiraContext,
    ToolDef,
    ToolFailure,
    param,
)
from jira_bench_tui.jira.tools.issue_fields import FieldWriter


def link_types(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_link_types`: [{"id", "name", "inward", "outward", "self"}] by name, optionally only names
    containing `name_filter` (any case)."""
    rows = ctx.conn.execute("SELECT * FROM link_types ORDER BY name").fetchall()
    wanted = (args.get("name_filter") or "").strip().lower()
    return [{"id": str(r["id"]), "name": r["name"], "inward": r["inward"], "outward": r["outward"],
             "self": ctx.site.rest(f"issueLinkType/{r['id']}", "2")}
            for r in rows if not wanted or wanted in r["name"].lower()]


def _link_type(ctx: JiraContext, name: str) -> Any:
    row = ctx.conn.execute("SELECT * FROM link_types WHERE name = ? COLLATE NOCASE OR CAST(id AS TEXT) = ?",
                           (name.strip(), name.strip())).fetchone()
    if row is None:
        known = ", ".join(f"{r['name']} ('{r['outward']}' / '{r['inward']}')"
                          for r in ctx.conn.execute("SELECT * FROM link_types ORDER BY name"))
        raise ToolFailure(f"No issue link type with name '{name}' found.",
                          hint=f"(known: {known}; use the type's name, e.g. 'Blocks'.)")
    return row


def create_link(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_create_issue_link`: link two issues so that the inward one reads "<outward phrase> <outward key>"
    (Blocks: inward_issue_key blocks outward_issue_key), as Jira's POST /issueLink; both issues' histories record
    it, a duplicate link is not made twice, an optional comment goes on the inward issue. {"success", "message",
    "link_type", "inward_issue", "outward_issue"}, echoing the arguments as given, as 0.23.1 does."""
    link_type = _link_type(ctx, args["link_type"])
    inward = ctx.issue(args["inward_issue_key"])
    outward = ctx.issue(args["outward_issue_key"])
    if inward["id"] == outward["id"]:
        raise ToolFailure("You cannot link an issue to itself.")
    exists = ctx.conn.execute("SELECT 1 FROM issue_links WHERE link_type_id = ? AND inward_issue_id = ? AND "
                              "outward_issue_id = ?", (link_type["id"], inward["id"], outward["id"])).fetchone()
    if not exists:
        next_id = ctx.conn.execute("SELECT MAX(COALESCE(MAX(id), 10199) + 1, 10200) FROM issue_links").fetchone()[0]
        ctx.conn.execute("INSERT INTO issue_links(id, link_type_id, inward_issue_id, outward_issue_id, created) "
                         "VALUES (?, ?, ?, ?, ?)", (next_id, link_type["id"], inward["id"], outward["id"],
                                                     ctx.now_stored))
        ctx.record_change(inward["id"], [ChangeItem("Link", None, None, outward["key"],
                                                    f"This issue {link_type['outward']} {outward['key']}")])
        ctx.record_change(outward["id"], [ChangeItem("Link", None, None, inward["key"],
                                                     f"This issue {link_type['inward']} {inward['key']}")])
    if args.get("comment"):
        insert_comment(ctx, inward["id"], args["comment"], None)
    # 0.23.1 echoes what it was given (jira/links.py `create_issue_link`), not Jira's spelling of the type
    given_in, given_out = args["inward_issue_key"], args["outward_issue_key"]
    return {"success": True, "message": f"Link created between {given_in} and {given_out}",
            "link_type": args["link_type"], "inward_issue": given_in, "outward_issue": given_out}


def remove_link(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_remove_issue_link`: delete a link by id and record it in both issues' histories; ToolFailure for an
    unknown id."""
    link_id = str(args["link_id"]).strip()
    row = ctx.conn.execute(
        "SELECT l.*, lt.inward, lt.outward, a.key AS a_key, b.key AS b_key FROM issue_links l "
        "JOIN link_types lt ON lt.id = l.link_type_id JOIN issues a ON a.id = l.inward_issue_id "
        "JOIN issues b ON b.id = l.outward_issue_id WHERE CAST(l.id AS TEXT) = ?", (link_id,)).fetchone()
    if row is None:
        raise ToolFailure(f"No issue link with id '{link_id}' exists.",
                          hint="(link ids are in jira_get_issue's issuelinks with fields='issuelinks'.)")
    ctx.conn.execute("DELETE FROM issue_links WHERE id = ?", (row["id"],))
    ctx.record_change(row["inward_issue_id"], [ChangeItem("Link", row["b_key"],
                                                          f"This issue {row['outward']} {row['b_key']}", None, None)])
    ctx.record_change(row["outward_issue_id"], [ChangeItem("Link", row["a_key"],
                                                           f"This issue {row['inward']} {row['a_key']}", None, None)])
    return {"success": True, "message": f"Link with ID {link_id} has been removed", "link_id": link_id}


def link_to_epic(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_link_to_epic`: make the epic the issue's parent; {"message", "issue"}. As 0.23.1 words it
    (jira/epics.py `link_issue_to_epic`): "Error linking issue to epic: X is not an Epic" for a target that is not
    one; when Jira refuses the parent (a sub-task, an epic under an epic) "Could not link issue A to epic B. Your
    Jira instance might use a different field for epic links."."""
    issue = ctx.issue(args["issue_key"])
    epic = ctx.issue(args["epic_key"])
    if epic["type_level"] != 1:
        raise ToolFailure(f"Error linking issue to epic: {args['epic_key']} is not an Epic",
                          hint=f"(it is a {epic['type_name']}; pass an epic's key.)")
    refused = (f"Could not link issue {args['issue_key']} to epic {args['epic_key']}. Your Jira instance might use "
               "a different field for epic links.")
    if issue["type_subtask"]:
        raise ToolFailure(refused, hint=f"({issue['key']} is a sub-task: it belongs to its parent and cannot be put "
                                        "under an epic; link its parent instead.)")
    if issue["type_level"] >= 1:
        raise ToolFailure(refused, hint=f"({issue['key']} is an Epic; an epic cannot be put under another epic.)")
    writer = FieldWriter(ctx, issue["id"])
    writer.apply({"parent": epic["key"]})
    ctx.record_change(issue["id"], writer.items)
    return {"message": f"Issue {issue['key']} has been linked to epic {epic['key']}.",
            "issue": ctx.issue_view(issue["id"], FieldSelection.parse(None))}


KEY = ISSUE_KEY_PATTERN
TOOLS = [
    ToolDef("jira_get_link_types",
            "List the issue link types with their outward and inward phrases, e.g. Blocks: 'blocks' / "
            "'is blocked by'. Example: name_filter='block'.",
            {"name_filter": param("string", "Only types whose name contains this text (case-insensitive).", None)},
            link_types, read_only=True),
    ToolDef("jira_create_issue_link",
            "Link two issues. The link reads '<inward_issue_key> <outward phrase> <outward_issue_key>': "
            "link_type='Blocks', inward_issue_key='PROJ-1', outward_issue_key='PROJ-2' means PROJ-1 blocks PROJ-2 "
            "(and PROJ-2 is blocked by PROJ-1). Types: jira_get_link_types.",
            {"link_type": param("string", "Link type name, e.g. 'Blocks', 'Relates', 'Duplicate'."),
             "inward_issue_key": param("string", "The issue the sentence starts with, e.g. the blocker.",
                                       pattern=KEY),
             "outward_issue_key": param("string", "The issue the sentence ends with, e.g. the blocked one.",
                                        pattern=KEY),
             "comment": param("string", "A comment to add to the inward issue (Markdown).", None),
             "comment_visibility": param("string", "Visibility of that comment as a JSON object string.", None)},
            create_link, read_only=False),
    ToolDef("jira_remove_issue_link",
            "Remove an issue link by its id (the id shown in jira_get_issue's issuelinks). Example: link_id='10201'.",
            {"link_id": param("string", "The link's id, e.g. '10201'.")},
            remove_link, read_only=False, destructive=True),
    ToolDef("jira_link_to_epic",
            "Put an issue under an epic (sets its parent to the epic). Example: issue_key='PROJ-3', "
            "epic_key='PROJ-2'.",
            {"issue_key": param("string", "The issue to move under the epic, e.g. 'PROJ-3'.", pattern=KEY),
             "epic_key": param("string", "The epic's key, e.g. 'PROJ-2'.", pattern=KEY)},
            link_to_epic, read_only=False),
]
