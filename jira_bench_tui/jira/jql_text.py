"""The `~` text match of JQL: a text parsed with Jira's Lucene syntax (jql_lucene.py), searched with English
stemming and stop words as Jira's analyser does.

System text fields and comments go through SQLite FTS5 (`fts_query`, porter stemming); custom text fields, which
have no index, through the SQL function `jql_text_match` (the same tree, with a light stemmer of our own)."""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

from jira_bench_tui.jira.jql_lucene import (
    NOTHING,
    STOP_WORDS,
    Bool,
    Leaf,
    Node,
    TextQueryError,
    any_field_alike,
    leaves,
    matches,
    parse_text_query,
    to_fts,
)

__all__ = ["NOTHING", "SQL_FUNCTION", "STOP_WORDS", "TextQueryError", "compile_text_query", "fts_query",
           "like_hints", "register", "stem", "text_match", "words_of"]

_SUFFIXES = ("ing", "ies", "ied", "es", "ed", "s")
SQL_FUNCTION = "jql_text_match"


def stem(word: str) -> str:
    """A crude English stem: "fails" / "failed" / "failing" -> "fail", "queries" -> "query"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if suffix in ("ies", "ied"):
                return base + "y"
            if suffix == "es" and not base.endswith(("s", "x", "z", "ch", "sh")):
                return word[:-1]  # "releases" -> "release"
            return base
    return word


def words_of(text: str) -> list[str]:
    """The stemmed words of a text, lower-cased, in order (split like FTS5's unicode61: letters and digits)."""
    return [stem(w) for w in re.findall(r"[^\W_]+", text.lower())]


def fts_query(query: str, field_name: str) -> tuple[str | None, bool]:
    """The text as an FTS5 MATCH expression (None when there is nothing to search for, only stop words; NOTHING
    when it can match nothing, only prohibited terms), and whether searching the fields together gives the same
    issues as searching each alone. Raises TextQueryError with Jira's message."""
    tree = parse_text_query(query, field_name)
    return to_fts(tree), any_field_alike(tree)


def _encode(node: Node | None) -> Any:
    if node is None:
        return None
    if isinstance(node, Leaf):
        return {"w": list(node.words), "p": node.prefix}
    return {"b": [[occur, _encode(child)] for occur, child in node.clauses]}


def _decode(data: Any) -> Node | None:
    if data is None:
        return None
    if "w" in data:
        return Leaf(tuple(data["w"]), bool(data["p"]))
    return Bool([(occur, child) for occur, raw in data["b"] if (child := _decode(raw)) is not None])


def compile_text_query(query: str, field_name: str) -> str:
    """The text as a JSON pattern for `jql_text_match` (the parsed tree). Raises TextQueryError with Jira's
    message."""
    return json.dumps(_encode(parse_text_query(query, field_name)))


def like_hints(pattern: str) -> list[str]:
    """Substrings every matching text contains (its required words, stems shortened): for a cheap LIKE pre-filter
    before the Python match."""
    hints: list[str] = []
    for leaf in leaves(_decode(json.loads(pattern))):
        for word in leaf.words:
            hint = stem(word)
            hint = hint[:-1] if hint.endswith("y") and len(hint) > 3 else hint  # "query" also matches "queries"
            hints.append(hint)
    return hints


_CACHE: dict[str, Node | None] = {}


def text_match(text: str | None, pattern: str) -> int:
    """1 when the text satisfies the pattern, else 0 (the SQL function `jql_text_match`)."""
    if not text:
        return 0
    if pattern not in _CACHE:
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[pattern] = _decode(json.loads(pattern))
    return 1 if matches(_CACHE[pattern], words_of(text), stem) else 0


def register(conn: sqlite3.Connection) -> None:
    """Make `jql_text_match(text, pattern)` callable in SQL on this connection."""
    conn.create_function(SQL_FUNCTION, 2, text_match, deterministic=True)
