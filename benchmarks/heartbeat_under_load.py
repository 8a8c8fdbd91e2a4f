"""Heartbeat age under load: a background oracle run at concurrency 256; the largest age of state.json's heartbeat
seen by a reader polling every 50 ms, and whether the run ever looked interrupted. No arguments, < 1 min."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.launcher import RunRequest, kill_run, launch


def main() -> None:
    results = Path(tempfile.mkdtemp(prefix="hb-bench-"))
    harness = results / "h.json"
    harness.write_text(json.dumps({"name": "hb", "fixture": "builtin:example", "scenarios": [{
        "id": f"s{i}", "prompt": "How many open bugs?", "checks": [{"kind": "answer", "contains": ["3"]}],
        "solution": {"steps": [{"tool": "jira_search", "arguments": {"jql": "project = WEB"}}] * 5,
                     "answer": "3"}} for i in range(8)]}))
    folder, pid = launch(RunRequest(harness=str(harness), runs=250, concurrency=256), results)
    worst, interrupted, samples = 0.0, 0, 0
    deadline = time.monotonic() + 40
    try:
        while time.monotonic() < deadline:
            info = run_folder.load_run(folder)
            if info.state is not None and info.state.status == "running":
                worst = max(worst, time.time() - info.state.updated_at)
                samples += 1
                interrupted += info.status == "interrupted"
            if info.status in ("completed", "failed", "cancelled"):
                break
            time.sleep(0.05)
        state = run_folder.read_state(folder)
    finally:
        if run_folder.pid_alive(pid):
            kill_run(folder)
    print(f"heartbeat_under_load: max_age_s={worst:.2f} interrupted_samples={interrupted} samples={samples} "
          f"done={state.counts.done} status={state.status} concurrency=256")


if __name__ == "__main__":
    main()
