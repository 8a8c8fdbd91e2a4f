"""What every result shape of the embedded Jira shares: timestamps in each form mcp-atlassian 0.23.1 shows them, the
site (connection, base URL, current user), the simplified user, the `fields`/`include` selection of an issue tool,
and the JSON text of a result. `issue_load.py` and `issue_shape.py` build the simplified issue on top of it.

Timestamps are stored as `2026-11-20T09:30:00.000+0000` (UTC) and shown the way mcp-atlassian shows each of them
(see the `*_time` helpers).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

DEFAULT_FIELDS = "versions,status,reporter,description,updated,issuetype,summary,assignee,created,priority,labels"
DEFAULT_FIELD_SET = frozenset(DEFAULT_FIELDS.split(","))
INCLUDE_ALL = ("comments", "changelog", "transitions", "watchers", "worklogs", "remote_links")

# What a `fields` name asks for, lower-cased, in the simplified issue's terms.
_FIELD_ALIASES = {
    "issuetype": "issuetype", "issue_type": "issuetype", "type": "issuetype",
    "fixversions": "fixversions", "fix_versions": "fixversions", "fixversion": "fixversions",
    "versions": "versions", "affectedversion": "versions", "affectsversions": "versions",
    "comment": "comment", "comments": "comment",
    "worklog": "worklog", "worklogs": "worklog",
    "component": "components", "components": "components",
    "due": "duedate", "duedate": "duedate", "due_date": "duedate",
    "resolved": "resolutiondate", "resolutiondate": "resolutiondate",
    "issuelinks": "issuelinks", "links": "issuelinks", "subtasks": "subtasks",
}


# ---- time ----------------------------------------------------------------------------------------------------


def parse_time(stored: str) -> datetime:
    """A stored or ISO timestamp as an aware UTC datetime (a bare date is midnight UTC)."""
    value = datetime.fromisoformat(stored.strip().replace(" ", "T", 1) if "T" not in stored else stored.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def stored_time(moment: datetime) -> str:
    """The storage form: 2026-11-20T09:30:00.000+0000."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def display_time(stored: str | None) -> str | None:
    """created/updated of a simplified issue: 2025-05-01 10:00:00 UTC."""
    return None if not stored else parse_time(stored).strftime("%Y-%m-%d %H:%M:%S UTC")


def python_time(stored: str | None) -> str | None:
    """Write results and worklogs: 2026-11-24 02:07:02+00:00 (Python's str of the datetime)."""
    return None if not stored else str(parse_time(stored).replace(microsecond=0))


def iso_time(stored: str | None) -> str | None:
    """Changelog entries: 2025-05-02T11:00:00+00:00."""
    return None if not stored else parse_time(stored).replace(microsecond=0).isoformat()


def raw_time(stored: str | None) -> str | None:
    """Comments and resolutiondate are passed through in Jira's REST form."""
    return None if not stored else stored_time(parse_time(stored))


def agile_time(stored: str | None) -> str | None:
    """Sprint dates, as Jira's agile API and the Sprint field give them (and mcp-atlassian passes on):
    2026-11-20T09:30:00.000Z."""
    return None if not stored else stored_time(parse_time(stored)).replace("+0000", "Z")


# ---- the site ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """What every renderer needs: the connection, the site's base URL and the current user's account id."""

    conn: sqlite3.Connection
    base_url: str
    current_user: str

    def rest(self, path: str, api: str) -> str:
        """The REST URL of `path` on this site through API `api` (see rest_url)."""
        return rest_url(self.base_url, path, api)


