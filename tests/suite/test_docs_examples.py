"""The examples in docs/fixtures.md and docs/suite.md work as the docs say."""

from __future__ import annotations

import json
import re
from pathlib import Path

from jira_bench_tui.engine.trial import score_solution_async
from jira_bench_tui.harness.loader import load_harness
from jira_bench_tui.harness.schema import Solution
from jira_bench_tui.jira import db
from jira_bench_tui.jira.fixture import Fixture

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _json_blocks(name: str) -> list[str]:
    return re.findall(r"```json\n(.*?)```", (DOCS / name).read_text(encoding="utf-8"), re.S)


def test_the_fixture_example_builds(tmp_path: Path) -> None:
    fixture = Fixture.model_validate(json.loads(_json_blocks("fixtures.md")[0]))
    db.build_database(fixture, tmp_path / "tiny.sqlite")
    assert (tmp_path / "tiny.sqlite").stat().st_size > 0


async def test_the_worked_scenario_passes_and_its_wrong_answers_fail(tmp_path: Path) -> None:
    scenario_block, wrong_block = _json_blocks("suite.md")[:2]
    harness = tmp_path / "worked.json"
    harness.write_text(json.dumps({"name": "worked", "fixture": "builtin:default",
                                   "scenarios": [json.loads(scenario_block)]}), encoding="utf-8")
    loaded = load_harness(str(harness))
    scenario = loaded.harness.scenarios[0]
    assert (await score_solution_async(loaded, scenario)).outcome == "passed"
    for entry in json.loads("{" + wrong_block + "}")[scenario.id]:
        wrong = Solution.model_validate({k: v for k, v in entry.items() if k != "why"})
        assert (await score_solution_async(loaded, scenario, wrong)).outcome == "failed", entry["why"]
