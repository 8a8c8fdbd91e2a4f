"""The offline agents: oracle (with placeholders), null, and replay from a hand-made run folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jira_bench_tui.agents.base import AgentError
from jira_bench_tui.agents.null import NullAgent
from jira_bench_tui.agents.oracle import OracleAgent, PlaceholderError, fill, play_solution
from jira_bench_tui.agents.replay import ReplayAgent
from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.agent_factory import RunFolderTrials
from jira_bench_tui.engine.toolbox import open_toolbox
from jira_bench_tui.harness.schema import Solution

from .conftest import run_trial, scenario, tiny_jira

CREATE_THEN_COMMENT = {
    "steps": [
        {"id": "story", "tool": "create_issue", "arguments": {"summary": "Checkout page", "labels": ["web"]}},
        {"tool": "add_comment", "arguments": {"issue_key": "{{story.issue.key}}", "body": "Created {{story.issue.key}} ({{story.issue.labels}})"}},
        {"id": "read", "tool": "get_issue", "arguments": {"issue_key": "{{ story.issue.key }}"}},
    ],
    "answer": "Created the story and commented on it.",
}


async def test_oracle_fills_placeholders_from_earlier_results() -> None:
    trial = await run_trial(OracleAgent(), scenario(solution=CREATE_THEN_COMMENT))
    result = trial.result
    assert result is not None
    assert result.final_answer == "Created the story and commented on it."
    assert result.turns == 4 and result.stop_reason == "end_turn" and result.usage.cost_usd == 0
    calls = trial.toolbox.calls
    assert [c["tool"] for c in calls] == ["create_issue", "add_comment", "get_issue"]
    assert calls[1]["arguments"] == {"issue_key": "T-2", "body": 'Created T-2 (["web"])'}
    assert calls[2]["arguments"] == {"issue_key": "T-2"}
    assert json.loads(calls[2]["result"])["comments"] == ['Created T-2 (["web"])']
    assert [c["turn"] for c in calls] == [1, 2, 3]
    # shaped like a model's transcript: prompt, then tool_use / tool_result pairs, then the answer
    assert [m["role"] for m in result.messages] == ["user"] + ["assistant", "user"] * 3 + ["assistant"]
    use, answer = result.messages[3]["content"][0], result.messages[-1]["content"][0]
    assert use["type"] == "tool_use" and use["input"]["issue_key"] == "T-2"
    assert result.messages[4]["content"][0]["tool_use_id"] == use["id"]
    assert answer == {"type": "text", "text": "Created the story and commented on it."}
    assert len(trial.of_type("agent_message")) == 4


async def test_oracle_records_failed_and_unfillable_steps_and_goes_on() -> None:
    solution = {
        "steps": [
            {"id": "missing", "tool": "get_issue", "arguments": {"issue_key": "T-404"}},
            {"tool": "add_comment", "arguments": {"issue_key": "{{missing.key}}", "body": "x"}},
            {"id": "first", "tool": "get_issue", "arguments": {"issue_key": "T-1"}},
            {"tool": "add_comment", "arguments": {"issue_key": "{{first.nope}}", "body": "x"}},
            {"tool": "add_comment", "arguments": {"issue_key": "{{first.key}}", "body": "labels: {{first.labels.0}}"}},
        ],
        "answer": "Done.",
    }
    async with open_toolbox(tiny_jira()) as toolbox:
        events: list[tuple[str, dict[str, Any]]] = []
        play = await play_solution(Solution.model_validate(solution), toolbox, emit=lambda t, f: events.append((t, f)))
    assert [c["tool"] for c in toolbox.calls] == ["get_issue", "get_issue", "add_comment"]
    assert toolbox.calls[-1]["arguments"] == {"issue_key": "T-1", "body": "labels: web"}
    assert play.problems[0].startswith("step 1 (get_issue) failed: ") and "T-404 not found" in play.problems[0]
    assert play.problems[1] == "step 2 (add_comment) skipped: a placeholder cannot be filled: no earlier step 'missing' with a JSON result"
    assert play.problems[2] == "step 4 (add_comment) skipped: a placeholder cannot be filled: 'first' has no 'nope'"
    assert len(play.problems) == 3
    assert [f["level"] for t, f in events if t == "log"] == ["warning"] * 3
    assert play.messages[1]["content"][0]["is_error"] is True


def test_a_whole_string_placeholder_keeps_its_json_type() -> None:
    results = {"s": {"issue": {"key": "T-9", "id": 10009, "labels": ["a", "b"], "done": False}}}
    assert fill({"id": "{{s.issue.id}}", "labels": "{{s.issue.labels}}", "flag": "{{s.issue.done}}"}, results) == {
        "id": 10009, "labels": ["a", "b"], "flag": False,
    }
    assert fill(["see {{s.issue.key}}", {"n": ["{{s.issue.labels.-1}}"]}], results) == ["see T-9", {"n": ["b"]}]
    assert fill("no placeholders {here}", results) == "no placeholders {here}"
    with pytest.raises(PlaceholderError, match="'s.issue.labels' has no '5'"):
        fill("{{s.issue.labels.5}}", results)


async def test_null_agent_calls_nothing_and_answers_done() -> None:
    trial = await run_trial(NullAgent())
    assert trial.result is not None
    assert trial.result.final_answer == "done" and trial.result.turns == 1
    assert trial.toolbox.calls == []
    assert trial.result.messages[-1] == {"role": "assistant", "content": [{"type": "text", "text": "done"}]}


# ---- replay ------------------------------------------------------------------------------------------------------


def hand_made_run(results: Path, trials: dict[tuple[str, int], dict[str, Any]]) -> Path:
    """A run folder with only what the replay agent reads: trial artifacts."""
    folder = run_folder.run_dir(results, "20261124-101500-demo-sonnet-4-6-ab12")
    run_folder.trials_dir(folder).mkdir(parents=True)
    for (scenario_id, rep), transcript in trials.items():
        run_folder.write_trial(folder, run_folder.TrialArtifact.model_validate({
            "run_id": folder.name, "scenario_id": scenario_id, "repetition": rep, "model": "claude-sonnet-4-6",
            "outcome": "passed", "started_at": 1.0, "finished_at": 2.0, "duration_s": 1.0,
            "prompt": "Comment on T-1.", **transcript,
        }))
    return folder


def earlier_transcript(body: str) -> dict[str, Any]:
    return {
        "final_answer": f"Commented '{body}'.",
        "stop_reason": "end_turn",
        "messages": [
            {"role": "user", "content": "Comment on T-1."},
            {"role": "assistant", "content": [
                {"type": "text", "text": "Looking."},
                {"type": "tool_use", "id": "toolu_a", "name": "get_issue", "input": {"issue_key": "T-1"}},
                {"type": "tool_use", "id": "toolu_b", "name": "get_issue", "input": {"issue_key": "T-7"}},
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_a", "content": "{}"},
                {"type": "tool_result", "tool_use_id": "toolu_b", "content": "old result", "is_error": True},
            ]},
            {"role": "assistant", "content": [
                {"type": "tool_use", "id": "toolu_c", "name": "add_comment", "input": {"issue_key": "T-1", "body": body}},
            ]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_c", "content": "{}"}]},
            {"role": "assistant", "content": [{"type": "text", "text": f"Commented '{body}'."}]},
        ],
    }


async def test_replay_reissues_the_tool_calls_and_gives_the_same_answer(tmp_path: Path) -> None:
    folder = hand_made_run(tmp_path, {("comment-login-bug", 1): earlier_transcript("rep one"),
                                      ("comment-login-bug", 3): earlier_transcript("rep three")})
    before = {p.name: p.read_bytes() for p in run_folder.trials_dir(folder).iterdir()}
    agent = ReplayAgent(RunFolderTrials(folder))
    trial = await run_trial(agent, repetition=2)  # no rep 2: the nearest (the lower on a tie) is rep 1
    result = trial.result
    assert result is not None
    assert result.final_answer == "Commented 'rep one'."
    assert [(c["tool"], c["call_id"], c["turn"]) for c in trial.toolbox.calls] == [
        ("get_issue", "toolu_a", 1), ("get_issue", "toolu_b", 1), ("add_comment", "toolu_c", 2),
    ]
    # results come from this trial's Jira, not the earlier run
    first_results = result.messages[2]["content"]
    assert json.loads(first_results[0]["content"])["key"] == "T-1"
    assert first_results[1]["is_error"] is True and "T-7 not found" in first_results[1]["content"]
    assert result.turns == 3 and len(result.messages) == 6
    assert {p.name: p.read_bytes() for p in run_folder.trials_dir(folder).iterdir()} == before  # read only

    trial = await run_trial(agent, repetition=3)
    assert trial.result is not None and trial.result.final_answer == "Commented 'rep three'."


async def test_replay_answers_a_call_with_invalid_arguments_without_calling_the_tool(tmp_path: Path) -> None:
    transcript = earlier_transcript("on it")
    transcript["messages"][1]["content"][1] = {"type": "tool_use", "id": "call_bad", "name": "get_issue", "input": {},
                                               "invalid_arguments": '{"issue_key": '}
    folder = hand_made_run(tmp_path, {("comment-login-bug", 1): transcript})
    trial = await run_trial(ReplayAgent(RunFolderTrials(folder)))
    assert [c["call_id"] for c in trial.toolbox.calls] == ["toolu_b", "toolu_c"]  # the bad call reached no tool
    assert trial.result is not None
    answer = trial.result.messages[2]["content"][0]
    assert answer["tool_use_id"] == "call_bad" and answer["is_error"] is True
    assert "not a JSON object" in answer["content"]


async def test_replay_of_a_scenario_the_earlier_run_did_not_have_is_an_agent_error(tmp_path: Path) -> None:
    folder = hand_made_run(tmp_path, {("other-scenario", 1): earlier_transcript("x")})
    trial = await run_trial(ReplayAgent(RunFolderTrials(folder)), expect_error=AgentError)
    assert str(trial.error) == (
        "run 20261124-101500-demo-sonnet-4-6-ab12 has no trial of scenario 'comment-login-bug' to replay"
    )
    assert trial.toolbox.calls == []


async def test_replay_of_a_corrupt_artifact_is_an_agent_error(tmp_path: Path) -> None:
    folder = hand_made_run(tmp_path, {})
    (run_folder.trials_dir(folder) / "comment-login-bug__1.json").write_text("{not json", encoding="utf-8")
    trial = await run_trial(ReplayAgent(RunFolderTrials(folder)), expect_error=AgentError)
    assert "cannot replay comment-login-bug from run" in str(trial.error) and "not valid JSON" in str(trial.error)