def rest_url(base_url: str, path: str, api: str) -> str:
    """The `self` link Jira Cloud gives `path` when read through REST API `api` ("2", "3" or "agile"):
    ("issue/10001", "2") -> https://acme.atlassian.net/rest/api/2/issue/10001; "agile" -> .../rest/agile/1.0/...

    Jira builds every `self` of a response from the API version the request came through, so a tool's links carry
    the version of the endpoint mcp-atlassian 0.23.1 reads it from (the REST face's `RestCall.self_url` does the
    same): /rest/api/2 for `get_issue` (atlassian-python-api's `issue()`, hence create/update/transition results,
    link types, components), /rest/api/3 for `search_issues` (`POST rest/api/3/search/jql`, hence jira_search,
    jira_get_project_issues, jira_get_sprint_issues), agile/1.0 for a board's issues."""
    if api == "agile":
        return f"{base_url}/rest/agile/1.0/{path}"
    return f"{base_url}/rest/api/{api}/{path}"


def user_dict(base_url: str, account_id: str | None, display_name: str | None, email: str | None) -> dict[str, Any]:
    """mcp-atlassian's simplified user; callers show an empty assignee as {"display_name": "Unassigned"}."""
    return {
        "account_id": account_id,
        "display_name": display_name,
        "name": display_name,
        "email": email,
        "avatar_url": f"{base_url}/avatar/{account_id}.png",
    }


# ---- issues --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FieldSelection:
    """Which fields a caller asked for (`fields` and `include` parameters)."""

    everything: bool
    names: frozenset[str]
    includes: frozenset[str] = frozenset()
    comment_limit: int = 10
    with_browse_url: bool = True
    with_url: bool = False
    api: str = "2"
    expand: frozenset[str] = frozenset()
    display_names: bool = False

    @classmethod
    def parse(cls, fields: str | None, *, include: str | None = None, comment_limit: int = 10,
              comments_by_default: bool = False, with_browse_url: bool = True, api: str = "2",
              expand: str | None = None, display_names: bool = False) -> FieldSelection:
        """The selection of a `fields` string ("summary,status", "*all"; None or blank: DEFAULT_FIELDS, mcp-atlassian
        0.23.1's default) and an `include` string ("transitions,changelog" or "all"). Field names are lower-cased and
        aliases folded ("type" -> issuetype, "fixVersion" -> fixversions). `comments_by_default`: jira_get_issue shows
        comments with the default fields, as 0.23.1 does; '*all' also adds the REST `url`. `api` is the REST API the
        tool reads the issue through ("2": get_issue and every write result built on it; "3": the search tools;
        "agile": a board's issues): the version of every `self` link of the issue (see rest_url). `expand` is the
        tool's Jira `expand` string, lower-cased into a set ("changelog" adds the non-empty `changelogs`, "names"
        names each custom field); `display_names` (the tools' use_display_names) keys custom fields by display name
        and implies "names", as servers/jira.py does."""
        text = (fields or DEFAULT_FIELDS).strip() or DEFAULT_FIELDS
        raw = {part.strip() for part in text.split(",") if part.strip()}
        everything = "*all" in raw or "*navigable" in raw
        names = {_FIELD_ALIASES.get(name.lower(), name.lower()) for name in raw}
        if comments_by_default and raw == DEFAULT_FIELD_SET:
            names.add("comment")
        includes: set[str] = set()
        for part in (include or "").split(","):
            part = part.strip().lower()
            if part == "all":
                includes.update(INCLUDE_ALL)
            elif part:
                includes.add(part)
        if "comments" in includes:
            names.add("comment")
        expands = {part.strip().lower() for part in (expand or "").split(",") if part.strip()}
        if display_names:
            expands.add("names")
        return cls(everything, frozenset(names), frozenset(includes), comment_limit, with_browse_url,
                   with_url=everything, api=api, expand=frozenset(expands), display_names=display_names)

    def wants(self, name: str) -> bool:
        """Whether field `name` (lower case, folded as in parse) is to be shown."""
        return self.everything or name in self.names


def to_json(value: Any) -> str:
    """Tool results are JSON text with indent=2, as mcp-atlassian writes them."""
    return json.dumps(value, indent=2, ensure_ascii=False)
