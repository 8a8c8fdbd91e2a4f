"""Plain-text views of runs for scripts: the `view list` table and the age/score phrases the app shares."""

from __future__ import annotations

import time
from datetime import datetime

from jira_bench_tui.engine.formatting import age
from jira_bench_tui.engine.run_folder import Counts, RunInfo


def score(passed: int, total: int, errored: int = 0) -> str:
    """'45/50 (90%)', with ' + 3 errors' when trials errored (they are not in the total); 'n/a' with nothing scored."""
    errors = f" + {errored} error{'s' if errored != 1 else ''}" if errored else ""
    if not total:
        return f"n/a{errors}"
    return f"{passed}/{total} ({round(100 * passed / total)}%){errors}"


def run_score(counts: Counts) -> str:
    """A run's score so far: passed of the trials scored so far, and 'of TOTAL' while trials are missing (a
    cancelled, failed or running run): '44/44 (100%) of 255'."""
    text = score(counts.passed, counts.passed + counts.failed, counts.errored)
    return f"{text} of {counts.total}" if counts.done < counts.total else text


def started_at(info: RunInfo) -> float:
    """When a run started (Unix seconds): its worker's start, else its creation, else 0 for an unreadable run."""
    if info.state and info.state.started_at:
        return info.state.started_at
    return info.spec.created_at if info.spec else 0.0


def _table(rows: list[list[str]]) -> list[str]:
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]


def format_runs_list(runs: list[RunInfo], now: float | None = None) -> str:
    """The `view list` text: IN PROGRESS (queued, running, interrupted), COMPLETED (completed, failed, cancelled),
    UNREADABLE; newest first within each."""
    now = time.time() if now is None else now
    if not runs:
        return "no runs yet (start one with `jira-bench run builtin:example`)\n"
    live = [r for r in runs if r.status in ("queued", "running", "interrupted")]
    ended = [r for r in runs if r.status in ("completed", "failed", "cancelled")]
    broken = [r for r in runs if r.status == "unreadable"]
    lines: list[str] = []
    lines.append("IN PROGRESS")
    if live:
        rows = []
        for r in live:
            assert r.spec and r.state
            c = r.state.counts
            rows.append([
                r.run_id, r.status, f"{c.done}/{c.total} | started {age(now - started_at(r))}",
                f"passed {c.passed} failed {c.failed} errors {c.errored}", r.spec.harness_name, r.spec.model,
                r.spec.note or "",
            ])
        lines += _table(rows)
    else:
        lines.append("  (none)")
    lines.append("")
    lines.append("COMPLETED")
    if ended:
        rows = []
        for r in ended:
            assert r.spec and r.state
            c = r.state.counts
            when = datetime.fromtimestamp(started_at(r)).strftime("%Y-%m-%d %H:%M")
            status = "" if r.status == "completed" else r.status
            why = (r.state.error or "") if r.status == "failed" else ""  # e.g. the worker's CPU time limit
            rows.append([
                when, r.spec.harness_name, r.spec.model, f"x{r.spec.runs}", run_score(c),
                status, r.run_id, r.spec.note or "", why[:160],
            ])
        lines += _table(rows)
    else:
        lines.append("  (none)")
    if broken:
        lines.append("")
        lines.append("UNREADABLE")
        lines += _table([[r.run_id, f"unreadable: {r.problem}"] for r in broken])
    return "\n".join(lines) + "\n"
