"""The trial's MCP tools as an `agents.base.ToolBox`: calls through an open `mcp.client.Client`, each one timed,
bounded by a timeout, recorded as a `tool_call` step and reported to the engine's hooks."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import AsyncIterator, Callable, Hashable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import anyio
from mcp.client import Client
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters
from mcp.server.mcpserver import MCPServer
from mcp.shared.exceptions import MCPError
from mcp_types import DiscoverResult, ListToolsResult

from jira_bench_tui.agents.base import ToolOutcome, ToolSpec
from jira_bench_tui.engine.reasons import exception_reason

StepHook = Callable[[dict[str, Any]], None]
EVENT_RESULT_CHARS = 2000  # a tool_result event carries at most this much of the result (the artifact has it all)
DEFAULT_CALL_TIMEOUT_S = 60.0


class ToolBoxError(Exception):
    """The MCP server could not be reached or broke the connection (not a tool error). One sentence for a user."""


def _result_text(result: Any) -> str:
    """The text of a CallToolResult: its text blocks joined; structured content as JSON when there is no text."""
    parts: list[str] = []
    for block in result.content or []:
        text = getattr(block, "text", None)
        if isinstance(text, str):
            parts.append(text)
        else:
            parts.append(f"[{getattr(block, 'type', 'content')} block]")
    if not parts and result.structured_content is not None:
        return json.dumps(result.structured_content, ensure_ascii=False)
    return "\n".join(parts)


class McpToolBox:
    """Implements `agents.base.ToolBox` over a connected MCP client.

    `calls` holds one dict per call, shaped like the `tool_call` step of docs/run-folder.md (`kind`, `turn`,
    `call_id`, `tool`, `arguments`, `result`, `is_error`, `duration_s`). `on_call(step)` runs before a call (the step
    has no result yet), `on_result(step)` after it; `tool_call_event`/`tool_result_event` turn a step into event fields.
    `turn` is the agent turn the next calls belong to: `track_turns(emit)` keeps it from the agent's `agent_message`
    events.
    """

    def __init__(
        self,
        client: Client,
        tools: list[ToolSpec],
        *,
        on_call: StepHook | None = None,
        on_result: StepHook | None = None,
        call_timeout_s: float = DEFAULT_CALL_TIMEOUT_S,
    ) -> None:
        self.client = client
        self.tools = tools
        self.calls: list[dict[str, Any]] = []
        self.turn = 0
        self.call_timeout_s = call_timeout_s
        self._names = {tool.name for tool in tools}
        self._on_call = on_call
        self._on_result = on_result
        self._ids = itertools.count(1)

    def track_turns(self, emit: Callable[[str, dict[str, Any]], None]) -> Callable[[str, dict[str, Any]], None]:
        """Wrap an agent `emit` so that each `agent_message` event sets `turn` for the tool calls that follow it."""

        def tracking_emit(type_: str, fields: dict[str, Any]) -> None:
            if type_ == "agent_message" and isinstance(fields.get("turn"), int):
                self.turn = fields["turn"]
            emit(type_, fields)

        return tracking_emit

    async def call(self, name: str, arguments: dict[str, Any], *, call_id: str | None = None) -> ToolOutcome:
        """Call a tool and record it. Tool errors, unknown tools and timeouts come back as error outcomes;
        ToolBoxError only when the server connection itself is broken."""
        step: dict[str, Any] = {
            "kind": "tool_call",
            "turn": self.turn,
            "call_id": call_id or f"call_{next(self._ids)}",
            "tool": name,
            "arguments": arguments,
        }
        if self._on_call is not None:
            self._on_call(dict(step))
        started = time.perf_counter()
        if name in self._names:
            text, is_error = await self.call_tool_raw(name, arguments)
        else:
            text, is_error = f"Unknown tool '{name}'", True
        outcome = ToolOutcome(text=text, is_error=is_error, duration_s=time.perf_counter() - started)
        step.update(result=outcome.text, is_error=outcome.is_error, duration_s=round(outcome.duration_s, 6))
        self.calls.append(step)
        if self._on_result is not None:
            self._on_result(dict(step))
        return outcome

    async def call_tool_raw(self, name: str, arguments: dict[str, Any]) -> tuple[str, bool]:
        """Call a tool without recording it (for checks' readers): (text, is_error). A timeout is an error result."""
        timeout = self.call_timeout_s
        try:
            # The client's own read timeout ends the request cleanly; fail_after is the backstop.
            with anyio.fail_after(timeout + 1.0):
                result = await self.client.call_tool(name, arguments, read_timeout_seconds=timeout)
        except TimeoutError:
            return f"Tool '{name}' timed out after {timeout:g} s", True
        except MCPError as exc:
            if "timed out" in str(exc).lower():
                return f"Tool '{name}' timed out after {timeout:g} s", True
            return f"Error calling tool '{name}': {exc}", True
        except (anyio.ClosedResourceError, anyio.BrokenResourceError, anyio.EndOfStream, OSError) as exc:
            raise ToolBoxError(f"the MCP server connection broke during '{name}' ({type(exc).__name__})") from exc
        return _result_text(result), bool(result.is_error)


def tool_call_event(step: dict[str, Any]) -> dict[str, Any]:
    """The fields of a `tool_call` event (docs/run-folder.md) for a step given to `on_call`."""
    return {key: step[key] for key in ("turn", "call_id", "tool", "arguments")}


def tool_result_event(step: dict[str, Any]) -> dict[str, Any]:
    """The fields of a `tool_result` event for a finished step: the result cut to 2000 characters."""
    return {
        "turn": step["turn"],
        "call_id": step["call_id"],
        "tool": step["tool"],
        "is_error": step["is_error"],
        "duration_ms": round(step["duration_s"] * 1000, 3),
        "result": step["result"][:EVENT_RESULT_CHARS],
    }


async def list_tool_specs(client: Client, timeout_s: float) -> list[ToolSpec]:
    """Every tool the server offers (all pages), as ToolSpecs."""
    specs, _pages = await _list_tools(client, timeout_s)
    return specs


async def _list_tools(client: Client, timeout_s: float) -> tuple[list[ToolSpec], list[ListToolsResult]]:
    """Every tool the server offers (all pages) as ToolSpecs, and the pages as listed."""
    specs: list[ToolSpec] = []
    pages: list[ListToolsResult] = []
    cursor: str | None = None
    with anyio.fail_after(timeout_s):
        for _page in range(100):
            listing = await client.list_tools(cursor=cursor)
            pages.append(listing)
            for tool in listing.tools:
                specs.append(ToolSpec(tool.name, tool.description or "", dict(tool.input_schema or {})))
            cursor = listing.next_cursor
            if not cursor:
                break
    return specs, pages


@dataclass(frozen=True)
class _Listing:
    """What the first connection of a process to a server with a listing key learnt: its discovery result (None
    when it spoke the legacy handshake), the protocol version negotiated, the ToolSpecs of its one-page tool listing
    (shared read-only by every toolbox) and the client session's state derived from that listing (see
    `_SESSION_STATE`)."""

    discover: DiscoverResult | None
    version: str
    specs: tuple[ToolSpec, ...]
    session_state: dict[str, dict[str, Any]]


_LISTINGS: dict[Hashable, _Listing] = {}  # by listing key, per process
_OUTPUT_VALIDATORS: dict[str, Any] = {}  # compiled output-schema validators by the schema's canonical JSON
# What a ClientSession (mcp 2.x) derives from a tool listing in `_absorb_tool_listing` and `_output_schema_validator`:
# header maps and output schemas by tool name, and the compiled validators of the output schemas (built lazily).
_SESSION_STATE = ("_x_mcp_header_maps", "_tool_output_schemas", "_tool_output_validators")


def _output_validator(name: str, schema: dict[str, Any]) -> Any:
    """The compiled JSON-Schema validator of an output schema, built as the mcp client session builds it
    (`ClientSession._output_schema_validator`: `validator_for`, `check_schema`, an empty `Registry`) once per
    process and distinct schema. RuntimeError for an invalid schema, in the session's words."""
    key = json.dumps(schema, sort_keys=True)
    validator = _OUTPUT_VALIDATORS.get(key)
    if validator is None:
        from jsonschema import SchemaError
        from jsonschema.validators import validator_for
        from referencing import Registry

        validator_cls = validator_for(schema)
        try:
            validator_cls.check_schema(schema)
        except SchemaError as exc:
            raise RuntimeError(f"Invalid schema for tool {name}: {exc}") from exc
        validator = _OUTPUT_VALIDATORS[key] = validator_cls(schema, registry=Registry())
    return validator


def _listing_state(session: ClientSession, page: ListToolsResult) -> dict[str, dict[str, Any]] | None:
    """The session's state derived from the listing `page` it absorbed, with the output-schema validators of every
    listed tool compiled (once per process and schema); None when this mcp version keeps it otherwise."""
    if not all(isinstance(getattr(session, name, None), dict) for name in _SESSION_STATE):
        return None
    validators = session._tool_output_validators
    for tool in page.tools:
        if tool.output_schema is not None and tool.name not in validators:
            validators[tool.name] = _output_validator(tool.name, tool.output_schema)
    return {name: dict(getattr(session, name)) for name in _SESSION_STATE}


def _adopt_listing(session: ClientSession, listing: _Listing) -> None:
    """Give a client session the state a `tools/list` of the same server gave an earlier session (copies of its
    maps; the schemas and compiled validators in them are shared read-only): the session then validates every tool
    result against the listed output schema exactly as after its own listing, without listing or compiling again.
    The same state `mcp.client.Client.list_tools` rebuilds with `_absorb_tool_listing` for a listing its response
    cache served, copied instead of derived again."""
    for name, value in listing.session_state.items():
        setattr(session, name, dict(value))


def forget_listings() -> None:
    """Forget the listings and validators remembered in this process (tests)."""
    _LISTINGS.clear()
    _OUTPUT_VALIDATORS.clear()


def describe_server(server: MCPServer | StdioServerParameters | str) -> str:
    """How a message names a server: its command line in backquotes, its URL, or "the embedded Jira"."""
    if isinstance(server, StdioServerParameters):
        return "`" + " ".join([server.command, *server.args]) + "`"
    if isinstance(server, str):
        return server
    return "the embedded Jira"


@asynccontextmanager
async def open_toolbox(
    server: MCPServer | StdioServerParameters | str,
    *,
    on_call: StepHook | None = None,
    on_result: StepHook | None = None,
    call_timeout_s: float = DEFAULT_CALL_TIMEOUT_S,
    connect_timeout_s: float = 30.0,
    mode: str = "auto",
    listing_key: Hashable | None = None,
) -> AsyncIterator[McpToolBox]:
    """Connect to an MCP server (an in-process MCPServer, a stdio command, or a streamable-HTTP URL), list its
    tools, and yield a McpToolBox; the connection closes on exit. ToolBoxError when it cannot connect.
    `mode` is the client's: "legacy" for a server known to speak only the initialize handshake (mcp 1.x).

    An exception raised in the body comes out as itself (FatalAgentError stays FatalAgentError), not wrapped in the
    ExceptionGroup of the client's task group.

    `listing_key`: servers given the same key answer discovery and `tools/list` alike (e.g. every embedded Jira of
    a process with the same quirks: `jira.server.listing_key`). The first connection of the process with a key
    probes and lists as usual; later ones adopt that protocol version and listing (and the compiled output-schema
    validators) without asking the server again. None: every connection probes and lists."""
    try:
        async with _connected_toolbox(server, on_call, on_result, call_timeout_s, connect_timeout_s,
                                      mode, listing_key) as toolbox:
            yield toolbox
    except BaseExceptionGroup as group:
        leaf = _single_leaf(group)
        if leaf is None:
            raise
        raise leaf from leaf.__cause__


def _single_leaf(group: BaseExceptionGroup[BaseException]) -> BaseException | None:
    """The one exception inside nested single-member groups, or None when there are several."""
    exc: BaseException = group
    while isinstance(exc, BaseExceptionGroup):
        if len(exc.exceptions) != 1:
            return None
        exc = exc.exceptions[0]
    return exc


@asynccontextmanager
async def _connected_toolbox(
    server: MCPServer | StdioServerParameters | str,
    on_call: StepHook | None,
    on_result: StepHook | None,
    call_timeout_s: float,
    connect_timeout_s: float,
    mode: str = "auto",
    listing_key: Hashable | None = None,
) -> AsyncIterator[McpToolBox]:
    known = _LISTINGS.get(listing_key) if listing_key is not None else None
    async with AsyncExitStack() as stack:
        # The client's read timeout bounds the handshake and the listing; calls pass their own timeout.
        if known is not None and known.discover is not None and mode == "auto":  # as the first probe found
            client = Client(server, read_timeout_seconds=connect_timeout_s, mode=known.version,
                            prior_discover=known.discover)
        else:
            client = Client(server, read_timeout_seconds=connect_timeout_s, mode=mode)
        try:
            await stack.enter_async_context(client)
        except Exception as exc:
            raise ToolBoxError(
                f"could not connect to the MCP server {describe_server(server)}: {exception_reason(exc, with_type=False)}"
            ) from exc
        try:
            tools = await _tools_of(client, connect_timeout_s, listing_key, known)
        except Exception as exc:
            raise ToolBoxError(
                f"the MCP server {describe_server(server)} did not list its tools: {exception_reason(exc, with_type=False)}"
            ) from exc
        yield McpToolBox(client, tools, on_call=on_call, on_result=on_result, call_timeout_s=call_timeout_s)


async def _tools_of(client: Client, timeout_s: float, listing_key: Hashable | None,
                    known: _Listing | None) -> list[ToolSpec]:
    """The server's tools: the listing remembered for `listing_key` (given to the session), else a `tools/list`
    (remembered for `listing_key` when it is one page)."""
    if known is not None:
        _adopt_listing(client.session, known)
        return list(known.specs)
    specs, pages = await _list_tools(client, timeout_s)
    if listing_key is not None and len(pages) == 1:
        state = _listing_state(client.session, pages[0])
        if state is not None:
            _LISTINGS[listing_key] = _Listing(client.session.discover_result, client.protocol_version, tuple(specs),
                                              state)
    return specs
