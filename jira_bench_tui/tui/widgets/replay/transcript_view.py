"""The replayed transcript: the steps up to the current one (later steps stay hidden), the current one
highlighted and scrolled into view. Cards are mounted ahead of need, so a step only toggles classes."""

from __future__ import annotations

import asyncio

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.layout import DockArrangeResult
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from jira_bench_tui.engine.event_lines import plural
from jira_bench_tui.tui.widgets.replay.step_card import StepCard
from jira_bench_tui.tui.widgets.replay.timeline import TrialReplay


class TranscriptView(VerticalScroll, can_focus=False):
    """Shows `replay.steps[: position + 1]`, at most `window` cards (the latest ones).

    Cards live in a contiguous band of mounted widgets around the shown ones: hidden cards stay mounted, so a
    step forward or back only changes the classes of a few cards (one layout pass). After each step has been
    painted and the replay has stood still for `TOP_UP_DELAY_S`, the band is topped up, `chunk` cards at a time,
    until `lookahead` hidden cards are ready on either side, and cards further than `2 * lookahead` are removed, so
    the widgets stay bounded and mounting never delays a key. A step beyond the band mounts what it needs at once.
    """

    TOP_UP_DELAY_S = 0.25
    """How long the replay stands still before hidden cards are mounted ahead of it."""
    TOP_UP_PAUSE_S = 0.02
    """The pause between two chunks of a top-up, so that a key pressed meanwhile is answered first."""
    FOLLOW_TRIES = 5
    """Refreshes to wait for the layout pass that scrolls to a step before scrolling to it the slow way."""

    def __init__(
        self, *, window: int = 12, lookahead: int = 16, chunk: int = 4, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.window = window
        self.lookahead = lookahead
        self.chunk = chunk
        self.replay: TrialReplay | None = None
        self.position = -1
        self._start = 0
        self._cards: dict[int, StepCard] = {}
        self._top_up_timer: Timer | None = None
        self._follow: StepCard | None = None
        """The card the next layout pass scrolls to the top of the view (the step just shown)."""
        self._followed: StepCard | None = None
        """The card a layout pass has scrolled to."""
        self._lock = asyncio.Lock()  # keys and auto-play may move the replay at the same time

    def compose(self) -> ComposeResult:
        """Lay out the "earlier steps not shown" line; step cards are mounted after it as the replay moves."""
        yield Static("", id="earlier-steps", markup=False)

    @property
    def current_card(self) -> StepCard | None:
        """The card of the current step, if one is shown."""
        return self._cards.get(self.position)

    @property
    def mounted_steps(self) -> range:
        """The steps whose cards are mounted (shown or hidden), as a range of indices."""
        if not self._cards:
            return range(0)
        return range(min(self._cards), max(self._cards) + 1)

    async def show_trial(self, replay: TrialReplay | None) -> None:
        """Forget the shown trial and show `replay` (None: an empty transcript), before its first step."""
        async with self._lock:
            if self._top_up_timer is not None:
                self._top_up_timer.stop()
                self._top_up_timer = None
            await self.remove_children(StepCard)
            self._cards.clear()
            self.replay = replay
            self.position = -1
            self._start = 0
            self._update_earlier(0)

    async def move_to(self, position: int) -> None:
        """Show the steps up to `position` (clamped), highlight it and scroll it into view."""
        async with self._lock:
            self._move_to(position)

    def _move_to(self, position: int) -> None:
        if self.replay is None or not self.replay.steps:
            return
        total = len(self.replay.steps)
        position = max(0, min(position, total - 1))
        start = max(0, position - self.window + 1)
        with self.app.batch_update():  # every change below lands in one layout pass and one paint
            self._ensure_mounted(start, position)
            self._show_range(start, position)
            previous = self._cards.get(self.position)
            if previous is not None:
                previous.remove_class("-current")
            card = self._cards[position]
            card.add_class("-current")
            self.position = position
            self._start = start
            self._update_earlier(start)
            self._follow = card
        self.call_after_refresh(self._after_step, card, 0)

    def arrange(self, size: Size, optimal: bool = False) -> DockArrangeResult:
        """Arrange the cards; after a step, also scroll the current card to the top of the view (as far as the
        content allows) in this same layout pass, instead of a second pass once the layout is known."""
        arrangement = super().arrange(size, optimal)
        card = self._follow
        if card is not None:
            for placement in arrangement.placements:
                if placement.widget is card:
                    bottom = arrangement.spatial_map.total_region.bottom
                    limit = max(0, bottom - size.height)
                    scroll_y = max(0, min(placement.region.y - placement.margin.top, limit))
                    self.set_reactive(Widget.scroll_y, scroll_y)
                    self.set_reactive(Widget.scroll_target_y, scroll_y)
                    self.vertical_scrollbar.position = scroll_y
                    self._followed = card
                    break
        return arrangement

    def _show_range(self, start: int, position: int) -> None:
        """Show the cards of steps `start..position`, hide the others (only cards whose state changes)."""
        old = range(self._start, self.position + 1) if self.position >= 0 else range(0)
        new = range(start, position + 1)
        for index in set(old).symmetric_difference(new):
            card = self._cards.get(index)
            if card is not None:
                card.set_class(index not in new, "-hidden")

    def _ensure_mounted(self, first: int, last: int) -> None:
        """Mount the cards of steps `first..last` that are missing, keeping the mounted band contiguous (a far
        jump replaces the band)."""
        band = self.mounted_steps
        if band and (last < band.start - 1 or first > band.stop):
            self._remove_cards(list(self._cards))
            band = range(0)
        if not band:
            self._mount_cards(range(first, last + 1), before_band=False)
            return
        if first < band.start:
            self._mount_cards(range(first, band.start), before_band=True)
        if last >= band.stop:
            self._mount_cards(range(band.stop, last + 1), before_band=False)

    def _mount_cards(self, indices: range, *, before_band: bool) -> None:
        if not indices or self.replay is None:
            return
        total = len(self.replay.steps)
        cards = [self._new_card(index, total) for index in indices]
        if before_band:
            self.mount_all(cards, after=self.query_one("#earlier-steps"))
        else:
            self.mount_all(cards)

    def _remove_cards(self, indices: list[int]) -> None:
        if indices:
            self.remove_children([self._cards.pop(index) for index in indices])

    def _new_card(self, index: int, total: int) -> StepCard:
        assert self.replay is not None
        # No DOM id: a card being removed may still hold it while the same step comes back (fast p/n).
        card = StepCard(self.replay.steps[index], index + 1, total)
        card.set_class(index < self._start or index > self.position, "-hidden")
        self._cards[index] = card
        return card

    def _after_step(self, card: StepCard, tries: int) -> None:
        """Once a layout pass has scrolled to the step's card, stop following it (the user may scroll) and get the
        band ready for the next steps."""
        if card is not self._cards.get(self.position):
            return  # another step came first: it scrolls
        if self._followed is not card:
            if tries < self.FOLLOW_TRIES:  # the layout the step asked for has not run yet
                self.call_after_refresh(self._after_step, card, tries + 1)
                return
            self.scroll_to_widget(card, animate=False, top=True)
        self._follow = self._followed = None
        self._schedule_top_up(self.TOP_UP_DELAY_S)

    def _schedule_top_up(self, delay: float) -> None:
        if self._top_up_timer is not None:
            self._top_up_timer.stop()
        self._top_up_timer = self.set_timer(delay, self._top_up_band)

    def _top_up_band(self) -> None:
        """Drop cards far out of reach, then mount a chunk of hidden cards where the band lacks lookahead (and come
        back shortly for the next chunk)."""
        self._top_up_timer = None
        if self.replay is None or not self._cards:
            return
        total = len(self.replay.steps)
        low = max(0, self._start - self.lookahead)
        high = min(total, self.position + 1 + self.lookahead)
        reach = self.lookahead * 2
        keep = range(max(0, self._start - reach), min(total, self.position + 1 + reach))
        with self.app.batch_update():
            self._remove_cards([index for index in self._cards if index not in keep])
            band = self.mounted_steps
            if high > band.stop:
                self._mount_cards(range(band.stop, min(high, band.stop + self.chunk)), before_band=False)
            elif low < band.start:
                self._mount_cards(range(max(low, band.start - self.chunk), band.start), before_band=True)
            else:
                return
        self._schedule_top_up(self.TOP_UP_PAUSE_S)

    def _update_earlier(self, hidden: int) -> None:
        marker = self.query_one("#earlier-steps", Static)
        marker.display = hidden > 0
        if hidden:
            marker.update(
                f"⋯ {plural(hidden, 'earlier step')} not shown (← or home to go back)"
            )
