"""One step of a replayed trial: a title line and its body; a tool call shows its arguments and a collapsible,
truncated result with a "show all" toggle. Few widgets a card: a step restyles and lays out little."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Log, Static

from jira_bench_tui.engine.event_lines import plural
from jira_bench_tui.engine.formatting import step_duration
from jira_bench_tui.tui.widgets.replay.timeline import ReplayStep, format_size

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
        parts += [" · ", (step_duration(step.duration_s), "dim")]
    if step.latency_s is not None:  # a model call: the API's own time, and its wait for the loop apart
        waited = f", waited {step_duration(step.wait_s)}" if step.wait_s else ""
        parts += [" ", (f"(API {step_duration(step.latency_s)}{waited})", "dim")]
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


class ResultToggle(Static, can_focus=True):
    """The "▼ Result · 2.1 KB · 40 lines" line of a tool call: click it (or enter) to expand or collapse the result.
    It looks and behaves like a Collapsible's title, without the Collapsible's two extra containers."""

    ALLOW_SELECT = False
    BINDINGS = [Binding("enter", "toggle_result", "Toggle result", show=False)]

    def __init__(self, label: Content, collapsed: bool) -> None:
        super().__init__(classes="result-toggle")
        self.label = label
        self.show_collapsed(collapsed)

    def show_collapsed(self, collapsed: bool) -> None:
        """Show the collapsed (▶) or expanded (▼) symbol."""
        self.update(Content.assemble("▶" if collapsed else "▼", " ", self.label))

    def action_toggle_result(self) -> None:
        """Expand or collapse the card's result."""
        card = next((a for a in self.ancestors if isinstance(a, StepCard)), None)
        if card is not None:
            card.toggle_result_collapsed()

    async def _on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_toggle_result()


class StepCard(Vertical):
    """A step in the transcript. The class `-current` highlights the step the replay is at; `-collapsed` hides a
    tool call's result."""

    def __init__(self, step: ReplayStep, number: int, total: int, *, id: str | None = None) -> None:
        classes = f"step -{step.kind.replace('_', '-')}"
        if step.failure:
            classes += " -failure"
        self.result_lines = step.result_line_count if step.kind == "tool_call" else 0
        if step.kind == "tool_call" and not (step.is_error or self.result_lines <= EXPANDED_RESULT_LINES):
            classes += " -collapsed"
        super().__init__(id=id, classes=classes)
        self.step = step
        self.number = number
        self.total = total
        self._preview_text, self._hidden_lines = step.result_preview if step.kind == "tool_call" else ("", 0)
        self.showing_all = False

    @property
    def truncated(self) -> bool:
        """Whether the tool result is cut (so "show all" has something to show)."""
        return self._hidden_lines > 0

    @property
    def result_collapsed(self) -> bool:
        """Whether the tool result is collapsed (only its "▶ Result" line shows)."""
        return self.has_class("-collapsed")

    def compose(self) -> ComposeResult:
        """Lay out the title and the body; for a tool call, the title with its arguments, the result's toggle line,
        its first lines and, when they are cut, the "show all" hint."""
        step = self.step
        title = step_title(step, self.number, self.total)
        if step.kind != "tool_call":
            yield Static(title, classes="step-title")
            yield Static(step_body(step), markup=False, classes="step-body")
            return
        arguments = Content.styled(step.arguments_text, "dim")
        yield Static(Content("\n").join([title, arguments]), classes="step-title")
        label = "Error result" if step.is_error else "Result"
        lines = self.result_lines
        result_title = Content.assemble(
            label,
            (f" · {format_size(len(step.result or ''))} · {plural(lines, 'line')}", "dim"),
        )
        yield ResultToggle(result_title, self.result_collapsed)
        yield Static(self._preview_text or "(empty result)", markup=False, classes="result-preview result-part")
        if self.truncated:
            yield Static(self._hint(), markup=False, classes="result-hint result-part")

    def _hint(self) -> str:
        if self.showing_all:
            return "showing the whole result · press a (or click here) to shorten it"
        return f"… {self._hidden_lines} more lines · press a (or click here) to show all"

    def _set_collapsed(self, collapsed: bool) -> None:
        self.set_class(collapsed, "-collapsed")
        for toggle in self.query(ResultToggle):
            toggle.show_collapsed(collapsed)

    def toggle_result_collapsed(self) -> None:
        """Expand or collapse the tool result."""
        if self.step.kind == "tool_call":
            self._set_collapsed(not self.result_collapsed)

    async def toggle_show_all(self) -> None:
        """Show the whole tool result (in a scrolling log, fast for 100 KB) or go back to its first lines."""
        if not self.truncated:
            return
        self._set_collapsed(False)
        preview_widget = self.query_one(".result-preview", Static)
        if self.showing_all:
            await self.query(".result-full").remove()
            preview_widget.display = True
            self.showing_all = False
        else:
            full = Log(classes="result-full result-part")
            await self.mount(full, before=preview_widget)
            full.write_lines(self.step.result_text.splitlines())
            full.scroll_home(animate=False)
            preview_widget.display = False
            self.showing_all = True
        self.query_one(".result-hint", Static).update(self._hint())

    async def _on_click(self, event: events.Click) -> None:
        if event.widget is not None and event.widget.has_class("result-hint"):
            event.stop()
            await self.toggle_show_all()
