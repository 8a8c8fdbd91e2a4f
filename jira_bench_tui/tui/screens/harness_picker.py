"""A modal file picker for a harness file: a directory tree of folders and .json files; Enter picks, Escape leaves."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Static


class HarnessFileTree(DirectoryTree):
    """Folders and JSON files only, hidden entries left out."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        """Keep folders and .json files (any case), leave out hidden entries."""
        return [p for p in paths if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() == ".json")]


class HarnessPickerScreen(ModalScreen[Path | None]):
    """Returns the chosen harness file, or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="picker-cancel")]

    def __init__(self, start: Path) -> None:
        super().__init__()
        self.start = start

    def compose(self) -> ComposeResult:
        """Lay out a one-line title over the folder tree, rooted at `start`."""
        with Vertical(id="picker-box"):
            yield Static("Pick a harness file (.json): Enter picks, Escape cancels", id="picker-title")
            yield HarnessFileTree(self.start, id="picker-tree")

    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(event.path)
