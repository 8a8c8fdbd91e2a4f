"""What a new user hit in the app (issue 15), one test per defect, at 80x24 and 120x40: each drives the real app and
reads what the screen shows."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from fake_worker import FakeWorker
from make_data import StepClock
from pilot_helpers import wait_until
from textual.app import App
from textual.color import Color
from textual.widgets import Input, Tab

from jira_bench_tui.tui.app import make_app
from jira_bench_tui.tui.screens.confirm import ConfirmScreen
from jira_bench_tui.tui.screens.monitor import MonitorScreen
from jira_bench_tui.tui.screens.new_run import NewRunScreen
from jira_bench_tui.tui.screens.replay import ReplayScreen
from jira_bench_tui.tui.screens.runs import RunsScreen

sys.path.insert(0, str(Path(__file__).parents[1]))
from tui_replay.replay_app import COMPLETE_RUN  # noqa: E402
from tui_replay.replay_app import DATA as REPLAY_DATA

SIZES = [(80, 24), (120, 40)]
LIVE = "20261124-095500-example-sonnet-4-5-0a0b"
SCENARIOS = ["assign-login-bug", "close-duplicate", "sprint-plan"]


def screen_lines(app: App[None]) -> list[str]:
    """What the terminal shows, one string per row."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app: App[None]) -> str:
    return "\n".join(screen_lines(app))


def styled_segments(app: App[None]):  # type: ignore[no-untyped-def]
    for strip in app.screen._compositor.render_strips():
        yield from strip


def theme_color(app: App[None], variable: str) -> tuple[int, int, int]:
    return Color.parse(app.theme_variables[variable]).rgb


def colour_of(segment) -> tuple[int, int, int] | None:  # type: ignore[no-untyped-def]
    color = segment.style.color if segment.style else None
    return tuple(color.triplet) if color is not None and color.triplet is not None else None


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.2)


# ---- 2. runs list columns widen ---------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_2_runs_list_columns_widen_as_counts_grow(results, fixed_clock, size):
    worker = FakeWorker(results, "20261124-120000-example-oracle-2222", [f"s-{n:03d}" for n in range(102)], runs=10)
    worker.start()
    app = make_app(results, start="runs", watch="off")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for n in range(12):
            worker.trial(f"s-{n:03d}", 1)
        app.apply_updates(app.watcher.read_runs([worker.spec.run_id]))
        app.screen.refresh_tables()
        await pilot.pause(0.2)
        table = app.screen.query_one("#table-live")
        table.scroll_to(x=0, animate=False, immediate=True)
        await pilot.pause()
        assert "12/1020" in screen_text(app)
    worker.close()


# ---- 3. tabs told apart -----------------------------------------------------------------------------------------


async def test_3_tabs_are_numbered_unique_and_the_palette_offers_only_real_tabs(results):
    from jira_bench_tui.tui.commands import ScreenActionsProvider

    workers = [FakeWorker(results, f"20261124-12000{n}-core-null-{n}a{n}b", SCENARIOS, model="null",
                          harness_name="core").start() for n in range(5)]
    app = make_app(results, start="monitor", watch="off")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: len(app.monitor_screen.tabs) == 5, what="five tabs")
        await settle(pilot)
        labels = [str(tab.label.plain) for tab in app.screen.query(Tab)]
        assert len(set(labels)) == 5
        assert [label.split()[0] for label in labels] == ["1", "2", "3", "4", "5"]
        for tab in app.screen.query(Tab):  # every label wholly on screen, even the first
            assert tab.region.x >= 0 and tab.region.right <= 80, (tab.label, tab.region)
        titles = " | ".join(title for title, *_ in ScreenActionsProvider(app.screen).commands())
        assert "tab 5" in titles.lower() and "tab 6" not in titles.lower() and "Tab 9" not in titles
    for worker in workers:
        worker.close()


# ---- 4. loading, not "none", until the first reading is done ---------------------------------------------------


