"""Issue tools: get, search (JQL), project issues, create, batch create, update, assign, delete."""

from __future__ import annotations

import json
from typing import Any

from jira_bench_tui.jira.issue_load import issue_rows
from jira_bench_tui.jira.jql import UNBOUNDED, JqlError, check_bounded, search
from jira_bench_tui.jira.jql_scope import mcp_search_jql
from jira_bench_tui.jira.page_tokens import decode_page_token, encode_page_token
from jira_bench_tui.jira.render import DEFAULT_FIELDS, FieldSelection
from jira_bench_tui.jira.tools.attachments import mcpa_attachment_paths, mcpa_upload_attachments
from jira_bench_tui.jira.tools.common import (
    ISSUE_KEY,
    PROJECT_KEY_PATTERN,
    JiraContext,
    JiraError,
    ToolDef,
    ToolFailure,
    csv_arg,
    json_arg,
    mcpa_object,
    param,
)
from jira_bench_tui.jira.tools.issue_fields import (
    FieldWriter,
    join_parent_sprint,
    mcpa_account_id,
    mcpa_epic_link,
    mcpa_fields,
)
from jira_bench_tui.jira.tools.transitions import mcpa_status_transition

FIELDS_HELP = ("Comma-separated fields to return, e.g. 'summary,status,assignee'; '*all' returns every field. "
               f"Default: '{DEFAULT_FIELDS}'.")


# ---- reading ----


