"""The help screen (keys ? and F1): every key of the screen it was opened from, with what it does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static

KeyRow = tuple[str, str, str]
"""(keys as shown, what it does, where it comes from: 'screen' (its own keys), 'here' (the focused widget's), 'app',
or 'textual' (the keys every Textual screen has, such as Tab))."""


def screen_keys(screen: Screen[object]) -> list[KeyRow]:
    """Every described binding active on `screen` (its focused widget's, its own and the app's), one row per action,
    its keys joined ('right, l'); the command palette always among them."""
    app = screen.app
    rows: dict[tuple[int, str], tuple[list[str], str, str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or binding.system:
            continue
        own = binding in type(screen).__dict__.get("BINDINGS", ())
        where = "app" if active.node is app else ("screen" if own else "textual") if active.node is screen else "here"
        slot = (id(active.node), binding.action)
        shown = app.get_key_display(Binding(key, binding.action, key_display=binding.key_display))
        keys, text, _where = rows.setdefault(slot, ([], binding.tooltip or binding.description, where))
        if shown not in keys:
            keys.append(shown)
    result = [(", ".join(keys), text, where) for keys, text, where in rows.values()]
    if not any(action == "command_palette" for _node, action in rows):
        result.append((app.get_key_display(Binding("ctrl+p", "command_palette")), "Search every command (palette)",
                       "app"))
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
        """A title over the keys (one Static: cheap to open over a busy monitor); the footer says how to close."""
        order = {"screen": 0, "here": 1, "app": 2, "textual": 3}
        rows = sorted(self.rows, key=lambda row: order[row[2]])
        width = max((len(keys) for keys, _text, _where in rows), default=4) + 2
        lines = [Content.assemble((f"{keys:<{width}}", "bold $text-accent"), Content(text))
                 for keys, text, _where in rows]
        with Vertical(id="help-box"):
            yield Static(f"Keys: {self.under_title.lower()} screen", id="help-title", markup=False)
            with VerticalScroll(id="help-keys"):
                yield Static(Content("\n").join(lines), id="help-text")
        yield Footer(show_command_palette=False)

    def action_back(self) -> None:
        """Close the help (Escape, q, ? or F1)."""
        self.dismiss(None)
