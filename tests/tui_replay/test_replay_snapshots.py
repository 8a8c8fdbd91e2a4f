"""What the replay screen looks like at a few positions (SVGs in snapshots/replay/; update with
`pytest tests/tui_replay --snapshot-update` after looking at them)."""

from __future__ import annotations

from pathlib import Path

from pilot_helpers import wait_until
from textual.pilot import Pilot

from .replay_app import ReplayTestApp, opened, write_large_run

SIZE = (120, 40)


def at(*keys: str, position: int | None = None):  # type: ignore[no-untyped-def]
    """A run_before that opens the screen, presses `keys` and waits until the replay is at `position`."""

    async def run_before(pilot: Pilot[None]) -> None:
        screen = await opened(pilot)
        await pilot.press(*keys)
        if position is not None:
            await wait_until(pilot, lambda: screen.position == position, f"step {position + 1}")
        await pilot.pause()

    return run_before


def test_opens_on_the_failed_trial(snap_compare, complete_run: Path) -> None:
    assert snap_compare(ReplayTestApp(complete_run), run_before=at(position=0), terminal_size=SIZE)


def test_a_few_steps_in(snap_compare, complete_run: Path) -> None:
    assert snap_compare(
        ReplayTestApp(complete_run), run_before=at("right", "right", "right", position=3), terminal_size=SIZE
    )


def test_first_failed_check(snap_compare, complete_run: Path) -> None:
    assert snap_compare(ReplayTestApp(complete_run), run_before=at("f", position=9), terminal_size=SIZE)


def test_tool_error(snap_compare, complete_run: Path) -> None:
    app = ReplayTestApp(complete_run, trial="triage-web-bugs__1")
    assert snap_compare(app, run_before=at("f", position=2), terminal_size=SIZE)


def test_passed_trial_checks_and_changes(snap_compare, complete_run: Path) -> None:
    app = ReplayTestApp(complete_run, trial="assign-login-bug")
    assert snap_compare(app, run_before=at("end", position=10), terminal_size=SIZE)


def test_error_trial(snap_compare, complete_run: Path) -> None:
    app = ReplayTestApp(complete_run, trial="plan-sprint")
    assert snap_compare(app, run_before=at("end", position=3), terminal_size=SIZE)


def test_interrupted_run_with_a_corrupt_artifact(snap_compare, interrupted_run: Path) -> None:
    app = ReplayTestApp(interrupted_run, trial="close-stale-bugs__1")
    assert snap_compare(app, run_before=at(), terminal_size=SIZE)


def test_long_result_cut_with_show_all_hint(snap_compare, tmp_path: Path) -> None:
    run = write_large_run(tmp_path, steps=5, big_result_chars=20_000)
    assert snap_compare(
        ReplayTestApp(run), run_before=at("right", "right", "right", "x", position=3), terminal_size=(120, 50)
    )
