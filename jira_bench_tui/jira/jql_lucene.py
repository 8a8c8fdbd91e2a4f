"""The text inside `~` as Jira reads it: Lucene's classic query syntax (Atlassian, "Search syntax for text fields",
Jira Cloud), parsed into a boolean tree of terms, phrases and prefixes.

- Terms are joined by AND unless an operator says otherwise; `AND` / `&&`, `OR` / `||`, `NOT` / `!` / `-`
  (prohibit) and `+` (require) work as in Lucene's QueryParser (operators in capitals; `and`, `or`, `not` in lower
  case are ordinary, stop words); parentheses group.
- `"quoted phrase"` matches the words in order; `word*` and `wo?d` match a prefix (a `?` reads as `*` at its place,
  as Jira Cloud documents); a term that is several words (`lcls-ii`, `3-D`) is a phrase.
- Stop words are dropped from terms; fuzzy `~`, proximity and boosts `^` are ignored.
- Refused as Jira refuses them: an empty text, a text starting with `*` or `?`, and what Lucene cannot parse
  (`"AND"` alone, an operator at the end, unbalanced parentheses or quotes): "Unable to parse the text 'x' for field
  'summary'." (Jira's TextQueryValidator).

Two readers of the tree: `to_fts` writes an SQLite FTS5 expression (system fields, comments), `matches` evaluates it
on a text's words (custom text fields). Lucene's boolean rules (QueryParser.addClause with AND as the default
operator): with a required clause, optional ones do not matter; without one, some optional clause must match;
prohibited clauses must not; a query of prohibited clauses alone matches nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of",
    "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
})
_WORD = re.compile(r"[^\W_]+")
_SEPARATORS = set(" \t\n\r\u3000[]{}/")
_SUFFIX = re.compile(r"[\^~][0-9.]*")  # boosts and fuzzy / proximity slops: ignored in Jira Cloud

Occur = Literal["must", "should", "must_not"]


class TextQueryError(ValueError):
    """A text query Jira refuses; str() is Jira's message."""


@dataclass(frozen=True)
class Leaf:
    """Words to find in order (one word: a term; several: a phrase), the last one a prefix when `prefix`."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass
class Bool:
    """Lucene's BooleanQuery: clauses each required (`must`), optional (`should`) or prohibited (`must_not`)."""

    clauses: list[tuple[Occur, Node]] = field(default_factory=list)


Node = Leaf | Bool
NOTHING = "\0nothing"  # an FTS expression that matches nothing (FTS5 has none: the caller writes SQL 0)


@dataclass(frozen=True)
class _Tok:
    kind: Literal["term", "phrase", "lparen", "rparen", "and", "or", "not", "plus", "minus", "end"]
    text: str = ""


def _lex(query: str, fail: Callable[[], TextQueryError]) -> list[_Tok]:
    """The query's tokens: words (escapes kept as the escaped character), quoted phrases, parentheses, operators."""
    tokens: list[_Tok] = []
    i = 0
    n = len(query)
    while i < n:
        ch = query[i]
        if ch in _SEPARATORS:
            i += 1
        elif ch in "()":
            tokens.append(_Tok("lparen" if ch == "(" else "rparen"))
            i = _skip_suffix(query, i + 1)
        elif ch == '"':
            end = i + 1
            while end < n and query[end] != '"':
                end += 2 if query[end] == "\\" else 1
            if end >= n:
                raise fail()
            tokens.append(_Tok("phrase", query[i + 1: end]))
            i = _skip_suffix(query, end + 1)
        elif ch in "+-!" and i + 1 < n and query[i + 1] not in _SEPARATORS:
            tokens.append(_Tok({"+": "plus", "-": "minus", "!": "not"}[ch]))  # type: ignore[arg-type]
            i += 1
        elif ch in "+-!":
            raise fail()  # a modifier with nothing after it
        else:
            i = _lex_word(query, i, tokens)
    tokens.append(_Tok("end"))
    return tokens


