"""What every REST handler shares: the error type with Jira's error body, the per-request call object, the route
table and the small argument helpers (paging, booleans, issue lookup by key or id)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jira_bench_tui.jira.issue_load import issue_row_by_key
from jira_bench_tui.jira.tools.common import JiraContext

ISSUE_NOT_FOUND = "Issue does not exist or you do not have permission to see it."


class RestError(Exception):
    """A refused request: HTTP `status` with Jira's body `{"errorMessages": [...], "errors": {...}}`."""

    def __init__(self, status: int, messages: list[str] | str | None = None,
                 errors: dict[str, str] | None = None) -> None:
        self.status = status
        self.messages = [messages] if isinstance(messages, str) else list(messages or [])
        self.errors = dict(errors or {})
        super().__init__("; ".join(self.messages + [f"{k}: {v}" for k, v in self.errors.items()]))

    def body(self) -> dict[str, Any]:
        """Jira's error body (Jira Cloud REST v2/v3, ErrorCollection)."""
        return {"errorMessages": self.messages, "errors": self.errors}


def bad_request(message: str | None = None, **errors: str) -> RestError:
    """A 400 with a message and/or per-field errors."""
    return RestError(400, [message] if message else [], errors)


@dataclass
class Reply:
    """A handler's answer: status, JSON body (None: no body) and extra headers."""

    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Upload:
    """One file of a multipart upload; `xsrf_failed` marks an upload refused by Jira's XSRF check."""

    filename: str
    mime_type: str
    content: bytes
    xsrf_failed: bool = False


@dataclass
class RestCall:
    """One request as a handler sees it: the site's context, the API version, path and query parameters, JSON body."""

    ctx: JiraContext
    method: str
    version: str  # "2", "3", or "agile"
    params: dict[str, str]
    query: dict[str, list[str]]
    body: Any
    base_url: str
    files: list[Upload] | None = None

    @property
    def conn(self) -> sqlite3.Connection:
        """The site's open SQLite connection (inside the request's savepoint)."""
        return self.ctx.conn

    @property
    def v3(self) -> bool:
        """The request came through /rest/api/3 (rich text as ADF), not /rest/api/2 (wiki markup)."""
        return self.version == "3"

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The last value of a query parameter, or `default`."""
        values = self.query.get(name)
        return values[-1] if values else default

    def args(self, name: str) -> list[str]:
        """Every value of a query parameter, comma lists split."""
        return [part.strip() for value in self.query.get(name, []) for part in value.split(",") if part.strip()]

    def int_arg(self, name: str, default: int) -> int:
        """An integer query parameter; 400 with Jira's message when it is not one."""
        text = self.arg(name)
        if text is None or text == "":
            return default
        try:
            return int(text)
        except ValueError:
            raise bad_request(f"The value '{text}' is invalid for the parameter '{name}'.") from None

    def bool_arg(self, name: str, default: bool) -> bool:
        """A query parameter read as Jira reads booleans: "true" (any case) is True, anything else False."""
        text = self.arg(name)
        return default if text is None or text == "" else text.strip().lower() == "true"

    def json_object(self) -> dict[str, Any]:
        """The body as a JSON object; 400 when it is missing or another JSON value."""
        if not isinstance(self.body, dict):
            raise bad_request("Can not deserialize instance of the request body out of a non-object value: "
                              "a JSON object was expected.")
        return self.body

    def self_url(self, path: str, version: str | None = None) -> str:
        """The `self` link of a REST resource: `<base>/rest/api/<v>/<path>` (agile: `<base>/rest/agile/1.0/...`)."""
        chosen = version or self.version
        if chosen == "agile":
            return f"{self.base_url}/rest/agile/1.0/{path}"
        return f"{self.base_url}/rest/api/{chosen}/{path}"


Handler = Callable[[RestCall], Reply]


@dataclass(frozen=True)
class Route:
    """One endpoint: method, a path pattern with `{name}` parts, the API versions it serves, its handler, and the
    path as registered (`issue/{issueIdOrKey}`, for request logs and coverage)."""

    method: str
    pattern: re.Pattern[str]
    versions: tuple[str, ...]
    handler: Handler
    writes: bool
    path: str = ""

    def endpoint(self, version: str) -> str:
        """`METHOD /rest/...` of this route in one API version, e.g. `GET /rest/api/3/issue/{issueIdOrKey}`."""
        prefix = "/rest/agile/1.0" if version == "agile" else f"/rest/api/{version}"
        return f"{self.method} {prefix}/{self.path}"


ROUTES: list[Route] = []


def route(method: str, path: str, *, versions: tuple[str, ...] = ("2", "3"),
          writes: bool | None = None) -> Callable[[Handler], Handler]:
    """Register a handler for `method path` (path after `/rest/api/<v>/` or `/rest/agile/1.0/`)."""
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path.strip("/"))
    pattern = re.compile(f"^{regex}$")

    def register(handler: Handler) -> Handler:
        ROUTES.append(Route(method, pattern, versions, handler, method != "GET" if writes is None else writes,
                            path.strip("/")))
        return handler

    return register


def issue_row(call: RestCall, ref: str | None = None) -> sqlite3.Row:
    """The issue named by the path's `issueIdOrKey` (or `ref`: a key, an old key of a moved issue, or an id), with
    names joined in (`render.ISSUE_SELECT`); RestError 404 with Jira's body when there is none."""
    text = str(ref if ref is not None else call.params.get("issueIdOrKey", "")).strip().upper()
    if text.isdigit():
        found = call.conn.execute("SELECT key FROM issues WHERE id = ?", (int(text),)).fetchone()
        text = found[0] if found else ""
    elif text and call.conn.execute("SELECT 1 FROM issues WHERE key = ?", (text,)).fetchone() is None:
        moved = call.conn.execute("SELECT i.key FROM moved_keys m JOIN issues i ON i.id = m.issue_id "
                                  "WHERE m.old_key = ?", (text,)).fetchone()
        text = moved[0] if moved else text  # Jira answers to the key an issue had before a move
    row = issue_row_by_key(call.ctx.site, text) if text else None
    if row is None:
        raise RestError(404, ISSUE_NOT_FOUND)
    return row


def page(items: list[Any], start_at: int, max_results: int) -> list[Any]:
    """The window of a list Jira's offset paging returns."""
    return items[max(0, start_at): max(0, start_at) + max(0, max_results)]


def paged_values(call: RestCall, values: list[Any], default_max: int = 50) -> dict[str, Any]:
    """Jira's offset page `{"maxResults", "startAt", "total", "isLast", "values"}` over a full list."""
    start = call.int_arg("startAt", 0)
    size = call.int_arg("maxResults", default_max)
    window = page(values, start, size)
    return {"maxResults": size, "startAt": start, "total": len(values),
            "isLast": start + len(window) >= len(values), "values": window}


def served_endpoints() -> list[str]:
    """Every endpoint the face serves, one per route and API version (`GET /rest/api/2/issue/{issueIdOrKey}`)."""
    return sorted({found.endpoint(version) for found in ROUTES for version in found.versions})
