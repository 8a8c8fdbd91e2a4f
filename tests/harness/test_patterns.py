"""Harness regexes cannot hang a run (issue 13, item 1): every pattern is searched under a time bound, in every check
kind that takes one; one that runs out makes the trial `error` with a sentence naming the pattern; the heartbeat goes
on during a long search; patterns too big to compile are refused when the harness loads."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from jira_bench_tui.cli import main
from jira_bench_tui.harness import patterns
from jira_bench_tui.harness.patterns import PatternSearch, PatternTimeout

SLOW = "^(a|aa)+$"  # exponential backtracking on "aaa...a!" (the `regex` engine does not optimise it away)
BAIT = "a" * 60 + "!"


def scenario(sid: str, check: dict[str, Any], steps: list[dict[str, Any]], answer: str = "Done.") -> dict[str, Any]:
    return {"id": sid, "prompt": "Do it.", "checks": [check, {"kind": "unchanged", "except": ["WEB-3"],
                                                             "allow_created": True}],
            "solution": {"steps": steps, "answer": answer}}


def slow_harness() -> dict[str, Any]:
    """One scenario a check kind that takes a pattern, each meeting the slow pattern on the text its solution makes."""
    summary = json.dumps({"summary": BAIT})
    return {"name": "slow-patterns", "fixture": "builtin:example", "scenarios": [
        scenario("answer", {"kind": "answer", "matches": SLOW}, [], answer=BAIT),
        scenario("comment", {"kind": "comment", "issue": "WEB-3", "matches": SLOW},
                 [{"tool": "jira_add_comment", "arguments": {"issue_key": "WEB-3", "body": BAIT}}]),
        scenario("field", {"kind": "issue", "issue": "WEB-3", "expect": {"summary": {"matches": SLOW}}},
                 [{"tool": "jira_update_issue", "arguments": {"issue_key": "WEB-3", "fields": summary}}]),
        scenario("created", {"kind": "created_issue", "match": {"summary": {"matches": SLOW}}},
                 [{"tool": "jira_create_issue", "arguments": {"project_key": "WEB", "issue_type": "Task",
                                                              "summary": BAIT}}]),
    ]}


def run_oracle(tmp_path: Path, data: dict[str, Any], *extra: str) -> tuple[int, list[dict[str, Any]], Path]:
    """`jira-bench run` in the foreground: (exit code, the trial artifacts, the run folder)."""
    path = tmp_path / "h.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    results = tmp_path / "results"
    result = CliRunner().invoke(main, ["run", str(path), "--model", "oracle", "--results-dir", str(results), *extra],
                                catch_exceptions=False)
    [folder] = results.glob("runs/*")
    artifacts = [json.loads(p.read_text()) for p in sorted(folder.glob("trials/*.json"))]
    return result.exit_code, artifacts, folder


def test_a_slow_pattern_in_any_check_kind_makes_the_trial_an_error_not_a_hang(tmp_path: Path) -> None:
    start = time.monotonic()
    code, artifacts, _folder = run_oracle(tmp_path, slow_harness(), "--concurrency", "1")
    elapsed = time.monotonic() - start
    assert code == 1  # every trial errored: nothing could be scored
    where = {"answer": "the answer", "comment": "a new comment on WEB-3", "field": "the summary of WEB-3",
             "created": "the summary of WEB-"}
    assert sorted(a["scenario_id"] for a in artifacts) == sorted(where)
    for artifact in artifacts:
        sid = artifact["scenario_id"]
        assert artifact["outcome"] == "error", artifact["error"]
        sentence = f"the pattern /{SLOW}/ took longer than 1 s on {where[sid]}"
        assert artifact["error"].startswith(f"check 1 ({artifact['checks'][0]['kind']}) could not be judged: ")
        assert sentence in artifact["error"]
        assert not artifact["checks"][0]["passed"] and sentence in artifact["checks"][0]["reason"]
        assert artifact["checks"][1]["passed"]  # the other checks are still judged
    assert elapsed < 120  # four 1-second CPU bounds; generous for a loaded machine, `re` would take years


def test_all_searches_of_one_trial_share_a_budget() -> None:
    search = PatternSearch(budget_s=0.3, timeout_s=0.2)
    start = time.process_time()
    messages = []
    for _ in range(6):
        with pytest.raises(PatternTimeout) as caught:
            search(SLOW, BAIT, "a comment")
        messages.append(str(caught.value))
    assert time.process_time() - start < 1.5  # 0.3 s budget (+ the engine's overshoot of a check interval)
    assert messages[0] == f"the pattern /{SLOW}/ took longer than 0.2 s on a comment"
    assert messages[-1].startswith("the patterns of this scenario's checks took longer than 0.3 s in all")
    with pytest.raises(PatternTimeout):  # the budget is spent: even a quick pattern is not tried any more
        search("web", "see WEB-12", "the answer")


def test_a_fast_search_is_unaffected_and_case_insensitive() -> None:
    search = PatternSearch()
    assert search(r"(?<![\w.])(8|eight)(?!\.?\d)", "There are EIGHT open bugs.", "the answer")
    assert not search(r"\bweb-12\b", "WEB-123", "the answer")
    assert search(r"\p{Lu}{3}-\d+", "see WEB-12", "the answer")  # `regex` syntax beyond `re`


@pytest.mark.parametrize(("pattern", "expected"), [
    ("(((a{100}){100}){100}){100}", "repeats too much: about 100"),  # would take gigabytes to compile
    ("(?:x{1000}){1000}", "repeats too much"),
    ("a" * 5001, "the regular expression is 5001 characters long (at most 5000)"),
    ("(unclosed", "invalid regular expression '(unclosed': missing ) at position 9"),
], ids=["nested-repeats", "repeat-of-repeat", "too-long", "syntax"])
def test_patterns_too_big_or_broken_are_refused_when_the_harness_loads(tmp_path: Path, pattern: str,
                                                                       expected: str) -> None:
    data = slow_harness()
    data["scenarios"] = data["scenarios"][:1]
    data["scenarios"][0]["checks"][0]["matches"] = pattern
    path = tmp_path / "h.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    start = time.monotonic()
    result = CliRunner().invoke(main, ["validate", str(path)], catch_exceptions=False)
    assert result.exit_code == 2 and time.monotonic() - start < 30
    [line] = result.stderr.splitlines()
    assert "scenarios[0].checks[0].matches: " in line and expected in line


def test_the_heartbeat_goes_on_while_a_check_searches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A check that keeps the worker's event loop busy for seconds (one long search) must not stop state.json's
    heartbeat, or the run would look interrupted while it is alive."""
    monkeypatch.setattr(patterns, "SEARCH_TIMEOUT_S", 4.0)
    monkeypatch.setattr(patterns, "BUDGET_S", 4.0)
    data = slow_harness()
    data["scenarios"] = data["scenarios"][:1]  # the answer check: one 4-second search
    beats: list[float] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            for state in (tmp_path / "results").glob("runs/*/state.json"):
                try:
                    stamp = json.loads(state.read_text())["updated_at"]
                except (OSError, ValueError, KeyError):
                    continue
                if not beats or stamp != beats[-1]:
                    beats.append(stamp)
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        code, [artifact], _folder = run_oracle(tmp_path, data)
    finally:
        stop.set()
        sampler.join()
    assert code == 1 and "took longer than 4 s on the answer" in artifact["error"]
    assert artifact["duration_s"] >= 3.9  # the 4 s search was in the trial (wall clock against a monotonic timer)
    gaps = [later - earlier for earlier, later in zip(beats, beats[1:], strict=False)]
    assert len(beats) >= 4 and max(gaps) < 2.5, gaps  # a beat every second (1 s apart, with slack for load)
