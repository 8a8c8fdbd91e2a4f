"""Shaping: a loaded `JiraIssue` to mcp-atlassian 0.23.1's simplified issue dict (`JiraIssue.to_simplified_dict`),
key for key and in its key order; and the smaller shapes tools return on their own (worklogs, transitions).

Reads no rows: everything comes from the loaded value and the site's base URL. `simplified_issue` loads and shapes
in one call."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict
from typing import Any

from jira_bench_tui.jira.avatars import issue_type_avatar_id
from jira_bench_tui.jira.durations import format_duration
from jira_bench_tui.jira.issue_extras import remote_link_json
from jira_bench_tui.jira.issue_load import (
    Attachment,
    ChangelogEntry,
    Comment,
    IssueLink,
    IssueRef,
    IssueType,
    JiraIssue,
    Sprint,
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
    agile_time,
    display_time,
    iso_time,
    python_time,
    raw_time,
    rest_url,
    user_dict,
)

_RAW_WORKLOG_PAGE = 20  # Jira embeds the first 20 worklogs in an issue's `worklog` field


# What each `include` section is called in jira_get_issue's answer (servers/jira.py _GET_ISSUE_INCLUDE_OUTPUT_KEYS):
# a custom field's display name never takes one of these keys.
_INCLUDE_OUTPUT_KEYS = {"remote_links": "remote_links", "transitions": "transitions", "watchers": "watchers",
                        "changelog": "changelogs", "comments": "comments", "worklogs": "worklogs"}


def simplified_issue(site: Site, row: sqlite3.Row, sel: FieldSelection, *, with_target: bool = False,
                     field_names: bool = False, text: TextPath = "v2") -> dict[str, Any]:
    """mcp-atlassian's `to_simplified_dict` of an ISSUE_SELECT row: only the asked-for fields that are not empty.

    `with_target` adds each transition's target status (the `transitions_to_status` quirk); `field_names` names
    every custom field (the `custom_field_names` quirk); `text` is the read path whose rich text is shown
    (`mcpa_text.TextPath`: "v2" for jira_get_issue, "v3" for searches, "v2_raw" for the issue a write answers with,
    "markdown" for the `rich_text=markdown` quirk)."""
    return to_simplified_dict(load_issue(site, row, sel), sel, site.base_url, with_target=with_target,
                              field_names=field_names, text=text)


def to_simplified_dict(issue: JiraIssue, sel: FieldSelection, base_url: str, *, with_target: bool = False,
                       field_names: bool = False, text: TextPath = "v2") -> dict[str, Any]:
    """The simplified dict of a loaded issue, in mcp-atlassian's key order (models/jira/issue.py
    `JiraIssue.to_simplified_dict`, then servers/jira.py's `get_issue` additions for `include`); rich text read
    along `text`."""
    raw_worklogs = issue.worklogs
    issue = shown_issue(issue, text, base_url)
    out: dict[str, Any] = {"id": str(issue.id), "key": issue.key}
    if sel.wants("summary"):
        out["summary"] = issue.summary
    if sel.with_url:
        out["url"] = rest_url(base_url, f"issue/{issue.id}", sel.api)
    if sel.with_browse_url:
        out["browse_url"] = f"{base_url}/browse/{issue.key}"
    out.update(_scalars(issue, sel, base_url))
    out.update(_related(issue, sel, base_url, raw_worklogs, text))
    if sel.wants("assignee"):
        out["assignee"] = _user(base_url, issue.assignee) if issue.assignee else {"display_name": "Unassigned"}
    if sel.wants("reporter") and issue.reporter:
        out["reporter"] = _user(base_url, issue.reporter)
    out.update(_lists(issue, sel))
    out.update(_epic_fields(issue, sel))
    if sel.wants("timetracking"):
        tracking = _timetracking(issue)
        if tracking:
            out["timetracking"] = tracking
    if sel.wants("created"):
        out["created"] = display_time(issue.created)
    if sel.wants("updated"):
        out["updated"] = display_time(issue.updated)
    out.update(_activity(issue, sel, base_url))
    out.update(_custom_fields(issue, sel, field_names or "names" in sel.expand, set(out)))
    out.update(_includes(issue, sel, base_url, with_target, set(out), text))
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
    """parent, subtasks (as Jira's REST API nests them) and, with '*all' or 'worklog', the raw `worklog` page."""
    out: dict[str, Any] = {}
    if issue.parent is not None:
        out["parent"] = _raw_fragment(base_url, sel.api, issue.parent)
    if issue.subtasks:
        out["subtasks"] = [_raw_fragment(base_url, sel.api, child) for child in issue.subtasks]
    if sel.wants("worklog"):
        out["worklog"] = _raw_worklogs(base_url, sel.api, issue.id, raw_worklogs, text)
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


def _epic_fields(issue: JiraIssue, sel: FieldSelection) -> dict[str, Any]:
    """epic_key and epic_name as mcp-atlassian finds them without the 'names' expansion
    (`JiraIssue._find_custom_field_in_api_response`): the value of the first custom field whose id ends in "14"
    (Epic Link) or "11" (Epic Name), when it is a string; shown only when asked for by these names or with '*all'."""
    out: dict[str, Any] = {}
    for key, suffix in (("epic_key", "14"), ("epic_name", "11")):
        found = next((f for f in issue.custom_fields if f.id.endswith(suffix)), None)
        if found is not None and isinstance(found.value, str) and found.value and sel.wants(key):
            out[key] = found.value
    return out


def _activity(issue: JiraIssue, sel: FieldSelection, base_url: str) -> dict[str, Any]:
    """comments, attachments, changelogs (when expanded and not empty) and issuelinks."""
    out: dict[str, Any] = {}
    if issue.comments:
        out["comments"] = [_comment(base_url, c) for c in issue.comments]
    if issue.attachments:
        out["attachments"] = [_attachment(base_url, sel.api, a) for a in issue.attachments]
    if issue.changelog:
        out["changelogs"] = changelog_dicts(base_url, issue.changelog)
    if issue.links:
        out["issuelinks"] = [_link(base_url, sel.api, link) for link in issue.links]
    return out


def _custom_fields(issue: JiraIssue, sel: FieldSelection, named: bool, taken: set[str]) -> dict[str, Any]:
    """The custom fields: `{"value": v}`, plus `"name"` only when the display names came with the issue (Jira's
    'names' expansion, which mcp-atlassian asks for only with use_display_names or an explicit expand=names:
    `JiraIssue.from_api_response` stores a name only from `names`). With `display_names` each is keyed by its
    display name instead, unless that name is taken by another key or an include section, and carries its
    `field_id` (`JiraIssue.to_display_name_dict`)."""
    fields: dict[str, dict[str, Any]] = {}
    for field in issue.custom_fields:
        value = field.value if field.sprints is None else [_sprint_value(s) for s in field.sprints] or None
        fields[field.id] = {"value": value, "name": field.name} if named else {"value": value}
    if not sel.display_names:
        return fields
    reserved = taken | set(fields) | {_INCLUDE_OUTPUT_KEYS[s] for s in sel.includes if s in _INCLUDE_OUTPUT_KEYS}
    keyed: dict[str, Any] = {}
    for field_id, entry in fields.items():
        name = entry.pop("name", None)
        key = name if name and name not in reserved and name not in keyed else field_id
        keyed[key] = {**entry, "field_id": field_id}
    return keyed


def _includes(issue: JiraIssue, sel: FieldSelection, base_url: str, with_target: bool,
              present: set[str], text: TextPath) -> dict[str, Any]:
    """What jira_get_issue adds for its `include` sections (servers/jira.py `get_issue`): an empty `comments` or
    `changelogs` list when asked for and absent, then remote_links (GET /rest/api/3/issue/KEY/remotelink as is),
    transitions, watchers (by display name) and worklogs."""
    out: dict[str, Any] = {}
    if "comments" in sel.includes and "comments" not in present:
        out["comments"] = []
    if "changelog" in sel.includes and "changelogs" not in present:
        out["changelogs"] = []
    if "remote_links" in sel.includes:
        out["remote_links"] = [remote_link_json(r, rest_url(base_url, f"issue/{issue.key}/remotelink/{r['id']}", "3"))
                               for r in issue.remote_links]
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


def _sprint_value(sprint: Sprint) -> dict[str, Any]:
    """One sprint of the Sprint field as Jira Cloud gives it on an issue (the REST face's `sprint_field_value`):
    goal "" when none, agile dates with `Z`, each date only when set; mcp-atlassian keeps such a dict whole."""
    out: dict[str, Any] = {"id": sprint.id, "name": sprint.name, "state": sprint.state, "boardId": sprint.board_id,
                           "goal": sprint.goal or ""}
    for key, stored in (("startDate", sprint.start_date), ("endDate", sprint.end_date),
                        ("completeDate", sprint.complete_date)):
        if stored:
            out[key] = agile_time(stored)
    return out


def changelog_dicts(base_url: str, entries: tuple[ChangelogEntry, ...]) -> list[dict[str, Any]]:
    """Changelog entries as mcp-atlassian shows them (models/jira/common.py `JiraChangelog.to_simplified_dict`):
    `items` (each with field and fieldtype, and only the from/to values that are not null), `author`, `created`,
    each only when present."""
    result = []
    for entry in entries:
        shown: dict[str, Any] = {}
        if entry.items:
            shown["items"] = [{k: v for k, v in asdict(item).items() if v is not None or k in ("field", "fieldtype")}
                              for item in entry.items]
        if entry.author is not None:
            shown["author"] = _user_by_id(base_url, entry.author)
        if entry.created:
            shown["created"] = iso_time(entry.created)
        result.append(shown)
    return result


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


def _raw_status(base_url: str, api: str, status: Status) -> dict[str, Any]:
    return {
        "self": rest_url(base_url, f"status/{status.id}", api), "description": "",
        "iconUrl": f"{base_url}/images/icons/statuses/generic.png", "name": status.name, "id": str(status.id),
        "statusCategory": {"self": rest_url(base_url, f"statuscategory/{status.category_id}", api),
                           "id": status.category_id, "key": status.category_key,
                           "colorName": status.category_color, "name": status.category_name},
    }


def _raw_issue_type(base_url: str, api: str, issue_type: IssueType) -> dict[str, Any]:
    return {"self": rest_url(base_url, f"issuetype/{issue_type.id}", api), "id": str(issue_type.id),
            "description": issue_type.description or "",
            "iconUrl": f"{base_url}/images/icons/issuetypes/{issue_type.name.lower()}.svg",
            "name": issue_type.name, "subtask": issue_type.subtask, "avatarId": issue_type_avatar_id(issue_type.id),
            "hierarchyLevel": issue_type.hierarchy_level}


def _raw_fragment(base_url: str, api: str, ref: IssueRef) -> dict[str, Any]:
    """A parent or sub-task the way Jira's REST API nests it (mcp-atlassian passes it through unchanged)."""
    fields: dict[str, Any] = {"summary": ref.summary, "status": _raw_status(base_url, api, ref.status)}
    if ref.priority is not None:
        fields["priority"] = {"self": rest_url(base_url, f"priority/{ref.priority.id}", api),
                              "iconUrl": f"{base_url}/images/icons/priorities/{ref.priority.name.lower()}.svg",
                              "name": ref.priority.name, "id": str(ref.priority.id)}
    fields["issuetype"] = _raw_issue_type(base_url, api, ref.issue_type)
    return {"id": str(ref.id), "key": ref.key, "self": rest_url(base_url, f"issue/{ref.id}", api), "fields": fields}


def _attachment(base_url: str, api: str, attachment: Attachment) -> dict[str, Any]:
    """One attachment as models/jira/common.py `JiraAttachment.to_simplified_dict` shows Jira's: filename, size,
    url (the content link, through the API the issue was read from), content_type, author (when Jira knows the
    user), created (as Jira gives it)."""
    out: dict[str, Any] = {"filename": attachment.filename, "size": attachment.size,
                           "url": rest_url(base_url, f"attachment/content/{attachment.id}", api)}
    if attachment.mime_type:
        out["content_type"] = attachment.mime_type
    if attachment.author is not None and attachment.author.found:
        out["author"] = _user(base_url, attachment.author)
    if attachment.created:
        out["created"] = attachment.created
    return out


def _comment(base_url: str, comment: Comment) -> dict[str, Any]:
    return {"id": str(comment.id), "body": comment.body, "author": _user_by_id(base_url, comment.author),
            "created": raw_time(comment.created), "updated": raw_time(comment.updated)}


def _link(base_url: str, api: str, link: IssueLink) -> dict[str, Any]:
    """An issuelink as mcp-atlassian shows it: the other end as outward_issue or inward_issue."""
    link_type = {"id": str(link.type.id), "name": link.type.name, "inward": link.type.inward,
                 "outward": link.type.outward, "self": rest_url(base_url, f"issueLinkType/{link.type.id}", api)}
    other = link.other
    other_fields: dict[str, Any] = {"summary": other.summary, "status": _status(other.status)}
    if other.priority is not None and other.priority.name:
        other_fields["priority"] = {"name": other.priority.name}
    other_fields["issuetype"] = {"name": other.issue_type.name}
    end = {"id": str(other.id), "key": other.key, "self": rest_url(base_url, f"issue/{other.id}", api),
           "fields": other_fields}
    return {"id": str(link.id), "type": link_type, ("outward_issue" if link.outward else "inward_issue"): end}


def _timetracking(issue: JiraIssue) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, seconds in (("original_estimate", issue.original_estimate_s),
                          ("remaining_estimate", issue.remaining_estimate_s), ("time_spent", issue.time_spent_s)):
        if seconds:
            result[name] = format_duration(seconds)
            result[f"{name}_seconds"] = seconds
    return result


def _raw_worklogs(base_url: str, api: str, issue_id: int, worklogs: tuple[Worklog, ...],
                  text: TextPath) -> dict[str, Any]:
    """The `worklog` field of Jira's REST issue: the first page of worklogs and their total (each comment as the
    REST version of `text` sends it: wiki markup, ADF or, for the quirk, Markdown)."""
    entries = [{"self": rest_url(base_url, f"issue/{issue_id}/worklog/{w.id}", api),
                "author": _user_by_id(base_url, w.author), "comment": raw_text(w.comment, text),
                "created": raw_time(w.created),
                "updated": raw_time(w.updated), "started": raw_time(w.started),
                "timeSpent": format_duration(w.seconds), "timeSpentSeconds": w.seconds, "id": str(w.id),
                "issueId": str(issue_id)}
               for w in worklogs[:_RAW_WORKLOG_PAGE]]
    return {"startAt": 0, "maxResults": _RAW_WORKLOG_PAGE, "total": len(worklogs), "worklogs": entries}


def worklog_dict(worklog: Worklog, text: TextPath = "v2") -> dict[str, Any]:
    """A worklog as mcp-atlassian's jira_get_worklog and jira_add_worklog show it (times as Python prints them,
    the author's display name, "" for no comment: jira/worklog.py cleans `comment` with a "" default); the comment
    read along `text`: "v2" for jira_get_worklog, "v3_clean" for jira_add_worklog."""
    return {"id": str(worklog.id), "comment": shown_text(worklog.comment, text) or "",
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
