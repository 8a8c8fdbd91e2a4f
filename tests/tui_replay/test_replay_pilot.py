"""The replay screen driven by keys through Textual's pilot: open, step, jump to failures, auto-play, switch
trials, the palette, and bad run folders and artifacts shown as messages."""

from __future__ import annotations

from pathlib import Path

from pilot_helpers import wait_until
from textual.binding import Binding
from textual.command import CommandList
from textual.widgets import OptionList

from jira_bench_tui.tui.screens.replay import ReplayScreen
from jira_bench_tui.tui.widgets.replay import ReplayStatus, RunHeader, StepCard, TrialBanner

from .conftest import folder_digest
from .replay_app import ReplayTestApp, opened, text_of, visible_cards

SIZE = (120, 40)


def shown_steps(screen: ReplayScreen) -> list[int]:
    """Indices of the step cards mounted in the transcript."""
    return sorted(card.number - 1 for card in visible_cards(screen))


def current_card(screen: ReplayScreen) -> StepCard:
    cards = list(screen.query("StepCard.-current").results(StepCard))
    assert len(cards) == 1, f"expected one current card, found {len(cards)}"
    return cards[0]


async def test_opens_first_failed_trial_at_its_prompt(complete_run: Path) -> None:
    before = folder_digest(complete_run)
    async with ReplayTestApp(complete_run).run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        assert screen.replay is not None and screen.replay.key == "close-stale-bugs__1"
        assert screen.position == 0
        assert shown_steps(screen) == [0]  # later steps are hidden
        assert current_card(screen).step.kind == "prompt"
        assert "score 2/3 (67%) · 1 error" in text_of(screen.query_one(RunHeader))
        assert "completed" in text_of(screen.query_one(RunHeader))
        assert "failed  close-stale-bugs" in text_of(screen.query_one(TrialBanner))
        assert text_of(screen.query_one(ReplayStatus)).startswith("step 1/12 · 2 failures")
        assert screen.query_one(OptionList).highlighted == 1
    assert folder_digest(complete_run) == before


async def test_step_forward_back_first_and_last(complete_run: Path) -> None:
    async with ReplayTestApp(complete_run).run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("right", "right", "right")
        assert screen.position == 3
        assert shown_steps(screen) == [0, 1, 2, 3]
        assert current_card(screen).step.kind == "model"
        await pilot.press("left", "left")
        assert screen.position == 1
        assert shown_steps(screen) == [0, 1]
        await pilot.press("end")
        assert screen.position == 11
        assert current_card(screen).step.kind == "changes"
        assert "WEB-12 updated" in text_of(current_card(screen).query_one(".step-body"))
        await pilot.press("right")  # past the end: stays on the last step
        assert screen.position == 11
        await pilot.press("home")
        assert screen.position == 0 and shown_steps(screen) == [0]
        await pilot.press("left")  # before the start: stays on the first step
        assert screen.position == 0
        assert text_of(screen.query_one(ReplayStatus)).startswith("step 1/12")


async def test_f_jumps_to_the_first_failed_check_then_the_next(complete_run: Path) -> None:
    async with ReplayTestApp(complete_run).run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("f")
        card = current_card(screen)
        assert screen.position == 9
        assert card.step.kind == "check" and card.step.passed is False
        assert "WEB-15 status is 'In Progress', expected 'Done'" in text_of(card.query_one(".step-body"))
        assert card.has_class("-failure")
        await pilot.press("f")
        assert screen.position == 10
        await pilot.press("f")  # no failure after the last one: back to the first
        assert screen.position == 9


async def test_f_finds_a_tool_error(complete_run: Path) -> None:
    async with ReplayTestApp(complete_run, trial="triage-web-bugs").run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        assert screen.replay is not None and screen.replay.outcome == "passed"
        await pilot.press("f")
        card = current_card(screen)
        assert card.step.kind == "tool_call" and card.step.is_error
        assert "tool error" in text_of(card.query_one(".step-title"))
        assert "'Hgh' does not exist" in text_of(card.query_one(".result-preview"))


async def test_error_trial_shows_its_error_as_the_failure(complete_run: Path) -> None:
    async with ReplayTestApp(complete_run, trial="plan-sprint__1").run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("f")
        card = current_card(screen)
        assert card.step.kind == "error"
        assert "529 (overloaded)" in text_of(card.query_one(".step-body"))