@pytest.mark.parametrize("start", ["runs", "monitor"])
async def test_4_screens_say_loading_until_the_first_scan_is_done(fixed_results, monkeypatch, start):
    from jira_bench_tui.tui.watcher import RunsWatcher

    async def never_done(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        import asyncio

        await asyncio.Event().wait()

    monkeypatch.setattr(RunsWatcher, "follow", never_done)
    app = make_app(fixed_results, start=start)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        text = screen_text(app)
        assert "(none)" not in text and "No run is being watched" not in text
        assert "loading" in text.lower()
        from jira_bench_tui.tui.messages import ScanDone

        app.post_message(ScanDone())
        await pilot.pause(0.3)
        text = screen_text(app)
        assert "loading" not in text.lower()
        assert ("(none)" in text) if start == "runs" else ("No run is being watched" in text)


# ---- 6. the footer never garbles -------------------------------------------------------------------------------


async def _each_screen(app, pilot):  # type: ignore[no-untyped-def]
    """Visit every screen and modal; yield at each."""
    await settle(pilot)
    yield "runs"
    await pilot.press("question_mark")
    await pilot.pause(0.2)
    yield "help"
    await pilot.press("escape")
    await pilot.press("k")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the kill question")
    yield "confirm"
    await pilot.press("n")
    await pilot.press("m")
    await settle(pilot)
    yield "monitor"
    await pilot.press("ctrl+n")
    await settle(pilot)
    yield "new"
    app.open_replay(app.views["20261124-080000-example-oracle-a1b2"].info.path, None)
    await wait_until(pilot, lambda: isinstance(app.screen, ReplayScreen) and app.screen.loaded, what="replay")
    yield "replay"


async def test_6_no_footer_label_is_cut_at_80_columns(fixed_results, fixed_clock):
    from textual.widgets._footer import FooterKey

    app = make_app(fixed_results, start="runs", clock=fixed_clock, watch="off")
    async with app.run_test(size=(80, 24)) as pilot:
        async for name in _each_screen(app, pilot):
            await wait_until(pilot, lambda: app.screen.query(FooterKey), what=f"the footer of {name}")
            await pilot.pause(0.1)
            keys = [key for key in app.screen.query(FooterKey) if key.display]
            assert keys, name
            row = screen_lines(app)[-1]
            previous_right = 0
            for key in sorted(keys, key=lambda k: k.region.x):
                assert key.region.x >= previous_right and key.region.right <= 80, (name, key.description, row)
                previous_right = key.region.right
                assert key.description in row, (name, key.description, row)


# ---- 7. 80x24 works ----------------------------------------------------------------------------------------------


async def test_7_monitor_at_80x24_shows_the_log_the_grid_and_the_whole_run_id(fixed_results, fixed_clock):
    app = make_app(fixed_results, start="monitor", clock=fixed_clock, watch="off")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert LIVE in text
        log = app.screen.query_one(".run-log")
        assert log.content_region.height >= 6
        assert "+01:10 run" in text  # the last line of the log
        for scenario in SCENARIOS:  # one grid row per scenario, never wrapped
            rows = [line for line in screen_lines(app) if line.strip().startswith(scenario)]
            assert rows and ("✔" in rows[0] or "✘" in rows[0] or "·" in rows[0]), scenario


@pytest.mark.parametrize("size", SIZES)
async def test_7_replay_leaves_the_transcript_half_the_width(tmp_path, size):
    import shutil

    shutil.copytree(REPLAY_DATA / "runs", tmp_path / "runs")
    app = make_app(tmp_path, start="replay", run_id=COMPLETE_RUN, watch="off")
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ReplayScreen) and app.screen.loaded, what="replay")
        await pilot.pause(0.2)
        assert app.screen.query_one("#transcript").region.width >= size[0] // 2 - 1


@pytest.mark.parametrize("size", SIZES)
async def test_7_the_launch_button_is_on_screen(results, size):
    app = make_app(results, start="new", watch="off")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        button = app.screen.query_one("#launch")
        assert button.region.bottom <= size[1] - 1 and button.region.height >= 1


# ---- 8. the kill dialog shows its own keys -----------------------------------------------------------------------


async def test_8_kill_dialog_footer_shows_its_own_keys(fixed_results, fixed_clock):
    app = make_app(fixed_results, start="monitor", clock=fixed_clock, watch="off")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the kill question")
        await pilot.pause(0.2)
        footer = screen_lines(app)[-1]
        assert "Yes" in footer and "No" in footer
        assert "Replay" not in footer and "Scenario" not in footer and "Close" not in footer


# ---- 9. one key, one meaning ------------------------------------------------------------------------------------


def test_9_each_key_means_one_thing_across_the_app():
    from textual.binding import Binding

    from jira_bench_tui.tui.app import JiraBenchApp
    from jira_bench_tui.tui.screens.compare import CompareScreen
    from jira_bench_tui.tui.screens.help import HelpScreen
    from jira_bench_tui.tui.widgets.monitor.event_log import EventLog

    meanings: dict[str, set[str]] = {}
    from jira_bench_tui.tui.screens.new_run import ModelMenu

    for owner in (JiraBenchApp, RunsScreen, MonitorScreen, NewRunScreen, ReplayScreen, HelpScreen, EventLog, ModelMenu,
                  CompareScreen):
        for binding in owner.BINDINGS:
            assert isinstance(binding, Binding)
            for key in binding.key.split(","):
                if key not in ("escape", "enter", "tab") and binding.description:
                    meanings.setdefault(key, set()).add(binding.description)
    clashes = {key: names for key, names in meanings.items() if len(names) > 1}
    assert clashes == {}
    assert meanings["k"] == {"Kill"} and meanings["ctrl+n"] == {"New run"}
    assert meanings["c"] == {"Compare"} and meanings["C"] == {"Copy"}


