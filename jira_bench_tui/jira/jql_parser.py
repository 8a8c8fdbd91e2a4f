"""JQL text to a syntax tree: a tokenizer and a recursive-descent parser, with Jira's "Error in the JQL Query"
messages.

Grammar (keywords and field names case-insensitive):
    query   := [expr] [ORDER BY sortkey ("," sortkey)*]
    expr    := term ((OR | "||" | "|") term)*
    term    := factor ((AND | "&&" | "&") factor)*
    factor  := (NOT | "!") factor | "(" expr ")" | clause
    clause  := field op value | field [NOT] IN list | field IS [NOT] (EMPTY | NULL)
    value   := string | word | function | EMPTY | NULL ;  list := "(" value ("," value)* ")" | function"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

OPERATORS = ("=", "!=", ">", ">=", "<", "<=", "~", "!~")
VALID_OPERATORS_TEXT = (
    "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'."
)
_SPECIAL = set("=!<>~(),&|\"'")
MAX_DEPTH = 100  # nested parentheses and NOTs; deeper queries are refused rather than overflowing the stack
MAX_CLAUSES = 500  # SQLite plans very long OR chains slowly (2,000 take about a second); Jira users never need more
_KEYWORDS = {"and", "or", "not", "in", "is", "empty", "null", "order", "by", "asc", "desc", "was", "changed"}


class JqlError(Exception):
    """A query Jira would refuse; str() is Jira's message, e.g.
    "Error in the JQL Query: Expecting operator but got 'foo'. (line 1, character 9)"."""


TokenKind = Literal["word", "string", "op", "lparen", "rparen", "comma", "and", "or", "not", "eof"]
# Symbols, the two-character ones first: != before !, && before &
_SYMBOLS: dict[str, TokenKind] = {
    "!=": "op", "!~": "op", ">=": "op", "<=": "op", "&&": "and", "||": "or",
    "=": "op", "<": "op", ">": "op", "~": "op", "&": "and", "|": "or", "!": "not",
    "(": "lparen", ")": "rparen", ",": "comma",
}


@dataclass(frozen=True)
class Token:
    """One token of a query: its kind, its text (a quoted string without its quotes) and its offset."""

    kind: TokenKind
    text: str
    pos: int  # 0-based offset in the query


@dataclass(frozen=True)
class Literal_:
    """A value written in the query: a bare word or a quoted string."""

    text: str
    quoted: bool
    pos: int


@dataclass(frozen=True)
class Function:
    """A function call written as a value, `membersOf("devs")`: its name as written and its arguments as text."""

    name: str
    args: tuple[str, ...]
    pos: int


@dataclass(frozen=True)
class Empty:
    """EMPTY or NULL written as a value (`assignee = EMPTY`, `IS NULL`)."""

    pos: int


Value = Literal_ | Function | Empty


@dataclass(frozen=True)
class FieldRef:
    """A field name as the query wrote it (quotes removed), at offset `pos`; jql_fields.py resolves it."""

    name: str  # as written, quotes removed
    pos: int


@dataclass(frozen=True)
class Clause:
    """`field op value`: `op` is one of = != > >= < <= ~ !~ in "not in" is "is not"; `value` is a tuple only for an
    IN list written in parentheses."""

    field: FieldRef
    op: str  # = != > >= < <= ~ !~ in "not in" is "is not"
    value: Value | tuple[Value, ...]  # a tuple only for an IN list written in parentheses
    pos: int


@dataclass(frozen=True)
class Not:
    """NOT (or !) applied to a node."""

    operand: Node


@dataclass(frozen=True)
class And:
    """Nodes joined by AND (&&, &); AND binds tighter than OR."""

    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """Nodes joined by OR (||, |)."""

    operands: tuple[Node, ...]


Node = Clause | Not | And | Or


@dataclass(frozen=True)
class SortKey:
    """One ORDER BY key; `descending` None means the field's default direction (docs/jql.md, "ORDER BY")."""

    field: FieldRef
    descending: bool | None  # None: the field's default direction


@dataclass(frozen=True)
class Query:
    """A whole query: its condition (None: every issue), its ORDER BY keys, and the text it was parsed from."""

    where: Node | None
    order_by: tuple[SortKey, ...] = field(default_factory=tuple)
    text: str = ""


