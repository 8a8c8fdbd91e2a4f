"""The new-run form: every bad input gets a message on its field and nothing is launched or written."""

from __future__ import annotations

import pytest
from conftest import snapshot_tree
from pilot_helpers import wait_until
from textual.widgets import Input, OptionList, RadioButton, Static

from jira_bench_tui.tui.app import make_app


async def submit(results, fill: dict[str, str], command: str | None = None) -> dict[str, str]:
    """Fill the form, press ctrl+s, wait for the check; return the shown field errors."""
    app = make_app(results, start="new", watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        for field_id, value in fill.items():
            screen.query_one(f"#{field_id}", Input).value = value
        if command is not None:
            screen.query_one("#server-command-choice", RadioButton).value = True
            await pilot.pause()
            screen.query_one("#server-command", Input).value = command
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not screen.launching, what="the check to finish")
        await pilot.pause()
        errors = {}
        for widget in screen.query(".field-error"):
            text = str(widget.render()).strip()
            if text:
                errors[widget.id.removeprefix("error-")] = text
        assert app.current_mode == "new"  # still on the form: nothing launched
        assert app.monitor_screen.tabs == {}
        return errors


@pytest.mark.parametrize(
    ("fill", "field", "phrase"),
    [
        ({"harness": ""}, "harness", "which harness"),
        ({"harness": "builtin:nope"}, "harness", "no built-in harness 'nope'"),
        ({"harness": "missing.json"}, "harness", "does not exist"),
        ({"runs": "0"}, "runs", "a whole number from 1 to 1000, got '0'"),
        ({"runs": "-1"}, "runs", "a whole number from 1 to 1000"),
        ({"runs": "abc"}, "runs", "a whole number from 1 to 1000, got 'abc'"),
        ({"runs": "1001"}, "runs", "a whole number from 1 to 1000"),
        ({"concurrency": "0"}, "concurrency", "a whole number from 1 to 4096"),
        ({"max_turns": "x"}, "max_turns", "a whole number from 1 to 500"),
        ({"wall_time": "-5"}, "wall_time", "above 0"),
        ({"model": "claude-sonnet-4-5"}, "model", "needs ANTHROPIC_API_KEY"),
        ({"model": "mistral-9"}, "model", "unknown model"),
        ({"model": "openai/gpt-4o"}, "model", "needs OPENAI_API_KEY; a local endpoint"),
        ({"model": "openai/llama3", "model_base_url": "ftp://localhost/v1"}, "model_base_url", "http(s) URL"),
        ({"model": "openai/llama3", "model_base_url": "http://localhost:11434/v1", "model_args": "api_key=sk-1"},
         "model_args", "looks like a credential"),
        ({"model_args": "temperature='0"}, "model_args", "cannot read the model arguments"),
    ],
)
async def test_bad_input_is_shown_on_its_field_and_nothing_changes(results, fill, field, phrase):
    before = snapshot_tree(results)
    errors = await submit(results, fill)
    assert list(errors) == [field], errors
    assert phrase in errors[field]
    assert snapshot_tree(results) == before


