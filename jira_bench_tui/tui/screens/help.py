"""The help screen (keys ? and F1): every key of the screen it was opened from, with what it does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Static

KeyRow = tuple[str, str, str]
"""(keys as shown, what it does, where it comes from: the screen, a widget or the app)."""


def screen_keys(screen: Screen[object]) -> list[KeyRow]:
    """Every described binding active on `screen` (its focused widget's, its own and the app's), one row per action,
    its keys joined ('right, l'); the command palette last."""
    app = screen.app
    rows: dict[tuple[int, str], tuple[list[str], str, str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or binding.system:
            continue
        where = "app" if active.node is app else "screen" if active.node is screen else "here"
        slot = (id(active.node), binding.action)
        shown = app.get_key_display(Binding(key, binding.action, key_display=binding.key_display))
        keys, text, _where = rows.setdefault(slot, ([], binding.tooltip or binding.description, where))
        if shown not in keys:
            keys.append(shown)
    result = [(", ".join(keys), text, where) for keys, text, where in rows.values()]
    result.append((app.get_key_display(Binding("ctrl+p", "command_palette")), "Search every command (palette)", "app"))
    return result


class HelpScreen(ModalScreen[None]):
    """A table of the keys of the screen underneath; Escape, q, ? or F1 close it."""

    BINDINGS = [
        Binding("escape,q", "back", "Back", tooltip="Close the help", id="help-close"),
        Binding("question_mark,f1", "back", "Help", key_display="?", tooltip="Close the help", id="help-toggle"),
    ]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__(id="help-screen")
        self.rows = screen_keys(under)
        self.under_title = type(under).__name__.removesuffix("Screen") or "App"

    def compose(self) -> ComposeResult:
        """A title over the keys table; the footer says how to close."""
        with Vertical(id="help-box"):
            yield Static(f"Keys: {self.under_title.lower()} screen", id="help-title", markup=False)
            yield DataTable(id="help-keys", cursor_type="row", zebra_stripes=True)
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        """Fill the table: the screen's own keys first, then the focused widget's, then the app's."""
        table = self.query_one(DataTable)
        table.add_columns("key", "what it does")
        order = {"screen": 0, "here": 1, "app": 2}
        for keys, text, _where in sorted(self.rows, key=lambda row: order[row[2]]):
            table.add_row(keys, text)
        table.focus()


    def action_back(self) -> None:
        """Close the help (Escape, q, ? or F1)."""
        self.dismiss(None)
