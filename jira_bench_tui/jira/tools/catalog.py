"""Lookup tools: fields, projects (issue types, versions, components) and users."""

from __future__ import annotations

import json
import re
from typing import Any

from jira_bench_tui.jira.cloud_json import component_json, found_users, project_component_rows
from jira_bench_tui.jira.fuzzy import partial_ratio
from jira_bench_tui.jira.issue_load import issue_row_by_key
from jira_bench_tui.jira.render import user_dict
from jira_bench_tui.jira.tools.common import (
    ISSUE_NOT_VISIBLE,
    PROJECT_KEY_PATTERN,
    JiraContext,
    ToolDef,
    param,
)
from jira_bench_tui.jira.tools.issue_fields import mcpa_account_id

# Jira's system fields as GET /field lists them: (id, name, schema type, array items)
SYSTEM_FIELDS = [
    ("summary", "Summary", "string", None), ("description", "Description", "string", None),
    ("issuetype", "Issue Type", "issuetype", None), ("status", "Status", "status", None),
    ("priority", "Priority", "priority", None), ("resolution", "Resolution", "resolution", None),
    ("assignee", "Assignee", "user", None), ("reporter", "Reporter", "user", None),
    ("creator", "Creator", "user", None), ("labels", "Labels", "array", "string"),
    ("components", "Components", "array", "component"), ("fixVersions", "Fix versions", "array", "version"),
    ("versions", "Affects versions", "array", "version"), ("duedate", "Due date", "date", None),
    ("created", "Created", "datetime", None), ("updated", "Updated", "datetime", None),
    ("resolutiondate", "Resolved", "datetime", None), ("parent", "Parent", "issuelink", None),
    ("issuelinks", "Linked Issues", "array", "issuelinks"), ("subtasks", "Sub-tasks", "array", "issuelinks"),
    ("environment", "Environment", "string", None), ("timetracking", "Time tracking", "timetracking", None),
    ("project", "Project", "project", None), ("comment", "Comment", "comments-page", None),
    ("worklog", "Log Work", "array", "worklog"), ("watches", "Watchers", "watches", None),
]
_CUSTOM_TYPES = {"number": "com.pyxis.greenhopper.jira:jsw-story-points", "array": "com.pyxis.greenhopper.jira:gh-sprint",
                 "string": "com.atlassian.jira.plugin.system.customfieldtypes:textfield",
                 "option": "com.atlassian.jira.plugin.system.customfieldtypes:select",
                 "date": "com.atlassian.jira.plugin.system.customfieldtypes:datepicker",
                 "user": "com.atlassian.jira.plugin.system.customfieldtypes:userpicker"}


def field_entries(ctx: JiraContext) -> list[dict[str, Any]]:
    """GET /field: the database's fields (system ones from SYSTEM_FIELDS when the database has none)."""
    rows = ctx.conn.execute("SELECT * FROM fields ORDER BY custom, rowid").fetchall()
    entries: list[dict[str, Any]] = []
    if not any(not r["custom"] for r in rows):
        for field_id, name, kind, items in SYSTEM_FIELDS:
            schema: dict[str, Any] = {"type": kind, "system": field_id}
            if items:
                schema["items"] = items
            entries.append({"id": field_id, "key": field_id, "name": name, "custom": False, "orderable": True,
                            "navigable": True, "searchable": True, "clauseNames": [field_id], "schema": schema})
    for row in rows:
        columns = row.keys()
        if not row["custom"]:
            schema = {"type": row["schema_type"] or "string", "system": row["schema_system"] or row["id"]}
            if row["schema_items"]:
                schema["items"] = row["schema_items"]
            clauses = json.loads(row["clause_names"]) if "clause_names" in columns else [row["id"]]
            entries.append({"id": row["id"], "key": row["id"], "name": row["name"], "custom": False,
                            "orderable": bool(row["orderable"]), "navigable": True,
                            "searchable": bool(row["searchable"]), "clauseNames": clauses, "schema": schema})
            continue
        number = row["id"].removeprefix("customfield_")
        schema = {"type": row["schema_type"] or "string",
                  "custom": row["schema_custom"] or _CUSTOM_TYPES.get(row["schema_type"] or "string", ""),
                  "customId": int(number) if number.isdigit() else number}
        if row["schema_items"]:
            schema["items"] = row["schema_items"]
        entries.append({"id": row["id"], "key": row["id"], "name": row["name"], "custom": True, "schema": schema})
    return entries


