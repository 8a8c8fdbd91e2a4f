"""The regular expressions a harness gives (`matches` of the answer and comment checks and of the field operator):
checked when the harness loads, searched under a time bound when a trial is scored.

The engine is the `regex` package in VERSION0 mode: the syntax and meaning of Python's `re` (lookarounds and
backreferences included, which the built-in harness uses), and two things `re` lacks: a `timeout` on every search,
and the GIL released while it matches, so the worker's heartbeat thread goes on during a long search. Every search
is case-insensitive.

Bounds (CPU seconds of the process, which is what `regex` measures: a busy machine does not make a pattern time out):

- one search of one text: `SEARCH_TIMEOUT_S`;
- every search made while scoring one trial (`PatternSearch`): `BUDGET_S` in all, so a pattern tried on many
  comments or fields cannot add up to a hang either.

A search that runs out raises `PatternTimeout`: the check cannot be judged, and the trial is `error`
(docs/harness.md). Up front, `check_pattern` refuses what does not compile, patterns over `MAX_PATTERN_CHARS`
and nested counted repeats whose unrolled size passes `MAX_UNROLLED` (`((a{100}){100}){100}` would take
gigabytes to compile).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import regex

FLAGS = regex.IGNORECASE | regex.VERSION0
MAX_PATTERN_CHARS = 5000
MAX_UNROLLED = 100_000  # atoms of a pattern with every counted repeat written out
SEARCH_TIMEOUT_S = 1.0
BUDGET_S = 5.0

# search(pattern, text, where) -> whether the pattern occurs in the text; PatternTimeout when it ran out of time
Search = Callable[[str, str, str], bool]

_COUNTED = re.compile(r"\{(\d*)(?:,(\d*))?\}")
_BRACED_ESCAPES = "pPNxuUgk"  # \p{L}, \N{name}, \x{41}, \g{1}... take a braced argument


class PatternTimeout(Exception):
    """A search of a harness pattern ran out of time; str() is the sentence the check and the trial give."""


def shown_pattern(pattern: str) -> str:
    """A pattern as a sentence shows it: `/.../`, cut to 80 characters."""
    return f"/{pattern if len(pattern) <= 80 else pattern[:77] + '...'}/"


def _class_end(pattern: str, start: int) -> int:
    """The index just after the character class that opens at `start` (`[...]`, `[^]...]`, escapes inside)."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i + 1


def _escape_end(pattern: str, start: int) -> int:
    """The index just after the escape at `start` (`\\d`, `\\p{L}`)."""
    i = start + 2
    if start + 1 < len(pattern) and pattern[start + 1] in _BRACED_ESCAPES and pattern[i:i + 1] == "{":
        close = pattern.find("}", i)
        return len(pattern) if close < 0 else close + 1
    return i


def _repeat_bound(match: re.Match[str]) -> int:
    """The larger number of a counted repeat `{m}`, `{m,n}`, `{,n}` (capped: only "too many" matters)."""
    numbers = [text for text in match.groups() if text]
    return max((int(text) if len(text) <= 9 else 10**9 for text in numbers), default=0)


def unrolled_size(pattern: str) -> int:
    """An upper estimate of the pattern's size with every counted repeat written out: `(?:ab){3}` is 6, and nested
    repeats multiply. The `regex` package unrolls repeats of literals when it compiles, so this bounds its work."""
    sizes = [0]  # the size of each open group so far, innermost last
    last = 0  # the size of the last atom or group (what a repeat applies to)
    i = 0
    while i < len(pattern):
        char = pattern[i]
        counted = _COUNTED.match(pattern, i) if char == "{" else None
        if counted and any(counted.groups()):
            bound = _repeat_bound(counted)
            sizes[-1] += last * max(bound - 1, 0)
            last *= max(bound, 1)
            i = counted.end()
            continue
        if char == "(":
            sizes.append(0)
            i += 1
            continue
        if char == ")" and len(sizes) > 1:
            last = sizes.pop()
            sizes[-1] += last
            i += 1
            continue
        i = _escape_end(pattern, i) if char == "\\" else _class_end(pattern, i) if char == "[" else i + 1
        last = 1
        sizes[-1] += 1
    return sum(sizes)


def check_pattern(pattern: str) -> str:
    """The pattern, once it is short enough, its repeats small enough, and it compiles with the engine that searches
    it. ValueError with a sentence naming the pattern otherwise."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise ValueError(f"the regular expression is {len(pattern)} characters long (at most {MAX_PATTERN_CHARS})")
    size = unrolled_size(pattern)
    if size > MAX_UNROLLED:
        raise ValueError(f"the regular expression {shown_pattern(pattern)} repeats too much: about {size} parts once "
                         f"its counted repeats are written out (at most {MAX_UNROLLED})")
    try:
        compile_pattern(pattern)
    except regex.error as exc:
        raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from None
    return pattern


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> Any:
    """The compiled pattern (case-insensitive, `re` syntax); regex.error when it does not compile. Cached."""
    return regex.compile(pattern, FLAGS)


class PatternSearch:
    """Searches of harness patterns that share one time budget (one trial's scoring). Call it as
    `search(pattern, text, where)`: whether the pattern occurs in `text`; PatternTimeout when this search passed
    `timeout_s` or every search so far passed `budget_s` (CPU seconds). `where` names the text in that sentence
    ("the answer", "a new comment on WEB-3"). The pattern must have passed `check_pattern`. The bounds default to
    the module's `BUDGET_S` and `SEARCH_TIMEOUT_S` as they are when the search is made."""

    def __init__(self, budget_s: float | None = None, timeout_s: float | None = None) -> None:
        self.budget_s = BUDGET_S if budget_s is None else budget_s
        self.timeout_s = SEARCH_TIMEOUT_S if timeout_s is None else timeout_s
        self.used_s = 0.0

    def __call__(self, pattern: str, text: str, where: str) -> bool:
        """Whether `pattern` occurs in `text` (see the class docstring)."""
        left = self.budget_s - self.used_s
        bound = min(self.timeout_s, left)
        if bound <= 0:
            raise PatternTimeout(self._too_long(pattern, where, budget=True))
        compiled = compile_pattern(pattern)
        start = time.process_time()
        try:
            return compiled.search(str(text), timeout=bound) is not None
        except TimeoutError:
            raise PatternTimeout(self._too_long(pattern, where, budget=bound < self.timeout_s)) from None
        finally:
            self.used_s += time.process_time() - start

    def _too_long(self, pattern: str, where: str, *, budget: bool) -> str:
        if budget:
            return (f"the patterns of this scenario's checks took longer than {self.budget_s:g} s in all (stopped at "
                    f"the pattern {shown_pattern(pattern)} on {where})")
        return f"the pattern {shown_pattern(pattern)} took longer than {self.timeout_s:g} s on {where}"


def search_once(pattern: str, text: str, where: str) -> bool:
    """One bounded search outside a trial's scoring (its own budget); see PatternSearch."""
    return PatternSearch()(pattern, text, where)
