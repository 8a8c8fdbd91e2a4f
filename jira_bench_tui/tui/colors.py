"""Colours by outcome, from the app's theme (never fixed hex colours): for Rich `Text` in tables and for the
log's lines, which cannot use Textual's `$variables` directly."""

from __future__ import annotations

from functools import lru_cache

from rich.style import Style
from textual.app import App
from textual.color import Color, ColorParseError

GOOD_RATE = 0.8
"""A pass rate at least this high is shown in the success colour; at least MIXED_RATE in the warning colour."""
MIXED_RATE = 0.5


def theme_style(app: App[object], variable: str, bold: bool = False, dim: bool = False) -> Style:
    """A Rich style with the colour of the theme variable `variable` (e.g. 'text-success'); dim text when the
    variable is not a plain colour (e.g. 'auto 60%'). Styles are kept by the variable's value: the runs list asks
    for ~50 a redraw, and parsing one (a failed parse raises) cost the app tens of ms per key with 16 live runs."""
    return _style_of(app.theme_variables.get(variable, ""), bold, dim)


@lru_cache(maxsize=256)
def _style_of(value: str, bold: bool, dim: bool) -> Style:
    try:
        color = Color.parse(value).rich_color
    except ColorParseError:
        return Style(dim=True, bold=bold or None)
    return Style(color=color, bold=bold or None, dim=dim or None)


def rate_variable(passed: int, scored: int) -> str:
    """The theme variable for a pass rate: success from 80%, warning from 50%, error below; muted with no score."""
    if scored <= 0:
        return "text-muted"
    rate = passed / scored
    return "text-success" if rate >= GOOD_RATE else "text-warning" if rate >= MIXED_RATE else "text-error"
