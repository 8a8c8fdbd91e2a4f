"""JQL text to tokens, with the lexical rules of Jira's JQL grammar (Jql.g): reserved characters, reserved words,
escapes, quoted strings, and Jira's "Error in the JQL Query" messages for each.

Source: Jira's ANTLR grammar `Jql.g` (RESERVED_CHARS, STRINGSTOP, ESCAPE) and `JqlStringSupportImpl.RESERVED_WORDS`;
messages as Jira gives them (`JqlParseErrorMessages`, e.g. "The character '@' is a reserved JQL character. You must
enclose it in a string or use the escape '\\u0040' instead. (line 1, character 16)")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


class JqlError(Exception):
    """A query Jira would refuse; str() is Jira's message, e.g.
    "Error in the JQL Query: Expecting operator but got 'foo'. (line 1, character 9)"."""


TokenKind = Literal["word", "string", "op", "lparen", "rparen", "comma", "lbracket", "rbracket", "and", "or", "not",
                    "eof"]
# Symbols, the two-character ones first: != before !, && before &
SYMBOLS: dict[str, TokenKind] = {
    "!=": "op", "!~": "op", ">=": "op", "<=": "op", "&&": "and", "||": "or",
    "=": "op", "<": "op", ">": "op", "~": "op", "&": "and", "|": "or", "!": "not",
    "(": "lparen", ")": "rparen", ",": "comma", "[": "lbracket", "]": "rbracket",
}
# Characters JQL reserves (Jql.g RESERVED_CHARS): refused outside quotes. '-' and '.' are not reserved.
RESERVED_CHARS = frozenset("{}*/%+^$#@?;")
# Characters that end an unquoted word (Jql.g STRINGSTOP, less the reserved ones, which are errors)
_STOP = frozenset("\"'=!<>()~,[]|&")
# Words the grammar reads as keywords (its own tokens): never a reserved-word error, never a plain value
KEYWORDS = frozenset({"and", "or", "not", "in", "is", "empty", "null", "was", "changed", "before", "after", "from",
                      "to", "on", "during", "order", "by", "asc", "desc", "cf"})
# JqlStringSupportImpl.RESERVED_WORDS: used unquoted they are refused ("'true' is a reserved JQL word. ...")
RESERVED_WORDS = frozenset("""
abort access add after alias all alter and any as asc audit avg before begin between boolean break by byte catch cf
changed char character check checkpoint collate collation column commit connect continue count create current date
decimal declare decrement default defaults define delete delimiter desc difference distinct divide do double drop else
empty encoding end equals escape exclusive exec execute exists explain false fetch file field first float for from
function go goto grant greater group having identified if immediate in increment index initial inner inout input
insert int integer intersect intersection into is isempty isnull join last left less like limit lock long max min
minus mode modify modulo more multiply next noaudit not notin nowait null number object of on option or order outer
output power previous prior privileges public raise raw remainder rename resource return returns revoke right row
rowid rownum rows select session set share size sqrt start strict string subtract sum synonym table then to trans
transaction trigger true uid union unique update user validate values view was when whenever where while with
""".split())
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", '"': '"', "'": "'", "\\": "\\", " ": " "}
VALID_ESCAPES = "The valid escape sequences are \\', \\\", \\t, \\n, \\r, \\\\, '\\ ' and \\uXXXX."


@dataclass(frozen=True)
class Token:
    """One token of a query: its kind, its text (a quoted string without its quotes, escapes decoded) and its
    offset."""

    kind: TokenKind
    text: str
    pos: int  # 0-based offset in the query


def where_in(text: str, pos: int) -> str:
    """Jira's position suffix: "(line 1, character 9)", 1-based."""
    before = text[:pos]
    line = before.count("\n") + 1
    column = pos - (before.rfind("\n") + 1) + 1
    return f"(line {line}, character {column})"


def syntax_error(text: str, message: str, pos: int) -> JqlError:
    """Jira's syntax error: "Error in the JQL Query: <message> (line 1, character 9)", `pos` a 0-based offset."""
    return JqlError(f"Error in the JQL Query: {message} {where_in(text, pos)}")


def is_control(ch: str) -> bool:
    """Whether JQL refuses `ch` unescaped (Jql.g CONTROLCHARS: control characters but tab, newline and return;
    Unicode non-characters)."""
    code = ord(ch)
    if ch in "\t\n\r":
        return False
    return code <= 0x1F or 0x7F <= code <= 0x9F or 0xFDD0 <= code <= 0xFDEF or code in (0xFFFE, 0xFFFF)


