"""JQL text to a syntax tree: a recursive-descent parser over jql_tokens.py's tokens, with Jira's "Error in the JQL
Query" messages.

Grammar (keywords and field names case-insensitive; Jira's Jql.g):
    query     := [expr] [ORDER BY sortkey ("," sortkey)*]
    expr      := term ((OR | "||" | "|") term)*
    term      := factor ((AND | "&&" | "&") factor)*
    factor    := (NOT | "!") factor | "(" expr ")" | clause
    clause    := field op value | field [NOT] IN list | field IS [NOT] (EMPTY | NULL)
               | field WAS [NOT] [IN] operand predicate* | field CHANGED predicate*
    predicate := (FROM | TO | BY | BEFORE | AFTER | ON | DURING) operand
    value     := string | word | function | EMPTY | NULL ;  list := "(" value ("," value)* ")" | function
The tokens and their lexical errors (reserved characters and words) come from jql_tokens.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from jira_bench_tui.jira.jql_tokens import (
    KEYWORDS,
    JqlError,
    Token,
    TokenKind,
    syntax_error,
    tokenize,
    where_in,
)

__all__ = ["And", "Clause", "Empty", "FieldRef", "Function", "HistoryClause", "JqlError", "Literal_", "Node", "Not",
           "Or", "Predicate", "Query", "SortKey", "Token", "Value", "parse", "syntax_error", "tokenize", "where_in"]

OPERATORS = ("=", "!=", ">", ">=", "<", "<=", "~", "!~")
VALID_OPERATORS_TEXT = (
    "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'."
)
MAX_DEPTH = 100  # nested parentheses and NOTs; deeper queries are refused rather than overflowing the stack
MAX_CLAUSES = 500  # SQLite plans very long OR chains slowly (2,000 take about a second); Jira users never need more
PREDICATES = ("from", "to", "by", "before", "after", "on", "during")  # history predicates (Jql.g)
# Jira's names of the operators in messages (com.atlassian.query.operator.Operator)
OPERATOR_NAMES = {"=": "EQUALS", "!=": "NOT_EQUALS", "~": "LIKE", "!~": "NOT_LIKE", ">": "GREATER_THAN",
                  ">=": "GREATER_THAN_EQUALS", "<": "LESS_THAN", "<=": "LESS_THAN_EQUALS", "in": "IN",
                  "not in": "NOT_IN", "is": "IS", "is not": "IS_NOT"}


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


@dataclass(frozen=True)
class Predicate:
    """A history predicate of WAS or CHANGED (`BY bob`, `AFTER -7d`, `DURING ("2026-11-01", now())`): `op` is one of
    from to by before after on during (lower case); `value` a tuple for a list written in parentheses."""

    op: str
    value: Value | tuple[Value, ...]
    pos: int


@dataclass(frozen=True)
class HistoryClause:
    """`field WAS [NOT] [IN] value predicates` or `field CHANGED predicates`: `op` is one of "was", "was not",
    "was in", "was not in", "changed"; `value` None for CHANGED."""

    field: FieldRef
    op: str
    value: Value | tuple[Value, ...] | None
    predicates: tuple[Predicate, ...]
    pos: int


Node = Clause | HistoryClause | Not | And | Or


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
        if token.kind == "string" or (token.kind == "word" and token.text.lower() not in KEYWORDS):
            self.advance()
            return FieldRef(token.text, token.pos)
        raise self.fail("a field name")

    def clause(self) -> Clause | HistoryClause:
        """clause := field op value | field [NOT] IN list | field IS [NOT] EMPTY | history clause; a history
        predicate after any other operator is refused with Jira's message."""
        start = self.tok.pos
        self.clauses += 1
        if self.clauses > MAX_CLAUSES:
            raise syntax_error(self.text, f"The query has more than {MAX_CLAUSES} clauses; use IN lists instead.",
                               start)
        field_ref = self.field_ref()
        if self.is_word("was", "changed"):
            return self.history_clause(field_ref, start)
        op, value = self.operator_and_value()
        if self.is_word(*PREDICATES):
            shown = " ".join(f"{p.op} {display(p.value)}" for p in self.predicates())
            raise JqlError(f"Error in the JQL Query: The {OPERATOR_NAMES[op]} operator does not support the use of "
                           f"the {shown} predicate.")
        return Clause(field_ref, op, value, start)

    def operator_and_value(self) -> tuple[str, Value | tuple[Value, ...]]:
        """The operator after a field (= != > >= < <= ~ !~ IN, NOT IN, IS, IS NOT) and its value."""
        token = self.tok
        if token.kind == "op":
            self.advance()
            return token.text, self.value()
        if self.is_word("in"):
            self.advance()
            return "in", self.list_value()
        if self.is_keyword("not"):
            self.advance()
            if not self.is_word("in"):
                raise self.fail("'IN'")
            self.advance()
            return "not in", self.list_value()
        if self.is_word("is"):
            self.advance()
            op = "is"
            if self.is_keyword("not"):
                self.advance()
                op = "is not"
            if not self.is_word("empty", "null"):
                raise self.fail("'EMPTY' or 'NULL'")
            return op, Empty(self.advance().pos)
        raise self.fail("operator", VALID_OPERATORS_TEXT)

    def history_clause(self, field_ref: FieldRef, start: int) -> HistoryClause:
        """field WAS [NOT] [IN] operand predicate* | field CHANGED predicate* (Jql.g terminalClause)."""
        if self.advance().text.lower() == "changed":
            if self.tok.kind in ("string", "lparen") or (self.at("word") and self.tok.text.lower() not in KEYWORDS):
                operand = self.operand()
                raise JqlError("Error in the JQL Query: The CHANGED operator does not support the use of values "
                               f"without predicates. You must prefix the {display(operand)} value with a suitable "
                               "predicate.")
            return HistoryClause(field_ref, "changed", None, self.predicates(), start)
        op = "was"
        if self.is_word("not"):
            self.advance()
            op = "was not"
        if self.is_word("in"):
            self.advance()
            return HistoryClause(field_ref, f"{op} in", self.list_value(), self.predicates(), start)
        operand = self.operand()
        if isinstance(operand, tuple):  # WAS (a, b) reads as WAS IN (a, b)
            op = f"{op} in"
        return HistoryClause(field_ref, op, operand, self.predicates(), start)

    def predicates(self) -> tuple[Predicate, ...]:
        """predicate* := (FROM | TO | BY | BEFORE | AFTER | ON | DURING) operand, in any order and number."""
        found: list[Predicate] = []
        while self.is_word(*PREDICATES):
            token = self.advance()
            found.append(Predicate(token.text.lower(), self.operand(), token.pos))
        return tuple(found)

    def operand(self) -> Value | tuple[Value, ...]:
        """operand := value | "(" value ("," value)* ")" (a list)."""
        if self.at("lparen"):
            return self.list_value()
        return self.value()

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
            if lowered in KEYWORDS:
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


def display(value: Value | tuple[Value, ...]) -> str:
    """A value as Jira shows an operand in messages: numbers bare, text in double quotes, `name(args)`, `EMPTY`,
    lists in parentheses."""
    if isinstance(value, tuple):
        return "(" + ", ".join(display(v) for v in value) + ")"
    if isinstance(value, Empty):
        return "EMPTY"
    if isinstance(value, Function):
        return f"{value.name}({', '.join(value.args)})"
    if not value.quoted and value.text.lstrip("-").isdigit():
        return value.text
    return f'"{value.text}"'


def parse(text: str) -> Query:
    """The syntax tree of a JQL query; raises JqlError with Jira's message and position."""
    return _Parser(text).parse()
