"""Link endpoints of Jira Cloud REST v2/v3: issue link types, issue links (`POST /issueLink`,
`GET/DELETE /issueLink/{id}`, through the model's `create_link` / `remove_link`) and remote (web) links of an issue
(`/issue/{key}/remotelink[/{id}]`, stored in the `remote_links` table this face adds)."""

from __future__ import annotations

import sqlite3
from typing import Any

from jira_bench_tui.jira.issue_extras import remote_link_json as shared_remote_link_json
from jira_bench_tui.jira.issue_extras import remote_link_rows
from jira_bench_tui.jira.rest.core import Reply, RestCall, RestError, bad_request, issue_row, route
from jira_bench_tui.jira.rest.fields_in import rich_text_in
from jira_bench_tui.jira.rest.issue_json import fragment_json, link_type_json
from jira_bench_tui.jira.tools.links import create_link, remove_link


@route("GET", "issueLinkType")
def link_types(call: RestCall) -> Reply:
    """GET /issueLinkType: `{"issueLinkTypes": [{id, name, inward, outward, self}]}`."""
    rows = call.conn.execute("SELECT * FROM link_types ORDER BY name").fetchall()
    return Reply({"issueLinkTypes": [link_type_json(call, r["id"], r["name"], r["inward"], r["outward"])
                                     for r in rows]})


@route("GET", "issueLinkType/{id}")
def link_type(call: RestCall) -> Reply:
    """GET /issueLinkType/{id}: one link type; 404 when unknown."""
    row = call.conn.execute("SELECT * FROM link_types WHERE CAST(id AS TEXT) = ?", (call.params["id"],)).fetchone()
    if row is None:
        raise RestError(404, f"No issue link type with id '{call.params['id']}' found.")
    return Reply(link_type_json(call, row["id"], row["name"], row["inward"], row["outward"]))


def _link_type_row(call: RestCall, ref: Any) -> sqlite3.Row:
    value = (ref.get("name") or ref.get("id")) if isinstance(ref, dict) else ref
    row = call.conn.execute("SELECT * FROM link_types WHERE name = ? COLLATE NOCASE OR CAST(id AS TEXT) = ?",
                            (str(value), str(value))).fetchone() if value else None
    if row is None:
        raise RestError(404, f"No issue link type with name '{value}' found.")
    return row


@route("POST", "issueLink")
def create_issue_link(call: RestCall) -> Reply:
    """POST /issueLink `{"type": {"name"}, "inwardIssue": {"key"}, "outwardIssue": {"key"}, "comment"?}`: 201,
    no body. The link reads "<inwardIssue> <outward phrase> <outwardIssue>" (the model's convention)."""
    body = call.json_object()
    kind = _link_type_row(call, body.get("type"))
    ends = []
    for name in ("inwardIssue", "outwardIssue"):
        ref = body.get(name)
        if not isinstance(ref, dict) or not (ref.get("key") or ref.get("id")):
            raise bad_request(f"{name} is required: {{\"key\": \"PROJ-1\"}}.")
        ends.append(issue_row(call, str(ref.get("key") or ref.get("id"))))
    if ends[0]["id"] == ends[1]["id"]:
        raise bad_request("You cannot link an issue to itself.")
    comment = body.get("comment") or {}
    text = rich_text_in(call, comment.get("body"), "comment") if isinstance(comment, dict) else None
    create_link(call.ctx, {"link_type": kind["name"], "inward_issue_key": ends[0]["key"],
                           "outward_issue_key": ends[1]["key"], "comment": text})
    return Reply(None, 201)


def _link_row(call: RestCall) -> sqlite3.Row:
    row = call.conn.execute("SELECT * FROM issue_links WHERE CAST(id AS TEXT) = ?", (call.params["id"],)).fetchone()
    if row is None:
        raise RestError(404, f"No issue link with id '{call.params['id']}' exists.")
    return row