def search_fields(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_search_fields`: GET /rest/api/3/field entries, all (up to `limit`) or ranked by a keyword as 0.23.1
    ranks them (jira/fields.py `search_fields`): by the best `fuzz.partial_ratio` of the lower-cased keyword to
    the lower-cased id, key, name and clause names, highest first, ties in Jira's order (a stable sort). `refresh`
    changes nothing here (the field list is read afresh every call)."""
    entries = field_entries(ctx)
    keyword = args.get("keyword") or ""
    limit = args.get("limit", 10)
    if not keyword:
        return entries[:limit]
    needle = keyword.lower()

    def score(entry: dict[str, Any]) -> int:
        names = [entry.get("id", ""), entry.get("key", ""), entry.get("name", ""), *entry.get("clauseNames", [])]
        return max(partial_ratio(needle, name.lower()) for name in names)

    return sorted(entries, key=score, reverse=True)[:limit]


def all_projects(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_all_projects`: [{"key", "name", "description"?, "avatar_url"}] by key, as 0.23.1 reads Jira
    Cloud's GET /project/search?expand=description (jira/projects.py `get_all_projects`; `JiraProject`
    `to_simplified_dict` keeps a non-empty description). Cloud's project search takes no includeArchived (it
    filters by `status`), so archived projects are never listed, whatever include_archived says."""
    out: list[dict[str, Any]] = []
    for r in ctx.conn.execute("SELECT * FROM projects WHERE archived = 0 ORDER BY key"):
        entry = {"key": r["key"], "name": r["name"]}
        if r["description"]:
            entry["description"] = r["description"]
        entry["avatar_url"] = f"{ctx.base_url}/secure/projectavatar?pid={r['id']}"
        out.append(entry)
    return out


def _project_or_none(ctx: JiraContext, key: str) -> Any:
    return ctx.conn.execute("SELECT * FROM projects WHERE key = ? COLLATE NOCASE", (key,)).fetchone()


def project_issue_types(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_project_issue_types`: [{"id", "name", "description", "subtask"}] of the types the project allows,
    by id; [] for an unknown project (0.23.1 swallows Jira's 404: jira/projects.py)."""
    project = _project_or_none(ctx, args["project_key"])
    if project is None:
        return []
    return [{"id": str(r["id"]), "name": r["name"], "description": r["description"] or "",
             "subtask": bool(r["subtask"])}
            for r in ctx.conn.execute("SELECT t.* FROM issue_types t JOIN project_issue_types pt ON "
                                      "pt.issue_type_id = t.id WHERE pt.project_id = ? ORDER BY t.id",
                                      (project["id"],))]


