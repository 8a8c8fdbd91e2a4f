"""Narrowing one JQL query by another (a board's filter by the caller's query), keeping a single ORDER BY, as Jira
Software does for `GET /rest/agile/1.0/board/{id}/issue?jql=`. Shared by the REST face and the MCP tools."""

from __future__ import annotations

import re

ORDER = re.compile(r"\border\s+by\b", re.IGNORECASE)


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
