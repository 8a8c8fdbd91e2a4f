"""The command line's look (issue 15, defect 17): the run summary's columns line up, `--help` never cuts a command's
description, and colour comes through Rich on a terminal only (never with NO_COLOR, never in a pipe)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from jira_bench_tui.cli import main
from jira_bench_tui.cli.run import score_table
from jira_bench_tui.cli.style import echo, outcome_text
from jira_bench_tui.engine import run_folder


def _summary_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "run"
    folder.mkdir()
    scenarios = {"assign-login-bug": {"total": 3, "done": 3, "passed": 3},
                 "a-scenario-with-a-name-longer-than-forty-characters": {"total": 10, "done": 10, "passed": 2,
                                                                         "failed": 8}}
    summary = run_folder.RunSummary.model_validate(dict(
        run_id="r", status="completed", model="oracle", harness="example", runs=3, total=13, done=13, passed=5,
        failed=8, errored=0, pass_rate=5 / 13, error_rate=0.0, scenarios=scenarios))
    run_folder.write_summary(folder, summary)
    return folder


def test_run_summary_cells_sit_under_their_headers(tmp_path: Path) -> None:
    lines = score_table(_summary_folder(tmp_path)).plain.splitlines()
    header = lines[1]
    end_of = {name: header.index(name) + len(name) for name in ("passed", "failed", "errors")}
    for row in lines[2:4]:
        cells = row.split()
        assert row.index(cells[-3]) + len(cells[-3]) == end_of["passed"], row  # '3/3' ends where 'passed' ends
        assert row.rindex(cells[-2], 0, end_of["failed"]) + len(cells[-2]) == end_of["failed"], row
        assert row.endswith(cells[-1]) and len(row) == end_of["errors"], row


def test_help_gives_each_command_its_whole_first_sentence() -> None:
    result = CliRunner().invoke(main, ["--help"], terminal_width=80)
    commands = result.output.split("Commands:")[1]
    assert "..." not in commands
    assert "Ctrl+C detaches (the run goes on)." in " ".join(result.output.split())


def _printed(monkeypatch: pytest.MonkeyPatch, tty: bool, no_color: bool) -> str:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return tty

    out = Terminal()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    echo(outcome_text("[1/3] FAILED  close-duplicate#1 [INST]"))
    return out.getvalue()


def test_colour_on_a_terminal_only_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    coloured = _printed(monkeypatch, tty=True, no_color=False)
    assert "\x1b[" in coloured and "FAILED" in coloured and "[INST]" in coloured
    assert _printed(monkeypatch, tty=True, no_color=True) == "[1/3] FAILED  close-duplicate#1 [INST]\n"
    assert _printed(monkeypatch, tty=False, no_color=False) == "[1/3] FAILED  close-duplicate#1 [INST]\n"
