"""The Jira Cloud REST face as an ASGI app: pick the site by host, route `/rest/api/{2,3}/...` and
`/rest/agile/1.0/...` to handlers, run each request in one SQLite savepoint (a refused request changes nothing),
and answer with Jira's bodies, status codes and error bodies.

Requests may come straight (`GET /rest/api/2/issue/X-1`, `Host: t-1.atlassian.net`) or through the app acting as an
HTTP proxy (`GET http://t-1.atlassian.net/rest/api/2/issue/X-1`, what `requests` sends when mcp-atlassian's
`JIRA_HTTP_PROXY` points here); uvicorn passes the absolute-form target as the path and the app takes it apart.
Basic auth with any user and token is accepted: every request acts as the database's current user.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from jira_bench_tui.jira import db
from jira_bench_tui.jira.rest import routes  # noqa: F401  (registers the handlers)
from jira_bench_tui.jira.rest.core import ROUTES, Reply, RestCall, RestError, Route, Upload
from jira_bench_tui.jira.rest.registry import HostRegistry, JiraSite, normal_host
from jira_bench_tui.jira.tools.common import JiraContext, ToolFailure

log = logging.getLogger("jira_bench.rest")
_PREFIX = re.compile(r"^/rest/(?:api/(?P<v>2|3|latest)|agile/(?P<agile>1\.0|latest))/(?P<rest>.*)$")
JSON_TYPE = "application/json;charset=UTF-8"


@dataclass(frozen=True)
class RequestRecord:
    """One request the face answered: site host, method, path and query as received, the endpoint that answered
    (`GET /rest/api/3/issue/{issueIdOrKey}`, None when no route matched) and the status code."""

    host: str
    method: str
    path: str
    query: str
    endpoint: str | None
    status: int


class JiraRestApp:
    """ASGI app serving every site of a HostRegistry. `create_app` builds one; `add_listener` logs its requests."""

    def __init__(self, registry: HostRegistry) -> None:
        self.registry = registry
        self.listeners: list[Callable[[RequestRecord], None]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """The ASGI entry point: lifespan events, then each HTTP request routed by its host to one site."""
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        scope = _from_absolute_form(scope)
        request = Request(scope, receive)
        files: list[Upload] | None = None
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            files = await _uploads(request)
            body = b""
        else:
            body = await request.body()
        host = request.headers.get("host") or (scope.get("server") or ("localhost",))[0]
        base = f"{scope.get('scheme', 'http')}://{host}"
        response = await run_in_threadpool(self.handle, request.method, host, scope["path"],
                                           scope.get("query_string", b"").decode("latin-1"), body, base, files)
        await response(scope, receive, send)

    def handle(self, method: str, host: str, path: str, query: str, body: bytes, base_url: str,
               files: list[Upload] | None = None) -> Response:
        """Answer one request (synchronously; the site's lock serialises its requests). `files`: the parts of a
        multipart body, or None (then XSRF-checked uploads arrive as `RestCall.files`). Every listener then gets
        the request's `RequestRecord`."""
        response, endpoint = self._answer(method, host, path, query, body, base_url, files)
        if self.listeners:
            record = RequestRecord(normal_host(host), method, path, query, endpoint, response.status_code)
            for listener in list(self.listeners):
                listener(record)
        return response

    def add_listener(self, listener: Callable[[RequestRecord], None]) -> Callable[[], None]:
        """Call `listener` with a `RequestRecord` after every request (from the server's worker threads; keep it
        quick). Returns the function that removes it."""
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener)

    def _answer(self, method: str, host: str, path: str, query: str, body: bytes, base_url: str,
                files: list[Upload] | None) -> tuple[Response, str | None]:
        """The response, and the endpoint that answered (`GET /rest/api/3/issue/{issueIdOrKey}`; None when no
        route matched)."""
        try:
            site = self.registry.get(host)
        except KeyError:
            return _json(RestError(404, f"No Jira site is served at {host} (this server serves: "
                                        f"{', '.join(self.registry.hosts()) or 'none'}).").body(), 404), None
        endpoint: str | None = None
        with site.lock:
            try:
                found, params, version = _find_route(method, path)
                endpoint = found.endpoint(version)
                call = _make_call(site, method, version, params, query, body, base_url)
                call.files = files
                reply = _run(found, call)
            except RestError as error:
                if error.status >= 404 and error.status != 404 or "null for uri" in str(error):
                    log.warning("REST %s %s%s -> %d %s", method, path, f"?{query}" if query else "", error.status,
                                error)
                return _json(error.body(), error.status, _allow(error)), endpoint
        if reply.body is None:
            return Response(status_code=reply.status, headers=reply.headers), endpoint
        if isinstance(reply.body, bytes):
            return Response(reply.body, status_code=reply.status, headers=reply.headers), endpoint
        return _json(reply.body, reply.status, reply.headers), endpoint