# ---- 10. colours -------------------------------------------------------------------------------------------------


async def test_10_a_finished_run_at_0_percent_shows_no_green_bar(results):
    worker = FakeWorker(results, "20261124-120000-example-null-0000", SCENARIOS, model="null").start()
    for scenario in SCENARIOS:
        worker.trial(scenario, 1, "failed")
    worker.finish()
    app = make_app(results, start="runs", watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_monitor(worker.spec.run_id)
        await settle(pilot)
        success = theme_color(app, "success"), theme_color(app, "text-success")
        error = theme_color(app, "text-error")
        bar = [s for s in styled_segments(app) if s.text.strip() and set(s.text.strip()) <= set("━█▇▆╸╺")]
        assert bar, "no progress bar on screen"
        assert all(colour_of(s) not in success for s in bar)
        assert any(colour_of(s) == error for s in bar)
        failed_lines = [s for s in styled_segments(app) if "FAILED" in s.text]
        assert failed_lines and all(colour_of(s) == error for s in failed_lines)


async def test_10_scores_in_the_runs_list_are_coloured(fixed_results, fixed_clock):
    app = make_app(fixed_results, start="runs", clock=fixed_clock, watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        score = [s for s in styled_segments(app) if "4/5 (80%)" in s.text]
        assert score and colour_of(score[0]) == theme_color(app, "text-success")


# ---- 11. checks numbered from 1 ----------------------------------------------------------------------------------


async def test_11_checks_are_numbered_from_1_in_the_log(fixed_results, fixed_clock):
    app = make_app(fixed_results, start="monitor", clock=fixed_clock, watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "check 1 issue" in text and "check 0" not in text


# ---- 12. one clock -----------------------------------------------------------------------------------------------


async def test_12_elapsed_matches_the_log_clock(results):
    clock = StepClock(1795514400.0, 2.0)
    worker = FakeWorker(results, "20261124-100000-example-oracle-1212", SCENARIOS, clock=clock).start()
    for scenario in SCENARIOS:
        worker.trial(scenario, 1)
    worker.finish()
    finished = clock.now
    app = make_app(results, start="runs", clock=lambda: finished + 100, watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_monitor(worker.spec.run_id)
        await settle(pilot)
        text = screen_text(app)
        elapsed = re.search(r"elapsed (\d+)s", text)
        first = re.search(r"\+(\d\d):(\d\d) run +run started", text)
        last = re.search(r"\+(\d\d):(\d\d) run +run completed", text)
        assert elapsed and first and last, text
        assert first.groups() == ("00", "00")
        assert int(last.group(1)) * 60 + int(last.group(2)) == int(elapsed.group(1))


# ---- 13. the end toast words the score as the list does ------------------------------------------------------


async def test_13_end_toast_and_runs_list_say_the_same_score(results):
    worker = FakeWorker(results, "20261124-120000-example-oracle-1313", SCENARIOS, runs=2).start()
    worker.trial("assign-login-bug", 1, "failed")
    app = make_app(results, start="runs", watch="off")
    toasts: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.notify = lambda message, **kw: toasts.append(message)  # type: ignore[method-assign]
        worker.finish("cancelled")
        app.apply_updates(app.watcher.read_runs([worker.spec.run_id]))
        app.screen.refresh_tables()
        await pilot.pause(0.2)
        assert toasts and "0/1 (0%) of 6" in toasts[0]
        assert "0/1 (0%) of 6" in screen_text(app)


# ---- 14. long sections, one cursor -------------------------------------------------------------------------------


async def test_14_completed_shows_every_run_and_the_cursor_stays_in_view(results):
    ids = [f"20261124-1{n:02d}000-example-oracle-{n:04d}" for n in range(20)]
    for run_id in ids:
        worker = FakeWorker(results, run_id, ["only"], clock=StepClock(1795514400.0 + len(run_id), 1.0)).start()
        worker.trial("only", 1)
        worker.finish()
    app = make_app(results, start="runs", watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#table-ended")
        assert table.row_count == 20 and table.max_scroll_y == 0  # the table is as tall as its rows
        table.focus()
        await pilot.press(*["down"] * 19)
        await pilot.pause(0.2)
        assert ids[0] in screen_text(app)  # the oldest run, last row: scrolled into view


# ---- 15. replay list columns ------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_15_replay_list_headers_sit_over_their_values(tmp_path, size):
    import shutil

    shutil.copytree(REPLAY_DATA / "runs", tmp_path / "runs")
    app = make_app(tmp_path, start="replay", run_id=COMPLETE_RUN, watch="off")
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ReplayScreen) and app.screen.loaded, what="replay")
        await pilot.pause(0.2)
        lines = screen_lines(app)
        heading = next(line for line in lines if "scenario" in line and "turns" in line)
        row = next(line for line in lines if "assign-login-bug" in line and "#1" in line)
        assert row.index("assign-login-bug") == heading.index("scenario")
        assert row.index("#1") == heading.index("rep")
        turns_end = heading.index("turns") + len("turns")
        assert row[turns_end - 1].isdigit() and row[turns_end] == " "


# ---- 16. Home goes to the top of the log -------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_16_home_goes_to_the_first_line_of_the_log(results, size):
    worker = FakeWorker(results, "20261124-120000-example-oracle-1616", SCENARIOS).start()
    for n in range(200):
        worker.log(f"line {n}")
    app = make_app(results, start="monitor", watch="off")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("home")
        await pilot.pause(0.2)
        assert "run started" in screen_text(app)
        for n in range(5):  # new lines do not move a log the user took to its top
            worker.log(f"more {n}")
        app.apply_updates(app.watcher.read_runs([worker.spec.run_id]))
        await pilot.pause(0.2)
        assert "run started" in screen_text(app)
        await pilot.press("end")
        await pilot.pause(0.2)
        assert "more 4" in screen_text(app)
    worker.close()


# ---- 1 and 5. the form --------------------------------------------------------------------------------------------


def form_errors(app: App[None]) -> dict[str, str]:
    return {w.id.removeprefix("error-"): str(w.render()).strip() for w in app.screen.query(".field-error")
            if w.id and str(w.render()).strip()}


@pytest.mark.parametrize("size", SIZES)
async def test_1_every_error_at_once_in_the_fields_words_cleared_as_fixed(results, size):
    app = make_app(results, start="new", watch="off")
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        await settle(pilot)
        for field, value in {"harness": "missing.json", "model": "gpt-9", "runs": "abc", "concurrency": "0"}.items():
            screen.query_one(f"#{field}", Input).value = value
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not screen.launching, what="the check")
        await pilot.pause(0.2)
        errors = form_errors(app)
        assert set(errors) == {"harness", "model", "runs", "concurrency"}, errors
        assert errors["runs"] == "a whole number from 1 to 1000, got 'abc'"
        assert errors["concurrency"].startswith("a whole number from 1 to 4096")
        assert errors["harness"].count("missing.json") == 1
        screen.query_one("#runs", Input).value = "3"
        await pilot.pause(0.2)
        assert set(form_errors(app)) == {"harness", "model", "concurrency"}
        screen.query_one("#concurrency", Input).value = "-2"
        await pilot.pause(0.2)
        assert "got '-2'" in form_errors(app)["concurrency"]


async def test_5_focus_starts_on_the_form_and_a_click_selects_the_field(results):
    app = make_app(results, start="new", watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await settle(pilot)
        assert app.focused is screen.query_one("#harness")
        stops = []
        for _ in range(14):
            await pilot.press("tab")
            stops.append(app.focused)
        assert all(stop is not None and stop.id and stop.region.height > 0 for stop in stops), stops
        assert screen.query_one("#new-run-form") not in stops
        screen.query_one("#concurrency", Input).value = "40"
        await pilot.click("#concurrency")
        await pilot.press("1", "0")
        assert screen.query_one("#concurrency", Input).value == "10"


async def test_14_only_the_focused_table_shows_its_cursor(fixed_results, fixed_clock):
    app = make_app(fixed_results, start="runs", clock=fixed_clock, watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)

        def background_of(text: str):  # type: ignore[no-untyped-def]
            for strip in app.screen._compositor.render_strips():
                for segment in strip:
                    if text in segment.text:
                        return segment.style.bgcolor
            raise AssertionError(f"{text} is not on screen")

        focused_cursor = background_of(LIVE)
        unfocused_cursor = background_of("20261124-083000-example-null-c3d4")  # row 0 of COMPLETED
        plain_row = background_of("20261124-080000-example-oracle-a1b2")
        assert focused_cursor != unfocused_cursor and unfocused_cursor == plain_row


# ---- help: every key of the screen in view ----------------------------------------------------------------------


@pytest.mark.parametrize(("start", "key", "text"), [("monitor", "f1", "Pause the log"), ("runs", "question_mark",
                                                     "Kill the selected live run")])
async def test_help_lists_the_keys_of_the_screen_in_view(fixed_results, fixed_clock, start, key, text):
    from jira_bench_tui.tui.screens.help import HelpScreen

    app = make_app(fixed_results, start=start, clock=fixed_clock, watch="off")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        under = app.screen
        await pilot.press(key)
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help")
        await pilot.pause(0.1)
        assert text in screen_text(app)  # the screen's own keys come first
        assert any("Quit the app" in row[1] for row in app.screen.rows)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: app.screen is under, what="the help to close")
