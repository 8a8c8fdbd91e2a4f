"""Every bad call answers is_error with a message an agent can act on, and leaves the database unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jira_bench_tui.jira.quirks import Quirks

from .conftest import open_jira

NOT_VISIBLE = "Issue does not exist or you do not have permission to see it."
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
    ("jira_create_issue", {"project_key": "NOPE", "summary": "x", "issue_type": "Bug"}, "Project 'NOPE' not found"),
    ("jira_get_project_versions", {"project_key": "NOPE"}, "Project 'NOPE' not found (known projects: PROJ)"),
    ("jira_create_issue", {"project_key": "PROJ", "summary": "x", "issue_type": "Incident"},
     "Issue type 'Incident' is not valid for project PROJ (valid: "),
    ("jira_create_issue", {"project_key": "PROJ", "summary": "x", "issue_type": "Subtask"},
     "Issue type is a sub-task but parent issue key or id not specified."),
    ("jira_assign_issue", {"issue_key": "PROJ-1", "assignee": "Zoe Zed"},
     "Failed to assign issue PROJ-1: Failed to assign issue PROJ-1: Could not find account ID for user: Zoe Zed"),
    ("jira_get_user_profile", {"user_identifier": "nobody"}, "User 'nobody' not found"),
    ("jira_transition_issue", {"issue_key": "PROJ-1", "transition_id": "99"},
     "Transition id '99' is not valid for this issue. Transitions available from 'To Do': 21 (In Progress)"),
    ("jira_transition_issue", {"issue_key": "PROJ-1", "transition_id": "Done"}, "Transition id 'Done' is not valid"),
    ("jira_transition_issue", {"issue_key": "PROJ-1", "transition_id": "31", "fields": '{"resolution": "Fixed"}'},
     "Resolution 'Fixed' does not exist (known: Done"),
    ("jira_update_issue", {"issue_key": "PROJ-1", "fields": '{"status": "Done"}'}, "use jira_get_transitions"),
    ("jira_update_issue", {"issue_key": "PROJ-1", "fields": '{"priority": {"name": "Urgent"}}'},
     "Priority 'Urgent' does not exist (known: Highest, High, Medium, Low, Lowest)"),
    ("jira_update_issue", {"issue_key": "PROJ-1", "fields": '{"fixVersions": [{"name": "9.9"}]}'},
     "Version '9.9' does not exist in this project (known: 1.0)"),
    ("jira_update_issue", {"issue_key": "PROJ-1", "fields": '{"labels": ["two words"]}'}, "cannot contain spaces"),
    ("jira_update_issue", {"issue_key": "PROJ-1", "fields": '{"customfield_10016": "lots"}'}, "must be a number"),
    ("jira_update_issue", {"issue_key": "PROJ-1", "fields": '{"duedate": "next friday"}'}, "YYYY-MM-DD"),
    ("jira_update_issue", {"issue_key": "PROJ-4", "fields": '{"parent": "PROJ-1"}'}, "must be an Epic"),
        ("jira_create_issue_link", {"link_type": "Causes", "inward_issue_key": "PROJ-1", "outward_issue_key": "PROJ-2"},
     "Link type 'Causes' not found (known: Blocks"),
    ("jira_remove_issue_link", {"link_id": "4242"}, "No issue link with id '4242' exists"),
    ("jira_link_to_epic", {"issue_key": "PROJ-4", "epic_key": "PROJ-1"}, "PROJ-1 is not an Epic"),
    ("jira_edit_comment", {"issue_key": "PROJ-1", "comment_id": "1", "body": "x"}, "Comment 1 not found on issue"),
    ("jira_add_worklog", {"issue_key": "PROJ-1", "time_spent": "a while"}, "Invalid time duration 'a while'"),
    ("jira_get_sprints_from_board", {"board_id": "99"}, "Board 99 does not exist"),
    ("jira_get_sprints_from_board", {"board_id": "one"}, "board_id must be a numeric id"),
    ("jira_get_sprint_issues", {"sprint_id": "42"}, "Sprint 42 does not exist"),
    ("jira_create_sprint", {"board_id": "1", "name": "Old", "start_date": "2020-01-01T00:00:00.000Z",
                            "end_date": "2020-01-10T00:00:00.000Z"}, "Start date cannot be in the past."),
    ("jira_create_sprint", {"board_id": "1", "name": "Bad", "start_date": "soon", "end_date": "later"},
     "start_date must be an ISO 8601 date-time"),
    ("jira_update_sprint", {"sprint_id": "42", "name": "x"}, "Sprint 42 does not exist"),
    ("jira_update_sprint", {"sprint_id": "1", "state": "done"}, "state must be future, active or closed"),
    ("jira_update_sprint", {"sprint_id": "1", "state": "future"}, "an active sprint can only be completed"),
    ("jira_update_sprint", {"sprint_id": "1"}, "Nothing to update"),
    ("jira_update_sprint", {"sprint_id": "1", "end_date": "2025-04-01T00:00:00.000Z"},
     "End date must be after the start date."),
    ("jira_update_sprint", {"sprint_id": "1", "end_date": "tomorrow"}, "end_date must be an ISO 8601 date-time"),
    ("jira_move_issues_to_backlog", {"issue_keys": " , "}, "issue_keys is empty"),
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
    ("jira_batch_create_issues", {"issues": '{"project_key": "PROJ"}'}, "issues must be a JSON array"),
    ("jira_batch_create_issues", {"issues": '[{"project_key": "PROJ", "summary": "bad", "issue_type": "Nope"}]'},
     "Issue type 'Nope' is not valid"),  # every issue refused; one refused among good ones is left out
    ("jira_add_comment", {"issue_key": "PROJ-1", "body": "hi", "visibility": "group:devs"},
     "Invalid JSON in visibility"),
    ("jira_transition_issue", {"issue_key": "PROJ-1", "transition_id": "21", "fields": "resolution=Done"},
     "Invalid JSON in fields"),
    # JQL errors
    ("jira_search", {"jql": "project = PROJ AND"}, "Error in the JQL Query"),
    ("jira_search", {"jql": "project = NOPE"}, "The value 'NOPE' does not exist for the field 'project'."),
    ("jira_search", {"jql": "colour = red"}, "Field 'colour' does not exist"),
    ("jira_search", {"jql": "project = PROJ", "page_token": "%%%"}, "The nextPageToken is invalid."),
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