async def _uploads(request: Request) -> list[Upload]:
    """The file parts of a multipart body (Jira's attachment upload); 403 without `X-Atlassian-Token: no-check`,
    as Jira's XSRF check answers."""
    if request.headers.get("x-atlassian-token", "").lower() != "no-check":
        return [Upload("", "", b"", xsrf_failed=True)]
    uploads: list[Upload] = []
    async with request.form() as form:
        for _name, value in form.multi_items():
            if isinstance(value, UploadFile):
                uploads.append(Upload(value.filename or "file", value.content_type or "application/octet-stream",
                                      await value.read()))
    return uploads


def create_app(registry: HostRegistry | None = None) -> JiraRestApp:
    """The ASGI app over `registry` (a new, empty one when None; add sites with `app.registry.add(...)`)."""
    return JiraRestApp(registry or HostRegistry())


async def _lifespan(receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def _from_absolute_form(scope: dict[str, Any]) -> dict[str, Any]:
    """A proxy request (`GET http://host/path`) as a plain one: path, raw path, scheme and Host header."""
    path = scope.get("path", "")
    if not path.startswith(("http://", "https://")):
        return scope
    parts = urlsplit(path)
    headers = [(k, v) for k, v in scope.get("headers", []) if k != b"host"]
    headers.append((b"host", parts.netloc.encode("latin-1")))
    return {**scope, "path": parts.path or "/", "raw_path": (parts.path or "/").encode("latin-1"),
            "scheme": parts.scheme, "headers": headers}


def _json(body: Any, status: int, headers: dict[str, str] | None = None) -> Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(text, status_code=status, headers=headers, media_type=JSON_TYPE)


def _allow(error: RestError) -> dict[str, str] | None:
    allowed = getattr(error, "allow", None)
    return {"Allow": ", ".join(allowed)} if allowed else None


def _find_route(method: str, path: str) -> tuple[Route, dict[str, str], str]:
    """The route for `method path`, its path parameters and the API version; 404 / 405 as Jira answers them."""
    match = _PREFIX.match(path)
    if match is None:
        raise RestError(404, f"null for uri: {path}")
    version = "agile" if match.group("agile") else ("3" if match.group("v") in ("3", "latest") else "2")
    if match.group("v") == "latest":
        version = "2"
    rest = match.group("rest").strip("/")
    allowed: list[str] = []
    for candidate in ROUTES:
        if version not in candidate.versions:
            continue
        found = candidate.pattern.match(rest)
        if found is None:
            continue
        if candidate.method == method or (method == "HEAD" and candidate.method == "GET"):
            return candidate, {k: v for k, v in found.groupdict().items()}, version
        allowed.append(candidate.method)
    if allowed:
        error = RestError(405, f"Method {method} is not allowed for {path} (allowed: {', '.join(allowed)}).")
        error.allow = allowed  # type: ignore[attr-defined]
        raise error
    raise RestError(404, f"null for uri: {path}")


def _make_call(site: JiraSite, method: str, version: str, params: dict[str, str], query: str, body: bytes,
               base_url: str) -> RestCall:
    parsed: Any = None
    if body.strip():
        try:
            parsed = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            position = getattr(exc, "pos", 0)
            raise RestError(400, f"Unexpected character in the request body: it is not valid JSON "
                                 f"({getattr(exc, 'msg', exc)} at line 1, column {position + 1}).") from None
    conn = site.connection()
    meta = db.read_meta(conn)
    ctx = JiraContext(conn=conn, now=meta.now, current_user=meta.current_user, base_url=base_url)
    return RestCall(ctx=ctx, method=method, version=version, params=params,
                    query=parse_qs(query, keep_blank_values=True), body=parsed, base_url=base_url)


def _run(found: Route, call: RestCall) -> Reply:
    """Run the handler in a savepoint: any failure rolls every write of the request back."""
    conn = call.conn
    conn.execute("SAVEPOINT rest_call")
    try:
        reply = found.handler(call)
    except BaseException as exc:
        conn.execute("ROLLBACK TO rest_call")
        conn.execute("RELEASE rest_call")
        if isinstance(exc, RestError):
            raise
        if isinstance(exc, ToolFailure):
            raise RestError(400, str(exc)) from None
        log.exception("REST %s %s failed unexpectedly", call.method, found.pattern.pattern)
        raise RestError(500, f"Internal server error ({type(exc).__name__}: {exc}); nothing was changed.") from None
    conn.execute("RELEASE rest_call")
    return reply
