"""A model step recorded with its API latency and loop wait shows both in its title; one without them (older runs,
offline agents) shows only its duration."""

from __future__ import annotations

import json
from pathlib import Path

from pilot_helpers import wait_until
from textual.widgets import Static

from jira_bench_tui.engine import run_folder

from .replay_app import ReplayTestApp, opened, text_of, visible_cards, write_large_run


async def test_a_model_step_shows_its_api_latency_and_loop_wait_apart(tmp_path: Path) -> None:
    run = write_large_run(tmp_path, steps=1, big_result_chars=200)
    path = run_folder.trials_dir(run) / "long-trial__1.json"
    artifact = json.loads(path.read_text(encoding="utf-8"))
    artifact["steps"][1:1] = [
        {"kind": "model", "turn": 1, "text": "Looking.", "duration_s": 2.3, "latency_s": 2.01, "wait_s": 0.012},
        {"kind": "model", "turn": 1, "text": "Older.", "duration_s": 2.3},
    ]
    path.write_text(json.dumps(artifact), encoding="utf-8")
    async with ReplayTestApp(run).run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await pilot.press("right", "right")
        await wait_until(pilot, lambda: screen.position == 2, "the second model step")
        titles = [text_of(card.query_one(".step-title", Static)) for card in visible_cards(screen)[1:3]]
    assert "2.3 s (API 2.0 s, waited 12 ms)" in titles[0]
    assert titles[1].endswith("2.3 s")
