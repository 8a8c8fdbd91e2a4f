"""Version tools: create one version, create several, update one (mcp-atlassian 0.23.1's `create_version`,
`batch_create_versions`, `update_version`), answering Jira's version JSON or `{"success": false, "error"}` as the
real server does."""

from __future__ import annotations

import json
from typing import Any

from jira_bench_tui.jira.tools.common import PROJECT_KEY_PATTERN, JiraContext, ToolDef, ToolFailure, param
from jira_bench_tui.jira.tools.rest_like import project_row
from jira_bench_tui.jira.versions import VersionRefused, create_version, update_version, version_json


def _create(ctx: JiraContext, project_key: str, spec: dict[str, Any]) -> dict[str, Any]:
    """One version from mcp-atlassian's payload (empty dates and description are not sent); its REST v2 JSON.
    VersionRefused with Jira's text."""
    project = project_row(ctx, project_key)
    if project is None:
        raise VersionRefused(message=f"No project could be found with key '{project_key}'.")
    body: dict[str, Any] = {"name": spec.get("name")}
    for key in ("startDate", "releaseDate", "description"):
        if spec.get(key):
            body[key] = spec[key]
    return version_json(ctx.base_url, create_version(ctx.conn, project["id"], body))


def create_version_tool(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_create_version`: Jira's version JSON, or `{"success": false, "error"}` (not an error result) when Jira
    refuses (unknown project, bad date, duplicate name), as 0.23.1's `create_version` answers."""
    spec = {"name": args["name"], "startDate": args.get("start_date"), "releaseDate": args.get("release_date"),
            "description": args.get("description")}
    try:
        return _create(ctx, args["project_key"], spec)
    except VersionRefused as refused:
        return {"success": False, "error": str(refused)}


def batch_create_versions(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_batch_create_versions`: one `{"success", "version"}` or `{"success": false, "error", "input"?}` per
    item, each created on its own. ToolFailure (0.23.1's texts) when `versions` is not a JSON array."""
    try:
        items = json.loads(args["versions"])
    except json.JSONDecodeError:
        raise ToolFailure("Invalid JSON in versions") from None
    if not isinstance(items, list):
        raise ToolFailure("Invalid input for versions: Input 'versions' must be a JSON array string.")
    results: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not item.get("name"):
            results.append({"success": False, "error": f"Item {index}: Each version must be an object with at "
                                                       "least a 'name' field."})
            continue
        try:
            results.append({"success": True, "version": _create(ctx, args["project_key"], item)})
        except VersionRefused as refused:
            results.append({"success": False, "error": str(refused), "input": item})
    return results


def update_version_tool(ctx: JiraContext, args: dict[str, Any]) -> Any:
    """`jira_update_version`: change the given fields (None ones are not sent); Jira's version JSON, or
    `{"success": false, "error"}` for nothing to change, an unknown version or a refused value."""
    body = {key: args.get(name) for key, name in (("name", "name"), ("description", "description"),
                                                   ("startDate", "start_date"), ("releaseDate", "release_date"),
                                                   ("archived", "archived"), ("released", "released"))
            if args.get(name) is not None}
    if not body:
        return {"success": False, "error": "update_version requires at least one field to update"}
    try:
        return version_json(ctx.base_url, update_version(ctx.conn, args["version_id"], body))
    except VersionRefused as refused:
        return {"success": False, "error": str(refused)}


PROJECT_KEY = param("string", "Key of the project the version belongs to, e.g. 'PROJ'.",
                    pattern=PROJECT_KEY_PATTERN)
DATE = "as YYYY-MM-DD, e.g. '2027-03-01'."
TOOLS = [
    ToolDef("jira_create_version",
            "Create a version (release) in a project. Example: project_key='PROJ', name='2.1', "
            "release_date='2027-03-01'. Returns the new version with its id.",
            {"project_key": PROJECT_KEY, "name": param("string", "The version's name, unique in the project."),
             "start_date": param("string", f"When work on it starts, {DATE}", None),
             "release_date": param("string", f"When it ships, {DATE}", None),
             "description": param("string", "What the release is about.", None)},
            create_version_tool, read_only=False),
    ToolDef("jira_batch_create_versions",
            "Create several versions in one project; each succeeds or fails on its own. Example: "
            "versions='[{\"name\": \"2.1\", \"releaseDate\": \"2027-03-01\"}, {\"name\": \"2.2\"}]'.",
            {"project_key": PROJECT_KEY,
             "versions": param("string", "A JSON array string of objects with name (required), startDate, "
                                         "releaseDate (YYYY-MM-DD) and description.")},
            batch_create_versions, read_only=False),
    ToolDef("jira_update_version",
            "Change a version: rename it, move its dates, mark it released or archived. Only the arguments given "
            "change. Example: version_id='10002', released=true, release_date='2026-11-24'.",
            {"version_id": param("string", "The version's numeric id (jira_get_project_versions lists them)."),
             "name": param("string", "A new name.", None),
             "description": param("string", "A new description.", None),
             "start_date": param("string", f"A new start date, {DATE}", None),
             "release_date": param("string", f"A new release date, {DATE}", None),
             "archived": param("boolean", "true archives the version, false restores it.", None),
             "released": param("boolean", "true marks it released, false unreleased.", None)},
            update_version_tool, read_only=False, destructive=True),
]
