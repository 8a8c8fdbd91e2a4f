"""Site metadata endpoints of Jira Cloud REST v2/v3: `/serverInfo`, `/myself`, `/field`, create metadata
(`/issue/createmeta/{project}/issuetypes[/{id}]`), projects (`/project`, `/project/search`, components, versions,
statuses), versions (`POST /version`, `GET/PUT /version/{id}`), components, priorities, statuses, resolutions,
issue types and users (`/user`, `/user/search`, `/user/assignable/search`)."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from jira_bench_tui.jira.cloud_json import found_users, project_component_rows
from jira_bench_tui.jira.create_meta import CREATE_FIELDS as _CREATE_FIELDS
from jira_bench_tui.jira.rest import shapes
from jira_bench_tui.jira.rest.core import (
    Reply,
    RestCall,
    RestError,
    bad_request,
    issue_row,
    paged_values,
    route,
)
from jira_bench_tui.jira.rest.issue_json import field_defs

PROJECT_NOT_FOUND = "No project could be found with key '{}'."


@route("GET", "serverInfo")
def server_info(call: RestCall) -> Reply:
    """GET /serverInfo: a Cloud deployment (mcp-atlassian and atlassian-python-api read `deploymentType`)."""
    now = call.ctx.now_stored
    return Reply({"baseUrl": call.base_url, "displayUrl": call.base_url, "version": "1001.0.0-SNAPSHOT",
                  "versionNumbers": [1001, 0, 0], "deploymentType": "Cloud", "buildNumber": 100282,
                  "buildDate": now, "serverTime": now, "scmInfo": "jira-bench", "serverTitle": "Jira",
                  "defaultLocale": {"locale": "en_US"}, "serverTimeZone": "Etc/UTC"})


@route("GET", "myself")
def myself(call: RestCall) -> Reply:
    """GET /myself: the database's current user (every request acts as it)."""
    user = shapes.user_by_account(call, call.ctx.current_user) or {}
    return Reply({**user, "locale": "en_US", "groups": {"size": 0, "items": []},
                  "applicationRoles": {"size": 1, "items": []}})


@route("GET", "field")
def list_fields(call: RestCall) -> Reply:
    """GET /field: every system and custom field with its schema and JQL clause names."""
    return Reply(field_defs(call))


def project_row(call: RestCall, ref: str | None = None) -> sqlite3.Row:
    """The project of the path's `projectIdOrKey`; 404 with Jira's message."""
    text = str(ref if ref is not None else call.params.get("projectIdOrKey", "")).strip()
    row = call.conn.execute("SELECT * FROM projects WHERE key = ? COLLATE NOCASE OR CAST(id AS TEXT) = ?",
                            (text, text)).fetchone()
    if row is None:
        raise RestError(404, PROJECT_NOT_FOUND.format(text))
    return row


def _project_types(call: RestCall, project: sqlite3.Row) -> list[sqlite3.Row]:
    return call.conn.execute("SELECT t.* FROM issue_types t JOIN project_issue_types pt ON pt.issue_type_id = t.id "
                             "WHERE pt.project_id = ? ORDER BY t.id", (project["id"],)).fetchall()


@route("GET", "issue/createmeta/{projectIdOrKey}/issuetypes")
def createmeta_types(call: RestCall) -> Reply:
    """GET /issue/createmeta/{project}/issuetypes: `{"issueTypes", "maxResults", "startAt", "total"}`."""
    project = project_row(call)
    types = [shapes.issue_type_json(call, t) for t in _project_types(call, project)]
    page = paged_values(call, types)
    return Reply({"issueTypes": page["values"], "maxResults": page["maxResults"], "startAt": page["startAt"],
                  "total": page["total"]})


def _allowed(call: RestCall, field_id: str, project: sqlite3.Row) -> list[dict[str, Any]] | None:
    conn = call.conn
    if field_id == "priority":
        return [shapes.priority_json(call, r[0]) or {} for r in conn.execute("SELECT id FROM priorities ORDER BY rank")]
    if field_id == "components":
        return [shapes.component_json(call, r) for r in project_component_rows(conn, project["id"])]
    if field_id in ("fixVersions", "versions"):
        return [shapes.version_json(call, r) for r in conn.execute(
            "SELECT * FROM versions WHERE project_id = ? ORDER BY id", (project["id"],))]
    options = conn.execute("SELECT * FROM field_options WHERE field_id = ? ORDER BY position, option_id",
                           (field_id,)).fetchall()
    if options:
        return [{"self": call.self_url(f"customFieldOption/{o['option_id']}"), "value": o["value"],
                 "id": str(o["option_id"])} for o in options]
    return None


