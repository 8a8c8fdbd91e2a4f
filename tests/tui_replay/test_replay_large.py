"""A trial with hundreds of steps and a 100 KB result: a bounded number of step widgets, a cut result with a
"show all" toggle."""

from __future__ import annotations

from pathlib import Path

from pilot_helpers import wait_until
from textual.widgets import Log, Static

from jira_bench_tui.tui.screens.replay import ReplayScreen
from jira_bench_tui.tui.widgets.replay import StepCard, TranscriptView
from jira_bench_tui.tui.widgets.replay.step_card import ResultToggle

from .replay_app import ReplayTestApp, opened, text_of, visible_cards, write_large_run


async def test_long_trial_mounts_a_window_of_steps(tmp_path: Path) -> None:
    run = write_large_run(tmp_path, steps=400)
    async with ReplayTestApp(run).run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await pilot.press("end")
        await wait_until(pilot, lambda: screen.position == 402, "the last step")
        window = screen.query_one("#transcript").window  # type: ignore[attr-defined]
        await wait_until(pilot, lambda: len(visible_cards(screen)) == window, "a full window")
        earlier = screen.query_one("#earlier-steps", Static)
        assert earlier.display and f"{403 - window} earlier steps not shown" in text_of(earlier)
        await pilot.press("f")  # the failed check, just before the changes
        await wait_until(pilot, lambda: screen.position == 401, "the failed check")
        await pilot.press("home")
        await wait_until(pilot, lambda: screen.position == 0, "the first step")
        assert len(visible_cards(screen)) == 1 and not earlier.display
        for _ in range(5):
            await pilot.press("right")
        await wait_until(pilot, lambda: screen.position == 5, "step 6")
        assert len(visible_cards(screen)) == 6


def current_card_in_view(screen: ReplayScreen) -> bool:
    """The current card's top line is inside the transcript's visible region."""
    view = screen.query_one("#transcript").region
    card = screen.query_one("StepCard.-current").region
    return card.height > 0 and view.y <= card.y < view.bottom


async def test_stepping_keeps_the_current_card_in_view_and_the_widgets_bounded(tmp_path: Path) -> None:
    run = write_large_run(tmp_path, steps=30)
    async with ReplayTestApp(run).run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        transcript = screen.query_one(TranscriptView)
        bound = transcript.window + 4 * transcript.lookahead + 2 * transcript.chunk
        for target in range(1, 18):
            await screen.run_action("next_step")
            await wait_until(pilot, lambda: current_card_in_view(screen), f"step {target + 1} in view")
            assert screen.position == target
        await wait_until(pilot, lambda: len(screen.query(StepCard)) <= bound, "a bounded number of cards")
        for target in range(16, 10, -1):
            await screen.run_action("previous_step")
            await wait_until(pilot, lambda: current_card_in_view(screen), f"step {target + 1} in view")
            assert screen.position == target
        await wait_until(pilot, lambda: len(screen.query(StepCard)) <= bound, "a bounded number of cards")
        assert [card.number for card in visible_cards(screen)] == list(range(12 - transcript.window + 1, 13))
        await screen.run_action("last_step")
        await wait_until(pilot, lambda: current_card_in_view(screen), "the last step in view")
        await wait_until(pilot, lambda: len(screen.query(StepCard)) <= bound, "a bounded number of cards")


async def test_big_result_is_cut_and_show_all_toggles_it(tmp_path: Path) -> None:
    run = write_large_run(tmp_path, steps=5)
    async with ReplayTestApp(run).run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await pilot.press("right", "right", "right")
        await wait_until(pilot, lambda: screen.position == 3, "the step with the big result")
        card = screen.query_one("StepCard.-current", StepCard)
        assert card.number == 4
        assert card.truncated
        assert card.result_collapsed and not card.query_one(".result-preview").region  # long: starts collapsed
        toggle = card.query_one(ResultToggle)
        assert text_of(toggle).startswith("▶ Result")
        await pilot.click(toggle)  # the "▶ Result" line expands it, like a Collapsible's title
        await wait_until(pilot, lambda: not card.result_collapsed, "the result to expand")
        assert text_of(toggle).startswith("▼ Result")
        await pilot.press("x")
        await wait_until(pilot, lambda: card.result_collapsed, "x to collapse it")
        toggle.focus()
        await pilot.press("enter")  # the focused "▶ Result" line toggles with enter too
        await wait_until(pilot, lambda: not card.result_collapsed, "enter to expand it")
        screen.query_one("#trial-list").focus()
        preview = card.query_one(".result-preview", Static)
        assert len(text_of(preview).splitlines()) <= 30
        assert "more lines · press a" in text_of(card.query_one(".result-hint", Static))
        await pilot.press("a")
        await wait_until(pilot, lambda: bool(card.query(Log)), "the whole result")
        full = card.query_one(Log)
        assert full.line_count == len(card.step.result_text.splitlines()) > 5000
        assert not preview.display
        await pilot.press("a")
        await wait_until(pilot, lambda: not card.query(Log), "the short result")
        assert preview.display
        view = screen.query_one("#transcript")

        def hint_on_screen() -> bool:
            hint = card.query_one(".result-hint").region
            return hint.height > 0 and view.region.contains_region(hint)

        await wait_until(pilot, hint_on_screen, "the hint on screen")
        await pilot.click(card.query_one(".result-hint"))  # the hint is a toggle too
        await wait_until(pilot, lambda: bool(card.query(Log)), "the whole result, by click")


async def test_show_all_on_a_short_step_says_there_is_nothing(tmp_path: Path) -> None:
    run = write_large_run(tmp_path, steps=5)
    async with ReplayTestApp(run).run_test(size=(120, 40)) as pilot:
        await opened(pilot)
        await pilot.press("a")
        await wait_until(
            pilot,
            lambda: any("no shortened result" in n.message for n in pilot.app._notifications),
            "the notice",
        )


async def test_rapid_back_and_forth_at_the_window_edge(tmp_path: Path) -> None:
    run = write_large_run(tmp_path, steps=60)
    async with ReplayTestApp(run).run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await pilot.press("end")
        for _ in range(6):
            await screen.run_action("previous_step")
            await screen.run_action("next_step")
            await screen.run_action("previous_step")
        await wait_until(pilot, lambda: screen.position == 56, "six steps back")
        window = screen.query_one("#transcript").window  # type: ignore[attr-defined]
        await wait_until(pilot, lambda: len(visible_cards(screen)) == window, "a full window")
        numbers = [card.number for card in visible_cards(screen)]
        assert numbers == list(range(56 - window + 2, 58))