def project_versions(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_project_versions`: the project's versions by id as Jira's REST API gives them (description,
    startDate and releaseDate only when set); [] for an unknown project (0.23.1 swallows Jira's 404)."""
    project = _project_or_none(ctx, args["project_key"])
    result: list[dict[str, Any]] = []
    if project is None:
        return result
    for r in ctx.conn.execute("SELECT * FROM versions WHERE project_id = ? ORDER BY id", (project["id"],)):
        entry: dict[str, Any] = {"id": str(r["id"]), "name": r["name"], "released": bool(r["released"]),
                                 "archived": bool(r["archived"])}
        if r["description"]:
            entry["description"] = r["description"]
        if r["start_date"]:
            entry["startDate"] = r["start_date"]
        if r["release_date"]:
            entry["releaseDate"] = r["release_date"]
        result.append(entry)
    return result


def project_components(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_project_components`: Jira's GET /rest/api/2/project/{key}/components as is (0.23.1 passes it on:
    jira/projects.py `get_project_components`), by name ignoring case, each with its full lead user
    (`cloud_json.component_json`); [] for an unknown project (0.23.1 swallows Jira's 404)."""
    project = _project_or_none(ctx, args["project_key"])
    if project is None:
        return []
    return [component_json(ctx.conn, ctx.base_url, "2", row, project)
            for row in project_component_rows(ctx.conn, project["id"])]


def _user(ctx: JiraContext, row: Any) -> dict[str, Any]:
    return user_dict(ctx.base_url, row["account_id"], row["display_name"], row["email"])


def assignable_users(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_search_assignable_users`: {"success", "count", "users"} of the first `limit` users Jira Cloud's
    GET /user/assignable/search finds for `query` (`cloud_json.found_users`: a prefix of the display name, of one
    of its words or of the email; active users, by display name). Every active user is assignable here. As
    mcp-atlassian 0.23.1 answers, not as an error: {"success": false, "error", "query"} unless exactly one of
    project_key and issue_key is given, or with Jira's message when that project or issue does not exist."""
    failed = {"success": False, "error": "Exactly one of project_key or issue_key must be provided.",
              "query": args["query"]}
    if bool(args.get("project_key")) == bool(args.get("issue_key")):
        return failed
    if args.get("issue_key") and issue_row_by_key(ctx.site, args["issue_key"]) is None:
        return {**failed, "error": ISSUE_NOT_VISIBLE}
    if args.get("project_key") and ctx.conn.execute("SELECT 1 FROM projects WHERE key = ? COLLATE NOCASE",
                                                     (args["project_key"],)).fetchone() is None:
        return {**failed, "error": f"No project could be found with key '{args['project_key']}'."}
    rows = found_users(ctx.conn, args.get("query") or "")[:args.get("limit", 20)]
    return {"success": True, "count": len(rows), "users": [_user(ctx, r) for r in rows]}


_CLOUD_ACCOUNT_ID = re.compile(r"^[0-9a-f]{24}$|^\d+:\w+")


def _profile_account(ctx: JiraContext, ident: str) -> str:
    """The account id 0.23.1's `_determine_user_api_params` looks up on Cloud (jira/users.py): "me" is the
    current user; an account-id-shaped text is taken as is; an email must be found by the user search ("Could
    not resolve email ..."); anything else goes through `_get_account_id` ("Could not determine how to look up
    user ...")."""
    if ident.lower() == "me":
        return ctx.current_user
    if _CLOUD_ACCOUNT_ID.match(ident):
        return ident
    account = mcpa_account_id(ctx, ident)
    if account is None and "@" in ident:
        raise ValueError(f"Could not resolve email '{ident}' to a valid account ID for Jira Cloud.")
    if account is None:
        raise ValueError(f"Could not determine how to look up user '{ident}'.")
    return account


def user_profile(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_user_profile`: {"success": true, "user"} for "me", an account id, an email or a display name
    (inactive users included once resolved); otherwise, as a success, {"success": false, "error",
    "user_identifier"} with 0.23.1's reason (`_profile_account`, or "User 'X' not found." for an account id Jira
    does not know), hinted under the error_hints quirk."""
    ident = args["user_identifier"]
    try:
        account = _profile_account(ctx, ident)
        row = ctx.conn.execute("SELECT * FROM users WHERE account_id = ?", (account,)).fetchone()
        if row is None:
            raise ValueError(f"User '{ident}' not found.")
    except ValueError as exc:
        hint = ("(use an account id, an email address or a display name of an active user; "
                "jira_search_assignable_users finds users.)")
        return {"success": False, "error": ctx.quirks.hinted(str(exc), hint), "user_identifier": ident}
    return {"success": True, "user": _user(ctx, row)}


PROJECT_KEY = param("string", "Project key, e.g. 'PROJ'.", pattern=PROJECT_KEY_PATTERN)
TOOLS = [
    ToolDef("jira_search_fields",
            "Find Jira fields by name, to learn their ids, e.g. keyword='story points' gives customfield_10016, "
            "which you can then set with jira_update_issue fields='{\"customfield_10016\": 5}'.",
            {"keyword": param("string", "Text to look for in field names; empty lists all.", ""),
             "limit": param("integer", "How many fields to return.", 10, minimum=1),
             "refresh": param("boolean", "Reload the field list (no effect here).", False)},
            search_fields, read_only=True),
    ToolDef("jira_get_all_projects", "List the projects you can see, with their keys and names.",
            {"include_archived": param("boolean", "Include archived projects.", False)},
            all_projects, read_only=True),
    ToolDef("jira_get_project_issue_types",
            "List the issue types a project allows (Epic, Story, Task, Bug, Sub-task...). Example: project_key='PROJ'.",
            {"project_key": PROJECT_KEY}, project_issue_types, read_only=True),
    ToolDef("jira_get_project_versions",
            "List a project's versions (releases) with released/archived flags and dates. Example: "
            "project_key='PROJ'.", {"project_key": PROJECT_KEY}, project_versions, read_only=True),
    ToolDef("jira_get_project_components",
            "List a project's components. Example: project_key='PROJ'.",
            {"project_key": PROJECT_KEY}, project_components, read_only=True),
    ToolDef("jira_search_assignable_users",
            "Find users who can be assigned, by the start of a name or email. Example: query='bob', "
            "project_key='PROJ' (or issue_key='PROJ-1').",
            {"query": param("string", "The start of a display name, of one of its words, or of an email, "
                                      "e.g. 'bob'."),
             "project_key": param("string", "Users assignable in this project.", None),
             "issue_key": param("string", "Users assignable to this issue.", None),
             "limit": param("integer", "How many users to return.", 20, minimum=1, maximum=1000)},
            assignable_users, read_only=True),
    ToolDef("jira_get_user_profile",
            "Get a user's profile by account id, email or display name. Example: user_identifier='bob@example.com'.",
            {"user_identifier": param("string", "Account id, email address or display name.")},
            user_profile, read_only=True),
]
