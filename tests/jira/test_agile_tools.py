"""Sprints through their life (start, complete, edit) and the backlog, with sub-tasks following their parent."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from jira_bench_tui.jira.quirks import Quirks
from jira_bench_tui.jira.reader import SqliteReader

from .conftest import JiraSession, open_jira
from .test_jira_semantics import changelog

NOW = "2026-11-24T02:07:00.000+0000"  # the sample site's frozen clock


def sprint_row(db_path: Path, sprint_id: int) -> dict[str, Any]:
    conn = sqlite3.connect(str(db_path))
    conn.row_factory = sqlite3.Row
    try:
        return dict(conn.execute("SELECT * FROM sprints WHERE id = ?", (sprint_id,)).fetchone())
    finally:
        conn.close()


async def sprint_keys(jira: JiraSession, sprint_id: str) -> list[str]:
    found = await jira.ok("jira_get_sprint_issues", sprint_id=sprint_id, fields="summary", limit=50)
    return sorted((issue["key"] for issue in found["issues"]), key=lambda k: int(k.split("-")[1]))  # Jira's order varies


async def sprints_of(db_path: Path, key: str) -> list[str]:
    with SqliteReader(db_path) as reader:
        record = await reader.get_issue(key)
    assert record is not None
    return record["sprints"]


async def test_completing_a_sprint_closes_it_now_and_leaves_unfinished_issues_in_it(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        closed = await jira.ok("jira_update_sprint", sprint_id="1", state="closed")
        still_there = await sprint_keys(jira, "1")
        again = await jira.ok("jira_update_sprint", sprint_id="1", state="closed")  # already closed: no change
        refused = await jira.error("jira_add_issues_to_sprint", sprint_id="1", issue_keys="PROJ-4")
    assert closed == {"id": "1", "name": "Sprint 1", "state": "closed", "goal": "Ship login",
                      "start_date": "2025-05-01T00:00:00.000Z", "end_date": "2025-05-15T00:00:00.000Z"}
    assert again == closed
    assert sprint_row(sample_db, 1)["complete_date"] == NOW
    assert still_there == ["PROJ-1"]  # Jira moves unfinished work only when asked
    assert "is closed; issues cannot be added to it" in refused


async def test_unfinished_work_moves_on_when_asked_and_the_closed_sprint_keeps_its_history(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        nxt = await jira.ok("jira_create_sprint", board_id="1", name="Sprint 2", start_date="2026-11-30T09:00:00Z",
                            end_date="2026-12-11T17:00:00Z")
        await jira.ok("jira_update_sprint", sprint_id="1", state="closed")
        await jira.ok("jira_add_issues_to_sprint", sprint_id=nxt["id"], issue_keys="PROJ-1")
        started = await jira.ok("jira_update_sprint", sprint_id=nxt["id"], state="active")
        in_next = await sprint_keys(jira, nxt["id"])
        open_sprint = await jira.ok("jira_search", jql="sprint in openSprints() ORDER BY key ASC", fields="summary")
    assert started["state"] == "active"
    assert in_next == ["PROJ-1", "PROJ-3"]  # the open sub-task came along
    assert [i["key"] for i in open_sprint["issues"]] == ["PROJ-1", "PROJ-3"]
    assert await sprints_of(sample_db, "PROJ-1") == ["Sprint 1", "Sprint 2"]
    assert await sprints_of(sample_db, "PROJ-3") == ["Sprint 2"]
    assert ("Sprint", None, "Sprint 2") in changelog(sample_db, "PROJ-3")


async def test_a_sprint_starts_only_from_future_with_dates_and_no_other_active_sprint(default_db: Path) -> None:
    # MOB Sprint 12 (id 6) is active on the Mobile board; MOB Sprint 13 (id 7) is future and has no dates.
    # 0.23.1 answers every refusal {"error": "Failed to update sprint N. ..."}; the reason is the error_hints hint.
    async with open_jira(default_db, Quirks.from_strings({"error_hints": "true"})) as jira:
        busy = (await jira.ok("jira_update_sprint", sprint_id="7", state="active", start_date="2026-11-30T09:00Z",
                              end_date="2026-12-11T17:00Z"))["error"]
        await jira.ok("jira_update_sprint", sprint_id="6", state="closed")
        undated = (await jira.ok("jira_update_sprint", sprint_id="7", state="active"))["error"]
        before = jira.dump()
        reopen = (await jira.ok("jira_update_sprint", sprint_id="6", state="active"))["error"]
        skip = (await jira.ok("jira_update_sprint", sprint_id="4", state="closed"))["error"]
        assert jira.dump() == before
        started = await jira.ok("jira_update_sprint", sprint_id="7", state="active",
                                start_date="2026-11-30T09:00:00.000Z", end_date="2026-12-11T17:00:00.000Z")
    assert "sprint 6 ('MOB Sprint 12') is already active on this board" in busy
    assert "cannot be started without a start date and an end date" in undated
    assert "a completed sprint cannot be reopened" in reopen
    assert "only an active sprint can be completed" in skip
    assert started == {"id": "7", "name": "MOB Sprint 13", "state": "active", "goal": "4.3 release candidate",
                       "start_date": "2026-11-30T09:00:00.000Z", "end_date": "2026-12-11T17:00:00.000Z"}


async def test_editing_a_sprint_ignores_empty_values_and_dates_of_a_closed_sprint(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        edited = await jira.ok("jira_update_sprint", sprint_id="1", name="Sprint One", goal="", state="",
                               end_date="2025-05-16T17:00:00Z")
        await jira.ok("jira_update_sprint", sprint_id="1", state="closed")
        renamed = await jira.ok("jira_update_sprint", sprint_id="1", goal="Shipped login",
                                start_date="2030-01-01T00:00:00Z")
    assert edited["name"] == "Sprint One" and edited["goal"] == "Ship login" and edited["state"] == "active"
    assert edited["end_date"] == "2025-05-16T17:00:00.000Z"
    assert renamed["goal"] == "Shipped login" and renamed["start_date"] == "2025-05-01T00:00:00.000Z"


async def new_subtask(jira: JiraSession, summary: str) -> str:
    created = await jira.ok("jira_create_issue", project_key="PROJ", summary=summary, issue_type="Subtask",
                            additional_fields='{"parent": "PROJ-1"}')
    return created["issue"]["key"]


async def test_backlog_takes_issues_out_of_open_sprints_with_their_open_subtasks(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        child = await new_subtask(jira, "Fix the 500")  # joins PROJ-1's sprint
        await jira.ok("jira_add_issues_to_sprint", sprint_id="1", issue_keys="PROJ-4")
        in_sprint = await sprint_keys(jira, "1")
        moved = await jira.ok("jira_move_issues_to_backlog", issue_keys="proj-1, PROJ-4")
        left = await sprint_keys(jira, "1")
        backlog = await jira.ok("jira_search", jql="project = PROJ AND sprint is EMPTY ORDER BY key ASC",
                                fields="summary")
    assert in_sprint == ["PROJ-1", "PROJ-4", child]
    assert moved == {"message": "Successfully moved 2 issue(s) to backlog", "issue_keys": ["PROJ-1", "PROJ-4"]}
    assert left == []
    assert [i["key"] for i in backlog["issues"]] == ["PROJ-1", "PROJ-2", "PROJ-3", "PROJ-4", child]
    assert ("Sprint", "Sprint 1", None) in changelog(sample_db, "PROJ-1")
    assert ("Sprint", "Sprint 1", None) in changelog(sample_db, child)


async def test_done_subtasks_stay_where_they_are(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        open_child = await new_subtask(jira, "Fix the 500")
        done_child = await new_subtask(jira, "Find the cause")
        await jira.ok("jira_transition_issue", issue_key=done_child, transition_id="31")
        await jira.ok("jira_move_issues_to_backlog", issue_keys="PROJ-1")
        left = await sprint_keys(jira, "1")
    assert left == [done_child]
    assert await sprints_of(sample_db, open_child) == []


async def test_a_subtask_the_fixture_put_elsewhere_is_left_alone(sample_db: Path) -> None:
    # PROJ-3 (PROJ-1's open sub-task) is in no sprint while PROJ-1 is in Sprint 1: it is not where its parent is
    async with open_jira(sample_db) as jira:
        await jira.ok("jira_move_issues_to_backlog", issue_keys="PROJ-1")
        before = jira.dump()
        await jira.ok("jira_move_issues_to_backlog", issue_keys="PROJ-1")  # nothing left to move
        assert jira.dump() == before
        await jira.ok("jira_add_issues_to_sprint", sprint_id="1", issue_keys="PROJ-1")  # now both were in the backlog
        back = await sprint_keys(jira, "1")
    assert back == ["PROJ-1", "PROJ-3"]
    assert ("Sprint", None, "Sprint 1") in changelog(sample_db, "PROJ-3")


async def test_the_sprint_field_moves_a_parent_with_its_subtasks(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        child = await new_subtask(jira, "Fix the 500")
        nxt = await jira.ok("jira_create_sprint", board_id="1", name="Sprint 2", start_date="2026-11-30T09:00:00Z",
                            end_date="2026-12-11T17:00:00Z")
        await jira.ok("jira_update_issue", issue_key="PROJ-1", fields=f'{{"customfield_10020": {nxt["id"]}}}')
        moved = await sprint_keys(jira, nxt["id"])
        stayed = await sprint_keys(jira, "1")
    assert moved == ["PROJ-1", child] and stayed == []
