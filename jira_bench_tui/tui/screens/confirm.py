"""A yes/no question in a modal: `push_screen(ConfirmScreen("Kill run X?"), callback)` gets True or False."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static


class ConfirmScreen(ModalScreen[bool]):
    """Asks one question; `y`/Enter on Yes confirms, `n`/Escape declines."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", tooltip="Yes: do it", id="confirm-yes"),
        Binding("n,escape", "answer(False)", "No", tooltip="No: leave it as it is", id="confirm-no"),
    ]

    def __init__(self, question: str, confirm_label: str = "Yes") -> None:
        super().__init__()
        self.question = question
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        """Lay out the question over two buttons: the confirming one (`confirm_label`) and Cancel."""
        with Vertical(id="confirm-box"):
            yield Static(self.question, id="confirm-question", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button(self.confirm_label, variant="error", id="confirm-yes")
                yield Button("Cancel", id="confirm-no")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        """Focus Cancel, so that a stray Enter declines."""
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Answer True for the confirming button, False for Cancel."""
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, answer: bool) -> None:
        """Close the modal with `answer` (keys y, n and Escape)."""
        self.dismiss(answer)
