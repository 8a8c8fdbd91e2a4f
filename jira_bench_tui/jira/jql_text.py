"""The `~` text match of JQL, approximating Jira's Lucene search: case-insensitive words, English stemming, stop words
ignored, every term must match, `word*` matches a prefix and an inner "quoted phrase" matches in order.

System text fields go through SQLite FTS5 (`fts_query`, porter stemming); custom text fields, which have no index,
through the SQL function `jql_text_match` (a light stemmer of our own)."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass

STOP_WORDS = {
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of",
    "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
}
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_TERM = re.compile(r'"([^"]*)"|(\S+)')
_SUFFIXES = ("ing", "ies", "ied", "es", "ed", "s")
SQL_FUNCTION = "jql_text_match"


class TextQueryError(ValueError):
    """A text query Jira refuses (empty, or starting with a wildcard)."""


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
    """The stemmed words of a text, lower-cased, in order."""
    return [stem(w.replace("’", "'").split("'")[0]) for w in _WORD.findall(text.lower())]


def compile_text_query(query: str, field_name: str) -> str:
    """The query as a JSON pattern for `jql_text_match`: a list of terms, each a list of stems ("*"-suffixed for a
    prefix). Raises TextQueryError for what Jira refuses."""
    if not query.strip():
        raise TextQueryError(f"The field '{field_name}' does not support searching for an empty string.")
    terms: list[list[str]] = []
    for match in _TERM.finditer(query):
        phrase, word = match.group(1), match.group(2)
        raw = phrase if phrase is not None else word
        if raw.startswith(("*", "?")):
            raise TextQueryError(
                f"The text query '{query}' for field '{field_name}' is not allowed to start with '*' or '?'."
            )
        prefix = phrase is None and raw.endswith("*")
        parts = [w.replace("’", "'").split("'")[0] for w in _WORD.findall(raw.lower().rstrip("*"))]
        if phrase is None:
            parts = [p for p in parts if p not in STOP_WORDS]
        if not parts:
            continue
        stems = [stem(p) for p in parts]
        if prefix:
            stems[-1] = parts[-1] + "*"
        if phrase is not None:
            terms.append(stems)
        else:
            terms.extend([[s] for s in stems])
    return json.dumps(terms)


def fts_query(query: str, field_name: str) -> str | None:
    """The query as an FTS5 MATCH expression (every term, AND-ed; phrases and prefixes kept), or None when only stop
    words are left. Raises TextQueryError for what Jira refuses."""
    compile_text_query(query, field_name)  # the same checks as Jira: empty text, leading wildcards
    terms: list[str] = []
    for match in _TERM.finditer(query):
        phrase, word = match.group(1), match.group(2)
        raw = phrase if phrase is not None else word
        parts = [w.replace("’", "'") for w in _WORD.findall(raw.lower().rstrip("*"))]
        if phrase is not None:
            if parts:
                terms.append('"' + " ".join(parts) + '"')
            continue
        prefix = raw.endswith("*")
        kept = [p for p in parts if p not in STOP_WORDS]
        for index, part in enumerate(kept):
            last = index == len(kept) - 1
            terms.append(f'"{part}"' + (" *" if prefix and last else ""))
    return " AND ".join(terms) if terms else None


def like_hints(pattern: str) -> list[str]:
    """Substrings every matching text contains (for a cheap LIKE pre-filter before the Python match)."""
    hints: list[str] = []
    for term in json.loads(pattern):
        for part in term:
            hint = part.rstrip("*")
            hint = hint[:-1] if hint.endswith("y") and len(hint) > 3 else hint  # "query" also matches "queries"
            if hint:
                hints.append(hint)
    return hints


def _contains(words: list[str], term: list[str]) -> bool:
    size = len(term)
    for start in range(len(words) - size + 1):
        if all(_word_matches(words[start + offset], part) for offset, part in enumerate(term)):
            return True
    return False


@dataclass(frozen=True)
class _CompiledTerm:
    parts: list[str]
    finder: re.Pattern[str]  # finds candidate words: those starting with the term's shortest possible form


_CACHE: dict[str, list[_CompiledTerm]] = {}


def _compile(pattern: str) -> list[_CompiledTerm]:
    compiled = _CACHE.get(pattern)
    if compiled is None:
        compiled = []
        for term in json.loads(pattern):
            first = term[0].rstrip("*")
            hint = first[:-1] if first.endswith("y") and len(first) > 3 else first
            if term[0].endswith("*"):
                hint = min(hint, stem(hint), key=len)
            compiled.append(_CompiledTerm(term, re.compile(r"(?<![^\W_])" + re.escape(hint) + r"[^\W_'’]*")))
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[pattern] = compiled
    return compiled


def _word_matches(word: str, part: str) -> bool:
    if part.endswith("*"):
        return word.startswith(stem(part[:-1])) or word.startswith(part[:-1])
    return word == part


def text_match(text: str | None, pattern: str) -> int:
    """1 when every term of the pattern occurs in the text, else 0 (the SQL function `jql_text_match`)."""
    if not text:
        return 0
    lowered = text.lower()
    words: list[str] | None = None
    for term in _compile(pattern):
        candidates = term.finder.findall(lowered)
        if not candidates:
            return 0
        if len(term.parts) == 1:
            if not any(_word_matches(w, term.parts[0]) for w in words_of(" ".join(candidates))):
                return 0
            continue
        if words is None:
            words = words_of(text)
        if not _contains(words, term.parts):
            return 0
    return 1


def register(conn: sqlite3.Connection) -> None:
    """Make `jql_text_match(text, pattern)` callable in SQL on this connection."""
    conn.create_function(SQL_FUNCTION, 2, text_match, deterministic=True)
