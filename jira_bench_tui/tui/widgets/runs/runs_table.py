"""A DataTable of runs that updates in place (only changed cells) and keeps its cursor on the same run."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

Cell = str | Text
Row = tuple[str, tuple[Cell, ...]]
SQUEEZE_MIN = 12
"""The fewest cells a squeezed column keeps (its text cut with '…')."""


def _style(cell: Cell) -> object:
    return cell.style if isinstance(cell, Text) else None


def _cut(cell: Cell, width: int) -> Cell:
    """`cell` cut to `width` cells with '…' (unchanged when it fits)."""
    text = Text(cell) if isinstance(cell, str) else cell
    if text.cell_len <= width:
        return cell
    text = text.copy()
    text.truncate(width, overflow="ellipsis")
    return text


class RunsTable(DataTable[Cell]):
    """Rows keyed by run id; `show_rows` replaces the content with as little redrawing as it can. Columns widen to
    fit what they show (never cut silently); an `optional` column (such as the note) shows only while a row has
    something in it; when the columns are wider than the table, the `drop` columns leave, in that order, until the
    rest fits; once the `squeeze` column's turn in `drop` has come, its cells are cut (with '…') to the room left,
    down to SQUEEZE_MIN, before any further column leaves (at 80 columns the run id stays whole rather than
    scrolling out of view)."""

    def __init__(self, columns: list[str], *, optional: tuple[str, ...] = (), drop: tuple[str, ...] = (),
                 squeeze: str | None = None, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self._all_columns = columns
        self._optional = optional
        self._drop = drop
        self._squeeze = squeeze
        self._column_names = [name for name in columns if name not in optional]
        self._rows: list[Row] = []
        self._given: list[Row] = []
        """The rows last given to `show_rows`, with every column (shown again when the width changes)."""
        self._fitted_width = 0
        self._room: int | None = None

    def on_mount(self) -> None:
        """Add the columns named at construction (each keyed by its name; the optional ones once needed)."""
        for name in self._column_names:
            self.add_column(name, key=name)

    def _fit_columns(self, rows: list[Row]) -> list[Row]:
        """Show the optional columns some row fills and drop the empty ones (all columns again when that changes);
        the rows with the cells of the columns shown."""
        filled = {name for index, name in enumerate(self._all_columns) if name in self._optional
                  and any(str(cells[index]) for _key, cells in rows)}
        wanted = [name for name in self._all_columns if name not in self._optional or name in filled]
        wanted, room = self._narrowed(wanted, rows)
        if room is not None and self._squeeze is not None:
            index = self._all_columns.index(self._squeeze)
            rows = [(key, (*cells[:index], _cut(cells[index], room), *cells[index + 1:])) for key, cells in rows]
        if wanted != self._column_names or room != self._room:  # columns measured anew: they may narrow
            self._room = room
            self.clear(columns=True)
            self._rows = []
            self._column_names = wanted
            for name in wanted:
                self.add_column(name, key=name)
            self.call_after_refresh(self._scrollbars_again)
        if len(wanted) == len(self._all_columns):
            return rows
        keep = [index for index, name in enumerate(self._all_columns) if name in wanted]
        return [(key, tuple(cells[index] for index in keep)) for key, cells in rows]

    def _narrowed(self, wanted: list[str], rows: list[Row]) -> tuple[list[str], int | None]:
        """`wanted` without the `drop` columns (in order) it takes for the rest to fit the table's width (all of
        `wanted` before the table has a width), and the cells' room in the `squeeze` column when they must be cut
        (else None)."""
        available = self.size.width
        self._fitted_width = available
        if not available or not (self._drop or self._squeeze):
            return wanted, None
        index_of = {name: index for index, name in enumerate(self._all_columns)}
        pad = 2 * self.cell_padding

        def width(name: str) -> int:
            cells = (cells[index_of[name]] for _key, cells in rows)
            return pad + max([len(name), *(Text(cell).cell_len if isinstance(cell, str) else
                                           cell.cell_len for cell in cells)])

        widths = {name: width(name) for name in wanted}
        least = {name: min(w, pad + SQUEEZE_MIN) if name == self._squeeze else w for name, w in widths.items()}
        kept, squeezing = list(wanted), False
        for name in self._drop:  # the squeeze column's place in `drop` says when cutting it comes before dropping
            if sum(widths[n] for n in kept) <= available:
                break
            if name == self._squeeze:
                squeezing = True
            if squeezing and sum(least[n] for n in kept) <= available:
                break
            if name in kept and name != self._squeeze:
                kept.remove(name)
        if self._squeeze not in kept or sum(widths[n] for n in kept) <= available:
            return kept, None
        others = sum(widths[n] for n in kept if n != self._squeeze)
        return kept, max(SQUEEZE_MIN, available - others - pad)

    def _scrollbars_again(self) -> None:
        """Columns narrowed: the bottom scroll bar goes when the rows fit now (Textual keeps it until a new layout)."""
        self._refresh_scrollbars()
        self.refresh(layout=True)

    def on_resize(self) -> None:
        """A new width: show the columns that fit it."""
        if self.size.width != self._fitted_width and self._given:
            self.show_rows(self._given)

    def action_cursor_down(self) -> None:
        """Down a row; from the last row, on to the next section's table (keyboard users never need Tab)."""
        if self.row_count and self.cursor_row >= self.row_count - 1:
            self._next_table(1)
        else:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        """Up a row; from the first row, on to the previous section's table, at its last row."""
        if self.cursor_row <= 0:
            self._next_table(-1)
        else:
            super().action_cursor_up()

    def _next_table(self, step: int) -> None:
        tables = [t for t in self.screen.query(RunsTable) if t.display and t.row_count]
        index = tables.index(self) + step if self in tables else -1
        if 0 <= index < len(tables):
            target = tables[index]
            target.focus()
            target.move_cursor(row=0 if step > 0 else target.row_count - 1, animate=False)

    @property
    def run_ids(self) -> list[str]:
        """The run ids of the rows, top to bottom."""
        return [key for key, _cells in self._rows]

    def selected_run_id(self) -> str | None:
        """The run id of the row under the cursor, or None when the table is empty."""
        if not self._rows or self.cursor_row < 0 or self.cursor_row >= len(self._rows):
            return None
        return self._rows[self.cursor_row][0]

    def show_rows(self, rows: list[Row]) -> None:
        """Show `rows` ((run id, cells) each): only the changed cells when the same runs are listed in the same
        order (their columns widen when a cell needs it), else every row again, the cursor kept on its run."""
        keep = self.selected_run_id()
        self._given = rows
        rows = self._fit_columns(rows)
        if [key for key, _ in rows] == self.run_ids:
            for (key, cells), (_key, old) in zip(rows, self._rows, strict=True):
                for name, cell, old_cell in zip(self._column_names, cells, old, strict=True):
                    if cell != old_cell or _style(cell) != _style(old_cell):  # a Text's == ignores its style
                        wider = len(cell) > self.columns[ColumnKey(name)].content_width
                        self.update_cell(key, name, cell, update_width=wider)
            self._rows = rows
            return
        self.clear()
        for key, cells in rows:
            self.add_row(*cells, key=key)
        self._rows = rows
        if keep in self.run_ids:
            self.move_cursor(row=self.run_ids.index(keep), animate=False)
