"""Watcher and attachment endpoints of Jira Cloud REST v2/v3: `/issue/{key}/watchers` (list, add, remove) and
attachments (`POST /issue/{key}/attachments`, `GET /attachment/{id}`, `GET /attachment/content/{id}`,
`DELETE /attachment/{id}`), stored in the `attachments` table this face adds."""

from __future__ import annotations

import sqlite3

from jira_bench_tui.jira.issue_extras import watcher_rows
from jira_bench_tui.jira.rest import shapes
from jira_bench_tui.jira.rest.core import Reply, RestCall, RestError, bad_request, issue_row, route


@route("GET", "issue/{issueIdOrKey}/watchers")
def list_watchers(call: RestCall) -> Reply:
    """GET /issue/{key}/watchers: `{"self", "isWatching", "watchCount", "watchers": [users]}`."""
    issue = issue_row(call)
    rows = watcher_rows(call.conn, issue["id"])
    return Reply({"self": call.self_url(f"issue/{issue['key']}/watchers"),
                  "isWatching": any(r["account_id"] == call.ctx.current_user for r in rows),
                  "watchCount": len(rows), "watchers": [shapes.user_json(call, r) for r in rows]})


def _user_or_404(call: RestCall, account: str) -> sqlite3.Row:
    row = call.conn.execute("SELECT * FROM users WHERE account_id = ?", (account,)).fetchone()
    if row is None:
        raise RestError(404, f"The user with account ID '{account}' does not exist.")
    return row


@route("POST", "issue/{issueIdOrKey}/watchers")
def add_watcher(call: RestCall) -> Reply:
    """POST /issue/{key}/watchers with a JSON string account id (empty body: the current user): 204."""
    issue = issue_row(call)
    account = call.body if call.body is not None else call.ctx.current_user
    if not isinstance(account, str) or not account.strip():
        raise bad_request("The body must be a JSON string: the account id of the user to add.")
    user = _user_or_404(call, account.strip())
    call.conn.execute("INSERT OR IGNORE INTO watchers(issue_id, account_id) VALUES (?, ?)",
                      (issue["id"], user["account_id"]))
    return Reply(None, 204)


@route("DELETE", "issue/{issueIdOrKey}/watchers")
def remove_watcher(call: RestCall) -> Reply:
    """DELETE /issue/{key}/watchers?accountId= (or `username`, resolved like a query): 204."""
    issue = issue_row(call)
    account = call.arg("accountId")
    if not account and call.arg("username"):
        found = call.conn.execute("SELECT account_id FROM users WHERE lower(email) = lower(?) OR "
                                  "lower(display_name) = lower(?)", (call.arg("username"),) * 2).fetchone()
        account = found[0] if found else call.arg("username")
    if not account:
        raise bad_request("accountId is required.")
    user = _user_or_404(call, account)
    call.conn.execute("DELETE FROM watchers WHERE issue_id = ? AND account_id = ?", (issue["id"], user["account_id"]))
    return Reply(None, 204)


def _attachment(call: RestCall) -> sqlite3.Row:
    row = call.conn.execute("SELECT * FROM attachments WHERE CAST(id AS TEXT) = ?", (call.params["id"],)).fetchone()
    if row is None:
        raise RestError(404, f"The attachment with id '{call.params['id']}' does not exist")
    return row


@route("GET", "attachment/{id}")
def get_attachment(call: RestCall) -> Reply:
    """GET /attachment/{id}: its metadata; 404 when unknown."""
    return Reply(shapes.attachment_json(call, _attachment(call)))


@route("GET", "attachment/content/{id}")
def attachment_content(call: RestCall) -> Reply:
    """GET /attachment/content/{id}: the file's bytes (`Reply.body` bytes are sent as they are)."""
    row = _attachment(call)
    return Reply(bytes(row["content"]), 200, {"Content-Type": row["mime_type"],
                                              "Content-Disposition": f"attachment; filename=\"{row['filename']}\""})


@route("DELETE", "attachment/{id}")
def delete_attachment(call: RestCall) -> Reply:
    """DELETE /attachment/{id}: 204."""
    call.conn.execute("DELETE FROM attachments WHERE id = ?", (_attachment(call)["id"],))
    return Reply(None, 204)


@route("POST", "issue/{issueIdOrKey}/attachments")
def add_attachments(call: RestCall) -> Reply:
    """POST /issue/{key}/attachments (multipart, part name `file`, header `X-Atlassian-Token: no-check`): 200 with
    the list of stored attachments; 403 without the header (Jira's XSRF check), 400 without a file."""
    issue = issue_row(call)
    if call.files and call.files[0].xsrf_failed:
        raise RestError(403, "XSRF check failed")
    if not call.files:
        raise bad_request("No file was uploaded: send multipart/form-data with a part named 'file'.")
    out = []
    for upload in call.files:
        next_id = call.conn.execute("SELECT MAX(COALESCE(MAX(id) + 1, 10000), 10000) FROM attachments").fetchone()[0]
        call.conn.execute("INSERT INTO attachments(id, issue_id, filename, mime_type, size, content, author_id, "
                          "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          (next_id, issue["id"], upload.filename, upload.mime_type, len(upload.content),
                           upload.content, call.ctx.current_user, call.ctx.now_stored))
        out.append(shapes.attachment_json(call, call.conn.execute("SELECT * FROM attachments WHERE id = ?",
                                                                  (next_id,)).fetchone()))
    call.ctx.touch(issue["id"])
    return Reply(out)
