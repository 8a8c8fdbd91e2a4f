"""State capture proportional to the change (docs/engine.md, "State capture"): the embedded Jira's tracked writes
give the same check results, changes and artifacts as whole-Jira snapshots, the reference way (also the engine's
before write tracking: the golden artifacts were made with it)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from jira_bench_tui.agents.null import NullAgent
from jira_bench_tui.engine.trial import score_solution_async
from jira_bench_tui.harness.changes import diff_snapshots
from jira_bench_tui.harness.loader import LoadedHarness, load_harness
from jira_bench_tui.harness.schema import Solution
from jira_bench_tui.jira import db
from jira_bench_tui.jira.fixture_files import load_fixture_file
from jira_bench_tui.jira.reader import SqliteReader
from jira_bench_tui.jira.state_capture import TemplateBaseline, TrackedWrites, WholeSnapshots, capture_for

from .capture_golden import GOLDEN, golden_run

WRONG_ANSWERS = json.loads((Path(__file__).parents[1] / "suite" / "wrong_answers.json").read_text(encoding="utf-8"))
CORE = load_harness("builtin:core")


def _judged(scored: Any) -> dict[str, Any]:
    return {"outcome": scored.outcome, "error": scored.error, "checks": [c.model_dump() for c in scored.checks],
            "changes": [c.model_dump() for c in scored.changes]}


async def _both_ways(loaded: LoadedHarness, scenario_id: str, solution: Solution | None,
                     null: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    scenario = next(s for s in loaded.harness.scenarios if s.id == scenario_id)
    agent = NullAgent() if null else None
    tracked = await score_solution_async(loaded, scenario, solution, agent=agent)
    whole = await score_solution_async(loaded, scenario, solution, agent=agent, whole_snapshots=True)
    return _judged(tracked), _judged(whole)


@pytest.mark.parametrize("scenario_id", [s.id for s in CORE.harness.scenarios])
async def test_tracked_writes_judge_every_core_scenario_as_whole_snapshots_do(scenario_id: str) -> None:
    """The oracle, the null agent and every plausible wrong solution of the suite: same outcome, check results
    (`unchanged` ones included, passing and failing) and changes either way."""
    tracked, whole = await _both_ways(CORE, scenario_id, None)
    assert tracked == whole and tracked["outcome"] == "passed"
    tracked, whole = await _both_ways(CORE, scenario_id, None, null=True)
    assert tracked == whole and tracked["outcome"] == "failed"
    for wrong in WRONG_ANSWERS[scenario_id]:
        solution = Solution.model_validate({"steps": wrong["steps"], "answer": wrong["answer"]})
        tracked, whole = await _both_ways(CORE, scenario_id, solution)
        assert tracked == whole and tracked["outcome"] == "failed", wrong["why"]


def test_a_small_run_gives_the_golden_artifacts(tmp_path: Path) -> None:
    """`jira-bench run` with the oracle and the null agent: the same summary and trial artifacts (timings aside)
    as the engine gave before write tracking (tests/engine/capture_golden.py made them)."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert golden_run(tmp_path) == golden


# ---- writes the triggers must see, whoever makes them ---------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return db.prepare_template(load_fixture_file("builtin:default"), tmp_path_factory.mktemp("templates"))


WRITES = {
    "a sprint renamed": ["UPDATE sprints SET name = 'Renamed' WHERE id = (SELECT MIN(sprint_id) FROM sprint_issues)"],
    "a version renamed": ["UPDATE versions SET name = 'v-renamed' WHERE id = (SELECT MIN(version_id) "
                          "FROM issue_versions)"],
    "a user renamed": ["UPDATE users SET display_name = 'Someone Else' WHERE account_id = (SELECT assignee_id "
                       "FROM issues WHERE assignee_id IS NOT NULL LIMIT 1)"],
    "a status renamed": ["UPDATE statuses SET name = 'Doing it' WHERE id = (SELECT MIN(status_id) FROM issues)"],
    "an issue key changed (a move)": [
        "UPDATE issues SET key = 'MOVED-1' WHERE id = (SELECT parent_id FROM issues WHERE parent_id IS NOT NULL "
        "LIMIT 1)",
        "UPDATE issues SET key = 'MOVED-2' WHERE id = (SELECT inward_issue_id FROM issue_links LIMIT 1)"],
    "a linked issue deleted (links cascade)": [
        "UPDATE issues SET parent_id = NULL WHERE parent_id = (SELECT outward_issue_id FROM issue_links LIMIT 1)",
        "DELETE FROM issues WHERE id = (SELECT outward_issue_id FROM issue_links LIMIT 1)"],
    "a link type renamed": ["UPDATE link_types SET outward = 'holds up' WHERE id = (SELECT MIN(link_type_id) "
                            "FROM issue_links)"],
    "a custom field renamed": ["UPDATE fields SET name = 'Points' WHERE custom = 1 "
                               "AND lower(name) LIKE 'story point%'"],
}


@pytest.mark.parametrize("what", list(WRITES))
async def test_writes_by_any_connection_are_captured(template: Path, tmp_path: Path, what: str) -> None:
    """Writes made outside the tools (another connection) that change records of issues they do not name."""
    copy = db.copy_database(template, tmp_path / "jira.sqlite")
    baseline = TemplateBaseline(template)
    with SqliteReader(copy) as reader:
        whole = WholeSnapshots(reader)
        await whole.start()
        writer = sqlite3.connect(copy)
        writer.execute("PRAGMA foreign_keys = ON")
        with writer:
            for sql in WRITES[what]:
                writer.execute(sql)
        writer.close()
        capture = capture_for(reader, baseline)
        assert isinstance(capture, TrackedWrites)
        tracked, reference = await capture.finish(), await whole.finish()
    baseline.close()
    expected = diff_snapshots(reference.before, reference.after)
    assert expected, "the write changed no record"
    assert diff_snapshots(tracked.before, tracked.after) == expected
    if what != "a custom field renamed":  # renaming a field marks every issue (records show fields by name)
        assert len(tracked.after) < len(reference.after)  # proportional: not every issue


async def test_one_runner_judges_every_trial_as_a_fresh_jira_would() -> None:
    """A TrialRunner reuses its trial databases (rolled back after every trial): the oracle, the null agent and
    every wrong solution of the suite, one after the other on one runner each, judged as on a fresh runner each."""
    from jira_bench_tui.agents.oracle import OracleAgent
    from jira_bench_tui.engine.trial import TrialOptions, TrialRunner

    plays: list[tuple[Any, Solution | None, bool]] = []
    for scenario in CORE.harness.scenarios:
        plays += [(scenario, None, False), (scenario, None, True)]
        plays += [(scenario, Solution.model_validate({"steps": w["steps"], "answer": w["answer"]}), False)
                  for w in WRONG_ANSWERS[scenario.id]]
    runners = {False: TrialRunner(CORE, OracleAgent(), TrialOptions()), True: TrialRunner(CORE, NullAgent(),
                                                                                            TrialOptions())}
    try:
        for rep, (scenario, solution, null) in enumerate(plays):
            played = scenario if solution is None else scenario.model_copy(update={"solution": solution})
            artifact = await runners[null].run(played, rep + 1, lambda _event: None)
            fresh = await score_solution_async(CORE, scenario, solution, agent=NullAgent() if null else None)
            assert _judged(fresh) == {"outcome": artifact.outcome, "error": artifact.error,
                                      "checks": [c.model_dump() for c in artifact.checks],
                                      "changes": [c.model_dump() for c in artifact.changes]}, (scenario.id, rep)
    finally:
        for runner in runners.values():
            runner.close()
