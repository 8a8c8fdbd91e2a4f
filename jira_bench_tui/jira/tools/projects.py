"""Project and field lookup tools of mcp-atlassian 0.23.1 beyond the basic catalog: `search_projects` (Jira Cloud's
`/rest/api/3/project/search`), `get_create_fields` (createmeta of one issue type), `get_project_fields` and
`get_field_options` (a custom field's options through its global context), answering as the real server does on
Cloud."""

from __future__ import annotations

from typing import Any

from jira_bench_tui.jira.avatars import avatars
from jira_bench_tui.jira.create_meta import create_screen
from jira_bench_tui.jira.tools.catalog import field_entries
from jira_bench_tui.jira.tools.common import PROJECT_KEY_PATTERN, JiraContext, ToolDef, csv_arg, param
from jira_bench_tui.jira.tools.rest_like import project_row


def project_json(ctx: JiraContext, row: Any) -> dict[str, Any]:
    """A project as Jira Cloud's REST v3 lists it (`self`, `id`, `key`, `name`, `projectTypeKey`, `simplified`,
    `avatarUrls`)."""
    return {"self": ctx.site.rest(f"project/{row['id']}", "3"), "id": str(row["id"]), "key": row["key"],
            "name": row["name"], "projectTypeKey": row["project_type"], "simplified": False,
            "avatarUrls": avatars(ctx.base_url, "project", row["id"])}


def search_projects(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_search_projects`: projects (not archived, by key) whose key or name contains `query` (any case), at most
    `max_results`, then those in `current_project_ids` dropped (0.23.1 filters after the page on Cloud)."""
    query = (args["query"] or "").lower()
    rows = [r for r in ctx.conn.execute("SELECT * FROM projects WHERE archived = 0 ORDER BY key")
            if not query or query in r["key"].lower() or query in r["name"].lower()]
    excluded = set(csv_arg(args.get("current_project_ids")))
    page = rows[:args.get("max_results", 20)]
    return [{**project_json(ctx, r), "key": r["key"].upper()} for r in page if str(r["id"]) not in excluded]


def create_fields(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_create_fields`: [{"field_id", "name", "required", "schema"}] of the issue type's create screen;
    [] for an unknown project or a type the project does not use (0.23.1 swallows Jira's 404)."""
    project = project_row(ctx, args["project_key"])
    if project is None:
        return []
    issue_type = ctx.conn.execute(
        "SELECT t.* FROM issue_types t JOIN project_issue_types pt ON pt.issue_type_id = t.id WHERE pt.project_id = ? "
        "AND CAST(t.id AS TEXT) = ?", (project["id"], str(args["issue_type_id"]).strip())).fetchone()
    if issue_type is None:
        return []
    return [{"field_id": entry["id"], "name": entry["name"], "required": required, "schema": entry.get("schema") or {}}
            for entry, required in create_screen(field_entries(ctx), issue_type)]


def project_fields(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_project_fields`: always [] on Jira Cloud: 0.23.1 reads createmeta's Server/DC `values` key, which
    Cloud's answer (`fields`) does not have."""
    return []


def _options(ctx: JiraContext, field_id: str, context_id: str | None) -> list[dict[str, Any]]:
    """A custom field's options through its (global) context, [] when the field or the context is unknown."""
    field = ctx.conn.execute("SELECT * FROM fields WHERE id = ? AND custom = 1", (field_id,)).fetchone()
    if field is None:
        return []
    if context_id is not None and str(context_id) != field["id"].removeprefix("customfield_"):
        return []
    return [{"id": str(o["option_id"]), "value": o["value"]} for o in ctx.conn.execute(
        "SELECT * FROM field_options WHERE field_id = ? ORDER BY position, option_id", (field_id,))]


def field_options(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_field_options`: [{"id", "value"}] of a select-like custom field (`contains` filters by value, any
    case; `return_limit` caps; `values_only` gives the values alone); [] for system or unknown fields, as on Cloud."""
    options = _options(ctx, args["field_id"], args.get("context_id"))
    if args.get("contains"):
        needle = args["contains"].lower()
        options = [o for o in options if needle in o["value"].lower()]
    if args.get("return_limit") is not None:
        options = options[:args["return_limit"]]
    return [o["value"] for o in options] if args.get("values_only") else options


PROJECT_KEY = param("string", "The project's key, e.g. 'PROJ'.", pattern=PROJECT_KEY_PATTERN)
TOOLS = [
    ToolDef("jira_search_projects",
            "Find projects whose key or name contains some text. Example: query='mobile', max_results=5.",
            {"query": param("string", "Text to look for in project keys and names."),
             "max_results": param("integer", "At most this many projects.", 20, minimum=1, maximum=50),
             "current_project_ids": param("string", "Comma-separated project ids to leave out.", None)},
            search_projects, read_only=True),
    ToolDef("jira_get_create_fields",
            "The fields you can set when creating an issue of one type in a project, with which are required and "
            "their types. Example: project_key='PROJ', issue_type_id='10002' (jira_get_project_issue_types).",
            {"project_key": PROJECT_KEY,
             "issue_type_id": param("string", "The issue type's id, e.g. '10002'.")},
            create_fields, read_only=True),
    ToolDef("jira_get_project_fields",
            "The fields issues of a project can have, across its issue types. Example: project_key='PROJ'.",
            {"project_key": param("string", "The project's key, e.g. 'PROJ'.")},
            project_fields, read_only=True),
    ToolDef("jira_get_field_options",
            "The allowed values of a select, multi-select, radio or checkbox custom field. Example: "
            "field_id='customfield_10050', contains='high', values_only=true.",
            {"field_id": param("string", "The custom field's id (jira_search_fields finds it)."),
             "context_id": param("string", "The field context's id; the global context when omitted.", None),
             "project_key": param("string", "Project key (used by Jira Server/Data Center only).", None),
             "issue_type": param("string", "Issue type name (used by Jira Server/Data Center only).", None),
             "contains": param("string", "Only options whose value contains this text (any case).", None),
             "return_limit": param("integer", "At most this many options.", None, minimum=1),
             "values_only": param("boolean", "Return just the values, not {id, value} objects.", False)},
            field_options, read_only=True),
]
