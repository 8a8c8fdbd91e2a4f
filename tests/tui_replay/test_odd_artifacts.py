"""Artifacts with missing or wrongly typed fields replay as far as they can, with a message, never a crash."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from pilot_helpers import wait_until

from jira_bench_tui.engine import run_folder
from jira_bench_tui.tui.screens.replay import ReplayScreen
from jira_bench_tui.tui.widgets.replay import TrialBanner
from jira_bench_tui.tui.widgets.replay.timeline import build_replay

from .conftest import folder_digest
from .replay_app import COMPLETE_RUN, ReplayTestApp, opened, text_of, visible_cards

ODD_ARTIFACTS: dict[str, Any] = {
    "empty": {},
    "steps-not-a-list": {"outcome": "failed", "steps": "oops", "checks": [], "changes": []},
    "steps-of-odd-things": {
        "outcome": "passed",
        "steps": [
            1,
            None,
            "x",
            {"kind": "tool_call"},
            {"kind": "teleport", "x": 1},
            {"kind": "model", "turn": "2"},
        ],
        "checks": [{"passed": "yes"}, 3, {"index": True, "kind": None, "passed": False, "reason": ["r"]}],
        "changes": [7, {"key": "WEB-1"}, {"key": "WEB-2", "change": "updated", "fields": {"status": "Done"}}],
    },
    "wrong-types": {
        "outcome": 3,
        "turns": "many",
        "duration_s": "slow",
        "error": {"code": 1},
        "steps": [
            {"kind": "tool_call", "tool": 5, "arguments": "not json", "result": {"a": 1}, "is_error": "yes"}
        ],
        "checks": None,
        "changes": "none",
    },
    "not-an-object": [1, 2, 3],
}


@pytest.mark.parametrize("name", sorted(n for n, a in ODD_ARTIFACTS.items() if isinstance(a, dict)))
def test_timeline_never_raises(name: str) -> None:
    artifact = ODD_ARTIFACTS[name]
    replay = build_replay("odd__1", "odd", 1, artifact)
    assert replay.problems or replay.steps


def showing(screen: ReplayScreen, key: str) -> bool:
    return screen.replay is not None and screen.replay.key == key


def at_step(screen: ReplayScreen, position: int) -> bool:
    return screen.position == position


async def test_screen_shows_odd_artifacts_with_a_message(runs: Path) -> None:
    folder = runs / COMPLETE_RUN
    for name, artifact in ODD_ARTIFACTS.items():
        (run_folder.trials_dir(folder) / f"aaa-{name}__1.json").write_text(json.dumps(artifact))
    before = folder_digest(folder)
    async with ReplayTestApp(folder, trial="aaa-empty__1").run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        for name in sorted(ODD_ARTIFACTS):  # the trial list is sorted too: the odd trials come first
            key = f"aaa-{name}__1"
            if screen.replay is None or screen.replay.key != key:
                await pilot.press("right_square_bracket")
                await wait_until(pilot, partial(showing, screen, key), key)
            replay = screen.replay
            assert replay is not None
            assert "⚠" in text_of(screen.query_one(TrialBanner)), name
            for press in ("end", "home", "f", "right", "a", "x", "space", "space"):
                await pilot.press(press)
            await wait_until(pilot, lambda: not screen.playing, "the replay to be still")
            await pilot.press("end")
            if replay.steps:
                last = len(replay.steps) - 1
                await wait_until(pilot, partial(at_step, screen, last), f"the last step of {name}")
                assert len(visible_cards(screen)) == len(replay.steps)
    assert folder_digest(folder) == before
