"""One step of a replayed trial: a title line and its body; a tool call shows its arguments and a collapsible,
truncated result with a "show all" toggle."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Collapsible, Log, Static

from jira_bench_tui.tui.widgets.replay.timeline import ReplayStep, format_duration, format_size, preview

EXPANDED_RESULT_LINES = 15
"""A tool result of at most this many lines starts expanded; longer ones start collapsed."""

KIND_STYLES = {
    "prompt": "bold $text-secondary",
    "model": "bold $text-primary",
    "tool_call": "bold $text-accent",
    "answer": "bold $text-primary",
    "changes": "bold $text-secondary",
    "error": "bold $text-error",
    "other": "bold $text-warning",
}


def step_title(step: ReplayStep, number: int, total: int) -> Content:
    """The title line of a step: its number, kind and facts (turn, tool, duration, outcome)."""
    parts: list[Content | str | tuple[str, str]] = [(f"{number}/{total} ", "dim")]
    if step.kind == "check":
        if step.passed is None:
            mark, style = "? ", "$warning"
        else:
            mark, style = ("✔ ", "$success") if step.passed else ("✘ ", "$error")
        parts += [(mark, f"bold {style}"), (step.title, f"bold {style}")]
    else:
        parts.append((step.title, KIND_STYLES.get(step.kind, "bold")))
    if step.turn is not None:
        parts += [" · ", (f"turn {step.turn}", "dim")]
    if step.tool:
        parts += [" · ", Content(step.tool)]
    if step.duration_s is not None:
        parts += [" · ", (format_duration(step.duration_s), "dim")]
    if step.is_error:
        parts += ["  ", (" tool error ", "bold $text-error on $error-muted")]
    return Content.assemble(*parts)


def step_body(step: ReplayStep) -> str:
    """The plain text under the title (never markup)."""
    if step.kind == "model" and not step.text.strip():
        return "(no text this turn)"
    if step.kind == "check":
        verdict = {True: "passed", False: "failed", None: "no verdict"}[step.passed]
        return f"{verdict}: {step.text}" if step.text else verdict
    return step.text


class StepCard(Vertical):
    """A step in the transcript. The class `-current` highlights the step the replay is at."""

    def __init__(self, step: ReplayStep, number: int, total: int, *, id: str | None = None) -> None:
        classes = f"step -{step.kind.replace('_', '-')}"
        if step.failure:
            classes += " -failure"
        super().__init__(id=id, classes=classes)
        self.step = step
        self.number = number
        self.total = total
        self._preview_text, self._hidden_lines = ("", 0)
        if step.kind == "tool_call":
            self._preview_text, self._hidden_lines = preview(step.result_text)
        self.showing_all = False

    @property
    def truncated(self) -> bool:
        """Whether the tool result is cut (so "show all" has something to show)."""
        return self._hidden_lines > 0

    def compose(self) -> ComposeResult:
        step = self.step
        title = step_title(step, self.number, self.total)
        if step.kind != "tool_call":
            yield Static(title, classes="step-title")
            yield Static(step_body(step), markup=False, classes="step-body")
            return
        arguments = Content.styled(step.arguments_text, "dim")
        yield Static(Content("\n").join([title, arguments]), classes="step-title")
        result = step.result_text
        label = "Error result" if step.is_error else "Result"
        lines = result.count("\n") + 1 if result else 0
        result_title = Content.assemble(
            label,
            (f" · {format_size(len(step.result or ''))} · {lines} line{'s' if lines != 1 else ''}", "dim"),
        )
        collapsed = not (step.is_error or lines <= EXPANDED_RESULT_LINES)
        with Collapsible(title=result_title, collapsed=collapsed, classes="step-result"):  # type: ignore[arg-type]
            yield Static(self._preview_text or "(empty result)", markup=False, classes="result-preview")
            if self.truncated:
                yield Static(self._hint(), markup=False, classes="result-hint")

    def _hint(self) -> str:
        if self.showing_all:
            return "showing the whole result · press a (or click here) to shorten it"
        return f"… {self._hidden_lines} more lines · press a (or click here) to show all"

    def toggle_result_collapsed(self) -> None:
        """Expand or collapse the tool result."""
        for collapsible in self.query(Collapsible):
            collapsible.collapsed = not collapsible.collapsed

    async def toggle_show_all(self) -> None:
        """Show the whole tool result (in a scrolling log, fast for 100 KB) or go back to its first lines."""
        if not self.truncated:
            return
        collapsible = self.query_one(Collapsible)
        collapsible.collapsed = False
        preview_widget = self.query_one(".result-preview", Static)
        if self.showing_all:
            await self.query(".result-full").remove()
            preview_widget.display = True
            self.showing_all = False
        else:
            full = Log(classes="result-full")
            await collapsible.query_one(Collapsible.Contents).mount(full, before=preview_widget)
            full.write_lines(self.step.result_text.splitlines())
            full.scroll_home(animate=False)
            preview_widget.display = False
            self.showing_all = True
        self.query_one(".result-hint", Static).update(self._hint())

    async def _on_click(self, event: events.Click) -> None:
        if event.widget is not None and event.widget.has_class("result-hint"):
            event.stop()
            await self.toggle_show_all()