def _lex_word(query: str, i: int, tokens: list[_Tok]) -> int:
    """One bare word at `i` (to the next separator, quote, parenthesis or `!`); operators by their exact text."""
    out: list[str] = []
    n = len(query)
    while i < n and query[i] not in _SEPARATORS and query[i] not in '()"!':
        if query[i] == "\\" and i + 1 < n:
            out.append(query[i + 1])
            i += 2
            continue
        if query[i] in "^~" and out:
            i = _skip_suffix(query, i)
            break
        out.append(query[i])
        i += 1
    word = "".join(out)
    kind = {"AND": "and", "&&": "and", "OR": "or", "||": "or", "NOT": "not"}.get(word, "term")
    tokens.append(_Tok(kind, word))  # type: ignore[arg-type]
    return i


def _skip_suffix(query: str, i: int) -> int:
    match = _SUFFIX.match(query, i)
    return match.end() if match else i


class _Parser:
    """Lucene's classic QueryParser grammar: Query := Modifiers Clause (Conjunction Modifiers Clause)*."""

    def __init__(self, tokens: list[_Tok], fail: Callable[[], TextQueryError]) -> None:
        self.tokens = tokens
        self.i = 0
        self.fail = fail

    @property
    def tok(self) -> _Tok:
        return self.tokens[self.i]

    def query(self) -> Node | None:
        clauses: list[tuple[Occur, Node]] = []
        first: Node | None = None
        count = 0
        while self.tok.kind not in ("end", "rparen"):
            conj = ""
            if self.tok.kind in ("and", "or"):
                if count == 0:
                    raise self.fail()
                conj = self.tok.kind
                self.i += 1
            mods = ""
            if self.tok.kind in ("plus", "minus", "not"):
                mods = "req" if self.tok.kind == "plus" else "not"
                self.i += 1
            node = self.clause()
            _add_clause(clauses, conj, mods, node)
            if count == 0 and not mods:
                first = node
            count += 1
        if count == 0:
            raise self.fail()
        if len(clauses) == 1 and first is not None and clauses[0][1] is first:
            return first
        return Bool(clauses) if clauses else None

    def clause(self) -> Node | None:
        token = self.tok
        if token.kind == "lparen":
            self.i += 1
            inner = self.query()
            if self.tok.kind != "rparen":
                raise self.fail()
            self.i += 1
            return inner
        if token.kind == "phrase":
            self.i += 1
            return _phrase(token.text)
        if token.kind == "term":
            self.i += 1
            return _term(token.text, self.fail)
        raise self.fail()


def _add_clause(clauses: list[tuple[Occur, Node]], conj: str, mods: str, node: Node | None) -> None:
    """Lucene's QueryParser.addClause with AND as the default operator."""
    if clauses and conj in ("and", "or") and clauses[-1][0] != "must_not":
        clauses[-1] = ("must" if conj == "and" else "should", clauses[-1][1])
    if node is None:  # only stop words: no clause
        return
    prohibited = mods == "not"
    required = not prohibited and conj != "or"
    clauses.append(("must_not" if prohibited else "must" if required else "should", node))


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _phrase(text: str) -> Node | None:
    words = _words(text.replace("\\", ""))
    prefix = text.rstrip().endswith("*") and bool(words)
    return Leaf(tuple(words), prefix) if words else None


def _term(text: str, fail: Callable[[], TextQueryError]) -> Node | None:
    """A bare word: a prefix up to its first wildcard, else its words without stop words (several: a phrase)."""
    cut = min((text.index(c) for c in "*?" if c in text), default=-1)
    if cut == 0:
        raise fail()
    if cut > 0:
        words = _words(text[:cut])
        return Leaf(tuple(words), True) if words else None
    words = [w for w in _words(text) if w not in STOP_WORDS] if len(_words(text)) == 1 else _words(text)
    return Leaf(tuple(words)) if words else None


