"""Issue tools: get, search (JQL), project issues, create, batch create, update, assign, delete."""

from __future__ import annotations

import base64
import re
from typing import Any

from jira_bench_tui.jira.issue_load import issue_rows
from jira_bench_tui.jira.issue_shape import simplified_issue
from jira_bench_tui.jira.jql import JqlError, search
from jira_bench_tui.jira.render import DEFAULT_FIELDS, FieldSelection
from jira_bench_tui.jira.tools.common import (
    ISSUE_KEY,
    PROJECT_KEY_PATTERN,
    JiraContext,
    RollbackWithResult,
    ToolDef,
    ToolFailure,
    csv_arg,
    json_arg,
    param,
)
from jira_bench_tui.jira.tools.issue_fields import FieldWriter, join_parent_sprint

FIELDS_HELP = ("Comma-separated fields to return, e.g. 'summary,status,assignee'; '*all' returns every field. "
               f"Default: '{DEFAULT_FIELDS}'.")
_ORDER_BY = re.compile(r"\border\s+by\b", re.IGNORECASE)
MAX_PAGE = 50


# ---- reading ----


def get_issue(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_issue`: the simplified issue with the asked-for fields (default: mcp-atlassian 0.23.1's list, plus
    the latest `comment_limit` comments) and `include` sections. ToolFailure when the issue does not exist."""
    row = ctx.issue(args["issue_key"])
    sel = FieldSelection.parse(args.get("fields"), include=args.get("include"),
                               comment_limit=args.get("comment_limit", 10), comments_by_default=True)
    return simplified_issue(ctx.site, row, sel, with_target=ctx.quirks.transitions_show_target)


def _page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def _token_offset(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        return int(text.removeprefix("offset:"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ToolFailure(f"Invalid page_token '{token}': pass the next_page_token of the previous result "
                          "unchanged.") from exc


def run_search(ctx: JiraContext, jql: str, *, fields: str | None, limit: int, start_at: int,
               page_token: str | None = None) -> dict[str, Any]:
    """The {"total", "start_at", "max_results", "issues", "next_page_token"?} page every search-like tool returns."""
    limit = max(1, min(int(limit), MAX_PAGE))
    offset = _token_offset(page_token) if page_token else int(start_at)
    try:
        ids, total = search(ctx.conn, jql, start_at=offset, limit=limit)
    except JqlError as exc:
        raise ToolFailure(str(exc)) from exc
    rows = issue_rows(ctx.site, ids)
    sel = FieldSelection.parse(fields)
    result: dict[str, Any] = {
        "total": total if ctx.quirks.search_counts_total else -1,
        "start_at": offset, "max_results": limit,
        "issues": [simplified_issue(ctx.site, rows[i], sel) for i in ids if i in rows],
    }
    if offset + len(ids) < total:
        result["next_page_token"] = _page_token(offset + len(ids))
    return result


def search_issues(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_search`: a page of issues matching the JQL (see `run_search`); `projects_filter` ANDs a project
    condition before any ORDER BY. ToolFailure with Jira's message for a bad query or an unknown project."""
    jql = args["jql"]
    projects = csv_arg(args.get("projects_filter"))
    if projects:
        for key in projects:
            ctx.project(key)
        match = _ORDER_BY.search(jql)
        where, order = (jql[:match.start()], jql[match.start():]) if match else (jql, "")
        scope = f"project in ({', '.join(projects)})"
        jql = f"({where.strip()}) AND {scope} {order}" if where.strip() else f"{scope} {order}"
    return run_search(ctx, jql, fields=args.get("fields"), limit=args.get("limit", 10),
                      start_at=args.get("start_at", 0), page_token=args.get("page_token"))


def project_issues(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_project_issues`: a project's issues, newest first, as a jira_search page with the default fields."""
    project = ctx.project(args["project_key"])
    return run_search(ctx, f'project = "{project["key"]}"', fields=None, limit=args.get("limit", 10),
                      start_at=args.get("start_at", 0))


# ---- writing ----


def _issue_type(ctx: JiraContext, project: Any, name: str) -> Any:
    row = ctx.conn.execute(
        "SELECT t.* FROM issue_types t JOIN project_issue_types pt ON pt.issue_type_id = t.id "
        "WHERE pt.project_id = ? AND (t.name = ? COLLATE NOCASE OR CAST(t.id AS TEXT) = ?)",
        (project["id"], name.strip(), name.strip())).fetchone()
    if row is None and name.strip().lower().replace("-", "") in ("subtask", "sub task"):
        row = ctx.conn.execute("SELECT t.* FROM issue_types t JOIN project_issue_types pt ON pt.issue_type_id = t.id "
                               "WHERE pt.project_id = ? AND t.subtask = 1", (project["id"],)).fetchone()
    if row is None:
        known = ", ".join(r[0] for r in ctx.conn.execute(
            "SELECT t.name FROM issue_types t JOIN project_issue_types pt ON pt.issue_type_id = t.id "
            "WHERE pt.project_id = ? ORDER BY t.id", (project["id"],)))
        raise ToolFailure(f"Issue type '{name}' is not valid for project {project['key']} (valid: {known}).")
    return row


def create_one(ctx: JiraContext, spec: dict[str, Any]) -> int:
    """Create one issue from create_issue's parameters; returns its id."""
    for name in ("project_key", "summary", "issue_type"):
        if not isinstance(spec.get(name), str) or not spec[name].strip():
            raise ToolFailure(f"{name} is required (a non-empty string).")
    project = ctx.project(spec["project_key"].strip())
    issue_type = _issue_type(ctx, project, spec["issue_type"])
    extra = json_arg("additional_fields", spec.get("additional_fields"),
                     example='{"priority": {"name": "High"}, "labels": ["backend"], "parent": "PROJ-1"}')
    extra = dict(extra)
    for name in ("description", "assignee"):
        if spec.get(name) not in (None, ""):
            extra.setdefault(name, spec[name])
    components = csv_arg(spec.get("components"))
    if components:
        extra["components"] = components
    parent_ref = extra.get("parent") or extra.get("epicKey") or extra.get("epic_key")
    if issue_type["subtask"] and not parent_ref:
        raise ToolFailure("Issue type is a sub-task but parent issue key or id not specified. "
                          'Pass additional_fields=\'{"parent": "PROJ-1"}\'.')
    status = ctx.conn.execute("SELECT initial_status_id FROM workflows WHERE id = ?",
                              (project["workflow_id"],)).fetchone()[0]
    priority = ctx.conn.execute("SELECT id FROM priorities WHERE name = 'Medium' COLLATE NOCASE").fetchone() \
        or ctx.conn.execute("SELECT id FROM priorities ORDER BY rank LIMIT 1 OFFSET "
                            "(SELECT COUNT(*) / 2 FROM priorities)").fetchone()
    num = project["next_issue_num"]
    key = f"{project['key']}-{num}"
    while ctx.conn.execute("SELECT 1 FROM issues WHERE key = ?", (key,)).fetchone():
        num += 1
        key = f"{project['key']}-{num}"
    next_id = ctx.conn.execute("SELECT MAX(MAX(id) + 1, 10000) FROM issues").fetchone()[0] or 10000
    ctx.conn.execute(
        "INSERT INTO issues(id, key, project_id, num, issue_type_id, summary, status_id, priority_id, reporter_id, "
        "creator_id, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (next_id, key, project["id"], num, issue_type["id"], spec["summary"].strip(), status,
         priority[0] if priority else None, ctx.current_user, ctx.current_user, ctx.now_stored, ctx.now_stored))
    ctx.conn.execute("UPDATE projects SET next_issue_num = ? WHERE id = ?", (num + 1, project["id"]))
    writer = FieldWriter(ctx, next_id, creating=True)
    extra.pop("issuetype", None)
    extra.pop("project", None)
    writer.apply({"summary": spec["summary"].strip(), **extra})
    if issue_type["subtask"]:
        parent_id = ctx.conn.execute("SELECT parent_id FROM issues WHERE id = ?", (next_id,)).fetchone()[0]
        if parent_id is not None:
            join_parent_sprint(ctx, next_id, parent_id)
    return next_id


def _created_view(ctx: JiraContext, issue_id: int) -> dict[str, Any]:
    issue = ctx.issue_view(issue_id, FieldSelection.parse("*all", with_browse_url=False))
    return {k: v for k, v in issue.items() if not (k.startswith("customfield_") and v.get("value") is None)}


def create_issue(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_create_issue`: {"message", "issue"} with the new issue's '*all' view (custom fields without a value
    left out, no browse_url), as mcp-atlassian 0.23.1 answers. ToolFailure with Jira's message for a bad field."""
    issue_id = create_one(ctx, args)
    return {"message": "Issue created successfully", "issue": _created_view(ctx, issue_id)}


def batch_create(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_batch_create_issues`: create every issue of a JSON array, or none (the first bad one is named by its
    index); with validate_only, check them and create nothing. {"message", "issues"} with each new issue's view."""
    example = '[{"project_key": "PROJ", "summary": "First", "issue_type": "Task"}]'
    specs = json_arg("issues", args["issues"], expect=list, example=example)
    if not specs:
        raise ToolFailure(f"issues is empty: pass a JSON array of issues, e.g. {example}")
    ids = []
    for index, spec in enumerate(specs):
        if not isinstance(spec, dict):
            raise ToolFailure(f"issues[{index}] must be an object, e.g. {example}")
        spec = dict(spec)
        if isinstance(spec.get("additional_fields"), dict):
            spec["additional_fields"] = dict(spec["additional_fields"])
        try:
            ids.append(create_one(ctx, spec))
        except ToolFailure as exc:
            raise ToolFailure(f"issues[{index}]: {exc} No issue was created.") from exc
    if args.get("validate_only"):
        raise RollbackWithResult({"message": f"Validation passed: {len(ids)} issue(s) can be created",
                                  "issues": []})
    return {"message": "Issues created successfully", "issues": [_created_view(ctx, i) for i in ids]}


def update_issue(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_update_issue`: write `fields` (and `additional_fields`, `components`) as Jira does, record the
    changelog; {"message", "issue"} with `return_fields` of the result (default '*all'). The status cannot be set
    here (a transition does that) and attachments are refused."""
    row = ctx.issue(args["issue_key"])
    example = '{"summary": "New title", "assignee": "bob@example.com", "labels": ["backend"]}'
    fields = dict(json_arg("fields", args["fields"], example=example))
    fields.update(json_arg("additional_fields", args.get("additional_fields"),
                           example='{"priority": {"name": "High"}}'))
    components = csv_arg(args.get("components"))
    if args.get("components") is not None:
        fields["components"] = components
    if args.get("attachments"):
        raise ToolFailure("Attachments are not supported by this Jira; leave attachments empty.")
    if not fields:
        raise ToolFailure(f"fields is empty: pass the fields to change as a JSON object, e.g. {example}")
    writer = FieldWriter(ctx, row["id"])
    writer.apply(fields)
    ctx.record_change(row["id"], writer.items)
    ctx.touch(row["id"])
    return_fields = args.get("return_fields") or "*all"
    sel = FieldSelection.parse(return_fields, with_browse_url=return_fields == "*all")
    return {"message": "Issue updated successfully", "issue": ctx.issue_view(row["id"], sel)}


def _assignee_ref(value: Any) -> Any:
    if isinstance(value, str) and value.strip().startswith("{"):
        return json_arg("assignee", value, example='{"accountId": "712020:abc"}')
    return value


def assign_issue(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_assign_issue`: set the assignee (an account id, email, display name or user object) or clear it (empty,
    "null", "unassigned"); {"message", "issue"}. ToolFailure for an unknown or inactive user."""
    row = ctx.issue(args["issue_key"])
    writer = FieldWriter(ctx, row["id"])
    assignee = _assignee_ref(args.get("assignee"))
    writer.apply({"assignee": None if assignee in (None, "", "null", "unassigned") else assignee})
    ctx.record_change(row["id"], writer.items)
    assigned = ctx.conn.execute("SELECT assignee_id FROM issues WHERE id = ?", (row["id"],)).fetchone()[0]
    verb = "assigned" if assigned else "unassigned"
    return {"message": f"Issue {row['key']} {verb} successfully",
            "issue": ctx.issue_view(row["id"], FieldSelection.parse(None))}


def delete_issue(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_delete_issue`: delete the issue and its sub-tasks, with their comments, worklogs, links and history; an
    epic's child issues stay, without a parent. {"message"}."""
    row = ctx.issue(args["issue_key"])
    subtasks = [r[0] for r in ctx.conn.execute(
        "SELECT i.id FROM issues i JOIN issue_types t ON t.id = i.issue_type_id WHERE i.parent_id = ? AND t.subtask = 1",
        (row["id"],))]
    keep_out = ",".join("?" * len(subtasks)) or "0"
    ctx.conn.execute(f"UPDATE issues SET parent_id = NULL WHERE parent_id = ? AND id NOT IN ({keep_out})",
                     (row["id"], *subtasks))
    for issue_id in [*subtasks, row["id"]]:
        ctx.conn.execute("DELETE FROM changelog_items WHERE changelog_id IN "
                         "(SELECT id FROM changelog WHERE issue_id = ?)", (issue_id,))
        ctx.conn.execute("DELETE FROM issues WHERE id = ?", (issue_id,))
    return {"message": f"Issue {row['key']} has been deleted successfully."}


TOOLS = [
    ToolDef("jira_get_issue",
            "Get one Jira issue by key, with its fields, comments and (optionally) changelog, transitions, "
            "watchers and worklogs. Example: issue_key='PROJ-123', fields='*all', include='transitions,changelog'.",
            {"issue_key": ISSUE_KEY,
             "fields": param("string", FIELDS_HELP, DEFAULT_FIELDS),
             "expand": param("string", "Jira expand options, e.g. 'renderedFields' (accepted, not needed here).", None),
             "comment_limit": param("integer", "How many of the latest comments to include (0-100).", 10,
                                    minimum=0, maximum=100),
             "properties": param("string", "Comma-separated issue properties (accepted, none are stored).", None),
             "update_history": param("boolean", "Record the view in the user's history (no effect here).", True),
             "include": param("string", "Extra sections, comma-separated: transitions, changelog, watchers, "
                                        "worklogs, remote_links, comments, or 'all'.", None),
             "use_display_names": param("boolean", "Accepted for compatibility; fields keep their ids.", False)},
            get_issue, read_only=True),
    ToolDef("jira_search",
            "Search issues with JQL. Example: jql='project = PROJ AND status = \"In Progress\" AND assignee = "
            "currentUser() ORDER BY priority DESC', fields='summary,status,assignee', limit=20. Operators: = != > "
            ">= < <= ~ !~ IN, NOT IN, IS EMPTY; functions currentUser(), now(), startOfDay(), openSprints(); "
            "relative dates like -7d. Page with start_at or next_page_token; total is -1 (not counted).",
            {"jql": param("string", "A JQL query, e.g. 'project = PROJ AND labels = backend ORDER BY created DESC'."),
             "fields": param("string", FIELDS_HELP, DEFAULT_FIELDS),
             "limit": param("integer", "Issues per page, 1-50.", 10, minimum=1),
             "start_at": param("integer", "Index of the first issue to return (0-based).", 0, minimum=0),
             "projects_filter": param("string", "Comma-separated project keys to restrict the search to, e.g. "
                                                "'PROJ,OPS'.", None),
             "expand": param("string", "Jira expand options (accepted, not needed here).", None),
             "page_token": param("string", "next_page_token from the previous page, to get the next one.", None),
             "use_display_names": param("boolean", "Accepted for compatibility; fields keep their ids.", False)},
            search_issues, read_only=True),
    ToolDef("jira_get_project_issues",
            "List a project's issues, newest first. Example: project_key='PROJ', limit=20, start_at=20.",
            {"project_key": param("string", "Project key, e.g. 'PROJ'.", pattern=PROJECT_KEY_PATTERN),
             "limit": param("integer", "Issues per page, 1-50.", 10, minimum=1, maximum=50),
             "start_at": param("integer", "Index of the first issue to return (0-based).", 0, minimum=0)},
            project_issues, read_only=True),
    ToolDef("jira_create_issue",
            "Create an issue. Example: project_key='PROJ', summary='Login fails', issue_type='Bug', "
            "assignee='bob@example.com', components='API,Frontend', additional_fields='{\"description\": "
            "\"Steps to reproduce (Markdown)\", \"priority\": {\"name\": \"High\"}, \"labels\": [\"backend\"], \"duedate\": "
            "\"2027-01-31\", \"fixVersions\": [{\"name\": \"1.0\"}], \"customfield_10016\": 3}'. A sub-task needs "
            "'{\"parent\": \"PROJ-1\"}'; put a story under an epic with '{\"parent\": \"PROJ-9\"}'.",
            {"project_key": param("string", "Project key, e.g. 'PROJ'.", pattern=PROJECT_KEY_PATTERN),
             "summary": param("string", "One-line title of the issue."),
             "issue_type": param("string", "Issue type name: Task, Bug, Story, Epic, Sub-task... "
                                           "(jira_get_project_issue_types lists them)."),
             "assignee": param("string", "Assignee as an account id, an email address or a display name.", None),
             "description": param("string", "Description in Markdown.", None),
             "components": param("string", "Comma-separated component names, e.g. 'API,Frontend'.", None),
             "additional_fields": param("string", "More fields as a JSON object string: priority, labels, parent, "
                                                  "duedate, fixVersions, custom fields by id; the description "
                                                  "(Markdown) too: '{\"description\": \"Steps: ...\"}'.", None)},
            create_issue, read_only=False),
    ToolDef("jira_batch_create_issues",
            "Create several issues in one call; if one is invalid none is created. Example: issues='[{\"project_key\": "
            "\"PROJ\", \"summary\": \"Write docs\", \"issue_type\": \"Task\", \"assignee\": \"bob@example.com\"}, "
            "{\"project_key\": \"PROJ\", \"summary\": \"Fix bug\", \"issue_type\": \"Bug\", \"components\": "
            "[\"API\"]}]'. validate_only=true checks them without creating.",
            {"issues": param("string", "A JSON array string of issues with the jira_create_issue parameters."),
             "validate_only": param("boolean", "Only check the issues; create nothing.", False)},
            batch_create, read_only=False),
    ToolDef("jira_update_issue",
            "Change fields of an issue (not its status: use jira_transition_issue). Example: issue_key='PROJ-1', "
            "fields='{\"summary\": \"New title\", \"assignee\": \"alice@example.com\", \"priority\": {\"name\": "
            "\"High\"}, \"labels\": [\"backend\", \"p0\"], \"duedate\": \"2027-02-01\", \"customfield_10016\": 5}'. "
            "Labels, components and fixVersions replace the current lists.",
            {"issue_key": ISSUE_KEY,
             "fields": param("string", "The fields to set, as a JSON object string."),
             "additional_fields": param("string", "More fields as a JSON object string (merged into fields).", None),
             "components": param("string", "Comma-separated component names; replaces the issue's components.", None),
             "attachments": param("string", "Not supported by this Jira; leave empty.", None),
             "return_fields": param("string", "Comma-separated fields to return in the result, or '*all'.", "*all")},
            update_issue, read_only=False, destructive=True),
    ToolDef("jira_assign_issue",
            "Assign an issue to a user, or unassign it. Example: issue_key='PROJ-1', assignee='bob@example.com' "
            "(also an account id, a display name, or a user object from jira_search_assignable_users); leave "
            "assignee empty to unassign.",
            {"issue_key": ISSUE_KEY,
             "assignee": param("string", "Account id, email or display name; empty or null unassigns.", None)},
            assign_issue, read_only=False, destructive=True),
    ToolDef("jira_delete_issue",
            "Delete an issue and its sub-tasks, for good. Example: issue_key='PROJ-5'.",
            {"issue_key": ISSUE_KEY}, delete_issue, read_only=False, destructive=True),
]
