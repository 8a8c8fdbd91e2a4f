"""The runs screen: sections, unreadable folders, filter, delete with confirmation, kill/resume refusals."""

from __future__ import annotations

from conftest import snapshot_tree
from pilot_helpers import wait_until

from jira_bench_tui.tui.app import make_app
from jira_bench_tui.tui.screens.confirm import ConfirmScreen
from jira_bench_tui.tui.widgets.runs.runs_table import RunsTable

LIVE = "20261124-095500-example-sonnet-4-5-0a0b"
DONE = "20261124-080000-example-oracle-a1b2"
CANCELLED = "20261124-083000-example-null-c3d4"
BROKEN = "20261124-070000-broken-run-ffff"


def table(app, key: str) -> RunsTable:
    return app.screen.query_one(f"#table-{key}", RunsTable)


async def test_sections_hold_the_right_runs(fixed_results, fixed_clock):
    app = make_app(fixed_results, start="auto", clock=fixed_clock, watch="off")
    async with app.run_test(size=(120, 40)):
        assert table(app, "live").run_ids == [LIVE]
        assert table(app, "interrupted").run_ids == ["20261124-090000-example-haiku-4-5-e5f6"]
        assert table(app, "ended").run_ids == [CANCELLED, DONE]
        assert table(app, "unreadable").run_ids == [BROKEN]


async def test_filter_narrows_and_escape_clears(fixed_results, fixed_clock):
    app = make_app(fixed_results, start="runs", clock=fixed_clock, watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"null")
        assert table(app, "ended").run_ids == [CANCELLED]
        assert table(app, "live").run_ids == []
        await pilot.press("escape")
        assert table(app, "ended").run_ids == [CANCELLED, DONE]


async def test_delete_asks_first_and_no_keeps_everything(fixed_results, fixed_clock):
    before = snapshot_tree(fixed_results)
    app = make_app(fixed_results, start="runs", clock=fixed_clock, watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        table(app, "ended").focus()
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the confirmation")
        await pilot.press("n")
        await pilot.pause()
    assert snapshot_tree(fixed_results) == before


async def test_delete_removes_an_ended_run(fixed_results, fixed_clock):
    app = make_app(fixed_results, start="runs", clock=fixed_clock, watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        table(app, "ended").focus()
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the confirmation")
        await pilot.press("y")
        await wait_until(pilot, lambda: CANCELLED not in app.views, what="the run to go")
        await wait_until(pilot, lambda: table(app, "ended").run_ids == [DONE], what="the row to go")
    assert not (fixed_results / "runs" / CANCELLED).exists()
    assert (fixed_results / "runs" / DONE).exists()


async def test_live_run_is_never_deleted_and_ended_run_not_killed(fixed_results, fixed_clock):
    before = snapshot_tree(fixed_results)
    app = make_app(fixed_results, start="runs", clock=fixed_clock, watch="off")
    notes: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign]
        table(app, "live").focus()
        await pilot.press("d")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        table(app, "ended").focus()
        await pilot.press("down", "k", "r")  # the completed run: neither killed nor resumed
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
    assert any("still running" in n for n in notes) and any("not running" in n for n in notes)
    assert any("only an interrupted" in n for n in notes)
    assert snapshot_tree(fixed_results) == before


async def test_unreadable_folder_opens_to_a_message_not_a_crash(fixed_results, fixed_clock):
    app = make_app(fixed_results, start="runs", clock=fixed_clock, watch="off")
    titles: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        app.notify = lambda message, **kw: titles.append(kw.get("title", ""))  # type: ignore[method-assign]
        table(app, "unreadable").focus()
        await pilot.press("enter")
        await pilot.pause()
    assert titles == [f"{BROKEN} is unreadable"]


async def test_open_live_run_shows_its_tab(fixed_results, fixed_clock):
    app = make_app(fixed_results, start="runs", clock=fixed_clock, watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        table(app, "live").focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current_mode == "monitor" and LIVE in app.monitor_screen.tabs,
                         what="the live tab")


async def test_command_palette_offers_the_screen_actions(fixed_results, fixed_clock):
    from jira_bench_tui.tui.commands import ScreenActionsProvider

    app = make_app(fixed_results, start="runs", clock=fixed_clock, watch="off")
    async with app.run_test(size=(120, 40)):
        provider = ScreenActionsProvider(app.screen)
        titles = [title for title, *_ in provider.commands()]
        for wanted in ("Kill the selected live run", "Open the new-run form", "Show the runs list",
                       "Filter runs by id, harness, model or status", "Delete the selected ended run's folder"):
            assert wanted in titles


async def test_start_on_a_replay(fixed_results, fixed_clock):
    from jira_bench_tui.tui.screens.replay import ReplayScreen

    app = make_app(fixed_results, start="replay", run_id=DONE, trial="close-duplicate__2", clock=fixed_clock,
                   watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ReplayScreen), what="the replay screen")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.current_mode == "runs" and not isinstance(app.screen, ReplayScreen),
                         what="back on the runs list")


async def test_command_palette_runs_an_action(fixed_results, fixed_clock):
    from textual.widgets import Input

    app = make_app(fixed_results, start="runs", clock=fixed_clock, watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        runs_screen = app.screen
        await pilot.press("ctrl+p")
        await pilot.press(*"Filter runs by")
        from textual.command import CommandList

        def hits() -> int:
            found = app.screen.query(CommandList)
            return found.first().option_count if found else 0

        await wait_until(pilot, lambda: hits() > 0, what="palette hits")
        await pilot.press("enter")
        box = runs_screen.query_one("#runs-filter", Input)
        await wait_until(pilot, lambda: not box.has_class("-hidden") and box.has_focus, what="the filter box")


async def test_arrow_keys_go_from_section_to_section(fixed_results, fixed_clock):
    app = make_app(fixed_results, start="runs", clock=fixed_clock, watch="off")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.focused is table(app, "live")
        await pilot.press("down", "down")  # past the one live run: the interrupted one, then the completed ones
        assert app.focused is table(app, "ended") and app.screen.selected_view().run_id == CANCELLED
        await pilot.press("up")
        assert app.focused is table(app, "interrupted")


async def test_palette_offers_the_theme_once(fixed_results, fixed_clock):
    from jira_bench_tui.tui.commands import ScreenActionsProvider

    app = make_app(fixed_results, start="runs", clock=fixed_clock, watch="off")
    async with app.run_test(size=(120, 40)):
        titles = [title for title, *_ in ScreenActionsProvider(app.screen).commands()]
        assert titles.count("Change the colour theme") == 1 and len(titles) == len(set(titles))