def where_in(text: str, pos: int) -> str:
    """Jira's position suffix: "(line 1, character 9)", 1-based."""
    before = text[:pos]
    line = before.count("\n") + 1
    column = pos - (before.rfind("\n") + 1) + 1
    return f"(line {line}, character {column})"


def syntax_error(text: str, message: str, pos: int) -> JqlError:
    """Jira's syntax error: "Error in the JQL Query: <message> (line 1, character 9)", `pos` a 0-based offset."""
    return JqlError(f"Error in the JQL Query: {message} {where_in(text, pos)}")


def tokenize(text: str) -> list[Token]:
    """The query's tokens; raises JqlError for an unfinished quoted string or a character JQL reserves."""
    tokens: list[Token] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "\"'":
            start = i
            value, i = _read_quoted(text, i)
            tokens.append(Token("string", value, start))
            continue
        symbol = text[i : i + 2] if text[i : i + 2] in _SYMBOLS else ch
        if symbol in _SYMBOLS:
            tokens.append(Token(_SYMBOLS[symbol], symbol, i))
            i += len(symbol)
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] not in _SPECIAL:
                i += 1
            tokens.append(Token("word", text[start:i], start))
    tokens.append(Token("eof", "", n))
    return tokens


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    quote = text[start]
    out: list[str] = []
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append({"n": "\n", "t": "\t", "r": "\r"}.get(nxt, nxt))
            i += 2
            continue
        if ch == quote:
            return "".join(out), i + 1
        out.append(ch)
        i += 1
    raise syntax_error(text, f"The quoted string '{text[start + 1:]}' has not been completed.", start)