def parse_text_query(query: str, field_name: str) -> Node | None:
    """The tree of a `~` text (None: nothing to search for, e.g. only stop words). Raises TextQueryError with Jira's
    message: an empty text, a leading wildcard, or a text Lucene cannot parse."""
    if not query.strip():
        raise TextQueryError(f"The field '{field_name}' does not support searching for an empty string.")
    first = query.strip()[0]
    if first in "*?":
        raise TextQueryError(f"The text query '{query}' for field '{field_name}' is not allowed to start with "
                             f"'{first}'.")

    def fail() -> TextQueryError:
        return TextQueryError(f"Unable to parse the text '{query}' for field '{field_name}'.")

    parser = _Parser(_lex(query, fail), fail)
    tree = parser.query()
    if parser.tok.kind != "end":
        raise fail()  # an unmatched ')'
    return tree


# ---------------------------------------------------------------- FTS5


def to_fts(node: Node | None) -> str | None:
    """The tree as an FTS5 MATCH expression; None when there is nothing to search for, NOTHING when nothing can
    match."""
    if node is None:
        return None
    if isinstance(node, Leaf):
        return '"' + " ".join(node.words) + '"' + (" *" if node.prefix else "")
    parts: dict[str, list[str]] = {"must": [], "should": [], "must_not": []}
    for occur, child in node.clauses:
        expression = to_fts(child)
        if expression is not None:
            parts[occur].append(expression)
    if NOTHING in parts["must"]:
        return NOTHING
    should = [p for p in parts["should"] if p != NOTHING]
    if parts["must"]:
        core = " AND ".join(f"({p})" for p in parts["must"])
    elif should:
        core = " OR ".join(f"({p})" for p in should)
    else:
        return NOTHING if parts["must_not"] or parts["should"] else None
    prohibited = [p for p in parts["must_not"] if p != NOTHING]
    if prohibited:
        core = f"({core}) NOT ({' OR '.join(f'({p})' for p in prohibited)})"
    return core


def any_field_alike(node: Node | None) -> bool:
    """Whether matching the tree in some one field is the same as matching it across the fields together: a term,
    or alternatives of such (no required or prohibited part), so that one search of all the columns will do."""
    if node is None or isinstance(node, Leaf):
        return True
    return all(occur == "should" and any_field_alike(child) for occur, child in node.clauses)


# ---------------------------------------------------------------- our matcher (custom text fields)


def matches(node: Node | None, words: list[str], stem: Callable[[str], str]) -> bool | None:
    """Whether a text's words (stemmed) satisfy the tree; None when the tree has nothing to search for."""
    if node is None:
        return None
    if isinstance(node, Leaf):
        return _leaf_matches(node, words, stem)
    outcome: dict[str, list[bool]] = {"must": [], "should": [], "must_not": []}
    for occur, child in node.clauses:
        found = matches(child, words, stem)
        if found is not None:
            outcome[occur].append(found)
    if any(outcome["must_not"]):
        return False
    if outcome["must"]:
        return all(outcome["must"])
    if outcome["should"]:
        return any(outcome["should"])
    return False if outcome["must_not"] else None


def _leaf_matches(leaf: Leaf, words: list[str], stem: Callable[[str], str]) -> bool:
    wanted = [stem(w) for w in leaf.words]
    if leaf.prefix:
        wanted[-1] = leaf.words[-1]
    size = len(wanted)
    for start in range(len(words) - size + 1):
        if all(words[start + k] == wanted[k] for k in range(size - 1)):
            last = words[start + size - 1]
            if last == wanted[-1] or (leaf.prefix and (last.startswith(wanted[-1]) or
                                                       last.startswith(stem(wanted[-1])))):
                return True
    return False


def leaves(node: Node | None) -> list[Leaf]:
    """The leaves every matching text must contain (the required ones, at the top): for a cheap pre-filter."""
    if node is None:
        return []
    if isinstance(node, Leaf):
        return [node]
    musts = [child for occur, child in node.clauses if occur == "must"]
    return [leaf for child in musts for leaf in leaves(child)]
