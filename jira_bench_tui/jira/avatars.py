"""Avatar URLs of users and projects, one invented URL per user or project that both faces print (the MCP tools'
simplified users and projects, the REST face's `avatarUrls`): moved here from the REST face's shapes so the tools
that pass Jira's project JSON through (`jira_search_projects`) show the same map."""

from __future__ import annotations

from typing import Any

AVATAR_SIZES = ("48x48", "24x24", "16x16", "32x32")
_PROJECT_AVATAR_SIZE = {"24x24": "small", "16x16": "xsmall", "32x32": "medium"}


def avatars(base: str, kind: str, ident: Any) -> dict[str, str]:
    """Jira's `avatarUrls` map (48x48, 24x24, 16x16, 32x32) for a user or project. The 48x48 URL (the one
    mcp-atlassian shows) is the model's own, as the MCP tools print it (`render.user_dict`: `<base>/avatar/<id>.png`;
    projects `<base>/secure/projectavatar?pid=<id>`, Jira's project avatar path); Jira Cloud serves user avatars from
    its avatar CDN, which no trial can reach, so one invented URL per user serves both faces."""
    if kind == "user":
        return {size: f"{base}/avatar/{ident}.png" + ("" if size == "48x48" else f"?size={size.split('x')[0]}")
                for size in AVATAR_SIZES}
    return {size: f"{base}/secure/projectavatar?" + (f"size={_PROJECT_AVATAR_SIZE[size]}&" if size in
                                                      _PROJECT_AVATAR_SIZE else "") + f"pid={ident}"
            for size in AVATAR_SIZES}


def issue_type_avatar_id(type_id: int) -> int:
    """The `avatarId` of an issue type as both faces print it (Jira's REST issuetype; mcp-atlassian passes a parent's
    and a sub-task's through): one invented id per type, 10300 + the id's last two digits."""
    return 10300 + int(type_id) % 100
