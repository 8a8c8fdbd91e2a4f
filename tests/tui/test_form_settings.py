"""The form remembers the last launched settings (in $XDG_CONFIG_HOME/jira-bench/last-run.json, never a key) and
starts with them; a corrupt file is ignored with a notice."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import Input, RadioButton, Select

from jira_bench_tui.tui import form_settings
from jira_bench_tui.tui.app import make_app

SAVED = {"harness": "builtin:example", "model": "oracle, null", "model_base_url": "", "model_args": "temperature=0",
         "runs": "3", "concurrency": "2", "max_turns": "12", "wall_time": "90", "server_kind": "mcp-atlassian",
         "server_command": "", "fixture": "builtin:example", "workers": "2", "max_memory": "2G", "max_cpu_time": "30m", "nice": "5",
         "note": "nightly"}


def test_the_settings_live_in_the_xdg_config_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert form_settings.last_run_path() == tmp_path / "cfg" / "jira-bench" / "last-run.json"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert form_settings.last_run_path() == Path.home() / ".config" / "jira-bench" / "last-run.json"


def test_the_test_suite_never_writes_the_real_config_folder():
    assert os.environ["XDG_CONFIG_HOME"] != str(Path.home() / ".config")
    assert not form_settings.last_run_path().is_relative_to(Path.home() / ".config")


def test_save_and_load_round_trip_and_no_key_is_ever_stored():
    form_settings.save_last({**SAVED, "model_args": "api_key=sk-abcdef1234567890 temperature=0",
                             "model_base_url": "http://user:secret@localhost:8000/v1",
                             "server_command": "env JIRA_API_TOKEN=abc uvx mcp-atlassian", "stray": "x"})
    text = form_settings.last_run_path().read_text()
    assert "sk-abcdef" not in text and "secret" not in text and "JIRA_API_TOKEN" not in text and "stray" not in text
    loaded, problem = form_settings.load_last()
    assert problem is None and loaded is not None
    assert loaded["model_base_url"] == "http://localhost:8000/v1" and "model_args" not in loaded
    assert loaded["model"] == "oracle, null" and loaded["note"] == "nightly"


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"settings": 3}', "\xff\xfe"])
def test_a_corrupt_file_is_ignored_with_a_reason(content):
    path = form_settings.last_run_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("latin-1"))
    loaded, problem = form_settings.load_last()
    assert loaded is None and problem and str(path) in problem


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_form_starts_with_the_last_settings(results, size):
    form_settings.save_last(SAVED)
    app = make_app(results, start="new", watch="off")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        for key in ("harness", "model", "runs", "concurrency", "max_turns", "wall_time", "max_memory", "note"):
            widget = screen.INPUTS[key]
            assert screen.query_one(f"#{widget}", Input).value == SAVED[key], key
        assert screen.query_one("#server-mcp-atlassian", RadioButton).value
        assert screen.query_one("#fixture", Select).value == "builtin:example"
        assert screen.settings() == SAVED
        assert app.focused is screen.query_one("#harness", Input)


async def test_a_corrupt_settings_file_is_ignored_with_a_notice(results):
    path = form_settings.last_run_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{oops")
    app = make_app(results, start="new", watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#runs", Input).value == "1"  # the defaults
        notes = [n for n in app._notifications if n.title == "Last settings ignored"]
        assert notes and "not valid JSON" in notes[0].message and notes[0].severity == "warning"
    assert path.read_text() == "{oops"  # left as it is


