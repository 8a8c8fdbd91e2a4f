"""Shaping: a loaded `JiraIssue` to mcp-atlassian 0.23.1's simplified issue dict (`JiraIssue.to_simplified_dict`),
key for key and in its key order; and the smaller shapes tools return on their own (worklogs, transitions).

Reads no rows: everything comes from the loaded value and the site's base URL. `simplified_issue` loads and shapes
in one call."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict
from typing import Any

from jira_bench_tui.jira.durations import format_duration
from jira_bench_tui.jira.issue_load import (
    Comment,
    IssueLink,
    IssueRef,
    IssueType,
    JiraIssue,
    Status,
    Transition,
    User,
    Worklog,
    load_issue,
)
from jira_bench_tui.jira.mcpa_text import TextPath, raw_text, shown_issue, shown_text
from jira_bench_tui.jira.render import (
    FieldSelection,
    Site,
    display_time,
    iso_time,
    python_time,
    raw_time,
    rest_url,
    user_dict,
)

_RAW_WORKLOG_PAGE = 20  # Jira embeds the first 20 worklogs in an issue's `worklog` field


def simplified_issue(site: Site, row: sqlite3.Row, sel: FieldSelection, *,
                     with_target: bool = False, text: TextPath = "v2") -> dict[str, Any]:
    """mcp-atlassian's `to_simplified_dict` of an ISSUE_SELECT row: only the asked-for fields that are not empty.

    `with_target` adds each transition's target status (the `transitions_to_status` quirk); `text` is the read path
    whose rich text is shown (`mcpa_text.TextPath`: "v2" for jira_get_issue, "v3" for searches, "v2_raw" for the
    issue a write answers with, "markdown" for the `rich_text=markdown` quirk)."""
    return to_simplified_dict(load_issue(site, row, sel), sel, site.base_url, with_target=with_target, text=text)


def to_simplified_dict(issue: JiraIssue, sel: FieldSelection, base_url: str, *,
                       with_target: bool = False, text: TextPath = "v2") -> dict[str, Any]:
    """The simplified dict of a loaded issue, in mcp-atlassian's key order (rich text read along `text`)."""
    raw_worklogs = issue.worklogs
    issue = shown_issue(issue, text, base_url)
    out: dict[str, Any] = {"id": str(issue.id), "key": issue.key}
    if sel.wants("summary"):
        out["summary"] = issue.summary
    if sel.with_url:
        out["url"] = rest_url(base_url, f"issue/{issue.id}")
    if sel.with_browse_url:
        out["browse_url"] = f"{base_url}/browse/{issue.key}"
    out.update(_scalars(issue, sel, base_url))
    out.update(_related(issue, sel, base_url, raw_worklogs, text))
    if sel.wants("assignee"):
        out["assignee"] = _user(base_url, issue.assignee) if issue.assignee else {"display_name": "Unassigned"}
    if sel.wants("reporter") and issue.reporter:
        out["reporter"] = _user(base_url, issue.reporter)
    out.update(_lists(issue, sel))
    if sel.wants("created"):
        out["created"] = display_time(issue.created)
    if sel.wants("updated"):
        out["updated"] = display_time(issue.updated)
    out.update(_activity(issue, sel, base_url))
    out.update(_includes(issue, sel, base_url, with_target, text))
    return out


def _scalars(issue: JiraIssue, sel: FieldSelection, base_url: str) -> dict[str, Any]:
    """description ... resolutiondate: the issue's own single values."""
    out: dict[str, Any] = {}
    if sel.wants("description") and issue.description:
        out["description"] = issue.description
    if sel.wants("environment") and issue.environment:
        out["environment"] = issue.environment
    if sel.wants("status"):
        out["status"] = _status(issue.status)
    if sel.wants("issuetype"):
        out["issue_type"] = {"name": issue.issue_type.name}
    if sel.wants("priority") and issue.priority and issue.priority.name:
        out["priority"] = {"name": issue.priority.name}
    if sel.wants("project"):
        out["project"] = {"key": issue.project.key, "name": issue.project.name,
                          "avatar_url": f"{base_url}/secure/projectavatar?pid={issue.project.id}"}
    if sel.wants("resolution") and issue.resolution and issue.resolution.name:
        out["resolution"] = {"name": issue.resolution.name, "id": str(issue.resolution.id)}
    if sel.wants("duedate") and issue.due_date:
        out["duedate"] = issue.due_date
    if sel.wants("resolutiondate") and issue.resolution_date:
        out["resolutiondate"] = raw_time(issue.resolution_date)
    return out


