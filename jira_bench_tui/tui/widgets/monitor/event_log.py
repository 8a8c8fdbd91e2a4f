"""A run's log in the monitor: a `ScrollView` that renders only the lines in view, straight from the run's one
bounded ring of lines (`RunView.lines`); nothing is copied per widget. Lines are coloured by event kind and outcome;
a scenario filter, a search (next/previous match) and a wrap mode; Home/End/PageUp pause and resume following.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from typing import NamedTuple

from rich.cells import cell_len, chop_cells
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from jira_bench_tui.tui.colors import theme_style
from jira_bench_tui.tui.run_model import LogLine, RunView

KIND_COLORS = {
    "passed": ("text-success", True),
    "failed": ("text-error", True),
    "error": ("text-warning", True),
    "check-passed": ("text-success", False),
    "check-failed": ("text-error", False),
    "tool-error": ("text-error", False),
    "warning": ("text-warning", False),
    "run": ("text-accent", True),
    "started": ("text-muted", False),
}
"""The theme colour (and boldness) of a line by its kind (`run_model.line_kind`); other kinds: the text colour."""
STRIPS_KEPT = 400
_NARROW = re.compile("[\x20-\x7e\u00a0-\u02ff\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2500-\u257f]*")
"""Text whose every character takes one cell (printable ASCII, Latin, punctuation, arrows, box drawing): such a
line wraps by characters, without measuring each one (`chop_cells` took ~350 ms over a 10,000-line ring)."""


class Row(NamedTuple):
    """One row on screen: line number `number` (counted from the run's first line), piece `piece` of it (wrap).
    A tuple of ints: cheap to make by the ten thousand, and not tracked by the garbage collector."""

    number: int
    piece: int = 0


class EventLog(ScrollView, can_focus=True):
    """The log of `view`. Call `lines_added` after the view took new lines; `resync` after many changes."""

    DEFAULT_CSS = """
    EventLog {
        overflow: scroll scroll;  /* both bars always: new lines never change the layout */
        scrollbar-size: 1 1;
    }
    """

    BINDINGS = [
        Binding("home", "scroll_home", "First", show=False, tooltip="Go to the log's first line (stops following)"),
        Binding("end", "scroll_end", "Last", show=False, tooltip="Go to the log's last line and follow new ones"),
    ]

    @dataclass
    class FollowChanged(Message):
        """The log started or stopped following new lines."""

        log: EventLog
        following: bool

        @property
        def control(self) -> EventLog:
            """The log that changed."""
            return self.log

    def __init__(self, view: RunView, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.view = view
        self.scenario: str | None = None
        self.search = ""
        self.wrap = False
        self.following = True
        self.match_number: int | None = None
        """The line the last next/previous match went to (highlighted)."""
        self._selected: deque[int] | None = None
        """Numbers of the lines the scenario filter keeps (None: every line)."""
        self._hits: deque[int] = deque()
        """Numbers of the lines shown that hold the search text, oldest first (kept up to date as lines come)."""
        self._wrapped: deque[Row] | None = None
        """The rows when wrapping: (line number, piece) pairs."""
        self._wrap_width = 0
        self._widest = 0
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(STRIPS_KEPT)
        self._last_first = 0
        self._style: Style | None = None
        """The widget's own style while `render_lines` draws (None otherwise)."""
        self.unseen = 0
        """Lines that arrived while the log was paused (the controls line says how many)."""

    # ---- lines -----------------------------------------------------------------------------------------------

    @property
    def _first_number(self) -> int:
        return self.view.lines_added - len(self.view.lines)

    def line(self, number: int) -> LogLine:
        """The line numbered `number` (it must still be kept)."""
        return self.view.lines[number - self._first_number]

    def _kept(self, line: LogLine) -> bool:
        return self.scenario is None or line.scenario == self.scenario

    def numbers(self) -> list[int]:
        """The numbers of the lines shown (the filter's), oldest first."""
        if self._selected is not None:
            return list(self._selected)
        return list(range(self._first_number, self.view.lines_added))

    def _count(self) -> int:
        return len(self._selected) if self._selected is not None else len(self.view.lines)

    def _number_at(self, index: int) -> int:
        if self._selected is not None:
            return self._selected[index]
        return self._first_number + index

    @property
    def row_count(self) -> int:
        """Rows of the log (lines, or pieces of lines when wrapping)."""
        return len(self._wrapped) if self._wrapped is not None else self._count()

    def _row(self, y: int) -> Row | None:
        if self._wrapped is not None:
            return self._wrapped[y] if 0 <= y < len(self._wrapped) else None
        return Row(self._number_at(y)) if 0 <= y < self._count() else None

    def _piece_count(self, text: str) -> int:
        width = max(1, self._wrap_width)
        if _NARROW.fullmatch(text):  # one cell per character ('·', '→', '…'): cut by characters
            return max(1, -(-len(text) // width))
        return len(self._pieces(text))

    def _pieces(self, text: str) -> list[str]:
        width = max(1, self._wrap_width)
        if _NARROW.fullmatch(text):
            return [text[i:i + width] for i in range(0, max(1, len(text)), width)]
        return chop_cells(text, width) or [""]

    def resync(self) -> None:
        """Recompute what the log shows from the run's lines (after a filter, wrap or width change)."""
        first = self._first_number
        if self.scenario is None:
            self._selected = None
        else:
            self._selected = deque(first + i for i, line in enumerate(self.view.lines) if self._kept(line))
        self._widest = self.view.widest
        self._wrapped = None
        if self.wrap:
            self._wrapped = deque(Row(first + i, piece) for i, line in enumerate(self.view.lines)
                                  if self._kept(line) for piece in range(self._piece_count(line.text)))
        self._count_hits()
        self._strips.clear()
        self._last_first = first
        self._size_changed()
        if self.following:
            self._go_end()
        self.refresh()

    def _holds(self, number: int) -> bool:
        return self._needle in self.line(number).text.lower()

    @property
    def _needle(self) -> str:
        return self.search.lower()

    def _count_hits(self) -> None:
        self._hits = deque(n for n in self.numbers() if self._holds(n)) if self.search else deque()

    @property
    def match_count(self) -> int:
        """How many of the lines shown (the filter's, still kept) hold the search text (0 without a search)."""
        return len(self._hits)

    def lines_added(self, lines: list[LogLine]) -> None:
        """The run's ring took `lines` (its last ones): show them; older lines it dropped leave the top."""
        if not lines:
            return
        first, total = self._first_number, self.view.lines_added
        new_numbers = range(max(first, total - len(lines)), total)
        dropped_rows = 0
        if self._selected is not None:
            while self._selected and self._selected[0] < first:
                self._selected.popleft()
                dropped_rows += 1
            self._selected.extend(n for n in new_numbers if self._kept(self.line(n)))
        self._widest = max(self._widest, self.view.widest)
        if self.search:
            while self._hits and self._hits[0] < first:
                self._hits.popleft()
            self._hits.extend(n for n in new_numbers if self._kept(self.line(n)) and self._holds(n))
        if self._wrapped is not None:
            dropped_rows = 0
            while self._wrapped and self._wrapped[0].number < first:
                self._wrapped.popleft()
                dropped_rows += 1
            for n in new_numbers:
                if self._kept(self.line(n)):
                    self._wrapped.extend(Row(n, p) for p in range(self._piece_count(self.line(n).text)))
        elif self._selected is None:
            dropped_rows = first - self._last_first
        self._last_first = first
        self._size_changed()
        if self.following:
            self._go_end()
        else:
            self.unseen += len(new_numbers)
            if dropped_rows:  # keep the same lines in view while paused
                self.scroll_to(y=max(0, self.scroll_y - dropped_rows), animate=False, immediate=True)
            self.refresh()

    def _size_changed(self) -> None:
        """Update the scrollable size without asking the screen for a new layout (the widget's own size does not
        change: `overflow: scroll` keeps both bars)."""
        width = 0 if self.wrap else self._widest
        size = Size(width, self.row_count)
        if size != self.virtual_size:
            self.set_reactive(Widget.virtual_size, size)
            self._scroll_update(size)

    def on_resize(self, event: events.Resize) -> None:
        """Wrapped lines are cut again at the new width."""
        if self.wrap and self.scrollable_content_region.width != self._wrap_width:
            self._wrap_width = self.scrollable_content_region.width
            self.resync()

    # ---- rendering ---------------------------------------------------------------------------------------

    def _line_style(self, line: LogLine) -> Style:
        variable, bold = KIND_COLORS.get(line.kind, ("foreground", False))
        return theme_style(self.app, variable, bold=bold)

    def render_lines(self, crop: Region) -> list[Strip]:
        """The rows in `crop`; the widget's own style is worked out once per pass (not once per row)."""
        self._style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._style = None

    @property
    def _base_style(self) -> Style:
        return self._style if self._style is not None else self.rich_style

    def render_line(self, y: int) -> Strip:
        """Row `y` of the view: its line (or piece), coloured by kind, search matches highlighted."""
        width = self.scrollable_content_region.width
        row = self._row(int(self.scroll_y) + y)
        base_style = self._base_style
        if row is None:
            return Strip.blank(width, base_style)
        key = (row.number, row.piece, self._wrap_width if self.wrap else 0, self.search, row.number ==
               self.match_number, self.app.theme)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._make_strip(row)
            self._strips[key] = strip
        if not self.wrap:
            strip = strip.crop(int(self.scroll_x), int(self.scroll_x) + width)
        return strip.extend_cell_length(width, base_style).crop(0, width)

    def _make_strip(self, row: Row) -> Strip:
        line = self.line(row.number)
        text = self._pieces(line.text)[row.piece] if self.wrap else line.text
        base = self._base_style + self._line_style(line)
        if row.number == self.match_number:
            base += Style(bold=True, underline=True)
        segments = [Segment(text, base)]
        if self.search:
            segments = _highlight(text, self.search, base, base + Style(reverse=True))
        return Strip(segments, cell_len(text))

    # ---- following and moving ------------------------------------------------------------------------------

    def _go_end(self) -> None:
        self.scroll_to(y=max(0, self.row_count - self.scrollable_content_region.height), animate=False,
                       immediate=True)

    def set_following(self, following: bool) -> None:
        """Follow new lines (and go to the end), or stay where the view is."""
        changed = following != self.following
        self.following = following
        if following:
            self.unseen = 0
            self._go_end()
        if changed:
            self.post_message(self.FollowChanged(self, following))

    def action_scroll_home(self) -> None:
        """Go to the first line and stop following (Home)."""
        self.set_following(False)
        self.scroll_to(y=0, animate=False, immediate=True)

    def action_scroll_end(self) -> None:
        """Go to the last line and follow new lines (End)."""
        self.set_following(True)

    def action_scroll_up(self) -> None:
        """One line up (stops following)."""
        self.set_following(False)
        super().action_scroll_up()

    def action_page_up(self) -> None:
        """One page up (stops following)."""
        self.set_following(False)
        super().action_page_up()

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self.set_following(False)

    # ---- filter, wrap, search ------------------------------------------------------------------------------

    def set_scenario(self, scenario: str | None) -> None:
        """Show only the lines of `scenario` (None: every line)."""
        self.scenario = scenario
        self.resync()

    def toggle_wrap(self) -> bool:
        """Wrap long lines, or cut them (and scroll sideways); whether wrapping is now on."""
        self.wrap = not self.wrap
        self._wrap_width = self.scrollable_content_region.width
        self.resync()
        return self.wrap

    def set_search(self, text: str) -> int:
        """Highlight `text` (any case) in the lines; the number of lines that hold it."""
        self.search = text
        self.match_number = None
        self._count_hits()
        self._strips.clear()
        self.refresh()
        return self.match_count

    def next_match(self, forward: bool = True) -> bool:
        """Go to the next (or previous) line holding the search text, from the last match (else from the view's top
        or bottom), round the end; stops following. False when no line holds it."""
        numbers = self.numbers()
        hits = list(self._hits)
        if not self.search or not numbers or not hits:
            return False
        if self.match_number is not None:
            here = self.match_number
        else:
            top = self._row(int(self.scroll_y))
            here = (top.number - 1) if top is not None and forward else (top.number if top else numbers[-1] + 1)
        after = [n for n in hits if n > here] if forward else [n for n in hits if n < here]
        target = (after[0] if forward else after[-1]) if after else (hits[0] if forward else hits[-1])
        self.match_number = target
        self.set_following(False)
        self._strips.clear()
        self._scroll_to_number(target)
        self.refresh()
        return True

    def _scroll_to_number(self, number: int) -> None:
        if self._wrapped is not None:
            y = next((i for i, row in enumerate(self._wrapped) if row.number == number), 0)
        else:
            y = self.numbers().index(number) if number in self.numbers() else 0
        height = self.scrollable_content_region.height
        if not self.scroll_y <= y < self.scroll_y + height:
            self.scroll_to(y=max(0, y - height // 2), animate=False, immediate=True)

    def current_text(self) -> str | None:
        """The line the last search went to, else the last line in view (None when the log is empty)."""
        if self.match_number is not None and self.match_number >= self._first_number:
            return self.line(self.match_number).text
        rows = [self._row(int(self.scroll_y) + y) for y in range(self.scrollable_content_region.height)]
        shown = [row for row in rows if row is not None]
        return self.line(shown[-1].number).text if shown else None

    def texts(self) -> list[str]:
        """The text of every line the log shows (the filter's), oldest first."""
        return [self.line(n).text for n in self.numbers()]

    def visible_text(self) -> list[str]:
        """The text of the rows in view, top to bottom (for tests and copying)."""
        rows = (self._row(int(self.scroll_y) + y) for y in range(self.scrollable_content_region.height))
        return [self._pieces(self.line(r.number).text)[r.piece] if self.wrap else self.line(r.number).text
                for r in rows if r is not None]


def _highlight(text: str, needle: str, style: Style, match_style: Style) -> list[Segment]:
    """`text` in segments, the places that hold `needle` (any case) in `match_style`."""
    segments: list[Segment] = []
    lower, low_needle, start = text.lower(), needle.lower(), 0
    while (found := lower.find(low_needle, start)) >= 0:
        if found > start:
            segments.append(Segment(text[start:found], style))
        segments.append(Segment(text[found:found + len(needle)], match_style))
        start = found + len(needle)
    if start < len(text) or not segments:
        segments.append(Segment(text[start:], style))
    return segments