class _Lexer:
    """Reads one query into tokens; raises Jira's lexical errors at the first offending character."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def tokens(self) -> list[Token]:
        out: list[Token] = []
        text = self.text
        while self.i < len(text):
            ch = text[self.i]
            if ch in " \t\n\r":
                self.i += 1
            elif ch in "\"'":
                start = self.i
                out.append(Token("string", self.quoted(), start))
            elif text[self.i: self.i + 2] in SYMBOLS or ch in SYMBOLS:
                symbol = text[self.i: self.i + 2] if text[self.i: self.i + 2] in SYMBOLS else ch
                out.append(Token(SYMBOLS[symbol], symbol, self.i))
                self.i += len(symbol)
            else:
                self.refuse_character(ch)
                out.append(self.word())
        out.append(Token("eof", "", len(text)))
        return out

    def refuse_character(self, ch: str) -> None:
        """Jira's error for a reserved or control character outside quotes."""
        if ch in RESERVED_CHARS:
            raise syntax_error(self.text, f"The character '{ch}' is a reserved JQL character. You must enclose it in "
                                          f"a string or use the escape '\\u{ord(ch):04x}' instead.", self.i)
        if is_control(ch):
            raise self.control_error(ch, self.i)

    def control_error(self, ch: str, pos: int) -> JqlError:
        line = self.text[:pos].count("\n") + 1
        column = pos - (self.text[:pos].rfind("\n") + 1) + 1
        return syntax_error(self.text, f"The character 'U+{ord(ch):04X}' on line {line} at position {column} must be "
                                       f"escaped. Use the escape '\\u{ord(ch):04x}' instead.", pos)

    def word(self) -> Token:
        """An unquoted word (escapes decoded), checked against the reserved words; `cf[123]` is one word."""
        start = self.i
        out: list[str] = []
        text = self.text
        while self.i < len(text):
            ch = text[self.i]
            if ch == "\\":
                out.append(self.escape())
                continue
            if ch in " \t\n\r" or ch in _STOP or ch in RESERVED_CHARS or is_control(ch):
                break
            out.append(ch)
            self.i += 1
        word = "".join(out)
        if word.lower() == "cf" and text[self.i: self.i + 1] == "[":
            end = text.find("]", self.i)
            if end > self.i and text[self.i + 1: end].strip().isdigit():
                self.i = end + 1
                return Token("word", f"cf[{text[start + 3: end].strip()}]", start)
        if word.lower() in RESERVED_WORDS and word.lower() not in KEYWORDS:
            raise syntax_error(text, f"'{word}' is a reserved JQL word. You must surround it in quotation marks to "
                                     "use it in a query.", start)
        return Token("word", word, start)

    def escape(self) -> str:
        """The character a backslash escape stands for; Jira's error for an illegal or unfinished one."""
        start = self.i
        nxt = self.text[self.i + 1: self.i + 2]
        if not nxt:
            raise syntax_error(self.text, f"The escape sequence has not been completed. {VALID_ESCAPES}", start)
        if nxt in _ESCAPES:
            self.i += 2
            return _ESCAPES[nxt]
        if nxt == "u":
            digits = self.text[self.i + 2: self.i + 6]
            if len(digits) == 4 and all(c in "0123456789abcdefABCDEF" for c in digits):
                self.i += 6
                return chr(int(digits, 16))
            bad = next((n for n, c in enumerate(digits) if c not in "0123456789abcdefABCDEF"), len(digits))
            shown = self.text[start: self.i + 2 + bad + 1].replace("\n", " ").replace("\r", " ")
            raise syntax_error(self.text, f"'{shown}' is an illegal JQL escape sequence. {VALID_ESCAPES}", start)
        raise syntax_error(self.text, f"'\\{nxt}' is an illegal JQL escape sequence. {VALID_ESCAPES}", start)

    def quoted(self) -> str:
        """A quoted string's content (escapes decoded); Jira's error when it is not closed."""
        text = self.text
        quote = text[self.i]
        start = self.i
        self.i += 1
        out: list[str] = []
        while self.i < len(text):
            ch = text[self.i]
            if ch == "\\":
                out.append(self.escape())
                continue
            if ch == quote:
                self.i += 1
                return "".join(out)
            if is_control(ch):
                raise self.control_error(ch, self.i)
            out.append(ch)
            self.i += 1
        rest = text[start + 1:].replace("\n", " ").replace("\r", " ")
        if not rest.strip():
            raise syntax_error(text, "The quoted string has not been completed.", start)
        raise syntax_error(text, f"The quoted string '{rest}' has not been completed.", start)


def tokenize(text: str) -> list[Token]:
    """The query's tokens, ending with an `eof` token. Raises JqlError (Jira's message and position) for a reserved
    character or word used unquoted, an illegal escape, a control character or an unfinished quoted string; the
    whole query is read before parsing, so these come before any syntax error, as in Jira."""
    return _Lexer(text).tokens()
