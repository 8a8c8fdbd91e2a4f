"""Typed access to the app from its screens and widgets (instead of `self.app.x  # type: ignore`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.dom import DOMNode

if TYPE_CHECKING:
    from jira_bench_tui.tui.app import JiraBenchApp


def bench_app(node: DOMNode) -> JiraBenchApp:
    """The `JiraBenchApp` that `node` belongs to (read its `state`, `clock`, `results`; ask for changes by message)."""
    return cast("JiraBenchApp", node.app)
