"""One corrupt run folder never breaks the others (issue 13, item 3): whatever a run folder's state, spec, summary,
lock, events or trials hold (huge numbers, wrong types, a folder or a FIFO where a file should be, binary junk, deep
nesting), `view list` and the app show it UNREADABLE with a reason, every other run lists and works, commands on it
say one sentence (exit 2), and nothing hangs."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.launcher import RunRequest, create_run

from .conftest import invoke, many_trials_harness


def _state(**fields: Any) -> str:
    return json.dumps({"status": "running", "pid": 1, "updated_at": 1.0, **fields})


def _text(name: str, text: str) -> Callable[[Path], None]:
    return lambda folder: _replace(folder / name, lambda path: path.write_text(text, encoding="utf-8"))


def _bytes(name: str, data: bytes) -> Callable[[Path], None]:
    return lambda folder: _replace(folder / name, lambda path: path.write_bytes(data))


def _fifo(name: str) -> Callable[[Path], None]:
    return lambda folder: _replace(folder / name, os.mkfifo)


def _folder(name: str) -> Callable[[Path], None]:
    return lambda folder: _replace(folder / name, lambda path: path.mkdir())


def _link(name: str, target: str) -> Callable[[Path], None]:
    return lambda folder: _replace(folder / name, lambda path: path.symlink_to(target))


def _replace(path: Path, make: Callable[[Path], Any]) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
    make(path)


DEEP = "[" * 200_000 + "]" * 200_000
CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "state-pid-over-int64": _text("state.json", _state(pid=9223372036854775808)),
    "state-pid-negative": _text("state.json", _state(pid=-5)),
    "state-pid-text": _text("state.json", _state(pid="twelve")),
    "state-pid-5000-digits": _text("state.json", _state().replace('"pid": 1', '"pid": 1' + "0" * 5000)),
    "state-time-huge": _text("state.json", _state(updated_at=1e300)),
    "state-time-nan": _text("state.json", _state().replace('"updated_at": 1.0', '"updated_at": NaN')),
    "state-started-infinity": _text("state.json", _state().replace('"pid": 1', '"pid": 1, "started_at": Infinity')),
    "state-counts-list": _text("state.json", _state(counts=[1, 2])),
    "state-count-huge": _text("state.json", _state(counts={"done": 10**30})),
    "state-status-number": _text("state.json", _state(status=5)),
    "state-a-list": _text("state.json", "[1, 2, 3]"),
    "state-empty": _text("state.json", ""),
    "state-binary": _bytes("state.json", bytes(range(256)) * 8),
    "state-deep": _text("state.json", DEEP),
    "state-folder": _folder("state.json"),
    "state-fifo": _fifo("state.json"),
    "state-device": _link("state.json", "/dev/zero"),
    "spec-folder": _folder("spec.json"),
    "spec-fifo": _fifo("spec.json"),
    "spec-binary": _bytes("spec.json", b"\xff\xfe\x00junk"),
    "spec-runs-huge": lambda folder: _edit_spec(folder, runs=10**40),
    "spec-created-string": lambda folder: _edit_spec(folder, created_at="yesterday"),
    "summary-fifo": _fifo("summary.json"),
    "summary-folder": _folder("summary.json"),
    "lock-fifo": _fifo("worker.lock"),
    "lock-folder": _folder("worker.lock"),
    "events-fifo": _fifo("events.jsonl"),
    "events-folder": _folder("events.jsonl"),
    "trials-a-file": _text("trials", "not a folder"),
}


def _edit_spec(folder: Path, **fields: Any) -> None:
    path = run_folder.spec_path(folder)
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(fields)
    path.write_text(json.dumps(data), encoding="utf-8")


def bounded(*args: str, timeout: float = 30) -> tuple[int, str, str]:
    """`jira-bench ARGS` in-process, failing (instead of hanging the suite) when it does not end in `timeout` s."""
    outcome: list[tuple[int, str, str]] = []
    thread = threading.Thread(target=lambda: outcome.append(invoke(*args)), daemon=True)
    thread.start()
    thread.join(timeout)
    assert outcome, f"`jira-bench {' '.join(args)}` hung"
    return outcome[0]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("template")
    return create_run(RunRequest(harness=str(many_trials_harness(tmp / "many.json")), runs=2), tmp / "results")


def _copy(template: Path, results: Path, run_id: str) -> Path:
    folder = run_folder.run_dir(results, run_id)
    shutil.copytree(template, folder)
    for stored in (run_folder.HARNESSES, run_folder.FIXTURES):  # the files its spec names, kept once per results
        shutil.copytree(template.parent.parent / stored, results / stored, dirs_exist_ok=True)
    state = run_folder.read_state(folder)
    state.updated_at = time.time()  # queued just now
    run_folder.write_state(folder, state)
    return folder


def _one_line_error(code: int, err: str) -> bool:
    return code == 2 and err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_a_corrupt_run_folder_is_unreadable_and_the_others_still_work(kind: str, template: Path,
                                                                      results: Path) -> None:
    good = _copy(template, results, "20261124-100000-good-oracle-0001")
    bad = _copy(template, results, "20261124-110000-bad-oracle-0002")
    CORRUPTIONS[kind](bad)
    code, out, err = bounded("view", "list")
    assert code == 0 and "Traceback" not in err, err
    assert f"{good.name}  queued" in out
    unreadable = out.split("UNREADABLE", 1)[1]
    assert f"{bad.name}  unreadable: " in unreadable, out
    for command in (("kill",), ("attach",), ("resume",), ("report",)):
        code, _out, err = bounded(*command, bad.name)
        assert _one_line_error(code, err), (command, err)
    code, out, err = bounded("report", good.name)
    assert code == 0 and "queued" in out, err
    code, out, err = bounded("kill", good.name)
    assert code == 0 and "cancelled" in out, err
    code, out, err = bounded("clean", "--yes")  # removes the cancelled good run, never the unreadable one
    assert code == 0 and f"removed {good.name}" in out and bad.name not in out, err
    assert not good.exists() and os.path.lexists(bad)


def test_the_app_lists_corrupt_runs_as_unreadable_and_the_good_one_as_usual(template: Path, results: Path) -> None:
    import asyncio

    from jira_bench_tui.tui.app import make_app
    from jira_bench_tui.tui.widgets.runs.runs_table import RunsTable

    good = _copy(template, results, "20261124-100000-good-oracle-0001")
    broken = {}
    for number, kind in enumerate(["state-pid-over-int64", "state-fifo", "spec-folder", "lock-fifo", "events-fifo",
                                   "state-deep", "summary-fifo"]):
        folder = _copy(template, results, f"20261124-11{number:04d}-bad-oracle-{number:04d}")
        CORRUPTIONS[kind](folder)
        broken[folder.name] = kind

    async def look() -> tuple[list[str], list[str]]:
        app = make_app(results, start="runs", watch="poll")
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(500):
                await pilot.pause(0.02)
                tables = {t.id: t for t in app.runs_screen.query(RunsTable)}
                live, unreadable = tables["table-live"].run_ids, tables["table-unreadable"].run_ids
                if len(unreadable) == len(broken) and live:
                    break
            return live, unreadable

    outcome: list[tuple[list[str], list[str]]] = []
    thread = threading.Thread(target=lambda: outcome.append(asyncio.run(look())), daemon=True)
    thread.start()
    thread.join(60)
    assert outcome, "the app hung on a corrupt run folder"
    live, unreadable = outcome[0]
    assert live == [good.name]
    assert sorted(unreadable) == sorted(broken)


def test_a_summary_with_junk_is_rebuilt_not_fatal(template: Path, results: Path) -> None:
    """summary.json is derived (rebuilt from the artifacts when a run ends): junk in it hides nothing."""
    folder = _copy(template, results, "20261124-100000-junk-summary-0001")
    _text("summary.json", '{"run_id": 5')(folder)
    code, out, err = bounded("view", "list")
    assert code == 0 and f"{folder.name}  queued" in out, err
    code, out, err = bounded("kill", folder.name)
    assert code == 0 and "cancelled" in out, err
    assert run_folder.read_summary(folder) is not None  # rewritten whole by the end kill recorded
