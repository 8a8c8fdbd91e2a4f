"""The app's first scan (issue #17): runs newest first, several small runs per read, a big log read on its own."""

from __future__ import annotations

import time
from pathlib import Path

from jira_bench_tui.tui.watcher import READ_CHUNK, RunsWatcher


def _run(root: Path, run_id: str, events_bytes: int | None) -> None:
    folder = root / run_id
    folder.mkdir(parents=True)
    if events_bytes is not None:
        (folder / "events.jsonl").write_bytes(b"x" * events_bytes)


def test_first_batches_are_newest_first_and_bounded_by_the_bytes_of_their_logs(tmp_path: Path) -> None:
    _run(tmp_path, "20260101-000001-a", 0)
    _run(tmp_path, "20260101-000002-b", None)  # no events.jsonl: nothing to read
    _run(tmp_path, "20260101-000003-c", READ_CHUNK + 1)
    _run(tmp_path, "20260101-000004-d", 10)
    _run(tmp_path, "20260101-000005-e", READ_CHUNK // 2)
    watcher = RunsWatcher(tmp_path, time.time)
    batches = watcher.first_batches([p.name for p in watcher.run_folders()])
    assert batches == [["20260101-000005-e", "20260101-000004-d"], ["20260101-000003-c"],
                       ["20260101-000002-b", "20260101-000001-a"]]
    assert watcher.first_batches([]) == []