@route("GET", "issueLink/{id}")
def get_issue_link(call: RestCall) -> Reply:
    """GET /issueLink/{id}: the link with both ends; 404 when unknown."""
    row = _link_row(call)
    kind = call.conn.execute("SELECT * FROM link_types WHERE id = ?", (row["link_type_id"],)).fetchone()
    keys = {r[0]: r[1] for r in call.conn.execute("SELECT id, key FROM issues WHERE id IN (?, ?)",
                                                  (row["inward_issue_id"], row["outward_issue_id"]))}
    return Reply({"id": str(row["id"]), "self": call.self_url(f"issueLink/{row['id']}"),
                  "type": link_type_json(call, kind["id"], kind["name"], kind["inward"], kind["outward"]),
                  "inwardIssue": fragment_json(call, issue_row(call, keys[row["inward_issue_id"]])),
                  "outwardIssue": fragment_json(call, issue_row(call, keys[row["outward_issue_id"]]))})


@route("DELETE", "issueLink/{id}")
def delete_issue_link(call: RestCall) -> Reply:
    """DELETE /issueLink/{id}: 204, with a `Link` changelog entry on both issues (the model's)."""
    _link_row(call)
    remove_link(call.ctx, {"link_id": call.params["id"]})
    return Reply(None, 204)


def remote_link_json(call: RestCall, row: sqlite3.Row, issue_key: str) -> dict[str, Any]:
    """A remote link with its `self` in this call's API version (`issue_extras.remote_link_json`)."""
    return shared_remote_link_json(row, call.self_url(f"issue/{issue_key}/remotelink/{row['id']}"))


@route("GET", "issue/{issueIdOrKey}/remotelink")
def list_remote_links(call: RestCall) -> Reply:
    """GET /issue/{key}/remotelink (`globalId` filters): a list of remote links."""
    issue = issue_row(call)
    rows = remote_link_rows(call.conn, issue["id"])
    wanted = call.arg("globalId")
    return Reply([remote_link_json(call, r, issue["key"]) for r in rows if not wanted or r["global_id"] == wanted])


@route("POST", "issue/{issueIdOrKey}/remotelink")
def upsert_remote_link(call: RestCall) -> Reply:
    """POST /issue/{key}/remotelink `{"globalId"?, "relationship"?, "object": {"url", "title", ...}}`: 201
    `{"id", "self"}`, or 200 when a link with that globalId is updated."""
    issue = issue_row(call)
    body = call.json_object()
    obj = body.get("object")
    errors = {}
    if not isinstance(obj, dict) or not obj.get("url"):
        errors["object"] = "'url' is required."
    if not isinstance(obj, dict) or not obj.get("title"):
        errors["title"] = "'title' is required."
    if errors:
        raise RestError(400, errors=errors)
    assert isinstance(obj, dict)
    icon: dict[str, Any] = obj["icon"] if isinstance(obj.get("icon"), dict) else {}
    values = (body.get("globalId"), body.get("relationship"), str(obj["url"]), str(obj["title"]), obj.get("summary"),
              icon.get("url16x16"), icon.get("title"))
    existing = call.conn.execute("SELECT id FROM remote_links WHERE issue_id = ? AND global_id = ?",
                                 (issue["id"], body.get("globalId"))).fetchone() if body.get("globalId") else None
    if existing is not None:
        call.conn.execute("UPDATE remote_links SET global_id = ?, relationship = ?, url = ?, title = ?, summary = ?, "
                          "icon_url = ?, icon_title = ? WHERE id = ?", (*values, existing[0]))
        link_id, status = existing[0], 200
    else:
        next_id = call.conn.execute("SELECT MAX(COALESCE(MAX(id) + 1, 10000), 10000) FROM remote_links").fetchone()[0]
        call.conn.execute("INSERT INTO remote_links(id, issue_id, global_id, relationship, url, title, summary, "
                          "icon_url, icon_title, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          (next_id, issue["id"], *values, call.ctx.now_stored))
        link_id, status = next_id, 201
    call.ctx.touch(issue["id"])
    return Reply({"id": link_id, "self": call.self_url(f"issue/{issue['key']}/remotelink/{link_id}")}, status)


@route("DELETE", "issue/{issueIdOrKey}/remotelink/{id}")
def delete_remote_link(call: RestCall) -> Reply:
    """DELETE /issue/{key}/remotelink/{id}: 204; 404 when unknown."""
    issue = issue_row(call)
    gone = call.conn.execute("DELETE FROM remote_links WHERE issue_id = ? AND CAST(id AS TEXT) = ?",
                             (issue["id"], call.params["id"])).rowcount
    if not gone:
        raise RestError(404, f"No remote link with id '{call.params['id']}' on issue {issue['key']}.")
    return Reply(None, 204)