@route("GET", "issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}")
def createmeta_fields(call: RestCall) -> Reply:
    """GET /issue/createmeta/{project}/issuetypes/{id}: `{"fields": [{fieldId, required, schema, name, ...}]}`."""
    project = project_row(call)
    type_row = next((t for t in _project_types(call, project) if str(t["id"]) == call.params["issueTypeId"]), None)
    if type_row is None:
        raise RestError(404, f"Issue type with id '{call.params['issueTypeId']}' does not exist in project "
                             f"{project['key']}.")
    entries = []
    for entry in field_defs(call):
        field_id = entry["id"]
        if not (entry.get("custom") or field_id in _CREATE_FIELDS):
            continue
        if field_id == "parent" and not type_row["subtask"] and type_row["hierarchy_level"] > 0:
            continue
        required = field_id in ("summary", "issuetype", "project") or (field_id == "parent" and type_row["subtask"])
        item: dict[str, Any] = {"required": required, "schema": entry.get("schema", {}), "name": entry["name"],
                                "fieldId": field_id, "key": field_id, "hasDefaultValue": field_id == "priority",
                                "operations": ["set"] if field_id not in ("labels", "components") else
                                ["add", "set", "remove"]}
        allowed = _allowed(call, field_id, project)
        if allowed is not None:
            item["allowedValues"] = allowed
        entries.append(item)
    page = paged_values(call, entries)
    return Reply({"fields": page["values"], "maxResults": page["maxResults"], "startAt": page["startAt"],
                  "total": page["total"]})


@route("GET", "project")
def list_projects(call: RestCall) -> Reply:
    """GET /project: every project (not archived), the short form."""
    rows = call.conn.execute("SELECT * FROM projects WHERE archived = 0 ORDER BY key").fetchall()
    return Reply([shapes.project_json(call, r) for r in rows])


@route("GET", "project/search")
def search_projects(call: RestCall) -> Reply:
    """GET /project/search?query=&keys=&startAt=&maxResults=&expand=description: a page of projects."""
    query = (call.arg("query") or "").lower()
    keys = {k.upper() for k in call.args("keys")}
    archived = "archived" in [s.lower() for s in call.args("status")]
    rows = [r for r in call.conn.execute("SELECT * FROM projects ORDER BY key")
            if (archived or not r["archived"]) and (not keys or r["key"] in keys)
            and (not query or query in r["key"].lower() or query in r["name"].lower())]
    with_description = "description" in call.args("expand")
    values = []
    for row in rows:
        entry = shapes.project_json(call, row)
        if with_description:
            entry["description"] = row["description"] or ""
        values.append(entry)
    page = paged_values(call, values)
    next_start = page["startAt"] + len(page["values"])
    out = {"self": call.self_url("project/search"), **page}
    if not page["isLast"]:
        out["nextPage"] = call.self_url(f"project/search?startAt={next_start}&maxResults={page['maxResults']}")
    return Reply(out)


@route("GET", "project/{projectIdOrKey}")
def get_project(call: RestCall) -> Reply:
    """GET /project/{key}: the full project (lead, issue types, components, versions); 404 when unknown."""
    return Reply(shapes.project_json(call, project_row(call), full=True))


@route("GET", "project/{projectIdOrKey}/components")
def project_components(call: RestCall) -> Reply:
    """GET /project/{key}/components: the project's components, by name ignoring case (Jira's
    `ProjectComponentComparator`)."""
    project = project_row(call)
    return Reply([shapes.component_json(call, r, project) for r in project_component_rows(call.conn, project["id"])])


@route("GET", "project/{projectIdOrKey}/versions")
def project_versions(call: RestCall) -> Reply:
    """GET /project/{key}/versions: the project's versions, in creation order."""
    project = project_row(call)
    rows = call.conn.execute("SELECT * FROM versions WHERE project_id = ? ORDER BY id", (project["id"],))
    return Reply([shapes.version_json(call, r) for r in rows])


@route("GET", "project/{projectIdOrKey}/statuses")
def project_statuses(call: RestCall) -> Reply:
    """GET /project/{key}/statuses: per issue type, the statuses of the project's workflow."""
    project = project_row(call)
    ids = [r[0] for r in call.conn.execute(
        "SELECT DISTINCT s.id FROM statuses s JOIN transitions t ON t.to_status_id = s.id OR t.from_status_id = s.id "
        "WHERE t.workflow_id = ? UNION SELECT initial_status_id FROM workflows WHERE id = ? ORDER BY 1",
        (project["workflow_id"], project["workflow_id"]))]
    statuses = [shapes.status_json(call, i) for i in ids]
    return Reply([{"self": call.self_url(f"issuetype/{t['id']}"), "id": str(t["id"]), "name": t["name"],
                   "subtask": bool(t["subtask"]), "statuses": statuses} for t in _project_types(call, project)])