def _related(issue: JiraIssue, sel: FieldSelection, base_url: str, raw_worklogs: tuple[Worklog, ...],
             text: TextPath) -> dict[str, Any]:
    """parent, subtasks (as Jira's REST API nests them) and, with '*all', the raw `worklog` page."""
    out: dict[str, Any] = {}
    if issue.parent is not None:
        out["parent"] = _raw_fragment(base_url, issue.parent)
    if issue.subtasks:
        out["subtasks"] = [_raw_fragment(base_url, child) for child in issue.subtasks]
    if sel.everything:
        out["worklog"] = _raw_worklogs(base_url, issue.id, raw_worklogs, text)
    return out


def _lists(issue: JiraIssue, sel: FieldSelection) -> dict[str, Any]:
    """labels, components, fix_versions, versions: each only when asked for and not empty."""
    out: dict[str, Any] = {}
    for key, wanted, values in (("labels", "labels", issue.labels), ("components", "components", issue.components),
                                ("fix_versions", "fixversions", issue.fix_versions),
                                ("versions", "versions", issue.affects_versions)):
        if sel.wants(wanted) and values:
            out[key] = list(values)
    return out


def _activity(issue: JiraIssue, sel: FieldSelection, base_url: str) -> dict[str, Any]:
    """comments, issuelinks, timetracking, changelogs and the custom fields."""
    out: dict[str, Any] = {}
    if issue.comments:
        out["comments"] = [_comment(base_url, c) for c in issue.comments]
    if issue.links:
        out["issuelinks"] = [_link(base_url, link) for link in issue.links]
    if sel.wants("timetracking"):
        tracking = _timetracking(issue)
        if tracking:
            out["timetracking"] = tracking
    if "changelog" in sel.includes:
        out["changelogs"] = [{"items": [asdict(item) for item in entry.items],
                              "author": _user_by_id(base_url, entry.author), "created": iso_time(entry.created)}
                             for entry in issue.changelog]
    for field in issue.custom_fields:
        value = field.value if field.sprints is None else [
            {"id": s.id, "name": s.name, "state": s.state, "boardId": s.board_id, "goal": s.goal,
             "startDate": s.start_date, "endDate": s.end_date} for s in field.sprints] or None
        out[field.id] = {"value": value, "name": field.name}
    return out


def _includes(issue: JiraIssue, sel: FieldSelection, base_url: str, with_target: bool,
              text: TextPath) -> dict[str, Any]:
    """The sections of the `include` parameter: remote_links, transitions, watchers, worklogs."""
    out: dict[str, Any] = {}
    if "remote_links" in sel.includes:
        out["remote_links"] = []
    if "transitions" in sel.includes:
        out["transitions"] = transition_dicts(issue.transitions, with_target)
    if "watchers" in sel.includes:
        out["watchers"] = {"issue_key": issue.key, "watcher_count": len(issue.watchers),
                           "is_watching": issue.watching,
                           "watchers": [_user_by_id(base_url, w) for w in issue.watchers]}
    if "worklogs" in sel.includes:
        # 0.23.1 reads these through get_worklogs (REST v2) whatever the tool
        out["worklogs"] = [worklog_dict(w, "markdown" if text == "markdown" else "v2") for w in issue.worklogs]
    return out


# ---- the pieces ----------------------------------------------------------------------------------------------


def _user(base_url: str, user: User) -> dict[str, Any]:
    return user_dict(base_url, user.account_id, user.display_name, user.email)


def _user_by_id(base_url: str, user: User | None) -> dict[str, Any] | None:
    """A user referred to by account id: the simplified user, {"display_name": id} when nobody has the id."""
    if user is None:
        return None
    return _user(base_url, user) if user.found else {"display_name": user.account_id}


def _display_name(user: User | None) -> str | None:
    if user is None:
        return None
    return user.display_name if user.found else user.account_id


def _status(status: Status) -> dict[str, Any]:
    return {"name": status.name, "category": status.category_name, "color": status.category_color}


def _raw_status(base_url: str, status: Status) -> dict[str, Any]:
    return {
        "self": rest_url(base_url, f"status/{status.id}"), "description": "",
        "iconUrl": f"{base_url}/images/icons/statuses/generic.png", "name": status.name, "id": str(status.id),
        "statusCategory": {"id": status.category_id, "key": status.category_key,
                           "colorName": status.category_color, "name": status.category_name,
                           "self": rest_url(base_url, f"statuscategory/{status.category_id}")},
    }


def _raw_issue_type(base_url: str, issue_type: IssueType) -> dict[str, Any]:
    return {"self": rest_url(base_url, f"issuetype/{issue_type.id}"), "id": str(issue_type.id),
            "description": issue_type.description or "",
            "iconUrl": f"{base_url}/images/icons/issuetypes/{issue_type.name.lower()}.svg",
            "name": issue_type.name, "subtask": issue_type.subtask, "hierarchyLevel": issue_type.hierarchy_level}


