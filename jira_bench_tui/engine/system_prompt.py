"""The system prompt of a trial: whom the agent works for, today's date by the fixture's clock, how to work and end."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any


def _as_date(now: Any) -> date | None:
    if isinstance(now, datetime):
        return now.date()
    if isinstance(now, date):
        return now
    if isinstance(now, int | float):
        return datetime.fromtimestamp(now, tz=UTC).date()
    if isinstance(now, str) and now.strip():
        try:
            return datetime.fromisoformat(now.strip().replace("Z", "+00:00")).date()
        except ValueError:
            return None
    return None


def _user(current_user: Any) -> tuple[str | None, str | None]:
    if current_user is None:
        return None, None
    if isinstance(current_user, str):
        return current_user, None
    if isinstance(current_user, dict):
        return current_user.get("display_name") or current_user.get("name"), current_user.get("email")
    return (getattr(current_user, "display_name", None) or getattr(current_user, "name", None),
            getattr(current_user, "email", None))


def build_system_prompt(current_user: Any = None, now: Any = None, base_url: str | None = None) -> str:
    """The system prompt; `current_user` and `now` come from the Jira's meta (None when the server is external)."""
    name, email = _user(current_user)
    today = _as_date(now) or datetime.now(tz=UTC).date()
    if name and email:
        whom = f"You are an assistant working in Jira on behalf of {name} <{email}>; \"me\" and \"I\" mean this user."
    elif name:
        whom = f"You are an assistant working in Jira on behalf of {name}; \"me\" and \"I\" mean this user."
    else:
        whom = "You are an assistant working in Jira on behalf of the user whose account the Jira tools use."
    lines = [
        whom,
        f"Today is {today.strftime('%A')}, {today.isoformat()}.",
        "You can act only through the Jira tools you are given: look things up before you change them, and do "
        "exactly what the request asks, nothing more.",
        "When you are done, finish with a short answer that says what you did or what you found.",
    ]
    if base_url:
        lines.insert(2, f"The Jira site is {base_url}.")
    return "\n".join(lines)


def system_prompt_for(db: Path | sqlite3.Connection) -> str:
    """The system prompt of a trial on the embedded Jira database at `db` (a path, or an open connection, left
    open): its current user, clock and site (from the database's meta). sqlite3.Error when it is not a built
    Jira."""
    from jira_bench_tui.jira.db import connect, read_meta, resolve_user

    conn = db if isinstance(db, sqlite3.Connection) else connect(db)
    try:
        meta = read_meta(conn)
        user = resolve_user(conn, meta.current_user)
        who = {"display_name": user["display_name"], "email": user["email"]} if user is not None else None
    finally:
        if conn is not db:
            conn.close()
    return build_system_prompt(who, meta.now, meta.base_url)
