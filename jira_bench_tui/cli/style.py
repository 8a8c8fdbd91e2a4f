"""Colour on a terminal through Rich (the one Textual brings): outcomes, pass rates, errors. Plain text when the output
is not a terminal or `NO_COLOR` is set (Rich's own rules: https://no-color.org), so scripts and tests read the same
words either way."""

from __future__ import annotations

import os
import sys

from rich.console import Console
from rich.text import Text

OUTCOME_STYLES = {"PASSED": "bold green", "FAILED": "bold red", "ERROR": "bold yellow"}
GOOD_RATE, MIXED_RATE = 0.8, 0.5


def rate_style(rate: float | None) -> str:
    """Green from 80%, yellow from 50%, red below; dim with no score."""
    if rate is None:
        return "dim"
    return "green" if rate >= GOOD_RATE else "yellow" if rate >= MIXED_RATE else "red"


def outcome_text(line: str) -> Text:
    """A line whose outcome word (PASSED, FAILED, ERROR) is coloured."""
    text = Text(line)
    for word, style in OUTCOME_STYLES.items():
        text.highlight_words([word], style=style)
    return text


class _Console(Console):
    """Rich's console, except that a closed pipe raises BrokenPipeError (Rich's own choice is SystemExit(1)): the
    callers decide, e.g. a foreground run's display stops and the run goes on."""

    def on_broken_pipe(self) -> None:
        """Let the caller handle the closed pipe."""
        self.quiet = True
        raise BrokenPipeError


def echo(text: str | Text, *, err: bool = False) -> None:
    """Print `text` (never read as markup) to stdout or stderr, coloured only on a colour terminal. BrokenPipeError
    when the reader went away."""
    plain = bool(os.environ.get("NO_COLOR"))  # no styles at all, not only no colours
    console = _Console(file=sys.stderr if err else sys.stdout, highlight=False, soft_wrap=True,
                      color_system=None if plain else "auto")
    console.print(text, markup=False, emoji=False)
