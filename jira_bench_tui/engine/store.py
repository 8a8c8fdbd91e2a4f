"""Deprecated alias of `jira_bench_tui.engine.run_folder`, for the two callers outside this branch's slice.

`cli.py` (being moved into `cli/` on another branch) and `tests/tui_replay/replay_app.py` still import these names
from here; once they import `jira_bench_tui.engine.run_folder` (and write artifacts with
`run_folder.write_trial(folder, TrialArtifact)`), delete this module. Nothing else may import it.
"""

from pathlib import Path
from typing import Any

from jira_bench_tui.engine.run_folder import (
    Counts,
    RunSpec,
    RunState,
    create_run,
    find_run,
    list_runs,
    trial_path,
    write_json_atomic,
    write_state,
)

__all__ = ["Counts", "RunSpec", "RunState", "create_run", "find_run", "list_runs", "write_state", "write_trial"]


def write_trial(folder: Path, scenario_id: str, repetition: int, artifact: dict[str, Any]) -> None:
    """The old signature: write a trial artifact given as JSON data, as it is (compact JSON, fsynced)."""
    write_json_atomic(trial_path(folder, scenario_id, repetition), artifact, indent=None)