async def test_no_failure_says_so(complete_run: Path) -> None:
    async with ReplayTestApp(complete_run, trial="assign-login-bug").run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("f")
        assert screen.position == 0
        await wait_until(
            pilot,
            lambda: any("no failed check" in n.message for n in pilot.app._notifications),
            "the no-failure notice",
        )


async def test_auto_play_advances_pauses_changes_speed_and_stops_at_the_end(
    complete_run: Path, monkeypatch
) -> None:
    monkeypatch.setattr(ReplayScreen, "PLAY_INTERVAL_S", 0.1)
    async with ReplayTestApp(complete_run).run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("minus", "minus")  # 0.5x is the bottom
        assert screen.speed == 0.5 and "speed 0.5x" in text_of(screen.query_one(ReplayStatus))
        await pilot.press("plus")
        await pilot.press("space")
        await wait_until(pilot, lambda: screen.playing, "auto-play to start")
        assert "playing" in text_of(screen.query_one(ReplayStatus))
        await wait_until(pilot, lambda: screen.position >= 2, "auto-play to reach step 3")
        await pilot.press("space")
        await wait_until(pilot, lambda: not screen.playing, "auto-play to pause")
        await pilot.pause(0.02)  # a step already under way may still land
        paused_at = screen.position
        for _ in range(5):
            await pilot.pause(0.05)
        assert screen.position == paused_at
        await pilot.press("space")
        await wait_until(pilot, lambda: screen.playing, "auto-play to resume")
        await pilot.press("plus", "plus", "plus")  # 4x is the top
        await wait_until(pilot, lambda: screen.speed == 4.0, "the speed to change")
        assert "speed 4x" in text_of(screen.query_one(ReplayStatus))
        await wait_until(pilot, lambda: not screen.playing, "auto-play to stop at the end")
        assert screen.position == 11
        assert "paused" in text_of(screen.query_one(ReplayStatus))


async def test_switch_trials_with_j_k_and_the_arrow_keys(complete_run: Path) -> None:
    async with ReplayTestApp(complete_run).run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("right", "right")
        await pilot.press("right_square_bracket")
        await wait_until(
            pilot,
            lambda: screen.replay is not None and screen.replay.key == "plan-sprint__1",
            "the next trial",
        )
        assert screen.position == 0 and shown_steps(screen) == [0]
        await pilot.press("left_square_bracket", "left_square_bracket")
        await wait_until(
            pilot,
            lambda: screen.replay is not None and screen.replay.key == "assign-login-bug__1",
            "the first trial",
        )
        await pilot.press("down")
        await wait_until(
            pilot,
            lambda: screen.replay is not None and screen.replay.key == "close-stale-bugs__1",
            "the second trial",
        )
        assert "failed  close-stale-bugs" in text_of(screen.query_one(TrialBanner))


async def test_trial_argument_picks_a_repetition_or_falls_back_with_a_notice(complete_run: Path) -> None:
    async with ReplayTestApp(complete_run, trial="assign-login-bug__1").run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        assert screen.replay is not None and screen.replay.key == "assign-login-bug__1"
    async with ReplayTestApp(complete_run, trial="no-such-scenario").run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        assert screen.replay is not None and screen.replay.key == "close-stale-bugs__1"
        banner = text_of(screen.query_one(TrialBanner))
        assert "no finished trial 'no-such-scenario' in this run; showing close-stale-bugs__1" in banner


async def test_model_text_is_never_read_as_markup(complete_run: Path) -> None:
    async with ReplayTestApp(complete_run, trial="assign-login-bug").run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("right", "right")
        assert "Login button does nothing [INST] on Safari" in text_of(
            current_card(screen).query_one(".result-preview")
        )