def _raw_fragment(base_url: str, ref: IssueRef) -> dict[str, Any]:
    """A parent or sub-task the way Jira's REST API nests it (mcp-atlassian passes it through unchanged)."""
    fields: dict[str, Any] = {"summary": ref.summary, "status": _raw_status(base_url, ref.status)}
    if ref.priority is not None:
        fields["priority"] = {"self": rest_url(base_url, f"priority/{ref.priority.id}"),
                              "iconUrl": f"{base_url}/images/icons/priorities/{ref.priority.name.lower()}.svg",
                              "name": ref.priority.name, "id": str(ref.priority.id)}
    fields["issuetype"] = _raw_issue_type(base_url, ref.issue_type)
    return {"id": str(ref.id), "key": ref.key, "self": rest_url(base_url, f"issue/{ref.id}"), "fields": fields}


def _comment(base_url: str, comment: Comment) -> dict[str, Any]:
    return {"id": str(comment.id), "body": comment.body, "author": _user_by_id(base_url, comment.author),
            "created": raw_time(comment.created), "updated": raw_time(comment.updated)}


def _link(base_url: str, link: IssueLink) -> dict[str, Any]:
    """An issuelink as mcp-atlassian shows it: the other end as outward_issue or inward_issue."""
    link_type = {"id": str(link.type.id), "name": link.type.name, "inward": link.type.inward,
                 "outward": link.type.outward, "self": rest_url(base_url, f"issueLinkType/{link.type.id}")}
    other = link.other
    other_fields: dict[str, Any] = {"summary": other.summary, "status": _status(other.status)}
    if other.priority is not None and other.priority.name:
        other_fields["priority"] = {"name": other.priority.name}
    other_fields["issuetype"] = {"name": other.issue_type.name}
    end = {"id": str(other.id), "key": other.key, "fields": other_fields}
    return {"id": str(link.id), "type": link_type, ("outward_issue" if link.outward else "inward_issue"): end}


def _timetracking(issue: JiraIssue) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, seconds in (("original_estimate", issue.original_estimate_s),
                          ("remaining_estimate", issue.remaining_estimate_s), ("time_spent", issue.time_spent_s)):
        if seconds:
            result[name] = format_duration(seconds)
            result[f"{name}_seconds"] = seconds
    return result


def _raw_worklogs(base_url: str, issue_id: int, worklogs: tuple[Worklog, ...], text: TextPath) -> dict[str, Any]:
    """The `worklog` field of Jira's REST issue: the first page of worklogs and their total (each comment as the
    REST version of `text` sends it: wiki markup, ADF or, for the quirk, Markdown)."""
    entries = [{"self": rest_url(base_url, f"issue/{issue_id}/worklog/{w.id}"),
                "author": _user_by_id(base_url, w.author), "comment": raw_text(w.comment, text),
                "created": raw_time(w.created),
                "updated": raw_time(w.updated), "started": raw_time(w.started),
                "timeSpent": format_duration(w.seconds), "timeSpentSeconds": w.seconds, "id": str(w.id),
                "issueId": str(issue_id)}
               for w in worklogs[:_RAW_WORKLOG_PAGE]]
    return {"startAt": 0, "maxResults": _RAW_WORKLOG_PAGE, "total": len(worklogs), "worklogs": entries}


def worklog_dict(worklog: Worklog, text: TextPath = "v2") -> dict[str, Any]:
    """A worklog as mcp-atlassian's jira_get_worklog and jira_add_worklog show it (times as Python prints them,
    the author's display name; the comment read along `text`: "v2" for jira_get_worklog, "v3_clean" for
    jira_add_worklog)."""
    return {"id": str(worklog.id), "comment": shown_text(worklog.comment, text),
            "created": python_time(worklog.created),
            "updated": python_time(worklog.updated), "started": python_time(worklog.started),
            "time_spent": format_duration(worklog.seconds), "time_spent_seconds": worklog.seconds,
            "author": _display_name(worklog.author)}


def transition_dicts(transitions: tuple[Transition, ...], with_target: bool) -> list[dict[str, Any]]:
    """mcp-atlassian 0.23.1 gives [{"id": 11, "name": "To Do"}]: an int id and no target (a known bug);
    `with_target` adds "to_status" (the `transitions_to_status` quirk)."""
    result = []
    for t in transitions:
        entry: dict[str, Any] = {"id": t.id, "name": t.name}
        if with_target:
            entry["to_status"] = t.to_status
        result.append(entry)
    return result