def _version_row(call: RestCall) -> sqlite3.Row:
    row = call.conn.execute("SELECT * FROM versions WHERE CAST(id AS TEXT) = ?", (call.params["id"],)).fetchone()
    if row is None:
        raise RestError(404, f"Could not find version for id '{call.params['id']}'")
    return row


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _version_values(body: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, column in (("name", "name"), ("description", "description"), ("startDate", "start_date"),
                        ("releaseDate", "release_date"), ("released", "released"), ("archived", "archived")):
        if key not in body:
            continue
        value = body[key]
        if key in ("startDate", "releaseDate") and value is not None and not _DATE.match(str(value)):
            errors[key] = "Please enter the date in the following format: yyyy-MM-dd"
        elif key in ("released", "archived"):
            value = 1 if value else 0
        elif key == "name" and (not isinstance(value, str) or not value.strip()):
            errors["name"] = "You must specify a valid version name"
        values[column] = value
    if errors:
        raise RestError(400, errors=errors)
    return values


@route("POST", "version")
def create_version(call: RestCall) -> Reply:
    """POST /version `{"name", "project"|"projectId", "startDate"?, "releaseDate"?, ...}`: 201 with the version."""
    body = call.json_object()
    ref = body.get("project") or body.get("projectId")
    if ref in (None, ""):
        raise RestError(400, errors={"project": "Project must be specified to create a version."})
    project = call.conn.execute("SELECT * FROM projects WHERE key = ? COLLATE NOCASE OR CAST(id AS TEXT) = ?",
                                (str(ref), str(ref))).fetchone()
    if project is None:
        raise RestError(404, PROJECT_NOT_FOUND.format(ref))
    values = _version_values(body)
    if "name" not in values:
        raise RestError(400, errors={"name": "You must specify a valid version name"})
    if call.conn.execute("SELECT 1 FROM versions WHERE project_id = ? AND name = ? COLLATE NOCASE",
                         (project["id"], values["name"])).fetchone():
        raise RestError(400, errors={"name": "A version with this name already exists in this project."})
    new_id = call.conn.execute("SELECT MAX(COALESCE(MAX(id) + 1, 10000), 10000) FROM versions").fetchone()[0]
    columns = ["id", "project_id", *values]
    call.conn.execute(f"INSERT INTO versions({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                      (new_id, project["id"], *values.values()))
    return Reply(shapes.version_json(call, call.conn.execute("SELECT * FROM versions WHERE id = ?",
                                                             (new_id,)).fetchone()), 201)


@route("GET", "version/{id}")
def get_version(call: RestCall) -> Reply:
    """GET /version/{id}: one version; 404 when unknown."""
    return Reply(shapes.version_json(call, _version_row(call)))


@route("PUT", "version/{id}")
def update_version(call: RestCall) -> Reply:
    """PUT /version/{id}: the given fields change; 200 with the version."""
    row = _version_row(call)
    values = _version_values(call.json_object())
    if values.get("name") and call.conn.execute(
            "SELECT 1 FROM versions WHERE project_id = ? AND name = ? COLLATE NOCASE AND id != ?",
            (row["project_id"], values["name"], row["id"])).fetchone():
        raise RestError(400, errors={"name": "A version with this name already exists in this project."})
    if values:
        sets = ", ".join(f"{c} = ?" for c in values)
        call.conn.execute(f"UPDATE versions SET {sets} WHERE id = ?", (*values.values(), row["id"]))
    return Reply(shapes.version_json(call, _version_row(call)))


@route("GET", "component/{id}")
def get_component(call: RestCall) -> Reply:
    """GET /component/{id}: one component; 404 when unknown."""
    row = call.conn.execute("SELECT * FROM components WHERE CAST(id AS TEXT) = ?", (call.params["id"],)).fetchone()
    if row is None:
        raise RestError(404, f"The component with id {call.params['id']} does not exist.")
    project = call.conn.execute("SELECT * FROM projects WHERE id = ?", (row["project_id"],)).fetchone()
    return Reply(shapes.component_json(call, row, project))


@route("GET", "priority")
def priorities(call: RestCall) -> Reply:
    """GET /priority: the priorities, highest first."""
    return Reply([shapes.priority_json(call, r[0]) for r in call.conn.execute("SELECT id FROM priorities ORDER BY rank")])


@route("GET", "status")
def statuses(call: RestCall) -> Reply:
    """GET /status: every status with its category."""
    return Reply([shapes.status_json(call, r[0]) for r in call.conn.execute("SELECT id FROM statuses ORDER BY id")])


@route("GET", "resolution")
def resolutions(call: RestCall) -> Reply:
    """GET /resolution: every resolution."""
    return Reply([shapes.resolution_json(call, r[0]) for r in call.conn.execute("SELECT id FROM resolutions")])


@route("GET", "issuetype")
def issue_types(call: RestCall) -> Reply:
    """GET /issuetype: every issue type of the site."""
    rows = call.conn.execute("SELECT * FROM issue_types ORDER BY id").fetchall()
    return Reply([shapes.issue_type_json(call, r) for r in rows])


def _users(call: RestCall, query: str, *, active_only: bool = True) -> list[sqlite3.Row]:
    return found_users(call.conn, query, active_only=active_only)


@route("GET", "user")
def get_user(call: RestCall) -> Reply:
    """GET /user?accountId=: 404 `{"errorMessages": ["User with accountId '...' does not exist"]}`."""
    account = call.arg("accountId")
    if not account:
        raise bad_request("The query parameter 'accountId' is required.")
    row = call.conn.execute("SELECT * FROM users WHERE account_id = ?", (account,)).fetchone()
    if row is None:
        raise RestError(404, f"User with accountId '{account}' does not exist")
    return Reply(shapes.user_json(call, row))


@route("GET", "user/search")
def search_users(call: RestCall) -> Reply:
    """GET /user/search?query=|accountId=: a plain list of users (`startAt`, `maxResults`)."""
    query, account = call.arg("query"), call.arg("accountId")
    if not query and not account and not call.arg("property"):
        raise bad_request("One of 'accountId', 'query' or 'property' query parameters must be provided.")
    rows = [r for r in _users(call, query or "", active_only=not call.bool_arg("includeInactive", False))
            if not account or r["account_id"] == account]
    start, size = call.int_arg("startAt", 0), call.int_arg("maxResults", 50)
    return Reply([shapes.user_json(call, r) for r in rows[start:start + size]])


@route("GET", "user/assignable/search")
def assignable_users(call: RestCall) -> Reply:
    """GET /user/assignable/search?query=&project=|issueKey=: active users (a project or an issue is required)."""
    project, issue = call.arg("project"), call.arg("issueKey") or call.arg("issueId")
    if not project and not issue:
        raise bad_request("Either project or issueKey must be provided.")
    if issue:
        issue_row(call, issue)
    else:
        project_row(call, project)
    rows = _users(call, call.arg("query") or call.arg("username") or "")
    start, size = call.int_arg("startAt", 0), call.int_arg("maxResults", 50)
    return Reply([shapes.user_json(call, r) for r in rows[start:start + size]])


@route("GET", "user/permission/search")
def permission_users(call: RestCall) -> Reply:
    """GET /user/permission/search?query=&permissions=: every active user holds every permission here."""
    rows = _users(call, call.arg("query") or call.arg("username") or "")
    start, size = call.int_arg("startAt", 0), call.int_arg("maxResults", 50)
    return Reply([shapes.user_json(call, r) for r in rows[start:start + size]])


def _custom_field(call: RestCall) -> sqlite3.Row:
    row = call.conn.execute("SELECT * FROM fields WHERE id = ? AND custom = 1", (call.params["fieldId"],)).fetchone()
    if row is None:
        raise RestError(404, f"The custom field was not found: {call.params['fieldId']}")
    return row


@route("GET", "field/{fieldId}/context")
def field_contexts(call: RestCall) -> Reply:
    """GET /field/{id}/context: one global context per custom field (id = the field's number)."""
    row = _custom_field(call)
    number = row["id"].removeprefix("customfield_")
    context = {"id": number, "name": f"Default Configuration Scheme for {row['name']}",
               "description": f"Default configuration scheme generated by Jira for {row['name']}",
               "isGlobalContext": True, "isAnyIssueType": True}
    return Reply(paged_values(call, [context]))


@route("GET", "field/{fieldId}/context/{contextId}/option")
def field_context_options(call: RestCall) -> Reply:
    """GET /field/{id}/context/{ctx}/option: the option field's allowed values, in order."""
    row = _custom_field(call)
    if call.params["contextId"] != row["id"].removeprefix("customfield_"):
        raise RestError(404, f"The context was not found: {call.params['contextId']}")
    options = call.conn.execute("SELECT * FROM field_options WHERE field_id = ? ORDER BY position, option_id",
                                (row["id"],)).fetchall()
    return Reply(paged_values(call, [{"id": str(o["option_id"]), "value": o["value"], "disabled": False}
                                     for o in options], default_max=100))
