"""Replaying mcp-atlassian's recorded sample calls against an equivalent site gives results of the same shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .conftest import REFERENCE, JiraSession, open_jira

NOT_OURS = {"jira_batch_get_changelogs", "jira_get_issue_watchers"}


def kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def shape_differences(ours: Any, theirs: Any, path: str = "$") -> list[str]:
    """Keys missing or extra, and scalar kinds that differ; lists are compared by their first element."""
    if isinstance(theirs, dict) and isinstance(ours, dict):
        found = [f"{path}.{k}: missing" for k in theirs if k not in ours]
        found += [f"{path}.{k}: extra" for k in ours if k not in theirs]
        for key in theirs.keys() & ours.keys():
            found += shape_differences(ours[key], theirs[key], f"{path}.{key}")
        return found
    if isinstance(theirs, list) and isinstance(ours, list):
        return shape_differences(ours[0], theirs[0], f"{path}[0]") if ours and theirs else []
    return [] if kind(ours) == kind(theirs) else [f"{path}: {kind(ours)} instead of {kind(theirs)}"]


# Where our site's data differs from the recorded one, or where we knowingly differ (see docs/jira.md).
ALLOWED = {
    "$.customfield_10014: extra",  # our site has the Epic Link field; the recording's had only two custom fields
    "$.customfield_10016.name: extra", "$.customfield_10020.name: extra",  # jira-notes 1.5: {"value", "name"}
    "$.customfield_10020.value: list instead of null",  # PROJ-1 is in a sprint here
    "$.customfield_10020: extra",  # so a sub-task created under PROJ-1 joins its sprint (create omits empty fields)
    "$.worklog.worklogs[0]: ...",
    "$.worklog.time_spent: str instead of null", "$.worklogs[0].time_spent: str instead of null",
    "$.subtasks[0].fields.issuetype.avatarId: extra",  # the REST face's issue types carry an avatarId (as
    "$.parent.fields.issuetype.avatarId: extra",  # company-managed projects' do); the recording's had none
    "$.issuelinks[0].outward_issue.self: extra", "$.issuelinks[0].inward_issue.self: extra",  # 0.23.1 keeps it
    "$[0].assigneeType: extra", "$[0].isAssigneeTypeValid: extra",  # components as Jira Cloud's REST answer gives
    # them (0.23.1 passes them on); the recording's site left these out
    "$.next_page_token: extra",  # given when there are more results (mcp-atlassian's is optional too)  # work was logged before this call in our replay order? (only with *all)
}


async def test_recorded_sample_calls_give_results_of_the_same_shape(sample_db: Path) -> None:
    async with open_jira(sample_db) as jira:
        await replay_samples(jira)


async def replay_samples(jira: JiraSession) -> None:
    samples = json.loads((REFERENCE / "mcp-atlassian-sample-outputs.json").read_text())
    first_comment = (await jira.ok("jira_get_issue", issue_key="PROJ-1"))["comments"][0]["id"]
    compared = 0
    for sample in samples:
        if sample["tool"] in NOT_OURS:
            continue
        arguments = dict(sample["args"])
        if arguments.get("comment_id") == "10050":
            arguments["comment_id"] = first_comment
        if sample["tool"] == "jira_remove_issue_link":
            links = (await jira.ok("jira_get_issue", issue_key="PROJ-1", fields="issuelinks"))["issuelinks"]
            arguments["link_id"] = links[0]["id"]
        if sample["tool"] == "jira_link_to_epic":
            arguments["issue_key"] = "PROJ-4"  # the recording linked a sub-task, which Jira refuses
        if sample["tool"] == "jira_add_issues_to_sprint":
            arguments["issue_keys"] = "PROJ-2,PROJ-4"  # the recording moved a sub-task alone, which Jira refuses
        text, is_error = await jira.raw(sample["tool"], arguments)
        assert is_error == sample["isError"], (sample["tool"], arguments, text)
        expected = sample["content"][0]
        if is_error:
            assert text.startswith(expected.split(":")[0] + ":"), text
            continue
        differences = [d for d in shape_differences(json.loads(text), expected) if d not in ALLOWED
                       and not d.startswith("$.issue.") and not d.startswith("$.issues[0].")]
        issue_level = [d for d in shape_differences(json.loads(text), expected)
                       if d.startswith(("$.issue.", "$.issues[0]."))]
        differences += [d for d in issue_level if d.replace("$.issue.", "$.").replace("$.issues[0].", "$.")
                        not in ALLOWED and not _optional_issue_field(d)]
        assert not differences, (sample["tool"], arguments, differences)
        compared += 1
    assert compared >= 35


def _optional_issue_field(difference: str) -> bool:
    """Simplified issues omit empty fields; those present in one site and empty in the other are data, not shape."""
    optional = ("description", "assignee", "labels", "comments", "duedate", "components", "fix_versions", "parent",
                "subtasks", "worklog", "resolution", "resolutiondate", "issuelinks", "reporter")
    name = difference.split(".", 2)[-1].split(":")[0].split(".")[0]
    return difference.endswith((": missing", ": extra")) and name in optional
