"""Deprecated alias of `jira_bench_tui.engine.run_folder`, for the two callers outside this branch's slice.

`cli.py` (being moved into `cli/` on another branch) and `tests/tui_replay/replay_app.py` still import these names
from here; once they import `jira_bench_tui.engine.run_folder`, delete this module. Nothing else may import it.
"""

from jira_bench_tui.engine.run_folder import (
    Counts,
    RunSpec,
    RunState,
    create_run,
    find_run,
    list_runs,
    write_state,
    write_trial,
)

__all__ = ["Counts", "RunSpec", "RunState", "create_run", "find_run", "list_runs", "write_state", "write_trial"]
