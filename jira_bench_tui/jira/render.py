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


# ---- the site ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """What every renderer needs: the connection, the site's base URL and the current user's account id."""

    conn: sqlite3.Connection
    base_url: str
    current_user: str

    def rest(self, path: str) -> str:
        """The REST URL of `path` on this site (see rest_url)."""
        return rest_url(self.base_url, path)


def rest_url(base_url: str, path: str) -> str:
    """The Jira Cloud REST v3 URL of `path` ("issue/10001" -> https://acme.atlassian.net/rest/api/3/issue/10001)."""
    return f"{base_url}/rest/api/3/{path}"


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

    @classmethod
    def parse(cls, fields: str | None, *, include: str | None = None, comment_limit: int = 10,
              comments_by_default: bool = False, with_browse_url: bool = True) -> FieldSelection:
        """The selection of a `fields` string ("summary,status", "*all"; None or blank: DEFAULT_FIELDS, mcp-atlassian
        0.23.1's default) and an `include` string ("transitions,changelog" or "all"). Field names are lower-cased and
        aliases folded ("type" -> issuetype, "fixVersion" -> fixversions). `comments_by_default`: jira_get_issue shows
        comments with the default fields, as 0.23.1 does; '*all' also adds the REST `url`."""
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
        return cls(everything, frozenset(names), frozenset(includes), comment_limit, with_browse_url,
                   with_url=everything)

    def wants(self, name: str) -> bool:
        """Whether field `name` (lower case, folded as in parse) is to be shown."""
        return self.everything or name in self.names


def to_json(value: Any) -> str:
    """Tool results are JSON text with indent=2, as mcp-atlassian writes them."""
    return json.dumps(value, indent=2, ensure_ascii=False)
