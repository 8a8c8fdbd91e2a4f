"""The embedded Jira behaves like a real one: workflows, resolutions, hierarchy, sprints, links, time tracking,
the changelog and the frozen clock."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from jira_bench_tui.jira.quirks import Quirks

from .conftest import open_jira

NOW_SHOWN = "2026-11-24 02:07:00 UTC"  # the sample site's frozen clock, as simplified issues show it


def changelog(db_path: Path, key: str) -> list[tuple[str, str | None, str | None]]:
    conn = sqlite3.connect(str(db_path))
    try:
        return [tuple(r) for r in conn.execute(
            "SELECT ci.field, ci.from_string, ci.to_string FROM changelog c JOIN changelog_items ci "
            "ON ci.changelog_id = c.id JOIN issues i ON i.id = c.issue_id WHERE i.key = ? ORDER BY c.id, ci.rowid",
            (key,))]
    finally:
        conn.close()


async def test_transitions_change_status_and_resolution_and_are_logged(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        assert await jira.ok("jira_get_transitions", issue_key="PROJ-1") == [
            {"id": 21, "name": "In Progress"}, {"id": 31, "name": "Done"}]
        done = await jira.ok("jira_transition_issue", issue_key="PROJ-1", transition_id="31",
                             fields='{"resolution": {"name": "Won\'t Do"}}', comment="Not a bug")
        assert done["issue"]["status"] == {"name": "Done", "category": "Done", "color": "green"}
        assert done["issue"]["updated"] == NOW_SHOWN
        assert done["issue"]["comments"][-1]["body"] == "Not a bug"
        resolved = await jira.ok("jira_get_issue", issue_key="PROJ-1", fields="resolution,resolutiondate")
        assert resolved["resolution"]["name"] == "Won't Do"
        assert resolved["resolutiondate"] == "2026-11-24T02:07:00.000+0000"
        await jira.ok("jira_transition_issue", issue_key="PROJ-1", transition_id="21")
        reopened = await jira.ok("jira_get_issue", issue_key="PROJ-1", fields="status,resolution",
                                 include="changelog")
    assert "resolution" not in reopened
    assert reopened["changelogs"][0]["author"]["display_name"] == "Alice Admin"
    assert changelog(sample_db, "PROJ-1") == [
        ("status", "To Do", "Done"), ("resolution", None, "Won't Do"),
        ("status", "Done", "In Progress"), ("resolution", "Won't Do", None)]


async def test_transition_quirks_show_targets_and_accept_names(sample_db: Path) -> None:
    quirks = Quirks.from_strings({"transitions_to_status": "true", "transition_by_name": "true"})
    async with open_jira(sample_db, quirks) as jira:
        listed = await jira.ok("jira_get_transitions", issue_key="PROJ-3")
        moved = await jira.ok("jira_transition_issue", issue_key="PROJ-3", transition_id="done")
    assert listed == [{"id": 11, "name": "To Do", "to_status": "To Do"}, {"id": 31, "name": "Done", "to_status": "Done"}]
    assert moved["issue"]["status"]["name"] == "Done"


async def test_create_issues_in_the_hierarchy_as_the_current_user_now(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        story = await jira.ok("jira_create_issue", project_key="PROJ", summary="Password reset", issue_type="Story",
                              assignee="Bob Builder", components="API", description="As a user...",
                              additional_fields='{"parent": "PROJ-2", "labels": ["auth"], "customfield_10016": 8, '
                                                '"fixVersions": [{"name": "1.0"}]}')
        subtask = await jira.ok("jira_create_issue", project_key="PROJ", summary="Email template",
                                issue_type="Subtask", additional_fields='{"parent": "PROJ-5"}')
        found = await jira.ok("jira_search", jql="parent = PROJ-2", fields="summary")
        points = await jira.ok("jira_get_issue", issue_key="PROJ-5", fields="customfield_10016")
    issue = story["issue"]
    assert issue["key"] == "PROJ-5" and subtask["issue"]["key"] == "PROJ-6"
    assert issue["reporter"]["email"] == "alice@example.com" and issue["assignee"]["email"] == "bob@example.com"
    assert issue["parent"]["key"] == "PROJ-2" and issue["labels"] == ["auth"] and issue["components"] == ["API"]
    # 0.23.1 re-reads the new issue without naming fields: no custom fields in the answer, the value is stored
    assert not any(k.startswith("customfield_") for k in issue) and issue["fix_versions"] == ["1.0"]
    assert points["customfield_10016"] == {"value": 8}
    assert issue["description"] == "As a user..." and issue["created"] == NOW_SHOWN
    assert subtask["issue"]["parent"]["key"] == "PROJ-5"
    assert [i["key"] for i in found["issues"]] == ["PROJ-5"]


async def test_updates_resolve_users_and_log_every_field(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        await jira.ok("jira_update_issue", issue_key="PROJ-4",
                      fields='{"assignee": "accountid:712020:bbbb-bob", "priority": "Highest", "labels": ["ux", "login"], '
                             '"Story point estimate": 3, "duedate": "2027-01-15"}',
                      components="API")
        await jira.ok("jira_assign_issue", issue_key="PROJ-4", assignee="alice@example.com")
        unassigned = await jira.ok("jira_assign_issue", issue_key="PROJ-4")
        epic = await jira.ok("jira_link_to_epic", issue_key="PROJ-4", epic_key="PROJ-2")
        full = await jira.ok("jira_get_issue", issue_key="PROJ-4", fields="*all")
    assert unassigned["message"] == "Issue PROJ-4 assigned successfully"  # 0.23.1's words for both
    assert epic["message"] == "Issue PROJ-4 has been linked to epic PROJ-2."
    assert full["assignee"] == {"display_name": "Unassigned"} and full["priority"] == {"name": "Highest"}
    assert full["customfield_10016"]["value"] == 3 and full["customfield_10014"]["value"] == "PROJ-2"
    assert full["parent"]["key"] == "PROJ-2" and full["duedate"] == "2027-01-15"
    assert changelog(sample_db, "PROJ-4") == [
        ("assignee", None, "Bob Builder"), ("priority", "Medium", "Highest"), ("labels", None, "login ux"),
        ("Story point estimate", None, "3"), ("duedate", None, "2027-01-15"), ("Component", None, "API"),
        ("assignee", "Bob Builder", "Alice Admin"), ("assignee", "Alice Admin", None),
        ("IssueParentAssociation", None, "PROJ-2")]


async def test_an_issue_is_in_one_open_sprint_at_a_time(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        sprint = await jira.ok("jira_create_sprint", board_id="1", name="Sprint 2", start_date="2026-12-01T09:00:00Z",
                               end_date="2026-12-14T17:00:00Z", goal="Polish")
        await jira.ok("jira_add_issues_to_sprint", sprint_id=sprint["id"], issue_keys="PROJ-1,PROJ-4")
        first = await jira.ok("jira_get_sprint_issues", sprint_id="1", fields="summary")
        second = await jira.ok("jira_get_sprint_issues", sprint_id=sprint["id"], fields="summary")
        futures = await jira.ok("jira_get_sprints_from_board", board_id="1", state="future")
    assert sprint["state"] == "future" and futures == [sprint]
    assert first["issues"] == []
    # PROJ-3, PROJ-1's sub-task, was in no sprint while PROJ-1 was in Sprint 1 (the fixture says so): left alone
    assert sorted(i["key"] for i in second["issues"]) == ["PROJ-1", "PROJ-4"]
    assert ("Sprint", "Sprint 1", "Sprint 2") in changelog(sample_db, "PROJ-1")


async def test_links_read_from_both_ends(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        await jira.ok("jira_create_issue_link", link_type="blocks", inward_issue_key="PROJ-4",
                      outward_issue_key="PROJ-1")
        blocker = await jira.ok("jira_get_issue", issue_key="PROJ-4", fields="issuelinks")
        blocked = await jira.ok("jira_get_issue", issue_key="PROJ-1", fields="issuelinks")
        link_id = blocker["issuelinks"][0]["id"]
        removed = await jira.ok("jira_remove_issue_link", link_id=link_id)
        after = await jira.ok("jira_get_issue", issue_key="PROJ-1", fields="issuelinks")
    assert blocker["issuelinks"][0]["outward_issue"]["key"] == "PROJ-1"
    assert blocked["issuelinks"][0]["inward_issue"]["key"] == "PROJ-4"
    assert blocked["issuelinks"][0]["type"]["inward"] == "is blocked by"
    assert removed["success"] is True and "issuelinks" not in after
    assert changelog(sample_db, "PROJ-4")[0] == ("Link", None, "This issue blocks PROJ-1")


async def test_worklogs_add_up_and_adjust_the_remaining_estimate(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        first = await jira.ok("jira_add_worklog", issue_key="PROJ-1", time_spent="1h 30m", comment="debugging",
                              original_estimate="2d", remaining_estimate="1d")
        await jira.ok("jira_add_worklog", issue_key="PROJ-1", time_spent="2h", started="2026-11-23T10:00:00.000+0000")
        logs = await jira.ok("jira_get_worklog", issue_key="PROJ-1")
        issue = await jira.ok("jira_get_issue", issue_key="PROJ-1", fields="timetracking")
    assert first["worklog"]["time_spent_seconds"] == 5400 and first["worklog"]["author"] == "Alice Admin"
    assert first["worklog"]["remaining_estimate_updated"] is True
    assert first["worklog"]["original_estimate_updated"] is False  # 0.23.1's edit is refused by Jira
    assert [w["time_spent"] for w in logs["worklogs"]] == ["2h", "1h 30m"]  # by start time
    assert issue["timetracking"]["time_spent_seconds"] == 12600
    assert issue["timetracking"]["remaining_estimate"] == "6h"
    assert "original_estimate" not in issue["timetracking"]


async def test_worklog_original_estimate_quirk_sets_it(sample_db: Path) -> None:
    async with open_jira(sample_db, Quirks(worklog_original_estimate="set")) as jira:
        first = await jira.ok("jira_add_worklog", issue_key="PROJ-1", time_spent="1h", original_estimate="2d")
        issue = await jira.ok("jira_get_issue", issue_key="PROJ-1", fields="timetracking")
    assert first["worklog"]["original_estimate_updated"] is True
    assert issue["timetracking"]["original_estimate"] == "2d"


async def test_delete_takes_the_sub_tasks_along(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        deleted = await jira.ok("jira_delete_issue", issue_key="PROJ-1")
        gone = await jira.error("jira_get_issue", issue_key="PROJ-3")
        left = await jira.ok("jira_search", jql="project = PROJ ORDER BY key ASC", fields="summary")
    assert deleted == {"message": "Issue PROJ-1 has been deleted successfully."}
    assert "PROJ-3 not found" in gone
    assert [i["key"] for i in left["issues"]] == ["PROJ-2", "PROJ-4"]


async def test_search_pages_with_tokens_and_counts_with_the_quirk(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        keys: list[str] = []
        page = await jira.ok("jira_search", jql="project = PROJ ORDER BY key ASC", fields="summary", limit=3)
        assert page["total"] == -1
        keys += [i["key"] for i in page["issues"]]
        page = await jira.ok("jira_search", jql="project = PROJ ORDER BY key ASC", fields="summary", limit=3,
                             page_token=page["next_page_token"])
        keys += [i["key"] for i in page["issues"]]
        assert "next_page_token" not in page
    async with open_jira(sample_db, Quirks.from_strings({"search_total": "count"})) as counting:
        counted = await counting.ok("jira_search", jql="project = PROJ", fields="summary", limit=1,
                                    projects_filter="PROJ")
    assert keys == ["PROJ-1", "PROJ-2", "PROJ-3", "PROJ-4"]
    assert counted["total"] == 4


async def test_lookups_find_fields_projects_and_users(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        fields = await jira.ok("jira_search_fields", keyword="story point", limit=2)
        users = await jira.ok("jira_search_assignable_users", query="bui", issue_key="PROJ-1")
        profile = await jira.ok("jira_get_user_profile", user_identifier="Alice Admin")
        types = await jira.ok("jira_get_project_issue_types", project_key="PROJ")
        components = await jira.ok("jira_get_project_components", project_key="PROJ")
        boards = await jira.ok("jira_get_agile_boards", board_type="scrum")
    assert fields[0]["id"] == "customfield_10016"
    assert [u["display_name"] for u in users["users"]] == ["Bob Builder"]
    assert profile["user"]["account_id"] == "712020:aaaa-alice"
    assert [t["name"] for t in types if t["subtask"]] == ["Subtask"]
    assert components[0]["name"] == "API" and boards == [{"id": "1", "name": "PROJ board", "type": "scrum"}]
