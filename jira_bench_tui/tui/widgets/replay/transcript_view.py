"""The replayed transcript: the steps up to the current one (later steps stay hidden), the current one
highlighted and scrolled into view. Only a window of recent steps is mounted, so long trials stay fast."""

from __future__ import annotations

import asyncio

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from jira_bench_tui.tui.widgets.replay.step_card import StepCard
from jira_bench_tui.tui.widgets.replay.timeline import TrialReplay


class TranscriptView(VerticalScroll, can_focus=False):
    """Shows `replay.steps[: position + 1]`, showing at most `window` cards (the latest ones), with
    `lookahead` hidden cards mounted on either side so that a step only shows or hides a card."""

    def __init__(self, *, window: int = 24, lookahead: int = 2, id: str | None = None) -> None:
        super().__init__(id=id)
        self.window = window
        self.lookahead = lookahead
        self.replay: TrialReplay | None = None
        self.position = -1
        self._cards: dict[int, StepCard] = {}
        self._lock = asyncio.Lock()  # keys and auto-play may move the replay at the same time

    def compose(self) -> ComposeResult:
        yield Static("", id="earlier-steps", markup=False)

    @property
    def current_card(self) -> StepCard | None:
        """The card of the current step, if one is shown."""
        return self._cards.get(self.position)

    async def show_trial(self, replay: TrialReplay | None) -> None:
        """Forget the shown trial and show `replay` (None: an empty transcript), before its first step."""
        async with self._lock:
            await self._show_trial(replay)

    async def _show_trial(self, replay: TrialReplay | None) -> None:
        await self.remove_children(StepCard)
        self._cards.clear()
        self.replay = replay
        self.position = -1
        self._update_earlier(0)

    async def move_to(self, position: int) -> None:
        """Show the steps up to `position` (clamped), highlight it and scroll it into view."""
        async with self._lock:
            await self._move_to(position)

    async def _move_to(self, position: int) -> None:
        if self.replay is None or not self.replay.steps:
            return
        total = len(self.replay.steps)
        position = max(0, min(position, total - 1))
        start = max(0, position - self.window + 1)
        # `lookahead` cards either side of the shown ones are mounted hidden: a step only shows or hides one.
        wanted = range(max(0, start - self.lookahead), min(total, position + 1 + self.lookahead))
        previous = self._cards.get(self.position)
        if previous is not None:
            previous.remove_class("-current")
        stale = [index for index in self._cards if index not in wanted]
        missing = [index for index in wanted if index not in self._cards]
        before = [index for index in missing if not self._cards or index < min(self._cards)]
        after = [index for index in missing if index not in before]
        # Removed and added cards never share an id, so one frame can do both: no await in between.
        if stale:
            self.remove_children([self._cards.pop(index) for index in stale])
        if before:
            self.mount_all(
                [self._new_card(index, total) for index in before], after=self.query_one("#earlier-steps")
            )
        if after:
            self.mount_all([self._new_card(index, total) for index in after])
        for index, card in self._cards.items():
            card.set_class(index > position or index < start, "-hidden")
        self.position = position
        self._update_earlier(start)
        card = self._cards[position]
        card.add_class("-current")
        self.call_after_refresh(self.scroll_to_widget, card, animate=False, top=True)

    def _new_card(self, index: int, total: int) -> StepCard:
        assert self.replay is not None
        # No DOM id: a card being removed may still hold it while the same step comes back (fast p/n).
        card = StepCard(self.replay.steps[index], index + 1, total)
        self._cards[index] = card
        return card

    def _update_earlier(self, hidden: int) -> None:
        marker = self.query_one("#earlier-steps", Static)
        marker.display = hidden > 0
        if hidden:
            marker.update(
                f"⋯ {hidden} earlier step{'s' if hidden != 1 else ''} not shown (p or home to go back)"
            )