def get_issue(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_issue`: the simplified issue with the asked-for fields (default: mcp-atlassian 0.23.1's list, plus
    the latest `comment_limit` comments) and `include` sections. ToolFailure when the issue does not exist."""
    try:
        row = ctx.issue(args["issue_key"])
    except JiraError:  # 0.23.1's get_issue words Jira's 404 itself (jira/issues.py)
        raise ToolFailure(f"Issue {args['issue_key']} not found. Verify the issue key and project access.") from None
    sel = FieldSelection.parse(args.get("fields"), include=args.get("include"),
                               comment_limit=args.get("comment_limit", 10), comments_by_default=True,
                               expand=args.get("expand"), display_names=bool(args.get("use_display_names")))
    return ctx.shape(row, sel, "v2")


def _token_offset(token: str | None) -> int:
    """The offset of a `page_token` (the REST face's codec, `page_tokens`), or Jira's "The nextPageToken is
    invalid."."""
    try:
        return decode_page_token(token)
    except ValueError as exc:
        raise ToolFailure("The nextPageToken is invalid.") from exc


def run_search(ctx: JiraContext, jql: str, *, fields: str | None, limit: int, page_token: str | None = None,
               expand: str | None = None, display_names: bool = False) -> dict[str, Any]:
    """The {"total", "start_at", "max_results", "issues", "next_page_token"?} page every search-like tool returns,
    as mcp-atlassian 0.23.1's `search_issues` builds it on Cloud (jira/search.py): it posts to
    /rest/api/3/search/jql, which has no offset, so a `start_at` is never sent (`start_at` is always 0) and only
    `page_token` pages; it fetches pages of up to 100 until `limit` issues are collected (no cap at 50: "max_results"
    is `limit`); the token is the one after the last issue returned, present while more match; `expand` and
    `display_names` as get_issue's (changelogs, custom field names). ToolFailure with Jira's message for a bad query
    or token."""
    offset = _token_offset(page_token)
    try:
        check_bounded(jql)
        ids, total = search(ctx.conn, jql, start_at=offset, limit=limit)
    except JqlError as exc:
        hint = "(add a condition before any ORDER BY, e.g. project = KEY)" if str(exc) == UNBOUNDED else None
        raise ToolFailure(str(exc), hint=hint) from exc
    rows = issue_rows(ctx.site, ids)
    sel = FieldSelection.parse(fields, api="3", expand=expand, display_names=display_names)
    result: dict[str, Any] = {
        "total": total if ctx.quirks.search_counts_total else -1,
        "start_at": 0, "max_results": limit,
        "issues": [ctx.shape(rows[i], sel, "v3") for i in ids if i in rows],
    }
    if offset + len(ids) < total:
        result["next_page_token"] = encode_page_token(offset + len(ids))
    return result


def search_issues(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_search`: a page of issues matching the JQL (see `run_search`), the JQL built as 0.23.1 builds it
    (`jql_scope.mcp_search_jql`: reserved project keys quoted, `projects_filter` ANDed before any ORDER BY).
    ToolFailure with Jira's message for a bad query or an unknown project."""
    jql = mcp_search_jql(args["jql"], args.get("projects_filter"))  # 0.23.1's JQL string; Jira checks the keys
    return run_search(ctx, jql, fields=args["fields"], limit=args["limit"], page_token=args["page_token"],
                      expand=args.get("expand"), display_names=bool(args.get("use_display_names")))


def project_issues(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_get_project_issues`: `project = "KEY"` as a jira_search page with the default fields (`start_at`
    ignored, as on Cloud). Any failure, an unknown project included, answers an empty page
    `{"total": 0, "start_at": 0, "max_results": 0, "issues": []}`, as 0.23.1's `get_project_issues` swallows
    errors (jira/projects.py)."""
    try:
        return run_search(ctx, f'project = "{args["project_key"]}"', fields=None, limit=args["limit"])
    except ToolFailure:
        return {"total": 0, "start_at": 0, "max_results": 0, "issues": []}


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
        raise ToolFailure("Specify a valid issue type", hint=f"(valid for project {project['key']}: {known}).")
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
        raise ToolFailure("Issue type is a sub-task but parent issue key or id not specified.")
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


def fetched_view(ctx: JiraContext, issue_id: int, *, with_browse_url: bool = False) -> dict[str, Any]:
    """An issue as mcp-atlassian 0.23.1 shows one it re-reads after a write without naming fields
    (`jira.get_issue(key)`, then `JiraIssue.from_api_response` without `requested_fields`): every field but the
    custom fields (kept only for '*all' or a list), the REST v2 `url`, and `browse_url` only where the base URL is
    passed (batch create, not create or move)."""
    issue = ctx.issue_view(issue_id, FieldSelection.parse("*all", with_browse_url=with_browse_url),
                           "v2_raw")
    return {k: v for k, v in issue.items() if not k.startswith("customfield_")}


_REQUIRED_TO_CREATE = {
    "project_key": "Project key is required to create an issue. Provide project_key like 'PROJ'.",
    "summary": "Summary is required to create an issue. Provide a non-empty summary.",
    "issue_type": "Issue type is required to create an issue. Provide issue_type like 'Task', 'Story', or 'Bug'.",
}




# create_issue's own keyword arguments in 0.23.1 (servers/jira.py passes each of them by name, then
# `**extra_fields`): an additional_fields key among them makes the Python call itself fail
_CREATE_KEYWORDS = ("project_key", "summary", "issue_type", "description", "assignee", "components")


def _mcpa_keyword_clash(kwargs: dict[str, Any]) -> None:
    """0.23.1's servers/jira.py calls `jira.create_issue(project_key=..., summary=..., issue_type=...,
    description=..., assignee=..., components=..., **extra_fields)`: Python refuses a key of additional_fields
    that repeats one of them (the first such key, in the JSON's order) before anything is sent, and a "self" key
    (the bound method's own) after that. ToolFailure with Python's TypeError text."""
    clash = next((key for key in kwargs if key in _CREATE_KEYWORDS), None)
    if clash is not None:
        raise ToolFailure(f"mcp_atlassian.jira.issues.IssuesMixin.create_issue() got multiple values for keyword "
                          f"argument '{clash}'", hint="(give it as the tool's own parameter, not in additional_fields)")
    if "self" in kwargs:
        raise ToolFailure("IssuesMixin.create_issue() got multiple values for argument 'self'",
                          hint="(\"self\" is not a Jira field)")


def mcpa_create_spec(ctx: JiraContext, args: dict[str, Any]) -> dict[str, Any]:
    """What mcp-atlassian 0.23.1's `create_issue` posts, as a `create_one` spec: an assignee it cannot resolve is
    dropped with a warning (the issue is created unassigned); `parent` from additional_fields is wrapped as
    {"key": value}, whatever value is (so {"key": "PROJ-1"} becomes {"key": {"key": ...}}, which Jira refuses);
    epic-link aliases go to the Epic Link field; the other keys through `mcpa_fields` (unknown ones dropped). An
    additional_fields key that repeats one of the tool's parameters is refused first (`_mcpa_keyword_clash`)."""
    kwargs = mcpa_object(args.get("additional_fields"))
    _mcpa_keyword_clash(kwargs)
    for name, message in _REQUIRED_TO_CREATE.items():
        if not args.get(name):
            raise ToolFailure(message)
    fields: dict[str, Any] = {}
    if args.get("description"):
        fields["description"] = args["description"]
    account = mcpa_account_id(ctx, args["assignee"]) if args.get("assignee") else None
    if account:
        fields["assignee"] = {"accountId": account}
    components = [c.strip() for c in (args.get("components") or "").split(",") if c.strip()]
    if components:
        fields["components"] = [{"name": c} for c in components]
    mcpa_epic_link(ctx, fields, kwargs)
    if args["issue_type"].lower() in ("subtask", "sub-task") and "parent" not in kwargs:
        raise ToolFailure("Issue type is a sub-task but parent issue key or id not specified. Please provide a "
                          "'parent' parameter with the parent issue key.")
    if kwargs.get("parent"):
        fields["parent"] = {"key": kwargs["parent"]}
    fields.update(mcpa_fields(ctx, kwargs))
    return {"project_key": args["project_key"], "summary": args["summary"], "issue_type": args["issue_type"],
            "additional_fields": fields}


def create_issue(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_create_issue`: {"message", "issue"} with the new issue's '*all' view (custom fields without a value
    left out, no browse_url), as mcp-atlassian 0.23.1 answers; the fields are what it sends (`mcpa_create_spec`).
    ToolFailure with Jira's message for a field Jira refuses (unwrapped, as 0.23.1 re-raises)."""
    issue_id = create_one(ctx, mcpa_create_spec(ctx, args))
    return {"message": "Issue created successfully", "issue": fetched_view(ctx, issue_id)}


_BATCH_EXAMPLE = '[{"project_key": "PROJ", "summary": "First", "issue_type": "Task"}]'
_PYTHON_TYPE = {str: "str", int: "int", float: "float", bool: "bool", type(None): "NoneType"}


def _batch_specs(text: str) -> list[Any]:
    """The `issues` JSON as servers/jira.py's `batch_create_issues` reads it: "Invalid JSON in issues", or
    "Invalid input for issues: Input 'issues' must be a JSON array string." for anything but an array."""
    try:
        specs = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ToolFailure("Invalid JSON in issues", hint=f"({exc.msg} at character {exc.pos}; pass a JSON array "
                                                         f"as a string, e.g. {_BATCH_EXAMPLE})") from exc
    if not isinstance(specs, list):
        raise ToolFailure("Invalid input for issues: Input 'issues' must be a JSON array string.",
                          hint=f"(e.g. {_BATCH_EXAMPLE})")
    return specs


def _batch_prepared(ctx: JiraContext, spec: Any) -> dict[str, Any]:
    """One element as 0.23.1's `batch_create_issues` prepares it (jira/issues.py): it `pop`s the keys off, so a
    non-object fails with Python's own message, and the three required keys must be truthy."""
    if isinstance(spec, list):
        raise ToolFailure("'str' object cannot be interpreted as an integer")
    if not isinstance(spec, dict):
        raise ToolFailure(f"'{_PYTHON_TYPE.get(type(spec), type(spec).__name__)}' object has no attribute 'pop'")
    project_key, summary, issue_type = spec.get("project_key"), spec.get("summary"), spec.get("issue_type")
    if not all([project_key, summary, issue_type]):
        raise ToolFailure(f"Missing required fields for issue: {project_key=}, {summary=}, {issue_type=}",
                          hint="(each issue needs project_key, summary and issue_type)")
    spec = dict(spec)
    if isinstance(spec.get("additional_fields"), dict):
        spec["additional_fields"] = dict(spec["additional_fields"])
    if spec.get("assignee"):  # resolved as `_get_account_id` does; one it cannot resolve is dropped (a warning)
        account = mcpa_account_id(ctx, str(spec["assignee"]))
        spec["assignee"] = {"accountId": account} if account else None
    return spec


def _bulk_create(ctx: JiraContext, spec: dict[str, Any]) -> int | None:
    """Create one prepared issue as one element of Jira's POST /rest/api/3/issue/bulk: its id, or None (nothing
    written) when Jira refuses it. v3 takes rich text only as ADF, so a description (0.23.1 sends wiki markup)
    is refused."""
    ctx.conn.execute("SAVEPOINT bulk_item")
    try:
        if spec.get("description"):
            raise ToolFailure("Operation value must be an Atlassian Document (see the Atlassian Document Format)")
        issue_id: int | None = create_one(ctx, spec)
    except ToolFailure:
        ctx.conn.execute("ROLLBACK TO bulk_item")
        issue_id = None
    ctx.conn.execute("RELEASE bulk_item")
    return issue_id


def batch_create(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_batch_create_issues`, as 0.23.1 does it (jira/issues.py `batch_create_issues`): each element is
    prepared in turn, and one that fails to prepare fails the call only when none before it succeeded (later ones
    are skipped); with validate_only nothing is sent. The rest goes to Jira's bulk create, which creates what it
    can: the elements Jira refuses are only logged, so the answer lists the issues made; when Jira makes none it
    answers 400 with no message, which 0.23.1 reports as "HTTPError". An empty array creates nothing.
    {"message", "issues"} with each new issue's view."""
    prepared: list[dict[str, Any]] = []
    for spec in _batch_specs(args["issues"]):
        try:
            prepared.append(_batch_prepared(ctx, spec))
        except ToolFailure:
            if not prepared or args["validate_only"]:
                raise
    if args["validate_only"]:
        return {"message": "Issues validated successfully", "issues": []}
    ids = [issue_id for issue_id in (_bulk_create(ctx, spec) for spec in prepared) if issue_id is not None]
    if prepared and not ids:
        raise ToolFailure("HTTPError", hint="(Jira refused every issue: check each one with jira_create_issue)")
    return {"message": "Issues created successfully", "issues": [fetched_view(ctx, i, with_browse_url=True) for i in ids]}


def mcpa_update_payload(ctx: JiraContext, updates: dict[str, Any]) -> dict[str, Any]:
    """What mcp-atlassian 0.23.1's `update_issue` PUTs for these keys: an assignee string resolved to
    {"accountId"} (ToolFailure "Could not update assignee: ..." when it cannot be), null or "" unassigns, an object
    goes as is; `parent` as {"key"} from a key or {"key": ...}, anything else (null, "", {}) silently dropped, so
    an issue cannot leave its epic this way; epic-link aliases to the Epic Link field; `status` to the status
    refusal; the rest through `mcpa_fields` (unknown keys dropped). An empty payload sends nothing."""
    payload: dict[str, Any] = {}
    kwargs = dict(updates)
    mcpa_epic_link(ctx, payload, kwargs)
    for key, value in kwargs.items():
        if key in ("status", "description"):
            payload[key] = value
        elif key == "assignee":
            if value in (None, "") or isinstance(value, dict):
                payload["assignee"] = value or None
                continue
            account = mcpa_account_id(ctx, str(value))
            if account is None:
                raise ToolFailure(f"Could not update assignee: Could not find account ID for user: {value}")
            payload["assignee"] = {"accountId": account}
        elif key == "parent":
            if isinstance(value, dict) and value.get("key"):
                payload["parent"] = {"key": str(value["key"])}
            elif isinstance(value, str) and value:
                payload["parent"] = {"key": value}
        else:
            payload.update(mcpa_fields(ctx, {key: value}))
    return payload


def update_issue(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_update_issue`: what mcp-atlassian 0.23.1 sends (`mcpa_update_payload` of fields, additional_fields and
    components), written as Jira does with its changelog; {"message", "issue"} with `return_fields` of the result
    (default '*all'); the files named in `attachments` (or an "attachments" key of the fields) are then uploaded
    from the working folder and the issue carries `attachment_results` (`mcpa_upload_attachments`), unless a
    status was given. Every failure past the JSON parsing reads "Failed to update issue KEY: Failed to update
    issue KEY: ..." (both layers of 0.23.1 wrap it); nothing to send still answers success."""
    updates = {**mcpa_object(args["fields"]), **mcpa_object(args["additional_fields"])}
    components = [c.strip() for c in (args["components"] or "").split(",") if c.strip()]
    if components:
        updates["components"] = components
    paths = mcpa_attachment_paths(args["attachments"])
    if paths:
        updates["attachments"] = paths
    status = updates.pop("status", None)
    attachments = updates.pop("attachments", None)
    uploaded: dict[str, Any] | None = None
    try:
        row = ctx.issue(args["issue_key"])
        payload = mcpa_update_payload(ctx, updates)
        if payload:
            writer = FieldWriter(ctx, row["id"])
            writer.apply(payload)
            ctx.record_change(row["id"], writer.items)
            ctx.touch(row["id"])
        if status:
            mcpa_status_transition(ctx, row["id"], status)
        elif attachments:  # 0.23.1 returns from the status transition before it uploads anything
            uploaded = mcpa_upload_attachments(ctx, row["id"], args["issue_key"], attachments)
    except ToolFailure as exc:
        raise JiraError(str(exc), exc.hint) from exc
    return_fields = args["return_fields"] or "*all"  # re-read without the base URL: no browse_url (jira/issues.py)
    sel = FieldSelection.parse(return_fields, with_browse_url=False)
    issue = ctx.issue_view(row["id"], sel, "v2_raw")
    if uploaded:
        issue["attachment_results"] = uploaded
    return {"message": "Issue updated successfully", "issue": issue}


def assign_issue(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_assign_issue`: as 0.23.1 assigns through PUT /issue/KEY/assignee: an assignee string is resolved as
    `mcpa_account_id` does ("Could not find account ID for user: X" otherwise), a JSON object needs
    accountId/account_id, empty or null unassigns; {"message": "Issue KEY assigned successfully" (unassigning too),
    "issue"} with the issue as jira_get_issue shows it by default. Failures after the JSON parsing read
    "Failed to assign issue KEY: Failed to assign issue KEY: ..."."""
    assignee: Any = args["assignee"]
    if assignee and assignee.strip().startswith("{"):
        try:
            assignee = json.loads(assignee)
        except json.JSONDecodeError as exc:
            raise ToolFailure(f"Failed to assign issue {args['issue_key']}: assignee is not valid JSON: {exc}") from exc
        if not isinstance(assignee, dict):
            raise ToolFailure(f"Failed to assign issue {args['issue_key']}: assignee JSON must be an object.")
    try:
        row = ctx.issue(args["issue_key"])
        account: Any = None
        if isinstance(assignee, dict):
            account = assignee.get("accountId") or assignee.get("account_id")
            if not account:
                raise ToolFailure("Cloud assignee dict must include accountId or account_id")
        elif assignee:
            account = mcpa_account_id(ctx, assignee)
            if account is None:
                raise ToolFailure(f"Could not find account ID for user: {assignee}")
        writer = FieldWriter(ctx, row["id"])
        writer.apply({"assignee": {"accountId": account} if account else None})
    except ToolFailure as exc:
        raise JiraError(str(exc), exc.hint) from exc
    ctx.record_change(row["id"], writer.items)
    # 0.23.1 says "assigned" for an unassignment too, and re-reads the issue as jira_get_issue does by default
    return {"message": f"Issue {args['issue_key']} assigned successfully",
            "issue": ctx.issue_view(row["id"], FieldSelection.parse(None, comments_by_default=True))}


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
             "expand": param("string", "Jira expand options, e.g. 'changelog' (adds the issue's history).", None),
             "comment_limit": param("integer", "How many of the latest comments to include (0-100).", 10,
                                    minimum=0, maximum=100),
             "properties": param("string", "Comma-separated issue properties (accepted, none are stored).", None),
             "update_history": param("boolean", "Record the view in the user's history (no effect here).", True),
             "include": param("string", "Extra sections, comma-separated: transitions, changelog, watchers, "
                                        "worklogs, remote_links, comments, or 'all'.", None),
             "use_display_names": param("boolean", "Key custom fields by their display name (e.g. 'Story point "
                                                   "estimate') instead of their id.", False)},
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
             "expand": param("string", "Jira expand options, e.g. 'changelog' (adds each issue's history).", None),
             "page_token": param("string", "next_page_token from the previous page, to get the next one.", None),
             "use_display_names": param("boolean", "Key custom fields by their display name (e.g. 'Story point "
                                                   "estimate') instead of their id.", False)},
            search_issues, read_only=True),
    ToolDef("jira_get_project_issues",
            "List a project's issues, newest first. Example: project_key='PROJ', limit=20, start_at=20.",
            {"project_key": param("string", "Project key, e.g. 'PROJ'.", pattern=PROJECT_KEY_PATTERN),
             "limit": param("integer", "Issues per page, 1-50.", 10, minimum=1, maximum=50),
             "start_at": param("integer", "Index of the first issue to return (0-based).", 0, minimum=0)},
            project_issues, read_only=True),
    ToolDef("jira_create_issue",
            "Create an issue. Example: project_key='PROJ', summary='Login fails', issue_type='Bug', "
            "assignee='bob@example.com', description='Steps to reproduce (Markdown)', components='API,Frontend', "
            "additional_fields='{\"priority\": {\"name\": \"High\"}, \"labels\": [\"backend\"], \"duedate\": "
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
                                                  "duedate, fixVersions, custom fields by id (not description, "
                                                  "assignee or components: use their own parameters).", None)},
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
             "attachments": param("string", "Files to attach, as a JSON array string or comma-separated paths "
                                            "relative to the server's working folder.", None),
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
