"""The real app opened on a replay, and helpers to read the replay screen."""

from __future__ import annotations

import json
from pathlib import Path

from pilot_helpers import wait_until
from textual.pilot import Pilot
from textual.widget import Widget

from jira_bench_tui.tui.app import JiraBenchApp, make_app
from jira_bench_tui.tui.screens.replay import ReplayScreen
from jira_bench_tui.tui.widgets.replay import StepCard

DATA = Path(__file__).parent / "data"
COMPLETE_RUN = "20261124-101500-core-oracle-7f3a"
INTERRUPTED_RUN = "20261124-111500-core-oracle-b0b0"


FIXED_NOW = 1795860999.0


def ReplayTestApp(run_folder: Path, trial: str | None = None) -> JiraBenchApp:  # noqa: N802 (reads as a class)
    """The real app, started on the replay of `run_folder` (under `<results>/runs/`) at `trial`, with a fixed clock
    and no watcher."""
    return make_app(run_folder.parent.parent, start="replay", run_id=run_folder.name, trial=trial,
                    clock=lambda: FIXED_NOW, watch="off")


def visible_cards(screen: ReplayScreen) -> list[StepCard]:
    """The step cards the transcript shows (it also keeps a few hidden ones mounted, ready to show)."""
    return [card for card in screen.query(StepCard) if card.is_attached and not card.has_class("-hidden")]


def text_of(widget: Widget) -> str:
    """The plain text a Static-like widget shows."""
    return str(widget.render())


async def opened(pilot: Pilot[None]) -> ReplayScreen:
    """The replay screen, once it has loaded its run and shows a trial (or that there is none)."""
    app = pilot.app
    await wait_until(
        pilot,
        lambda: isinstance(app.screen, ReplayScreen) and app.screen.is_mounted and app.screen.loaded,
        "the replay screen",
    )
    screen = app.screen
    assert isinstance(screen, ReplayScreen)
    return screen


def write_large_run(folder: Path, steps: int = 400, big_result_chars: int = 100_000) -> Path:
    """A run folder with one long trial ("long-trial__1"): `steps` tool calls, the 3rd with a JSON result of about
    `big_result_chars` characters, and a failed check at the end. Returns the run folder."""
    from jira_bench_tui.engine import run_folder

    spec = run_folder.RunSpec(
        run_id="20261124-120000-long-oracle-1111",
        created_at=1795860900.0,
        harness_source="builtin:long",
        harness_name="long",
        harness={"name": "long"},
        model="oracle",
        runs=1,
        scenario_ids=["long-trial"],
    )
    run = run_folder.create_run(folder, spec)
    counts = run_folder.Counts(total=1, done=1, failed=1)
    run_folder.write_state(run, run_folder.RunState(status="completed", updated_at=1795860912.5, counts=counts))
    issues = [
        {"key": f"WEB-{n}", "summary": f"Issue number {n} about the login page", "status": {"name": "To Do"}}
        for n in range(big_result_chars // 80)
    ]
    records: list[dict[str, object]] = [{"kind": "prompt", "text": "Do many things."}]
    for n in range(steps):
        result = (
            json.dumps({"total": len(issues), "issues": issues})
            if n == 2
            else json.dumps({"n": n, "ok": True})
        )
        records.append(
            {
                "kind": "tool_call",
                "turn": n // 4 + 1,
                "call_id": f"toolu_{n}",
                "tool": "jira_search",
                "arguments": {"jql": f"key = WEB-{n}"},
                "result": result,
                "is_error": False,
                "duration_s": 0.002,
            }
        )
    artifact = {
        "run_id": spec.run_id,
        "scenario_id": "long-trial",
        "repetition": 1,
        "model": "oracle",
        "started_at": 1795860900.0,
        "finished_at": 1795860912.5,
        "prompt": "Do many things.",
        "outcome": "failed",
        "turns": steps // 4,
        "duration_s": 12.5,
        "steps": records,
        "checks": [{"index": 0, "kind": "jql", "description": "count", "passed": False, "reason": "0 != 1"}],
        "changes": [],
    }
    run_folder.write_trial(run, run_folder.TrialArtifact.model_validate(artifact))
    return run
