"""JQL search over the embedded Jira: parse the query, compile it to one SQL statement, return matching issue ids.

The clock and the current user come from the database's `meta` table. See docs/jql.md for the supported subset."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from jira_bench_tui.jira.db import parse_timestamp
from jira_bench_tui.jira.jql_compile import compile_query
from jira_bench_tui.jira.jql_parser import JqlError, parse
from jira_bench_tui.jira.jql_text import register as register_text_match

__all__ = ["JqlError", "compile_jql", "count", "parse", "search", "validate"]


def _clock_and_user(conn: sqlite3.Connection) -> tuple[datetime, str]:
    values = dict(conn.execute("SELECT k, v FROM meta WHERE k IN ('now', 'current_user')").fetchall())
    return parse_timestamp(values["now"]), values["current_user"]


def _compile(conn: sqlite3.Connection, jql: str) -> tuple[str, str, list[object]]:
    now, user = _clock_and_user(conn)
    where, order, params = compile_query(conn, parse(jql), now, user)
    register_text_match(conn)
    return where, order, params


def compile_jql(conn: sqlite3.Connection, jql: str) -> tuple[str, list[object]]:
    """The SQL (selecting `id` from issues `i`, in the query's order) and its parameters. Raises JqlError."""
    where, order, params = _compile(conn, jql)
    return f"SELECT i.id FROM issues i WHERE {where} ORDER BY {order}", params


def search(conn: sqlite3.Connection, jql: str, *, start_at: int = 0, limit: int | None = None) -> tuple[list[int], int]:
    """Issue ids matching `jql` in the query's order (from `start_at`, at most `limit`), and the total count.

    Raises JqlError (Jira's message) for a query Jira would refuse, ValueError for a negative start_at or limit."""
    if start_at < 0:
        raise ValueError(f"start_at must be 0 or more, got {start_at}")
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be 0 or more, got {limit}")
    where, order, params = _compile(conn, jql)
    rows = conn.execute(f"SELECT i.id FROM issues i WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
                        [*params, -1 if limit is None else limit, start_at]).fetchall()
    ids = [int(r[0]) for r in rows]
    if ids and (limit is None or len(ids) < limit):
        return ids, start_at + len(ids)  # the window reached the last match
    if not ids and start_at == 0 and limit != 0:
        return ids, 0
    return ids, _count(conn, where, params)


def _count(conn: sqlite3.Connection, where: str, params: list[object]) -> int:
    return int(conn.execute(f"SELECT COUNT(*) FROM issues i WHERE {where}", params).fetchone()[0])


def count(conn: sqlite3.Connection, jql: str) -> int:
    """How many issues match `jql`. Raises JqlError."""
    where, _order, params = _compile(conn, jql)
    return _count(conn, where, params)


UNBOUNDED = "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."


def check_bounded(jql: str) -> None:
    """JqlError(UNBOUNDED) for a query without a restriction (empty, or only ORDER BY), as Jira Cloud's enhanced
    search (/rest/api/3/search/jql) refuses it; JqlError with Jira's message for a query that does not parse."""
    if parse(jql).where is None:
        raise JqlError(UNBOUNDED)


def validate(conn: sqlite3.Connection, jql: str) -> None:
    """Raise JqlError when Jira would refuse `jql` (syntax, fields, operators, values); return None otherwise."""
    _compile(conn, jql)
