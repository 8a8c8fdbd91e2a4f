"""builtin:core: its shape (tiers, tags, prompts), the oracle passes and the null agent fails every scenario, every
plausible wrong solution in wrong_answers.json fails its scenario, and every other correct way of doing it in
right_answers.json passes (so the checks are not stricter than the task)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from jira_bench_tui.agents.null import NullAgent
from jira_bench_tui.cli import main
from jira_bench_tui.engine.run_folder import CheckResult, ToolCallStep
from jira_bench_tui.engine.trial import score_solution_async
from jira_bench_tui.harness.loader import LoadedHarness, builtin_harness_dir, load_harness
from jira_bench_tui.harness.schema import AnswerCheck, Solution, UnchangedCheck

from .conftest import RIGHT_ANSWERS, WRONG_ANSWERS

CORE = load_harness("builtin:core")
SCENARIO_IDS = [s.id for s in CORE.harness.scenarios]
WRONG = json.loads(WRONG_ANSWERS.read_text(encoding="utf-8"))
WRONG_CASES = [(scenario_id, index) for scenario_id, entries in WRONG.items() for index in range(len(entries))]
RIGHT = json.loads(RIGHT_ANSWERS.read_text(encoding="utf-8"))
RIGHT_CASES = [(scenario_id, index) for scenario_id, entries in RIGHT.items() for index in range(len(entries))]
ISSUE_KEY = re.compile(r"\b[A-Z][A-Z0-9]+-\d+\b")


def _solution(entry: dict[str, Any]) -> Solution:
    """A table entry as a Solution: its steps and answer (the "why" is for people)."""
    return Solution.model_validate({k: v for k, v in entry.items() if k != "why"})


def _failed_checks(checks: list[CheckResult]) -> str:
    return "; ".join(f"{c.kind}: {c.reason}" for c in checks if not c.passed) or "no check failed"


def test_three_tiers_with_enough_scenarios(core: LoadedHarness) -> None:
    tiers = Counter(s.tier for s in core.harness.scenarios)
    assert tiers["easy"] >= 20 and tiers["medium"] >= 30 and tiers["hard"] >= 16
    assert sum(tiers.values()) == len(core.harness.scenarios) >= 66
    assert core.harness.fixture == "builtin:default"


def test_every_scenario_has_one_tier_and_a_skill(core: LoadedHarness) -> None:
    for scenario in core.harness.scenarios:
        assert len([t for t in scenario.tags if t.startswith("tier:")]) == 1, scenario.id
        assert any(t.startswith("skill:") for t in scenario.tags), scenario.id
        assert scenario.title, scenario.id


def test_every_scenario_pins_what_else_may_change(core: LoadedHarness) -> None:
    for scenario in core.harness.scenarios:
        assert any(isinstance(c, UnchangedCheck) for c in scenario.checks), scenario.id


def test_prompts_read_like_a_colleague_and_name_no_issue_keys(core: LoadedHarness) -> None:
    for scenario in core.harness.scenarios:
        assert not ISSUE_KEY.search(scenario.prompt), f"{scenario.id}: {scenario.prompt}"
        assert "jira_" not in scenario.prompt and "JQL" not in scenario.prompt, scenario.id


def test_answer_checks_come_with_a_reference_answer(core: LoadedHarness) -> None:
    for scenario in core.harness.scenarios:
        if any(isinstance(c, AnswerCheck) for c in scenario.checks):
            assert scenario.solution.answer != "Done.", scenario.id


def test_the_wrong_answer_table_covers_every_scenario() -> None:
    assert sorted(WRONG) == sorted(SCENARIO_IDS)
    assert set(RIGHT) <= set(SCENARIO_IDS)
    for table in (WRONG, RIGHT):
        for scenario_id, entries in table.items():
            for entry in entries:
                assert entry["why"], scenario_id
                _solution(entry)


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
async def test_the_oracle_passes_and_the_null_agent_fails(core: LoadedHarness, scenario_id: str) -> None:
    scenario = core.harness.scenario(scenario_id)
    oracle = await score_solution_async(core, scenario)
    assert oracle.outcome == "passed", _failed_checks(oracle.checks) + (f" ({oracle.error})" if oracle.error else "")
    tool_errors = [s.result for s in oracle.artifact.steps if isinstance(s, ToolCallStep) and s.is_error]
    assert not tool_errors, tool_errors
    null = await score_solution_async(core, scenario, agent=NullAgent())
    assert null.outcome == "failed", null.error


@pytest.mark.parametrize(("scenario_id", "index"), WRONG_CASES, ids=[f"{s}-{i}" for s, i in WRONG_CASES])
async def test_a_plausible_wrong_solution_fails(core: LoadedHarness, scenario_id: str, index: int) -> None:
    entry = WRONG[scenario_id][index]
    scored = await score_solution_async(core, core.harness.scenario(scenario_id), _solution(entry))
    assert scored.outcome == "failed", f"{entry['why']}: {scored.outcome} {scored.error or ''}"


@pytest.mark.parametrize(("scenario_id", "index"), RIGHT_CASES, ids=[f"{s}-{i}" for s, i in RIGHT_CASES])
async def test_another_correct_solution_passes(core: LoadedHarness, scenario_id: str, index: int) -> None:
    entry = RIGHT[scenario_id][index]
    scored = await score_solution_async(core, core.harness.scenario(scenario_id), _solution(entry))
    assert scored.outcome == "passed", f"{entry['why']}: {_failed_checks(scored.checks)}"


def test_validate_accepts_the_builtin_suite() -> None:
    result = CliRunner().invoke(main, ["validate", "builtin:core", "--schema-only"])
    assert result.exit_code == 0, result.output
    assert "schema ok" in result.output


@pytest.mark.parametrize(("break_it", "message"), [
    (lambda h: h["scenarios"][9]["checks"][0]["expect"].update(status="Doing"),
     "scenarios[9].checks[0].expect.status: unknown status 'Doing'"),
    (lambda h: h["scenarios"][0]["checks"].append({"kind": "unchanged", "exept": []}), "scenarios[0].checks[2]"),
    (lambda h: h["scenarios"].append(dict(h["scenarios"][3])), "duplicate scenario id 'read-sprint-end'"),
])
def test_a_broken_copy_of_the_suite_is_refused_and_left_as_it_was(
    tmp_path: Path, break_it: Any, message: str
) -> None:
    data = json.loads((builtin_harness_dir() / "core.json").read_text(encoding="utf-8"))
    data["fixture"] = "builtin:default"
    break_it(data)
    harness = tmp_path / "core-copy.json"
    harness.write_text(json.dumps(data), encoding="utf-8")
    before = harness.read_bytes()
    result = CliRunner().invoke(main, ["validate", str(harness)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert harness.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["core-copy.json"]
