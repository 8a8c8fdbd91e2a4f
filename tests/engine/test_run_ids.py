"""A run id is a name inside `<results>/runs/`, never a path (issue 13, item 2): every command, `replay:RUN_ID`
models and the app say "no run ..." (exit 2) for anything else, and no other results folder is touched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.launcher import RunRequest, create_run

from .conftest import fingerprint, invoke, many_trials_harness


@pytest.fixture
def other_run(tmp_path: Path) -> Path:
    """A queued run of another results folder (B), which no command given --results-dir A may touch."""
    other = tmp_path / "B"
    return create_run(RunRequest(harness=str(many_trials_harness(tmp_path / "many.json"))), other)


def path_like_ids(folder: Path, results: Path) -> list[str]:
    """Run ids that are paths, each of which names `folder` (a run of another results folder) one way or another."""
    relative = os.path.relpath(folder, run_folder.runs_dir(results))
    return [
        relative,  # ../../B/runs/RUN_ID
        str(folder),  # absolute
        f"./{folder.name}/../{relative}",
        f"{relative}/",
        "..", ".", "", " ", ".hidden", "a/b", "a\\b", "x" * 300, f"{folder.name}\x00",
        str(folder.parent / "*"),
        "../*",
    ]


COMMANDS = [("kill",), ("attach",), ("resume",), ("resume", "--background"), ("report",), ("replay", "--plain")]


def test_every_command_refuses_a_run_id_that_is_a_path(results: Path, other_run: Path) -> None:
    results.mkdir(parents=True, exist_ok=True)
    run_folder.runs_dir(results).mkdir(exist_ok=True)
    before = fingerprint(other_run.parent.parent)
    for run_id in path_like_ids(other_run, results):
        for command in COMMANDS:
            code, out, err = invoke(command[0], run_id, *command[1:], "--results-dir", str(results))
            assert code == 2, (command, run_id, out, err)
            assert err.startswith("error: no run ") and err.count("\n") == 1 and "Traceback" not in err, err
    assert fingerprint(other_run.parent.parent) == before
    assert run_folder.read_state(other_run).status == "queued"


def test_a_replay_model_cannot_name_a_run_elsewhere(results: Path, other_run: Path, tmp_path: Path) -> None:
    harness = many_trials_harness(tmp_path / "h.json")
    for run_id in path_like_ids(other_run, results)[:4]:
        code, _out, err = invoke("run", str(harness), "--model", f"replay:{run_id}")
        assert code == 2 and "no run " in err and err.count("\n") == 1, err
    assert not run_folder.runs_dir(results).exists() or not any(run_folder.runs_dir(results).iterdir())


def test_a_link_out_of_the_runs_folder_is_no_run(results: Path, other_run: Path) -> None:
    root = run_folder.runs_dir(results)
    root.mkdir(parents=True)
    (root / "20990101-000000-linked-oracle-0000").symlink_to(other_run, target_is_directory=True)
    before = fingerprint(other_run)
    for run_id in ("20990101-000000-linked-oracle-0000", "20990101"):
        code, _out, err = invoke("kill", run_id)
        assert code == 2 and err.startswith("error: no run "), err
    assert fingerprint(other_run) == before


def test_a_real_run_id_and_a_unique_prefix_still_work(results: Path, tmp_path: Path) -> None:
    folder = create_run(RunRequest(harness=str(many_trials_harness(tmp_path / "many.json"))), results)
    assert run_folder.find_run(results, folder.name) == folder
    assert run_folder.find_run(results, folder.name[:15]) == folder
    code, out, err = invoke("kill", folder.name[:20])
    assert code == 0 and "cancelled" in out, err


async def test_the_app_form_refuses_a_replay_model_that_is_a_path(results: Path, other_run: Path) -> None:
    from textual.widgets import Input

    from jira_bench_tui.tui.app import make_app

    app = make_app(results, start="new", watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        screen.query_one("#model", Input).value = f"replay:{other_run}"
        await pilot.press("ctrl+s")
        for _ in range(500):
            await pilot.pause(0.02)
            if not screen.launching:  # type: ignore[attr-defined]
                break
        error = str(screen.query_one("#error-model").render())
    assert "no run " in error
    assert run_folder.read_state(other_run).status == "queued"
