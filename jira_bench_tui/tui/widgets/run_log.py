"""A run's streaming log: Textual's `Log` made cheap to feed fast and to show again (no layout per write, strips cached).

Textual's `Log` asks the whole screen for a new layout whenever its line count grows, measures widths in a new thread
per write and renders every visible line again on each paint; with 16 runs writing fast that kept keys waiting.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Self

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Log

RENDERED_LINES_KEPT = 160  # a few screens of rendered lines per log (each strip is ~10 objects the GC walks)


class RunLog(Log):
    """A `Log` whose writes only repaint it (never a screen layout) and whose rendered lines are kept in a cache."""

    def __init__(self, *, max_lines: int | None = None, classes: str | None = None, id: str | None = None) -> None:
        super().__init__(max_lines=max_lines, classes=classes, id=id)
        self._render_line_cache = LRUCache(RENDERED_LINES_KEPT)

    def write_lines(self, lines: Iterable[str], scroll_end: bool | None = None) -> Self:
        """Append lines in one go: one size update and one repaint, however many lines."""
        new_lines = [piece for line in lines for piece in line.splitlines()]
        if not new_lines:
            return self
        at_end = self.is_vertical_scroll_end
        auto_scroll = self.auto_scroll if scroll_end is None else scroll_end
        start_line = len(self._lines)
        self._lines.extend(new_lines)
        if self.max_lines is not None and len(self._lines) > self.max_lines:
            start_line -= len(self._lines) - self.max_lines
            self._prune_max_lines()
        widest = max(cell_len(self._process_line(line)) for line in new_lines)
        self._width = max(self._width, widest)
        self._set_content_size(Size(self._width, len(self._lines)))
        self.refresh_lines(max(0, start_line), len(new_lines))
        if auto_scroll and at_end and not self.is_vertical_scrollbar_grabbed:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        else:  # paused: old lines may have been dropped from the top, so what is in view moved
            self.refresh()
        return self

    def _set_content_size(self, size: Size) -> None:
        """The scrollable size changed: update the scroll bars without asking the screen for a new layout
        (the widget's own size does not change; `overflow: scroll` keeps both bars shown)."""
        if size != self.virtual_size:
            self.set_reactive(Widget.virtual_size, size)
            self._scroll_update(size)

    def _render_line_strip(self, y: int, rich_style: Style) -> Strip:
        """One line as a single plain segment (never markup), cached until the line moves or styles change."""
        if self.text_selection is not None:
            return super()._render_line_strip(y, rich_style)
        cached = self._render_line_cache.get(y)
        if cached is not None:
            return cached
        text = self._process_line(self._lines[y])
        strip = Strip([Segment(text, rich_style)], cell_len(text))
        self._render_line_cache[y] = strip
        return strip
