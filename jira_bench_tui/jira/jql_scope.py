"""Narrowing one JQL query by another (a board's filter by the caller's query), keeping a single ORDER BY, as Jira
Software does for `GET /rest/agile/1.0/board/{id}/issue?jql=`; and the JQL string mcp-atlassian 0.23.1 sends for a
`jira_search` call (its reserved-word quoting and `projects_filter`). Shared by the REST face and the MCP tools."""

from __future__ import annotations

import re

from jira_bench_tui.jira.jql_tokens import KEYWORDS, RESERVED_WORDS

ORDER = re.compile(r"\border\s+by\b", re.IGNORECASE)
# mcp-atlassian 0.23.1's RESERVED_JQL_WORDS (jira/constants.py): Jira's reserved words and JQL keywords, without
# "changed" and "during", with some English words Jira does not reserve.
MCP_RESERVED_WORDS = (RESERVED_WORDS | KEYWORDS | {
    "a", "an", "are", "at", "be", "but", "it", "no", "such", "that", "the", "their", "there", "these", "they",
    "this", "will"}) - {"changed", "during"}
# 0.23.1's sanitize_jql_reserved_words (jira/utils.py): quoted strings are skipped; `project =/!= WORD` and
# `project [NOT] IN (...)` get their reserved words quoted.
_SANITIZE = re.compile(
    r"""("(?:[^"\\]|\\.)*")"""
    r"""|('(?:[^'\\]|\\.)*')"""
    r"|(project\s*(?:!=|=)\s*)(\w+)"
    r"|(project\s+(?:NOT\s+)?IN\s*\()([^)]*)\)",
    re.IGNORECASE,
)
_IN_TOKEN = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\w+)""")
_TRAILING_ORDER = re.compile(r"\s+(ORDER\s+BY\s+.*)$", re.IGNORECASE)
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def scoped(base: str, extra: str | None, default_order: str = "ORDER BY Rank ASC") -> str:
    """`base AND extra` keeping one ORDER BY (the extra query's, else the base's, else `default_order`)."""
    parts = []
    orders = []
    for text in (base, extra or ""):
        match = ORDER.search(text)
        where, order = (text[:match.start()], text[match.start():]) if match else (text, "")
        if where.strip():
            parts.append(f"({where.strip()})")
        if order:
            orders.append(order)
    return " AND ".join(parts) + " " + (orders[-1] if orders else default_order)


def mcp_search_jql(jql: str, projects_filter: str | None) -> str:
    """The JQL mcp-atlassian 0.23.1's `search_issues` posts for `jira_search(jql, projects_filter=...)`
    (jira/search.py): the query with reserved words used as project keys quoted (`project = IF` ->
    `project = "IF"`), then, for a non-empty `projects_filter`, `(query) AND (project = KEY)` (several keys:
    `project IN (A, B)`, each quoted when it is a reserved word, starts with a digit or is not a plain word),
    keeping a trailing ORDER BY last. The keys are not checked: Jira answers for them."""
    jql = _SANITIZE.sub(_sanitized, jql) if jql else jql
    if not projects_filter:
        return jql
    keys = [_quoted_key(part.strip()) for part in projects_filter.split(",")]
    project_query = f"project = {keys[0]}" if len(keys) == 1 else f"project IN ({', '.join(keys)})"
    if not jql:
        return project_query
    if jql.strip().upper().startswith("ORDER BY"):
        return f"{project_query} {jql}"
    order = _TRAILING_ORDER.search(jql)
    if order:
        return f"({jql[:order.start()]}) AND ({project_query}) {order.group(1)}"
    return f"({jql}) AND ({project_query})"


def _quote_if_reserved(word: str) -> str:
    return f'"{word}"' if word.lower() in MCP_RESERVED_WORDS else word


def _sanitized(match: re.Match[str]) -> str:
    if match.group(1) or match.group(2):
        return match.group(0)
    if match.group(3):
        return match.group(3) + _quote_if_reserved(match.group(4))
    listed = _IN_TOKEN.sub(lambda t: t.group(0) if t.group(0)[0] in "\"'" else _quote_if_reserved(t.group(0)),
                           match.group(6))
    return match.group(5) + listed + ")"


def _quoted_key(key: str) -> str:
    """0.23.1's quote_jql_identifier_if_needed (jira/utils.py)."""
    if key.lower() in MCP_RESERVED_WORDS or (key and key[0].isdigit()) or not _PLAIN_KEY.fullmatch(key):
        escaped = key.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    return key
