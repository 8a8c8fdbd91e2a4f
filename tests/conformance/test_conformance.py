"""The conformance test: every call of corpus.json through the real mcp-atlassian 0.23.1 (over the REST face) and
through our in-process tools, each on a fresh builtin:default, compared after normalising the site's URL.

It asserts that the harness works (every call answered by both sides, nothing crashed) and that the share of
identical answers is at least the recorded floor (floor.json), so the figure can only go up. The report
(conformance-report.md and .json) is written under pytest's tmp path; its path is printed (`pytest -s`) and named in
any failure. The corpus checks and the comparison's unit tests run without mcp-atlassian; the rest is skipped, saying
how to install it, when it is missing."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest

from jira_bench_tui.jira.tools import ALL_TOOLS

from .compare import Answer, compare, normalise, site_pattern
from .report import summary_line, write_report
from .runner import Run, load_corpus, run_corpus

FLOOR = Path(__file__).with_name("floor.json")
REPORT_GROUPS = {"ordinary", "optional", "bad_input", "report"}
SITES = site_pattern(["t-conformance.atlassian.net", "acme.atlassian.net"], ["/tmp/run-1"])


@pytest.fixture(scope="module")
def conformance(mcp_atlassian_binary: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path]:
    """The whole corpus run once for the module, and the folder its report was written to."""
    folder = tmp_path_factory.mktemp("conformance")
    run = asyncio.run(run_corpus(mcp_atlassian_binary))
    _, md_path = write_report(run, folder)
    print(f"\n{summary_line(run)}\nconformance report: {md_path}")
    return run, md_path


def test_the_corpus_covers_every_tool_and_parameter() -> None:
    calls = load_corpus()
    assert len(calls) >= 200
    assert {call.group for call in calls} == REPORT_GROUPS
    assert {call.tool for call in calls} == {tool.name for tool in ALL_TOOLS}
    for tool in ALL_TOOLS:
        given = {name for call in calls if call.tool == tool.name for name in call.step.arguments}
        assert set(tool.properties) <= given, f"{tool.name}: no call gives {set(tool.properties) - given}"
    bad = [call for call in calls if call.group == "bad_input"]
    assert {call.tool for call in bad} >= {"jira_get_issue", "jira_search", "jira_transition_issue",
                                           "jira_assign_issue", "jira_get_sprint_issues"}
    assert len({call.source for call in calls if call.source}) >= 13  # every public report's calls


def test_every_call_is_answered_by_both_sides(conformance: tuple[Run, Path]) -> None:
    run, report = conformance
    crashed = [f"{o.call.label}: {o.verdict.diffs}" for o in run.outcomes if o.verdict.outcome == "crash"]
    assert not crashed, f"{len(crashed)} calls crashed (report: {report}): {crashed[:5]}"
    assert len(run.outcomes) == len(load_corpus())
    assert set(run.tools_ours) <= set(run.tools_real) and len(run.tools_ours) == len(ALL_TOOLS)
    assert sum(run.called.values()) >= len(run.outcomes), "the face logged fewer requests than there were calls"


def test_identical_share_is_at_least_the_floor(conformance: tuple[Run, Path]) -> None:
    run, report = conformance
    floor = json.loads(FLOOR.read_text(encoding="utf-8"))
    share = run.identical / len(run.outcomes)
    assert share >= floor["share"], (f"conformance fell below the floor {floor['identical']}/{floor['calls']} "
                                     f"({floor['share']:.3f}): {summary_line(run)}; report: {report}")


def _answer(value: Any, *, error: bool = False) -> Answer:
    text = value if isinstance(value, str) else json.dumps(value, indent=2)
    return Answer(text, error, None if error else {"result": text})


def test_only_the_site_is_normalised() -> None:
    real = _answer({"browse_url": "http://t-conformance.atlassian.net/browse/WEB-1", "id": "10000"})
    ours = _answer({"browse_url": "https://acme.atlassian.net/browse/WEB-1", "id": "10000"})
    assert compare(real, ours, SITES).identical
    assert normalise({"a": ["see acme.atlassian.net", "/tmp/run-1/x.txt"]}, SITES) == {
        "a": ["see https://SITE", "WORKDIR/x.txt"]}
    other_id = _answer({"browse_url": "https://acme.atlassian.net/browse/WEB-1", "id": "10001"})
    assert compare(real, other_id, SITES).kinds == ("value",)
    reordered = _answer('{"id": "10000", "browse_url": "https://acme.atlassian.net/browse/WEB-1"}')
    assert compare(real, reordered, SITES).kinds == ("format",)


def test_differences_are_named_by_kind() -> None:
    ok = _answer({"total": -1, "start_at": 0, "issues": [{"key": "A-1", "description": "a\nb"}]})
    assert compare(ok, _answer({"total": -1, "start_at": 5, "issues": [{"key": "A-1", "description": "a\n\nb"}]}),
                   SITES).kinds == ("paging", "rich_text")
    assert compare(ok, _answer({"total": -1, "start_at": 0, "issues": [{"key": "A-1"}]}),
                   SITES).kinds == ("missing_key",)
    refused = _answer("Error calling tool 'search': Argument 'limit' must be a integer, got str '2'.", error=True)
    assert compare(ok, refused, SITES).kinds == ("coercion", "only_ours_error")
    pydantic = _answer("1 validation error for call[search]\nlimit\n  Input should be ...", error=True)
    assert compare(pydantic, refused, SITES).outcome == "differs"
    assert compare(pydantic, refused, SITES).kinds == ("validation_text",)
    sprint = _answer({"start_date": "2026-10-19T09:00:00.000Z"})
    assert compare(sprint, _answer({"start_date": "2026-10-19T09:00:00.000+0000"}), SITES).kinds == ("date_format",)
    crash = Answer("", True, None, "TimeoutError: ")
    assert compare(crash, ok, SITES).outcome == "crash"
    assert re.search("real: TimeoutError", compare(crash, ok, SITES).diffs[0])
