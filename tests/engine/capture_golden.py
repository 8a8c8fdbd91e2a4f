"""The golden artifacts of a small run, for tests/engine/test_state_capture.py: `jira-bench run` of
data/capture_golden_harness.json with the oracle and the null agent, each trial artifact without its timings.

`python tests/engine/capture_golden.py` rewrites data/capture_golden.json (it was made with the whole-snapshot
engine of e58f57a, before write tracking: run it with PYTHONPATH pointing at such a checkout to remake it)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner

HERE = Path(__file__).parent
HARNESS = HERE / "data" / "capture_golden_harness.json"
GOLDEN = HERE / "data" / "capture_golden.json"
MODELS = ("oracle", "null")
TIMINGS = {"started_at", "finished_at", "duration_s", "duration_ms", "run_id", "queued_s", "latency_s", "wait_s",
           "retry_wait_s"}


def _without_timings(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_timings(item) for key, item in value.items() if key not in TIMINGS}
    if isinstance(value, list):
        return [_without_timings(item) for item in value]
    return value


def _read(path: Path) -> Any:
    return _without_timings(json.loads(path.read_text(encoding="utf-8")))


def golden_run(results: Path) -> dict[str, Any]:
    """{model: {"summary": summary.json, "trials": {trial key: artifact}}}, without timings, of a foreground run of HARNESS per model into `results`."""
    from jira_bench_tui.cli import main

    found: dict[str, Any] = {}
    for model in MODELS:
        folder = results / model
        outcome = CliRunner().invoke(main, ["--results-dir", str(folder), "run", str(HARNESS), "-m", model, "-c", "2"])
        assert outcome.exit_code == 0, outcome.output
        (run,) = [path for path in (folder / "runs").iterdir() if path.is_dir()]
        trials = {path.stem: _read(path) for path in sorted((run / "trials").glob("*.json"))}
        found[model] = {"summary": _read(run / "summary.json"), "trials": trials}
    return found


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        GOLDEN.write_text(json.dumps(golden_run(Path(tmp)), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}", file=sys.stderr)
