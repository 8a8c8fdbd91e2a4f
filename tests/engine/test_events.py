"""Typed events: each type parses into its model, a newer writer's fields and types are kept and shown plainly,
malformed lines never crash a reader, and the one-line rendering of every known type is pinned."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.event_lines import RENDERERS, describe, event_line, finished_trial_line
from jira_bench_tui.engine.run_folder import (
    KNOWN_EVENTS,
    EventReader,
    EventWriter,
    LogEvent,
    ToolCallEvent,
    TrialFinishedEvent,
    UnknownEvent,
    parse_event,
    parse_event_line,
)

from .conftest import invoke

T = {"trial": "assign-login-bug__2", "scenario": "assign-login-bug", "rep": 2}
SAMPLES: list[tuple[dict[str, Any], str]] = [
    ({"t": 100.0, "type": "run_started", "run_id": "r", "model": "oracle", "harness": "example", "total": 6,
      "pending": 4, "resumed": True, "concurrency": 2},
     "+00:00 run                          run resumed: 4 of 6 trials to do, model oracle, concurrency 2"),
    ({"t": 101.5, "type": "trial_started", **T}, "+00:01 assign-login-bug#2           started"),
    ({"t": 102.0, "type": "agent_message", **T, "turn": 1, "text": "Looking\nup [INST] WEB-12", "tool_uses": 2,
      "usage": {"output_tokens": 40}},
     "+00:02 assign-login-bug#2           turn 1: Looking up [INST] WEB-12 (2 tool calls)"),
    ({"t": 102.0, "type": "agent_message", **T, "turn": 2, "text": "", "tool_uses": 0, "usage": {}},
     "+00:02 assign-login-bug#2           turn 2: (no text)"),
    ({"t": 103.0, "type": "tool_call", **T, "turn": 1, "call_id": "toolu_1", "tool": "jira_get_issue",
      "arguments": {"issue_key": "WEB-12", "fields": ["a", "b"]}},
     '+00:03 assign-login-bug#2           → jira_get_issue {"issue_key":"WEB-12","fields":["a","b"]}'),
    ({"t": 103.2, "type": "tool_result", **T, "turn": 1, "call_id": "toolu_1", "tool": "jira_get_issue",
      "is_error": True, "duration_ms": 2.4, "result": '{"key": "WEB-12"}'},
     '+00:03 assign-login-bug#2           ← jira_get_issue ERROR 2ms: {"key": "WEB-12"}'),
    ({"t": 104.0, "type": "check_result", **T, "index": 0, "kind": "issue", "passed": False,
      "reason": "WEB-12 status is 'To Do'"},
     "+00:04 assign-login-bug#2           check 1 issue FAILED: WEB-12 status is 'To Do'"),
    ({"t": 104.0, "type": "check_result", **T, "index": 1, "kind": "jql_count", "passed": True, "reason": ""},
     "+00:04 assign-login-bug#2           check 2 jql_count passed"),
    ({"t": 105.0, "type": "trial_finished", **T, "outcome": "failed", "duration_s": 3.25, "turns": 1,
      "tool_calls": 1, "tokens": 12345, "cost_usd": 0.0123, "error": None},
     "+00:05 assign-login-bug#2           finished FAILED in 3.25s (1 turn, 1 tool call, 12,345 tokens, $0.0123)"),
    ({"t": 105.0, "type": "trial_finished", **T, "outcome": "error", "duration_s": 0.5, "turns": 0, "tool_calls": 0,
      "tokens": 0, "cost_usd": 0.0, "error": "the MCP\nserver broke"},
     "+00:05 assign-login-bug#2           finished ERROR in 0.50s (0 turns, 0 tool calls): the MCP server broke"),
    ({"t": 106.0, "type": "log", "level": "warning", "message": "wall time reached", **T},
     "+00:06 assign-login-bug#2           warning: wall time reached"),
    ({"t": 3700.0, "type": "log", "level": "info", "message": "hello"},
     "+1:00:00 run                          info: hello"),
    ({"t": 107.0, "type": "run_finished", "status": "completed", "passed": 2, "failed": 1, "errored": 1, "total": 4,
      "pass_rate": 0.6667, "cost_usd": 0.5, "error": None},
     "+00:07 run                          run completed: 2 passed, 1 failed, 1 errors of 4 (pass rate 67%)"),
    ({"t": 107.0, "type": "run_finished", "status": "failed", "passed": 0, "failed": 0, "errored": 1, "total": 4,
      "pass_rate": None, "cost_usd": 0.0, "error": "key refused"},
     "+00:07 run                          run failed: 0 passed, 0 failed, 1 errors of 4 (pass rate n/a): key refused"),
]


@pytest.mark.parametrize(("data", "line"), SAMPLES, ids=[f"{d['type']}-{i}" for i, (d, _) in enumerate(SAMPLES)])
def test_each_known_type_parses_into_its_model_and_renders_its_line(data: dict[str, Any], line: str) -> None:
    event = parse_event(data)
    assert event is not None and not isinstance(event, UnknownEvent)
    assert type(event) is run_folder.EVENT_TYPES[data["type"]]
    assert event_line(event, 100.0) == line


def test_every_known_type_has_one_renderer() -> None:
    assert set(RENDERERS) == set(KNOWN_EVENTS)


def test_finished_trial_lines_of_the_foreground_display() -> None:
    failed, errored = (parse_event(data) for data, _ in SAMPLES[8:10])
    assert isinstance(failed, TrialFinishedEvent) and isinstance(errored, TrialFinishedEvent)
    assert finished_trial_line(failed, 3, 12) == "[ 3/12] FAILED  assign-login-bug#2                 3.25 s  1 turn, 1 tool call"
    assert finished_trial_line(errored, 10, 12) == (
        "[10/12] ERROR   assign-login-bug#2                 0.50 s  0 turns, 0 tool calls  the MCP server broke")


def test_an_unknown_type_is_kept_whole_and_shown_plainly() -> None:
    data = {"t": 108.0, "type": "future_thing", "scenario": "close-duplicate", "rep": 1, "payload": {"a": [1, 2]}}
    event = parse_event(data)
    assert isinstance(event, UnknownEvent) and event.to_record() == data
    assert event_line(event, 100.0) == (
        '+00:08 close-duplicate#1            future_thing: {"scenario":"close-duplicate","rep":1,"payload":{"a":[1,2]}}')


@pytest.mark.parametrize("data", [
    {"t": 1.0, "type": "tool_call", **T},  # fields missing
    {"t": 1.0, "type": "trial_finished", **T, "outcome": "maybe", "duration_s": 1, "turns": 1, "tool_calls": 0,
     "tokens": 0, "cost_usd": 0, "error": None},  # an outcome this reader does not know
    {"type": "log", "level": "info", "message": "no time"},
    {"t": "soon", "type": "log", "level": "info", "message": "a time that is no number"},
    {"t": 1.0, "type": 7, "x": 1},
    {"t": 1.0},
])
def test_a_known_type_whose_fields_do_not_fit_is_kept_as_an_unknown_event(data: dict[str, Any]) -> None:
    event = parse_event(data)
    assert isinstance(event, UnknownEvent)
    assert event.type == str(data.get("type"))
    assert event.t == (data["t"] if isinstance(data.get("t"), float) else None)
    assert {k: v for k, v in event.to_record().items() if k not in ("t", "type")} == {
        k: v for k, v in data.items() if k not in ("t", "type")}
    assert describe(event).startswith(f"{event.type}: {{")
    assert event_line(event, 0.0).startswith("+00:0")


@pytest.mark.parametrize("line", [b"", b"not json", b'{"t": 1, "type": "log", "lev', b"[1, 2]", b'"text"', b"\xff\xfe",
                                  b"[" * 100_000])
def test_lines_that_are_no_json_object_parse_to_none(line: bytes) -> None:
    assert parse_event_line(line) is None


def test_extra_fields_of_a_known_type_are_kept_and_written_back(tmp_path: Path) -> None:
    data = {"t": 5.0, "type": "tool_call", **T, "turn": 1, "call_id": "c", "tool": "jira_search",
            "arguments": {"jql": "x"}, "server": "v2"}
    event = parse_event(data)
    assert isinstance(event, ToolCallEvent) and event.model_extra == {"server": "v2"}
    writer = EventWriter(tmp_path)
    writer.write(event)
    writer.write(LogEvent(t=6.0, level="info", message="run-level: no trial fields written"))
    writer.close()
    lines = [json.loads(line) for line in run_folder.events_path(tmp_path).read_text().splitlines()]
    assert lines == [data, {"t": 6.0, "type": "log", "level": "info", "message": "run-level: no trial fields written"}]


def test_the_reader_skips_malformed_lines_and_keeps_unknown_ones(tmp_path: Path) -> None:
    run_folder.events_path(tmp_path).write_bytes(
        b'{"t": 1, "type": "trial_started", "trial": "a__1", "scenario": "a", "rep": 1}\n'
        b"garbage\n[1, 2]\n"
        b'{"t": 2, "type": "future_thing", "x": 1}\n'
        b'{"t": 3, "type": "trial_finished", "trial": "a__1"}\n'
    )
    reader = EventReader.for_run(tmp_path)
    events = reader.read_new()
    assert [type(e).__name__ for e in events] == ["TrialStartedEvent", "UnknownEvent", "UnknownEvent"]
    assert reader.skipped == 2


def test_attach_shows_unknown_and_misfit_events_plainly_and_skips_garbage(results: Path) -> None:
    spec = run_folder.RunSpec(run_id="20261124-101500-example-oracle-0e0e", created_at=100.0,
                              harness_source="builtin:example", harness_name="example", harness={"name": "example"},
                              model="oracle", runs=1, scenario_ids=["a"])
    folder = run_folder.create_run(results, spec)
    lines = [
        {"t": 100.0, "type": "run_started", "run_id": spec.run_id, "model": "oracle", "harness": "example",
         "total": 1, "pending": 1, "resumed": False, "concurrency": 1},
        {"t": 101.0, "type": "future_thing", "scenario": "a", "rep": 1, "detail": {"n": 1}},
        {"t": 102.0, "type": "tool_call", "trial": "a__1", "scenario": "a", "rep": 1, "tool": 5},
    ]
    text = "\n".join(json.dumps(line) for line in lines) + "\nnot json at all\n[1]\n"
    run_folder.events_path(folder).write_text(text + json.dumps(
        {"t": 103.0, "type": "run_finished", "status": "completed", "passed": 0, "failed": 1, "errored": 0,
         "total": 1, "pass_rate": 0.0, "cost_usd": 0.0, "error": None}) + "\n")
    run_folder.write_state(folder, run_folder.RunState(status="completed", updated_at=time.time()))
    code, out, err = invoke("attach", spec.run_id)
    assert code == 0, err
    assert out.splitlines() == [
        "+00:00 run                          run started: 1 of 1 trials to do, model oracle, concurrency 1",
        '+00:01 a#1                          future_thing: {"scenario":"a","rep":1,"detail":{"n":1}}',
        '+00:02 a#1                          tool_call: {"trial":"a__1","scenario":"a","rep":1,"tool":5}',
        "+00:03 run                          run completed: 0 passed, 1 failed, 0 errors of 1 (pass rate 0%)",
        f"run {spec.run_id} is completed",
    ]
