"""The public bug-report cases (`../shared/cases/public-reports/*.json`, beside the repository) through a real MCP
client against `jira-bench jira-server` over stdio: each case's calls, then production's answer asserted (what the
real mcp-atlassian 0.23.1 over Jira Cloud does, per the case file's `real`).

Every case file is loaded and checked for shape; this module runs the cases of argument handling, search paging,
write-path leniency and worklog dates (`CHECKS`). The JQL cases (C04, C05, C06, C17) run in their own module, which
selects them by id the same way (`load_cases`)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mcp.client import Client
from mcp.client.stdio import StdioServerParameters

from .conftest import text_of

CASES_DIR = Path(__file__).resolve().parents[1] / "data" / "public-reports"  # a copy of shared/cases/public-reports
Answer = tuple[str, bool]  # (text, is_error)


def load_cases() -> dict[str, dict[str, Any]]:
    """Every case file by id ({} when the shared folder is not beside the repository)."""
    if not CASES_DIR.is_dir():
        return {}
    cases = [json.loads(path.read_text()) for path in sorted(CASES_DIR.glob("*.json"))]
    return {case["id"]: case for case in cases}


async def run_calls(calls: list[dict[str, Any]], server_args: list[str], tmp_path: Path) -> list[Answer]:
    """Each call's (text, is_error), in order, on a fresh builtin:default behind `jira-bench jira-server`."""
    params = StdioServerParameters(command=sys.executable, cwd=str(tmp_path),
                                   args=["-m", "jira_bench_tui", "jira-server", *server_args])
    answers: list[Answer] = []
    async with Client(params) as client:
        for call in calls:
            result = await client.call_tool(call["tool"], call["arguments"])
            answers.append((text_of(result), bool(result.is_error)))
    return answers


def ok(answer: Answer) -> Any:
    text, is_error = answer
    assert not is_error, text
    return json.loads(text)


def keys(page: dict[str, Any]) -> list[str]:
    return [issue["key"] for issue in page["issues"]]


def c01(answers: list[Answer]) -> None:
    page = ok(answers[0])  # start_at is never sent on Cloud: the first page, start_at 0, a token for the next
    assert keys(page) == ["WEB-1", "WEB-2"] and page["start_at"] == 0 and page["max_results"] == 2
    assert page["next_page_token"]


def c02(answers: list[Answer]) -> None:
    page = ok(answers[0])  # pages of up to 100 until `limit`: no cap at 50
    assert page["max_results"] == 100 and len(page["issues"]) == page["total"] == 80
    assert "next_page_token" not in page


def c03(answers: list[Answer]) -> None:
    search, issue, no_history, batch = (ok(a) for a in answers)
    assert len(search["issues"]) == 2 and search["max_results"] == 2
    assert issue["key"] == no_history["key"] == "WEB-3"
    assert batch == {"message": "Issues validated successfully", "issues": []}


def c08(answers: list[Answer]) -> None:
    updated = ok(answers[0])  # 'story_points' is no field name: dropped, nothing sent, success
    assert updated["message"] == "Issue updated successfully"
    assert updated["issue"]["customfield_10016"]["value"] == 3
    assert ok(answers[1])["customfield_10016"]["value"] == 3


def c10(answers: list[Answer]) -> None:
    for text, is_error in answers[:2]:
        assert is_error and "Number value expected as the Sprint id." in text, text
        assert text.startswith("Error calling tool 'update_issue': Failed to update issue WEB-2"), text
    assert [s["name"] for s in ok(answers[2])["customfield_10020"]["value"]] == ["WEB Sprint 24"]


def c11(answers: list[Answer]) -> None:
    assert ok(answers[0])["message"] == "Issue updated successfully"
    assert ok(answers[1])["parent"]["key"] == "WEB-1"  # a silent no-op: the epic stays


def c12(answers: list[Answer]) -> None:
    text, is_error = answers[0]
    assert is_error and text.startswith("Error calling tool 'create_issue': "), text
    assert ok(answers[1])["issues"] == []


def c13(answers: list[Answer]) -> None:
    for answer in answers[:2]:
        created = ok(answer)
        assert created["message"] == "Issue created successfully"
        assert "account_id" not in (created["issue"].get("assignee") or {})


def c15(answers: list[Answer]) -> None:
    text, is_error = answers[0]
    assert is_error and text == ("Error calling tool 'add_worklog': Error adding worklog: Invalid date format. "
                                 "Please enter the date in the format \"yyyy-MM-dd'T'HH:mm:ss.SSSZ\".")
    assert ok(answers[1])["worklogs"] == []


# case id -> (calls run after the case's own, to read the state back; the check of every answer)
CHECKS: dict[str, tuple[list[dict[str, Any]], Callable[[list[Answer]], None]]] = {
    "C01-search-start-at-ignored": ([], c01),
    "C02-search-limit-capped-at-50": ([], c02),
    "C03-numeric-and-boolean-strings-rejected": ([], c03),
    "C08-story-points-alias-accepted": ([{"tool": "jira_get_issue",
                                          "arguments": {"issue_key": "WEB-22", "fields": "customfield_10016"}}], c08),
    "C10-sprint-field-by-name-or-object": ([{"tool": "jira_get_issue", "arguments": {
        "issue_key": "WEB-22", "fields": "customfield_10020"}}], c10),
    "C11-parent-null-clears": ([], c11),
    "C12-create-parent-as-object": ([], c12),
    "C13-create-with-unresolvable-assignee": ([], c13),
    "C15-worklog-started-date-only": ([{"tool": "jira_get_worklog", "arguments": {"issue_key": "WEB-22"}}], c15),
}
CASES = load_cases()


def test_every_case_file_loads_and_ours_are_there() -> None:
    if not CASES:
        pytest.skip(f"no case files at {CASES_DIR}")
    for case_id, case in CASES.items():
        assert case_id and case["calls"] and all({"tool", "arguments"} <= set(c) for c in case["calls"]), case_id
    assert set(CHECKS) <= set(CASES)


@pytest.mark.parametrize("case_id", sorted(CHECKS))
async def test_public_report_answers_as_production(case_id: str, tmp_path: Path) -> None:
    if case_id not in CASES:
        pytest.skip(f"case {case_id} not found in {CASES_DIR}")
    case = CASES[case_id]
    extra, check = CHECKS[case_id]
    answers = await run_calls([*case["calls"], *extra], case.get("server_args", []), tmp_path)
    check(answers)
