"""Every bad call answers is_error with a message an agent can act on, and leaves the database unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jira_bench_tui.jira.quirks import Quirks

from .conftest import open_jira

NOT_VISIBLE = "Issue does not exist or you do not have permission to see it."
UNBOUNDED = ("Error calling tool 'search': Unbounded JQL queries are not allowed here. Please add a search restriction "
             "to your query.")
BAD_CALLS: list[tuple[str, dict[str, Any], str]] = [
    # invalid or unknown issue keys
    ("jira_get_issue", {"issue_key": "proj-1"}, "String should match pattern"),
    ("jira_get_issue", {"issue_key": "PROJ-999"}, "Issue PROJ-999 not found"),
    ("jira_update_issue", {"issue_key": "PROJ-999", "fields": '{"summary": "x"}'},
     f"Failed to update issue PROJ-999: Failed to update issue PROJ-999: {NOT_VISIBLE}"),
    ("jira_delete_issue", {"issue_key": "NOPE-1"}, f"Error deleting issue NOPE-1: {NOT_VISIBLE}"),
    ("jira_add_comment", {"issue_key": "PROJ-77", "body": "hi"}, f"Error adding comment: {NOT_VISIBLE}"),
    ("jira_create_issue_link", {"link_type": "Blocks", "inward_issue_key": "PROJ-1", "outward_issue_key": "PROJ-99"},
     NOT_VISIBLE),
    ("jira_add_issues_to_sprint", {"sprint_id": "1", "issue_keys": "PROJ-1,PROJ-404"}, NOT_VISIBLE),
    # schema violations
    ("jira_get_issue", {"issue_key": "PROJ-1", "colour": "red"}, "colour\n  Unexpected keyword argument"),
    ("jira_search", {}, "jql\n  Missing required argument"),
    ("jira_search", {"jql": "project = PROJ", "limit": "ten"}, "unable to parse string as an integer"),
    ("jira_get_project_issues", {"project_key": "PROJ", "limit": 500}, "Input should be less than or equal to 50"),
    # unknown projects, types, users, transitions, fields, link types, sprints
    ("jira_create_issue", {"project_key": "NOPE", "summary": "x", "issue_type": "Bug"},
     "Error calling tool 'create_issue': Specify a valid project ID or key"),
    ("jira_create_issue", {"project_key": "PROJ", "summary": "x", "issue_type": "Incident"},
     "Error calling tool 'create_issue': Specify a valid issue type"),
    ("jira_create_issue", {"project_key": "PROJ", "summary": "x", "issue_type": "Subtask"},
     "Issue type is a sub-task but parent issue key or id not specified."),
    ("jira_assign_issue", {"issue_key": "PROJ-1", "assignee": "Zoe Zed"},
     "Failed to assign issue PROJ-1: Failed to assign issue PROJ-1: Could not find account ID for user: Zoe Zed"),
    ("jira_transition_issue", {"issue_key": "PROJ-1", "transition_id": "99"},
     "Error calling tool 'transition_issue': Transition id '99' is not valid for this issue."),
    ("jira_transition_issue", {"issue_key": "PROJ-1", "transition_id": "Done"}, "Transition id 'Done' is not valid"),
    ("jira_transition_issue", {"issue_key": "PROJ-1", "transition_id": "31", "fields": '{"resolution": "Fixed"}'},
     "Resolution 'Fixed' does not exist (known: Done"),
    ("jira_update_issue", {"issue_key": "PROJ-1", "fields": '{"status": "Done"}'},
     "Failed to update issue PROJ-1: Failed to update issue PROJ-1: Could not find transition to status 'Done'. "
     "Available transitions: "),
    ("jira_update_issue", {"issue_key": "PROJ-1", "fields": '{"priority": {"name": "Urgent"}}'},
     "Priority 'Urgent' does not exist (known: Highest, High, Medium, Low, Lowest)"),
    ("jira_update_issue", {"issue_key": "PROJ-1", "fields": '{"fixVersions": [{"name": "9.9"}]}'},
     "Version '9.9' does not exist in this project (known: 1.0)"),
    ("jira_update_issue", {"issue_key": "PROJ-1", "fields": '{"labels": ["two words"]}'}, "cannot contain spaces"),
    ("jira_update_issue", {"issue_key": "PROJ-1", "fields": '{"customfield_10016": "lots"}'}, "must be a number"),
    ("jira_update_issue", {"issue_key": "PROJ-1", "fields": '{"duedate": "next friday"}'}, "YYYY-MM-DD"),
    ("jira_update_issue", {"issue_key": "PROJ-4", "fields": '{"parent": "PROJ-1"}'}, "must be an Epic"),
        ("jira_create_issue_link", {"link_type": "Causes", "inward_issue_key": "PROJ-1", "outward_issue_key": "PROJ-2"},
     "Error calling tool 'create_issue_link': No issue link type with name 'Causes' found."),
    ("jira_remove_issue_link", {"link_id": "4242"}, "No issue link with id '4242' exists"),
    ("jira_link_to_epic", {"issue_key": "PROJ-4", "epic_key": "PROJ-1"},
     "Error calling tool 'link_to_epic': Error linking issue to epic: PROJ-1 is not an Epic"),
    ("jira_edit_comment", {"issue_key": "PROJ-1", "comment_id": "1", "body": "x"},
     "Error calling tool 'edit_comment': Error editing comment: Can not find a comment for the id: 1."),
    ("jira_add_worklog", {"issue_key": "PROJ-1", "time_spent": "0"},
     "Error calling tool 'add_worklog': Error adding worklog: Time Spent must be more than zero."),
    ("jira_get_sprint_issues", {"sprint_id": "42"},
     "Error searching issues for sprint: The value '42' does not exist for the field 'sprint'."),
    ("jira_get_sprint_issues", {"sprint_id": "four"}, "Invalid sprint_id 'four': must be an integer"),
    ("jira_create_sprint", {"board_id": "99", "name": "x", "start_date": "2030-01-01T00:00:00.000Z",
                            "end_date": "2030-01-10T00:00:00.000Z"},
     "Error calling tool 'create_sprint': Board does not exist or you do not have permission to see it."),
    ("jira_create_sprint", {"board_id": "1", "name": "x", "start_date": "2030-01-10T00:00:00.000Z",
                            "end_date": "2030-01-01T00:00:00.000Z"}, "Start date must be before end date."),
    ("jira_create_sprint", {"board_id": "1", "name": "Old", "start_date": "2020-01-01T00:00:00.000Z",
                            "end_date": "2020-01-10T00:00:00.000Z"}, "Start date cannot be in the past."),
    ("jira_create_sprint", {"board_id": "1", "name": "Bad", "start_date": "soon", "end_date": "later"},
     "Error calling tool 'create_sprint': Invalid date format: soon"),
    ("jira_add_issues_to_sprint", {"sprint_id": "42", "issue_keys": "PROJ-1"},
     "Error calling tool 'add_issues_to_sprint': Sprint does not exist or you do not have permission to view it."),
    ("jira_move_issues_to_backlog", {"issue_keys": " , "},
     "Error calling tool 'move_issues_to_backlog': issues must list at least one issue key or id."),
    ("jira_move_issues_to_backlog", {"issue_keys": "PROJ-1,PROJ-404"}, NOT_VISIBLE),
    # sub-tasks follow their parent's sprint and cannot be moved on their own
    ("jira_add_issues_to_sprint", {"sprint_id": "1", "issue_keys": "PROJ-3"},
     "Issue PROJ-3 is a sub-task; sub-tasks cannot be moved to a sprint or the backlog on their own"),
    ("jira_add_issues_to_sprint", {"sprint_id": "1", "issue_keys": "PROJ-4,PROJ-3"}, "move the parent issue (PROJ-1)"),
    ("jira_move_issues_to_backlog", {"issue_keys": "PROJ-3"}, "Issue PROJ-3 is a sub-task"),
    ("jira_update_issue", {"issue_key": "PROJ-3", "fields": '{"customfield_10020": 1}'}, "Issue PROJ-3 is a sub-task"),
    # malformed JSON-string arguments
    ("jira_update_issue", {"issue_key": "PROJ-1", "fields": "{summary: 'x'}"},
     "additional_fields is not valid JSON: Expecting property name enclosed in double quotes"),
    ("jira_create_issue", {"project_key": "PROJ", "summary": "x", "issue_type": "Bug",
                           "additional_fields": "[1, 2]"}, "Parsed additional_fields is not a JSON object (dict)."),
    ("jira_batch_create_issues", {"issues": '{"project_key": "PROJ"}'},
     "Error calling tool 'batch_create_issues': Invalid input for issues: Input 'issues' must be a JSON array string."),
    ("jira_batch_create_issues", {"issues": "[{project_key: PROJ}]"},
     "Error calling tool 'batch_create_issues': Invalid JSON in issues"),
    ("jira_batch_create_issues", {"issues": '[{"project_key": "PROJ", "issue_type": "Task"}]'},
     "Missing required fields for issue: project_key='PROJ', summary=None, issue_type='Task'"),
    ("jira_batch_create_issues", {"issues": '[{"project_key": "NOPE", "summary": "bad", "issue_type": "Task"}]'},
     "Error calling tool 'batch_create_issues': HTTPError"),
    ("jira_batch_create_issues", {"issues": '[{"project_key": "PROJ", "summary": "bad", "issue_type": "Nope"}]'},
     "Error calling tool 'batch_create_issues': HTTPError"),  # every issue refused; one among good ones is left out
    ("jira_add_comment", {"issue_key": "PROJ-1", "body": "hi", "visibility": "group:devs"},
     "visibility must be a valid JSON object, e.g. {\"type\":\"group\",\"value\":\"jira-users\"}; got error: "),
    ("jira_add_comment", {"issue_key": "PROJ-1", "body": " "},
     "Error calling tool 'add_comment': Error adding comment: Comment body can not be empty!"),
    ("jira_add_comment", {"issue_key": "PROJ-1", "body": "hi", "public": True},
     "Error adding ServiceDesk comment to PROJ-1: null for uri: /rest/servicedeskapi/request/PROJ-1/comment"),
    ("jira_transition_issue", {"issue_key": "PROJ-1", "transition_id": "21", "fields": "resolution=Done"},
     "additional_fields is not valid JSON: Expecting value: line 1 column 1 (char 0)"),
    ("jira_create_issue_link", {"link_type": "Blocks", "inward_issue_key": "PROJ-1", "outward_issue_key": "PROJ-1"},
     "Error calling tool 'create_issue_link': You cannot link an issue to itself."),
    ("jira_remove_issue_link", {"link_id": "abc"}, "Error calling tool 'remove_issue_link': No issue link with id 'abc' "
                                                   "exists."),
    # JQL errors
    ("jira_search", {"jql": "project = PROJ AND"}, "Error in the JQL Query"),
    ("jira_search", {"jql": "project = NOPE"}, "The value 'NOPE' does not exist for the field 'project'."),
    ("jira_search", {"jql": "colour = red"}, "Field 'colour' does not exist"),
    ("jira_search", {"jql": "project = PROJ", "page_token": "%%%"}, "The nextPageToken is invalid."),
    ("jira_search", {"jql": "project = PROJ", "projects_filter": "NOPE"},
     "The value 'NOPE' does not exist for the field 'project'."),
    ("jira_search", {"jql": ""}, UNBOUNDED),
    ("jira_search", {"jql": "ORDER BY key"}, UNBOUNDED),
]


@pytest.mark.parametrize(("tool", "arguments", "expected"), BAD_CALLS,
                         ids=[f"{i}-{c[0].removeprefix('jira_')}" for i, c in enumerate(BAD_CALLS)])
async def test_bad_call_is_an_actionable_error_and_changes_nothing(sample_db: Path, tool: str,
                                                                   arguments: dict[str, Any], expected: str) -> None:
    async with open_jira(sample_db) as jira:
        before = jira.dump()
        text, is_error = await jira.raw(tool, arguments)
        assert jira.dump() == before
    assert is_error, text
    prefix = f"Error calling tool '{tool.removeprefix('jira_')}': "
    pydantic = f"validation error for call[{tool.removeprefix('jira_')}]\n"
    assert text.startswith(prefix) or pydantic in text.split("\n")[0] + "\n", text
    assert expected in text, text


async def test_unknown_fields_are_dropped_by_default_and_refused_with_the_quirk(sample_db: Path) -> None:
    arguments = {"issue_key": "PROJ-1", "fields": '{"summary": "Renamed", "colour": "red"}'}
    async with open_jira(sample_db, Quirks.from_strings({"unknown_fields": "error"})) as strict:
        before = strict.dump()
        text, is_error = await strict.raw("jira_update_issue", arguments)
        assert is_error and "Unknown field(s) 'colour'" in text
        assert strict.dump() == before
    async with open_jira(sample_db) as faithful:
        updated = await faithful.ok("jira_update_issue", **arguments)
    assert updated["issue"]["summary"] == "Renamed"


async def test_validate_only_batch_creates_nothing(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        before = jira.dump()
        result = await jira.ok("jira_batch_create_issues", validate_only=True,
                               issues='[{"project_key": "PROJ", "summary": "A", "issue_type": "Task"}]')
        assert jira.dump() == before
    assert result == {"message": "Issues validated successfully", "issues": []}


async def test_an_internal_failure_rolls_back_and_the_server_goes_on(sample_db: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from jira_bench_tui.jira.tools import comments

    def broken(*_: Any) -> str:
        raise RuntimeError("disk on fire")

    async with open_jira(sample_db) as jira:
        before = jira.dump()
        monkeypatch.setattr(comments, "display_name_of", broken)  # fails after the comment row was written
        text, is_error = await jira.raw("jira_add_comment", {"issue_key": "PROJ-1", "body": "hello"})
        assert is_error and text.startswith("Error calling tool 'add_comment': Internal error in the embedded Jira")
        assert "nothing was changed" in text
        assert jira.dump() == before
        monkeypatch.undo()
        added = await jira.ok("jira_add_comment", issue_key="PROJ-1", body="hello")
    assert added["body"] == "hello"


# calls the real server answers without is_error although they fail: the answer, and nothing written
QUIET_FAILURES: list[tuple[str, dict[str, Any], Any]] = [
    ("jira_get_project_versions", {"project_key": "NOPE"}, []),
    ("jira_get_project_components", {"project_key": "NOPE"}, []),
    ("jira_get_project_issue_types", {"project_key": "NOPE"}, []),
    ("jira_get_agile_boards", {"project_key": "NOPE"}, []),
    ("jira_get_agile_boards", {"board_type": "bogus"}, []),
    ("jira_get_sprints_from_board", {"board_id": "99"}, []),
    ("jira_get_sprints_from_board", {"board_id": "one"}, []),
    ("jira_get_sprints_from_board", {"board_id": "1", "state": "bogus"}, []),
    ("jira_get_user_profile", {"user_identifier": "nobody"},
     {"success": False, "error": "Could not determine how to look up user 'nobody'.", "user_identifier": "nobody"}),
    ("jira_get_user_profile", {"user_identifier": "nobody@example.com"},
     {"success": False, "error": "Could not resolve email 'nobody@example.com' to a valid account ID for Jira Cloud.",
      "user_identifier": "nobody@example.com"}),
    ("jira_get_user_profile", {"user_identifier": "aaaaaaaaaaaaaaaaaaaaaaaa"},
     {"success": False, "error": "User 'aaaaaaaaaaaaaaaaaaaaaaaa' not found.",
      "user_identifier": "aaaaaaaaaaaaaaaaaaaaaaaa"}),
    ("jira_batch_create_issues", {"issues": "[]"}, {"message": "Issues created successfully", "issues": []}),
    *[("jira_update_sprint", arguments, {"error": f"Failed to update sprint {arguments['sprint_id']}. Check logs for "
                                                  "details."})
      for arguments in ({"sprint_id": "42", "name": "x"}, {"sprint_id": "one", "name": "x"},
                        {"sprint_id": "1", "state": "done"}, {"sprint_id": "1", "state": "Closed"},
                        {"sprint_id": "1", "state": "future"}, {"sprint_id": "1"},
                        {"sprint_id": "1", "end_date": "2025-04-01T00:00:00.000Z"},
                        {"sprint_id": "1", "end_date": "tomorrow"})],
]


@pytest.mark.parametrize(("tool", "arguments", "expected"), QUIET_FAILURES,
                         ids=[f"{i}-{c[0].removeprefix('jira_')}" for i, c in enumerate(QUIET_FAILURES)])
async def test_a_failure_the_real_server_answers_as_a_result_is_not_an_error(
        sample_db: Path, tool: str, arguments: dict[str, Any], expected: Any) -> None:
    async with open_jira(sample_db) as jira:
        before = jira.dump()
        answer, is_error = await jira.call(tool, **arguments)
        assert jira.dump() == before
    assert not is_error and answer == expected


# with error_hints=true the same failures carry our hint after the real text
HINTED: list[tuple[str, dict[str, Any], str]] = [
    ("jira_create_issue", {"project_key": "NOPE", "summary": "x", "issue_type": "Bug"},
     "Specify a valid project ID or key (known projects: PROJ)."),
    ("jira_create_issue", {"project_key": "PROJ", "summary": "x", "issue_type": "Incident"},
     "Specify a valid issue type (valid for project PROJ: "),
    ("jira_transition_issue", {"issue_key": "PROJ-1", "transition_id": "99"},
     "Transition id '99' is not valid for this issue. (Transitions available from 'To Do': 21 (In Progress)"),
    ("jira_create_issue_link", {"link_type": "Causes", "inward_issue_key": "PROJ-1", "outward_issue_key": "PROJ-2"},
     "No issue link type with name 'Causes' found. (known: Blocks"),
    ("jira_remove_issue_link", {"link_id": "4242"}, "exists. (link ids are in jira_get_issue's issuelinks"),
    ("jira_edit_comment", {"issue_key": "PROJ-1", "comment_id": "1", "body": "x"},
     "Can not find a comment for the id: 1. (jira_get_issue shows the comments of PROJ-1"),
    ("jira_link_to_epic", {"issue_key": "PROJ-4", "epic_key": "PROJ-1"}, "is not an Epic (it is a "),
    ("jira_get_sprint_issues", {"sprint_id": "42"}, "for the field 'sprint'. (jira_get_sprints_from_board"),
    ("jira_add_issues_to_sprint", {"sprint_id": "42", "issue_keys": "PROJ-1"},
     "permission to view it. (jira_get_sprints_from_board lists sprints.)"),
    ("jira_move_issues_to_backlog", {"issue_keys": " , "}, "(pass comma-separated issue keys, e.g. 'PROJ-1,PROJ-2'.)"),
    ("jira_batch_create_issues", {"issues": "[{project_key: PROJ}]"}, "Invalid JSON in issues (Expecting property"),
    ("jira_search", {"jql": "ORDER BY key"}, "to your query. (add a condition before any ORDER BY"),
    ("jira_update_issue", {"issue_key": "PROJ-1", "fields": '{"customfield_10020": "Sprint 1"}'},
     "Number value expected as the Sprint id. (The Sprint field takes one sprint id as a number"),
]


@pytest.mark.parametrize(("tool", "arguments", "hinted"), HINTED,
                         ids=[f"{i}-{c[0].removeprefix('jira_')}" for i, c in enumerate(HINTED)])
async def test_error_hints_are_appended_only_with_the_quirk(sample_db: Path, tool: str, arguments: dict[str, Any],
                                                          hinted: str) -> None:
    async with open_jira(sample_db) as plain:
        text, is_error = await plain.raw(tool, arguments)
    async with open_jira(sample_db, Quirks.from_strings({"error_hints": "true"})) as helpful:
        with_hint, hinted_error = await helpful.raw(tool, arguments)
    assert is_error and hinted_error
    assert with_hint.startswith(text + " (") and hinted in with_hint, with_hint
    assert hinted not in text


async def test_quiet_failures_carry_the_reason_with_the_quirk(sample_db: Path) -> None:
    async with open_jira(sample_db, Quirks.from_strings({"error_hints": "true"})) as helpful:
        sprint = await helpful.ok("jira_update_sprint", sprint_id="42", name="x")
        profile = await helpful.ok("jira_get_user_profile", user_identifier="nobody")
    assert sprint["error"].startswith("Failed to update sprint 42. Check logs for details. (Sprint does not exist")
    assert profile["error"].startswith("Could not determine how to look up user 'nobody'. (use an account id")


async def test_batch_create_skips_what_jira_refuses_after_a_good_issue(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        made = await jira.ok("jira_batch_create_issues", issues='[{"project_key": "PROJ", "summary": "ok", '
                             '"issue_type": "Task"}, {"project_key": "NOPE", "summary": "bad", "issue_type": "Task"}, '
                             '{"project_key": "PROJ", "issue_type": "Task"}, '
                             '{"project_key": "PROJ", "summary": "rich", "issue_type": "Task", "description": "x"}]')
        found = await jira.ok("jira_search", jql="summary ~ bad OR summary ~ rich")
    assert [issue["summary"] for issue in made["issues"]] == ["ok"]
    assert found["issues"] == []


async def test_an_unparseable_duration_logs_a_minute_and_days_are_24_hours(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        lots = await jira.ok("jira_add_worklog", issue_key="PROJ-1", time_spent="lots")
        day = await jira.ok("jira_add_worklog", issue_key="PROJ-1", time_spent="1d")
    assert lots["worklog"]["time_spent_seconds"] == 60
    assert day["worklog"]["time_spent_seconds"] == 24 * 3600


async def test_a_status_in_update_fields_transitions_by_id_only(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        moved = await jira.ok("jira_update_issue", issue_key="PROJ-1", fields='{"status": "21"}')
    assert moved["issue"]["status"]["name"] == "In Progress"