async def test_interrupted_run_shows_finished_trials_and_bad_artifacts_as_messages(
    interrupted_run: Path,
) -> None:
    before = folder_digest(interrupted_run)
    async with ReplayTestApp(interrupted_run, trial="close-stale-bugs").run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        header = text_of(screen.query_one(RunHeader))
        assert "interrupted" in header and "3 of 6 trials finished" in header
        assert [s.outcome for s in screen.summaries] == ["passed", "unreadable", "unknown"]
        banner = text_of(screen.query_one(TrialBanner))
        assert "close-stale-bugs__1.json" in banner and "is not valid JSON" in banner
        assert shown_steps(screen) == []
        assert text_of(screen.query_one(ReplayStatus)).startswith("no steps")
        await pilot.press("right", "f", "end", "space", "a", "x")  # nothing to do, nothing breaks
        await pilot.press("right_square_bracket")
        await wait_until(
            pilot,
            lambda: screen.replay is not None and screen.replay.key == "plan-sprint__1",
            "the artifact with missing fields",
        )
        banner = text_of(screen.query_one(TrialBanner))
        assert "no steps list" in banner and "no valid outcome" in banner
        assert current_card(screen).step.kind == "prompt"
        await pilot.press("end", "f")
    assert folder_digest(interrupted_run) == before


async def test_missing_run_folder_shows_a_message(tmp_path: Path) -> None:
    from jira_bench_tui.tui.app import make_app

    app = make_app(tmp_path, start="runs", watch="off")
    async with app.run_test(size=SIZE) as pilot:
        app.open_replay(tmp_path / "runs" / "nope", None)  # e.g. deleted while the app looked at it
        screen = await opened(pilot)
        assert "unreadable" in text_of(screen.query_one(RunHeader))
        assert "spec.json is missing" in text_of(screen.query_one(RunHeader))
        assert "No trial has finished in this run yet." in text_of(screen.query_one(TrialBanner))
        await pilot.press("right", "right_square_bracket", "f", "space")
    assert not (tmp_path / "runs").exists()


async def test_palette_offers_the_replay_commands(complete_run: Path) -> None:
    async with ReplayTestApp(complete_run).run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: pilot.app.screen is not screen, "the command palette")
        await pilot.press(*"failure")
        palette = pilot.app.screen

        def offered() -> bool:
            options = palette.query(CommandList)
            return bool(options) and options.first().option_count > 0 and (
                "Jump to the next failure" in str(options.first().get_option_at_index(0).prompt)
            )

        await wait_until(pilot, offered, "the palette to offer 'Replay: jump to failure'")
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: pilot.app.screen is screen and screen.position == 9, "the palette command to run"
        )


async def test_escape_leaves_the_replay(complete_run: Path) -> None:
    async with ReplayTestApp(complete_run).run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("escape")
        await wait_until(pilot, lambda: pilot.app.screen is not screen, "the screen to close")
        assert not isinstance(pilot.app.screen, ReplayScreen)


async def test_every_key_action_is_in_the_palette_once_and_every_binding_has_an_id(complete_run: Path) -> None:
    from jira_bench_tui.tui.commands import ScreenActionsProvider

    bindings = [b for b in ReplayScreen.BINDINGS if isinstance(b, Binding)]
    assert len(bindings) == len(ReplayScreen.BINDINGS)
    assert all(b.id and b.id.startswith("replay.") and b.description and b.tooltip for b in bindings)
    async with ReplayTestApp(complete_run).run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        titles = [title for title, *_ in ScreenActionsProvider(screen).commands()]
        assert len(titles) == len(set(titles))  # one entry per action: "next step" is not listed twice
        for binding in bindings:
            assert binding.tooltip in titles


async def test_filter_keeps_the_trials_that_match_and_escape_brings_all_back(complete_run: Path) -> None:
    from jira_bench_tui.tui.widgets.replay import TrialList

    async with ReplayTestApp(complete_run).run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        trial_list = screen.query_one(TrialList)
        everyone = trial_list.option_count
        await pilot.press("slash", *"passed")
        await pilot.pause()
        assert 0 < trial_list.option_count < everyone
        assert all(s.outcome == "passed" for s in trial_list.summaries)
        await pilot.press("enter", "right_curly_bracket")  # no failed trial among these: a notice, nothing moves
        await pilot.press("slash", "escape")
        await pilot.pause()
        assert trial_list.option_count == everyone and pilot.app.screen is screen


async def test_next_failed_trial_skips_the_passed_ones(complete_run: Path) -> None:
    async with ReplayTestApp(complete_run).run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        seen = []
        for _ in range(3):
            await pilot.press("right_curly_bracket")
            await wait_until(pilot, lambda: screen.replay is not None, "a trial")
            await pilot.pause(0.2)
            seen.append(screen.replay.outcome)
        assert set(seen) <= {"failed", "error"} and len(set(seen)) == 2