async def test_invalid_harness_file_names_the_problem(results, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x", "scenarios": [', encoding="utf-8")
    before = snapshot_tree(results)
    errors = await submit(results, {"harness": str(bad)})
    assert list(errors) == ["harness"] and "not valid JSON" in errors["harness"]
    assert snapshot_tree(results) == before


async def test_server_command_that_does_not_exist(results):
    before = snapshot_tree(results)
    errors = await submit(results, {}, command="no-such-mcp-server-xyz --flag")
    assert list(errors) == ["server"] and "not an executable" in errors["server"]
    assert snapshot_tree(results) == before


async def test_empty_server_command(results):
    errors = await submit(results, {}, command="  ")
    assert list(errors) == ["server"] and "give the MCP server command" in errors["server"]


async def test_key_hint_says_which_keys_are_missing(results, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    app = make_app(results, start="new", watch="off")
    async with app.run_test(size=(120, 40)):
        hint = str(app.screen.query_one("#model-hint", Static).render())
        assert "ANTHROPIC_API_KEY missing" in hint and "OPENAI_API_KEY set" in hint
        assert "offline agents need no key" in hint


async def test_the_model_list_is_grouped_by_provider_and_fills_the_model(results):
    app = make_app(results, start="new", watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        menu = screen.query_one("#model-list", OptionList)
        ids = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
        headings = [i for i in ids if i.startswith("provider:")]
        assert headings == ["provider:offline", "provider:anthropic", "provider:openai"]
        assert ids.index("provider:openai") < ids.index("openai/gpt-4o")
        assert ids.index("provider:anthropic") < ids.index("anthropic/claude-sonnet-4-6") < ids.index("provider:openai")
        openai_heading = menu.get_option(ids[ids.index("provider:openai")])
        assert "OPENAI_API_KEY missing" in str(openai_heading.prompt) and openai_heading.disabled
        menu.focus()
        menu.highlighted = ids.index("openai/gpt-4.1-mini")
        await pilot.press("enter")
        assert screen.query_one("#model", Input).value == "openai/gpt-4.1-mini"


async def test_builtin_list_and_file_picker_fill_the_harness(results, tmp_path):
    harness_file = tmp_path / "mine.json"
    harness_file.write_text("{}", encoding="utf-8")
    app = make_app(results, start="new", watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        screen.query_one("#harness", Input).value = ""
        screen.query_one("#builtin-harnesses").focus()
        await pilot.press("enter")
        assert screen.query_one("#harness", Input).value.startswith("builtin:")
        await pilot.press("ctrl+o")
        from jira_bench_tui.tui.screens.harness_picker import HarnessPickerScreen

        await wait_until(pilot, lambda: isinstance(app.screen, HarnessPickerScreen), what="the picker")
        picker = app.screen
        tree = picker.query_one("#picker-tree")
        await wait_until(pilot, lambda: tree.root.children, what="the tree to load")
        names = [str(node.label) for node in tree.root.children]
        assert "mine.json" in names
        picker.dismiss(harness_file)
        await wait_until(pilot, lambda: screen.query_one("#harness", Input).value == str(harness_file),
                         what="the chosen file")


def test_the_forms_number_limits_are_the_engines():
    from jira_bench_tui.engine import launcher
    from jira_bench_tui.tui.screens import new_run

    assert new_run.NUMBER_LIMITS == {"runs": launcher.MAX_RUNS, "concurrency": launcher.MAX_CONCURRENCY,
                                     "max_turns": launcher.MAX_TURNS, "workers": launcher.MAX_WORKERS}
    assert new_run.MAX_WALL_TIME_S == launcher.MAX_WALL_TIME_S


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_builtin_list_says_what_each_harness_holds(results, size):
    from jira_bench_tui.harness.loader import load_harness

    app = make_app(results, start="new", watch="off")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        menu = app.screen.query_one("#builtin-harnesses", OptionList)
        shown = "\n".join(str(line.text) for line in app.screen._compositor.render_strips())
        for index in range(menu.option_count):
            option = menu.get_option_at_index(index)
            harness = load_harness(str(option.id)).harness
            tiers = [scenario.tier for scenario in harness.scenarios]
            words = [f"{len(harness.scenarios)} scenarios"] + [f"{tiers.count(t)} {t}" for t in ("easy", "medium",
                                                                                                "hard") if t in tiers]
            for word in words:
                assert word in str(option.prompt), (option.id, word)
            assert str(option.prompt).rstrip() in shown  # the whole line on screen, never cut
        menu.focus()
        menu.highlighted = menu.option_count - 1
        await pilot.press("enter")  # choosing still puts the bare name in the field
        assert app.screen.query_one("#harness", Input).value == str(menu.get_option_at_index(menu.option_count - 1).id)
