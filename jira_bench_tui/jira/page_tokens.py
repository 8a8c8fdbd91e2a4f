"""The one `nextPageToken` codec of the embedded Jira, shared by its two faces: the REST face's
`POST /rest/api/3/search/jql` (`rest/routes/search.py`, `rest/routes/issues.py`) and the in-process tools'
`next_page_token` (`tools/issues.py`). A token is the URL-safe base64 of `offset:N` without padding
(offset 10 -> "b2Zmc2V0OjEw"), so a token from either face pages the same search on the other, and the tools answer
with the very tokens mcp-atlassian 0.23.1 passes through from Jira."""

from __future__ import annotations

import base64

_PREFIX = "offset:"


def encode_page_token(offset: int) -> str:
    """The opaque token of the page starting at `offset` (0-based): 10 -> "b2Zmc2V0OjEw"."""
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode().rstrip("=")


def decode_page_token(token: str | None) -> int:
    """The offset a token stands for (None or "" -> 0). ValueError when it is not a token `encode_page_token`
    makes (callers answer Jira's "The nextPageToken is invalid.")."""
    if not token:
        return 0
    text = str(token)
    try:
        decoded = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"not a page token: {text!r}") from exc
    if not decoded.startswith(_PREFIX) or not decoded[len(_PREFIX):].isdigit():
        raise ValueError(f"not a page token: {text!r}")
    return int(decoded[len(_PREFIX):])