class _Parser:
    """Recursive descent over the tokens of one query (grammar in the module docstring), with Jira's messages."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0
        self.clauses = 0

    # -- token helpers

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        token = self.tokens[self.i]
        if token.kind != "eof":
            self.i += 1
        return token

    def at(self, kind: TokenKind) -> bool:
        """Whether the current token is of `kind` (a method, so that type checkers do not narrow across advance())."""
        return self.tok.kind == kind

    def is_word(self, *words: str) -> bool:
        """Whether the current token is one of `words` (lower-case), written as a word in any case."""
        return self.tok.kind == "word" and self.tok.text.lower() in words

    def is_keyword(self, keyword: Literal["and", "or", "not"]) -> bool:
        """Whether the current token is AND, OR or NOT, as a word or a symbol (&&, &, ||, |, !)."""
        return self.tok.kind == keyword or self.is_word(keyword)

    def fail(self, expecting: str, extra: str = "") -> JqlError:
        """Jira's "Expecting X but got 'y'." (or "... before the end of the query.") at the current token, `extra`
        appended."""
        token = self.tok
        tail = f" {extra}" if extra else ""
        if token.kind == "eof":
            return syntax_error(self.text, f"Expecting {expecting} before the end of the query.{tail}", token.pos)
        return syntax_error(self.text, f"Expecting {expecting} but got '{token.text}'.{tail}", token.pos)

    # -- grammar

    def parse(self) -> Query:
        where: Node | None = None
        if not self.at("eof") and not self.is_word("order"):
            where = self.expr()
        order: tuple[SortKey, ...] = ()
        if self.is_word("order"):
            order = self.order_by()
        if not self.at("eof"):
            if where is not None and self.at("rparen"):
                raise syntax_error(self.text, "Unexpected ')'.", self.tok.pos)
            raise self.fail("either 'OR' or 'AND'")
        return Query(where=where, order_by=order, text=self.text)

    def expr(self) -> Node:
        """expr := term (OR term)*"""
        return self._chain("or", self.term, Or)

    def term(self) -> Node:
        """term := factor (AND factor)*"""
        return self._chain("and", self.factor, And)

    def _chain(self, connective: Literal["and", "or"], operand: Callable[[], Node], build: type[And | Or]) -> Node:
        operands = [operand()]
        while self.is_keyword(connective):
            self.advance()
            operands.append(operand())
        return operands[0] if len(operands) == 1 else build(tuple(operands))

    def factor(self) -> Node:
        """factor := NOT factor | "(" expr ")" | clause, at most MAX_DEPTH deep."""
        if self.is_keyword("not") or self.at("lparen"):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise syntax_error(self.text, f"The query nests more than {MAX_DEPTH} levels deep.", self.tok.pos)
            try:
                return self._nested_factor()
            finally:
                self.depth -= 1
        return self.clause()

    def _nested_factor(self) -> Node:
        if self.at("lparen"):
            self.advance()
            inner = self.expr()
            if not self.at("rparen"):
                raise self.fail("')'")
            self.advance()
            return inner
        self.advance()  # NOT
        return Not(self.factor())

    def field_ref(self) -> FieldRef:
        token = self.tok
        if token.kind == "string" or (token.kind == "word" and token.text.lower() not in _KEYWORDS):
            self.advance()
            return FieldRef(token.text, token.pos)
        raise self.fail("a field name")

    def clause(self) -> Clause:
        start = self.tok.pos
        self.clauses += 1
        if self.clauses > MAX_CLAUSES:
            raise syntax_error(self.text, f"The query has more than {MAX_CLAUSES} clauses; use IN lists instead.",
                               start)
        field_ref = self.field_ref()
        token = self.tok
        if token.kind == "op":
            self.advance()
            return Clause(field_ref, token.text, self.value(), start)
        if self.is_word("in"):
            self.advance()
            return Clause(field_ref, "in", self.list_value(), start)
        if self.is_keyword("not"):
            self.advance()
            if not self.is_word("in"):
                raise self.fail("'IN'")
            self.advance()
            return Clause(field_ref, "not in", self.list_value(), start)
        if self.is_word("is"):
            self.advance()
            op = "is"
            if self.is_keyword("not"):
                self.advance()
                op = "is not"
            if not self.is_word("empty", "null"):
                raise self.fail("'EMPTY' or 'NULL'")
            empty = Empty(self.advance().pos)
            return Clause(field_ref, op, empty, start)
        if self.is_word("was", "changed"):
            raise syntax_error(self.text, f"History searches ('{token.text.upper()}') are not supported.", token.pos)
        raise self.fail("operator", VALID_OPERATORS_TEXT)

    def value(self) -> Value:
        token = self.tok
        if token.kind == "string":
            self.advance()
            return Literal_(token.text, True, token.pos)
        if token.kind == "word":
            lowered = token.text.lower()
            if lowered in ("empty", "null"):
                self.advance()
                return Empty(token.pos)
            if lowered in _KEYWORDS - {"asc", "desc", "by"}:
                raise self._value_error()
            self.advance()
            if self.at("lparen"):
                return self.function_call(token)
            return Literal_(token.text, False, token.pos)
        raise self._value_error()

    def _value_error(self) -> JqlError:
        token = self.tok
        if token.kind == "eof":
            return self.fail("either a value, list or function")
        return self.fail(
            "either a value, list or function",
            f"You must surround '{token.text}' in quotation marks to use it as a value.",
        )

    def function_call(self, name: Token) -> Function:
        self.advance()  # (
        args: list[str] = []
        while not self.at("rparen"):
            token = self.tok
            if token.kind in ("word", "string"):
                args.append(token.text)
                self.advance()
            else:
                raise self.fail("a function argument or ')'")
            if self.at("comma"):
                self.advance()
            elif not self.at("rparen"):
                raise self.fail("',' or ')'")
        self.advance()
        return Function(name.text, tuple(args), name.pos)

    def list_value(self) -> Value | tuple[Value, ...]:
        if self.at("lparen"):
            self.advance()
            values = [self.value()]
            while self.at("comma"):
                self.advance()
                values.append(self.value())
            if not self.at("rparen"):
                raise self.fail("')'")
            self.advance()
            return tuple(values)
        if self.at("word") and self.tokens[self.i + 1].kind == "lparen":
            return self.value()
        raise self.fail("'('")

    def order_by(self) -> tuple[SortKey, ...]:
        self.advance()  # ORDER
        if not self.is_word("by"):
            raise self.fail("'BY'")
        self.advance()
        keys = [self.sort_key()]
        while self.at("comma"):
            self.advance()
            keys.append(self.sort_key())
        return tuple(keys)

    def sort_key(self) -> SortKey:
        if self.at("eof"):
            raise self.fail("a field name")
        field_ref = self.field_ref()
        descending: bool | None = None
        if self.is_word("asc", "desc"):
            descending = self.advance().text.lower() == "desc"
        return SortKey(field_ref, descending)


def parse(text: str) -> Query:
    """The syntax tree of a JQL query; raises JqlError with Jira's message and position."""
    return _Parser(text).parse()
