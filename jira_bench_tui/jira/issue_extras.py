"""What hangs off an issue besides its fields: watchers, remote (web) links and attachments, read and written the way
Jira Cloud's REST API does (`/issue/{key}/watchers`, `/issue/{key}/remotelink`, `/attachment`). The MCP tools
(`tools/watchers.py`, `tools/remote_links.py`, `tools/attachments.py`) use these; the tables are the ones the REST
face added to `schema.sql` (`watchers`, `remote_links`, `attachments`)."""

from __future__ import annotations

import sqlite3
from typing import Any


def watcher_rows(conn: sqlite3.Connection, issue_id: int) -> list[sqlite3.Row]:
    """The users watching an issue, by display name (GET /issue/{key}/watchers)."""
    return conn.execute("SELECT u.* FROM watchers w JOIN users u ON u.account_id = w.account_id "
                        "WHERE w.issue_id = ? ORDER BY u.display_name", (issue_id,)).fetchall()


def user_by_account(conn: sqlite3.Connection, account_id: str | None) -> sqlite3.Row | None:
    """The users row with exactly this account id (REST takes account ids only on Cloud), or None."""
    row: sqlite3.Row | None = conn.execute("SELECT * FROM users WHERE account_id = ?",
                                           (str(account_id),)).fetchone()
    return row


def unknown_account(account_id: str | None) -> str:
    """Jira Cloud's 404 text for an account id nobody has (`None` printed as Python prints it, as mcp-atlassian
    sends it)."""
    return f"The user with account ID '{account_id}' does not exist."


def add_watcher(conn: sqlite3.Connection, issue_id: int, account_id: str) -> None:
    """Watch the issue as this user (already watching: nothing changes); Jira records no history for it."""
    conn.execute("INSERT OR IGNORE INTO watchers(issue_id, account_id) VALUES (?, ?)", (issue_id, account_id))


def remove_watcher(conn: sqlite3.Connection, issue_id: int, account_id: str) -> None:
    """Stop this user watching the issue (not watching: nothing changes)."""
    conn.execute("DELETE FROM watchers WHERE issue_id = ? AND account_id = ?", (issue_id, account_id))


def remote_link_rows(conn: sqlite3.Connection, issue_id: int) -> list[sqlite3.Row]:
    """An issue's remote links in creation order (GET /issue/{key}/remotelink)."""
    return conn.execute("SELECT * FROM remote_links WHERE issue_id = ? ORDER BY id", (issue_id,)).fetchall()


def upsert_remote_link(conn: sqlite3.Connection, issue_id: int, link: dict[str, Any], now: str) -> tuple[int, bool]:
    """Store a remote link from Jira's body `{"globalId"?, "relationship"?, "object": {"url", "title", "summary"?,
    "icon": {"url16x16", "title"}}}`; (its id, created). A link with the same globalId on the issue is updated, as
    POST /issue/{key}/remotelink does. The caller checks url and title."""
    obj = link["object"]
    icon = obj.get("icon") if isinstance(obj.get("icon"), dict) else {}
    values = (link.get("globalId"), link.get("relationship"), str(obj["url"]), str(obj["title"]), obj.get("summary"),
              icon.get("url16x16"), icon.get("title"))
    existing = conn.execute("SELECT id FROM remote_links WHERE issue_id = ? AND global_id = ?",
                            (issue_id, link.get("globalId"))).fetchone() if link.get("globalId") else None
    if existing is not None:
        conn.execute("UPDATE remote_links SET global_id = ?, relationship = ?, url = ?, title = ?, summary = ?, "
                     "icon_url = ?, icon_title = ? WHERE id = ?", (*values, existing[0]))
        return int(existing[0]), False
    next_id = conn.execute("SELECT MAX(COALESCE(MAX(id) + 1, 10000), 10000) FROM remote_links").fetchone()[0]
    conn.execute("INSERT INTO remote_links(id, issue_id, global_id, relationship, url, title, summary, icon_url, "
                 "icon_title, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (next_id, issue_id, *values, now))
    return int(next_id), True


def remote_link_json(row: sqlite3.Row, self_link: str) -> dict[str, Any]:
    """A remote link as Jira Cloud's REST shows it (GET /issue/{key}/remotelink), `self_link` being its `self`:
    `{id, self, globalId?, application, relationship?, object: {url, title, summary?, icon, status}}`. The REST
    face and jira_get_issue's include=remote_links (which mcp-atlassian passes through) both use it."""
    out: dict[str, Any] = {"id": row["id"], "self": self_link}
    if row["global_id"]:
        out["globalId"] = row["global_id"]
    out["application"] = {}
    if row["relationship"]:
        out["relationship"] = row["relationship"]
    obj: dict[str, Any] = {"url": row["url"], "title": row["title"]}
    if row["summary"]:
        obj["summary"] = row["summary"]
    obj["icon"] = {k: v for k, v in (("url16x16", row["icon_url"]), ("title", row["icon_title"])) if v}
    obj["status"] = {"icon": {}}
    out["object"] = obj
    return out


def attachment_rows(conn: sqlite3.Connection, issue_id: int) -> list[sqlite3.Row]:
    """An issue's attachments (metadata and stored bytes) in upload order (the `attachment` field)."""
    return conn.execute("SELECT * FROM attachments WHERE issue_id = ? ORDER BY id", (issue_id,)).fetchall()
