"""Checks explain themselves: each kind passes on the right state and fails with a reason on a wrong one.

The Jira state here is a plain in-memory reader (the `JiraReader` interface); the same checks run end to end over the
embedded Jira in the engine's tests.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from jira_bench_tui.harness.checks import evaluate
from jira_bench_tui.harness.schema import Scenario
from jira_bench_tui.jira.reader import IssueRecord, JiraReadError


def issue(key: str, **fields: Any) -> IssueRecord:
    record: dict[str, Any] = {
        "key": key, "project": key.split("-")[0], "summary": f"Summary of {key}", "description": None,
        "issue_type": "Bug", "status": "To Do", "status_category": "new", "priority": "Medium", "resolution": None,
        "assignee": None, "assignee_email": None, "reporter": "Dana Whitfield", "labels": [], "components": [],
        "fix_versions": [], "affects_versions": [], "parent": None, "due_date": None, "sprints": [],
        "story_points": None, "custom_fields": {}, "comments": [], "links": [], "worklogs": [],
        "time_spent_seconds": 0, "created": "2026-11-20T08:00:00.000+0000", "updated": "2026-11-20T08:00:00.000+0000",
        "resolved": None,
    }
    record.update(fields)
    return record  # type: ignore[return-value]


class MemoryReader:
    """A JiraReader over a dict of records; JQL here is just 'status = X' or 'project = X'."""

    def __init__(self, issues: dict[str, IssueRecord]) -> None:
        self.issues = issues

    async def get_issue(self, key: str) -> IssueRecord | None:
        return self.issues.get(key)

    async def search_keys(self, jql: str, limit: int = 1000) -> list[str]:
        field, _, value = (part.strip() for part in jql.partition("="))
        if field not in ("status", "project"):
            raise JiraReadError(f"Field '{field}' does not exist or you do not have permission to view it.")
        return [k for k, r in self.issues.items() if str(r[field]).lower() == value.strip('"').lower()][:limit]  # type: ignore[literal-required]

    async def snapshot(self) -> dict[str, IssueRecord]:
        return copy.deepcopy(self.issues)


BEFORE = {
    "WEB-1": issue("WEB-1"),
    "WEB-2": issue("WEB-2", status="In Progress", status_category="indeterminate", labels=["ui"]),
    "WEB-3": issue("WEB-3", comments=[{"id": "1", "author": "Sam Ortiz", "body": "old note", "created": "x"}]),
}


def scenario(*checks: dict[str, Any]) -> Scenario:
    return Scenario.model_validate({"id": "s", "prompt": "p", "checks": list(checks), "solution": {}})


async def run(after: dict[str, IssueRecord], *checks: dict[str, Any], answer: str | None = "ok") -> list[tuple[bool, str]]:
    evaluation = await evaluate(scenario(*checks), MemoryReader(after), copy.deepcopy(BEFORE), answer)
    return [(c.passed, c.reason) for c in evaluation.checks]


def changed(**updates: dict[str, Any]) -> dict[str, IssueRecord]:
    after = copy.deepcopy(BEFORE)
    for key, fields in updates.items():
        if key in after:
            after[key].update(fields)  # type: ignore[typeddict-item]
        else:
            after[key] = issue(key, **fields)
    return after


async def test_issue_fields_pass_and_fail_with_reason() -> None:
    check = {"kind": "issue", "issue": "WEB-1", "expect": {"status": "in progress", "assignee": "Priya Raman"}}
    after = changed(**{"WEB-1": {"status": "In Progress", "assignee": "Priya Raman"}})
    assert await run(after, check) == [(True, "WEB-1 status 'in progress', assignee 'Priya Raman': as expected")]
    [(ok, reason)] = await run(BEFORE, check)
    assert not ok and reason == "WEB-1 status is 'To Do', expected 'in progress'; assignee is empty, expected 'Priya Raman'"


async def test_field_operators() -> None:
    after = changed(**{"WEB-2": {"labels": ["ui", "urgent"], "story_points": 5}})
    results = await run(after,
                        {"kind": "issue", "issue": "WEB-2", "expect": {"labels": {"includes": ["urgent"]}}},
                        {"kind": "issue", "issue": "WEB-2", "expect": {"labels": ["urgent", "UI"]}},
                        {"kind": "issue", "issue": "WEB-2", "expect": {"story_points": {"gte": 3}}},
                        {"kind": "issue", "issue": "WEB-2", "expect": {"assignee": None}},
                        {"kind": "issue", "issue": "WEB-2", "expect": {"labels": {"excludes": ["ui"]}}})
    assert [ok for ok, _ in results] == [True, True, True, True, False]
    assert results[4][1] == "WEB-2 labels is [ui, urgent], expected to exclude [ui]"


async def test_missing_issue_and_deleted_issue() -> None:
    after = changed()
    del after["WEB-3"]
    results = await run(after, {"kind": "issue", "issue": "WEB-9", "expect": {"status": "Done"}},
                        {"kind": "issue_exists", "issue": "WEB-3", "exists": False},
                        {"kind": "issue_exists", "issue": "WEB-1", "exists": False})
    assert results == [(False, "WEB-9 does not exist"), (True, "WEB-3 does not exist"),
                       (False, "WEB-1 still exists, expected it to be deleted")]


async def test_jql_count_keys_and_query_errors() -> None:
    results = await run(BEFORE, {"kind": "jql_count", "jql": "status = \"To Do\"", "count": 2},
                        {"kind": "jql_keys", "jql": "status = \"To Do\"", "keys": ["WEB-1", "WEB-2"]},
                        {"kind": "jql_count", "jql": "colour = red", "min": 1})
    assert results[0] == (True, "`status = \"To Do\"` matches 2 issues")
    assert results[1] == (False, "`status = \"To Do\"`: missing [WEB-2], unexpected [WEB-3]")
    assert results[2][0] is False and "the query failed: Field 'colour' does not exist" in results[2][1]


async def test_comment_only_counts_new_comments() -> None:
    check = {"kind": "comment", "issue": "WEB-3", "contains": ["note"]}
    [(ok, reason)] = await run(BEFORE, check)
    assert not ok and reason == "WEB-3 got no new comment"
    new = BEFORE["WEB-3"]["comments"] + [{"id": "2", "author": "Dana Whitfield", "body": "On hold: see note", "created": "y"}]
    assert (await run(changed(**{"WEB-3": {"comments": new}}), check))[0][0]
    [(ok, reason)] = await run(changed(**{"WEB-3": {"comments": new}}), {**check, "present": False})
    assert not ok and "should not have" in reason


async def test_link_direction_matters() -> None:
    blocks = {"id": "7", "type": "Blocks", "direction": "outward", "other": "WEB-2", "text": "blocks"}
    blocked = {"id": "7", "type": "Blocks", "direction": "inward", "other": "WEB-2", "text": "is blocked by"}
    check = {"kind": "link", "issue": "WEB-1", "type": "Blocks", "other": "WEB-2"}
    assert await run(changed(**{"WEB-1": {"links": [blocks]}}), check) == [(True, "WEB-1 blocks WEB-2")]
    [(ok, reason)] = await run(changed(**{"WEB-1": {"links": [blocked]}}), check)
    assert not ok and reason == "the Blocks link is the wrong way round: WEB-1 is blocked by WEB-2"
    [(ok, reason)] = await run(BEFORE, check)
    assert reason == "no Blocks link from WEB-1 to WEB-2 (WEB-1 has: no links)"


async def test_worklog_totals_new_work_only() -> None:
    logs = [{"id": "1", "author": "Dana Whitfield", "time_spent_seconds": 5400, "comment": "pairing", "started": "x"}]
    check = {"kind": "worklog", "issue": "WEB-1", "time_spent": "1h 30m"}
    assert (await run(changed(**{"WEB-1": {"worklogs": logs}}), check))[0][0]
    [(ok, reason)] = await run(changed(**{"WEB-1": {"worklogs": logs}}), {**check, "time_spent": "2h"})
    assert not ok and reason == "WEB-1 got 1h 30m logged, expected 2h"


async def test_created_issue_binds_a_name_for_later_checks() -> None:
    after = changed(**{"WEB-4": {"issue_type": "Story", "summary": "Saved carts", "parent": "WEB-1"},
                       "WEB-5": {"issue_type": "Sub-task", "summary": "Cart storage", "parent": "WEB-4"}})
    results = await run(after,
                        {"kind": "issue", "issue": "$story", "expect": {"parent": "WEB-1"}},
                        {"kind": "created_issue", "match": {"issue_type": "Story"}, "expect": {"parent": "WEB-1"},
                         "as": "story"},
                        {"kind": "created_issue", "match": {"issue_type": "Sub-task"}, "expect": {"parent": "$story"}},
                        {"kind": "unchanged"})
    assert [ok for ok, _ in results] == [True, True, True, True]
    assert results[2][1] == "created WEB-5 as expected"
    wrong = changed(**{"WEB-4": {"issue_type": "Story", "summary": "Saved carts", "parent": "WEB-1"},
                       "WEB-5": {"issue_type": "Sub-task", "summary": "Cart storage", "parent": "WEB-1"}})
    results = await run(wrong,
                        {"kind": "created_issue", "match": {"issue_type": "Story"}, "as": "story"},
                        {"kind": "created_issue", "match": {"issue_type": "Sub-task"}, "expect": {"parent": "$story"}})
    assert results[1] == (False, "WEB-5 parent is 'WEB-1', expected 'WEB-4'")


async def test_unchanged_names_collateral_damage_and_unclaimed_creations() -> None:
    after = changed(**{"WEB-2": {"status": "Done", "status_category": "done"}, "WEB-7": {"summary": "Stray"}})
    [(ok, reason)] = await run(after, {"kind": "unchanged", "except": ["WEB-1"]})
    assert not ok
    assert "WEB-2 status changed from 'In Progress' to 'Done'" in reason
    assert "WEB-7 was created ('Stray')" in reason


async def test_answer_check() -> None:
    check = {"kind": "answer", "contains": ["WEB-3"], "matches": r"\b3\b", "not_contains": ["WEB-7"]}
    assert (await run(BEFORE, check, answer="3 open bugs: WEB-3, WEB-4, WEB-6"))[0][0]
    [(ok, reason)] = await run(BEFORE, check, answer="done")
    assert not ok and reason.startswith("the answer does not mention 'WEB-3'; does not match /\\b3\\b/")
    [(ok, reason)] = await run(BEFORE, check, answer=None)
    assert reason == "the agent gave no final answer"


@pytest.mark.parametrize("bad", [{"eq": 1, "ne": 2}, {}])
def test_field_operator_needs_exactly_one_key(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        scenario({"kind": "issue", "issue": "WEB-1", "expect": {"status": bad}})


async def test_unchanged_can_allow_only_some_fields_of_an_issue() -> None:
    new = BEFORE["WEB-3"]["comments"] + [{"id": "2", "author": "Dana Whitfield", "body": "moved", "created": "y"}]
    check = {"kind": "unchanged", "except": [{"issue": "WEB-3", "fields": ["comments"]}]}
    assert await run(changed(**{"WEB-3": {"comments": new}}), check) == [(True, "nothing else changed")]
    [(ok, reason)] = await run(changed(**{"WEB-3": {"comments": new, "priority": "High"}}), check)
    assert not ok and reason == "WEB-3 priority changed from 'Medium' to 'High'"
