"""The events of events.jsonl: one pydantic model a type (docs/run-folder.md lists them), and the parser that turns
any line into one.

Every event has `t` (Unix seconds, stamped when the event is built) and `type`. Trial events also carry `trial`
("<scenario>__<rep>"), `scenario` and `rep`. Fields a newer writer adds to a known type are kept (`extra="allow"`)
and written back; a type this reader does not know, or a known type whose fields do not fit, is kept whole as an
`UnknownEvent` (shown plainly, never a crash). Readers get `AnyEvent`: the discriminated union of all of them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Annotated, Any, ClassVar, Literal, TypeGuard

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, TypeAdapter, ValidationError

from jira_bench_tui.engine.run_folder.artifact import Outcome
from jira_bench_tui.engine.run_folder.formats import RunStatus, UsageTotals

LogLevel = Literal["info", "warning", "error"]


class _EventRecord(BaseModel):
    """What every event model shares: extra fields kept, and the JSON object it is written as."""

    model_config = ConfigDict(extra="allow")
    OMIT_WHEN_NONE: ClassVar[frozenset[str]] = frozenset()
    """Optional fields left out of the written line when they are None (so old readers see the old shape)."""

    def to_record(self) -> dict[str, Any]:
        """The event as the JSON object written to events.jsonl: the same keys as the models' fields and extras."""
        record = self.model_dump()
        for name in self.OMIT_WHEN_NONE:
            if record.get(name) is None:
                record.pop(name, None)
        return record


class Event(_EventRecord):
    """Base of the known event types: `t` (Unix seconds, default now) and `type`."""

    t: float = Field(default_factory=time.time)
    type: str


class TrialEvent(Event):
    """An event about one trial: `trial` is "<scenario>__<rep>", `rep` counts from 1."""

    trial: str
    scenario: str
    rep: int


class RunStartedEvent(Event):
    """A worker took the run over: `pending` of `total` trials to do; `resumed` when it is not the first worker;
    `workers` the trial processes it uses (None in runs made before --workers: 1)."""

    OMIT_WHEN_NONE: ClassVar[frozenset[str]] = frozenset({"workers"})
    type: Literal["run_started"] = "run_started"
    run_id: str
    model: str
    harness: str
    total: int
    pending: int
    resumed: bool
    concurrency: int
    workers: int | None = None


class TrialStartedEvent(TrialEvent):
    """A trial entered the concurrency limit and starts; `queued_s`: seconds it waited for a free slot (left out
    when unknown)."""

    OMIT_WHEN_NONE: ClassVar[frozenset[str]] = frozenset({"queued_s"})
    type: Literal["trial_started"] = "trial_started"
    queued_s: float | None = None


class AgentMessageEvent(TrialEvent):
    """One model turn: its text (may be empty), how many tool calls it asked for, its usage. Model API agents also
    give the API's `stop_reason` and the turn's `duration_s`, and split it: `latency_s` the HTTP exchanges themselves
    (measured on the thread that does them), `wait_s` the time the call waited for the trial's event loop,
    `retry_wait_s` the sleeps between retries (each left out when None)."""

    OMIT_WHEN_NONE: ClassVar[frozenset[str]] = frozenset(
        {"stop_reason", "duration_s", "latency_s", "wait_s", "retry_wait_s"})
    type: Literal["agent_message"] = "agent_message"
    turn: int
    text: str
    tool_uses: int
    usage: UsageTotals = Field(default_factory=UsageTotals)
    stop_reason: str | None = None
    duration_s: float | None = None
    latency_s: float | None = None
    wait_s: float | None = None
    retry_wait_s: float | None = None


class ToolCallEvent(TrialEvent):
    """A tool call starts: the tool and its arguments (a JSON object)."""

    type: Literal["tool_call"] = "tool_call"
    turn: int
    call_id: str
    tool: str
    arguments: dict[str, Any]


class ToolResultEvent(TrialEvent):
    """A tool call ended: whether it was an error, how long it took (ms), its result text cut to 2000 characters."""

    type: Literal["tool_result"] = "tool_result"
    turn: int
    call_id: str
    tool: str
    is_error: bool
    duration_ms: float
    result: str


class CheckResultEvent(TrialEvent):
    """One check of the trial was evaluated (`index` counts from 0)."""

    type: Literal["check_result"] = "check_result"
    index: int
    kind: str
    passed: bool
    reason: str


class TrialFinishedEvent(TrialEvent):
    """A trial ended and its artifact is on disk: outcome, seconds, turns, tool calls, tokens, cost (USD), error."""

    type: Literal["trial_finished"] = "trial_finished"
    outcome: Outcome
    duration_s: float
    turns: int
    tool_calls: int
    tokens: int
    cost_usd: float
    error: str | None


class LogEvent(Event):
    """A message for the user; trial fields (left out when None) when it concerns one trial."""

    OMIT_WHEN_NONE: ClassVar[frozenset[str]] = frozenset({"trial", "scenario", "rep"})
    type: Literal["log"] = "log"
    level: LogLevel
    message: str
    trial: str | None = None
    scenario: str | None = None
    rep: int | None = None


class RunFinishedEvent(Event):
    """The run ended: its status and scores (`pass_rate` None when nothing was scored, cost in USD)."""

    type: Literal["run_finished"] = "run_finished"
    status: RunStatus
    passed: int
    failed: int
    errored: int
    total: int
    pass_rate: float | None
    cost_usd: float
    error: str | None


class UnknownEvent(_EventRecord):
    """An event this reader cannot type: a type it does not know (a newer writer's) or a known type whose fields do
    not fit. Every field is kept as it was (in `model_extra`); `t` is None when the line had no number there."""

    t: float | None = None
    type: str


KNOWN_EVENTS: tuple[type[Event], ...] = (
    RunStartedEvent, TrialStartedEvent, AgentMessageEvent, ToolCallEvent, ToolResultEvent, CheckResultEvent,
    TrialFinishedEvent, LogEvent, RunFinishedEvent,
)
EVENT_TYPES: dict[str, type[Event]] = {cls.model_fields["type"].default: cls for cls in KNOWN_EVENTS}
"""Each known event model by its `type`."""
_UNKNOWN_TAG = "<unknown>"


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _event_tag(value: Any) -> str:
    """The union member a value validates as: its `type` when known and `t` is a number, else UnknownEvent."""
    if isinstance(value, BaseModel):
        kind, t = getattr(value, "type", None), getattr(value, "t", None)
    elif isinstance(value, dict):
        kind, t = value.get("type"), value.get("t")
    else:
        return _UNKNOWN_TAG
    return kind if isinstance(kind, str) and kind in EVENT_TYPES and _is_number(t) else _UNKNOWN_TAG


AnyEvent = Annotated[
    Annotated[RunStartedEvent, Tag("run_started")]
    | Annotated[TrialStartedEvent, Tag("trial_started")]
    | Annotated[AgentMessageEvent, Tag("agent_message")]
    | Annotated[ToolCallEvent, Tag("tool_call")]
    | Annotated[ToolResultEvent, Tag("tool_result")]
    | Annotated[CheckResultEvent, Tag("check_result")]
    | Annotated[TrialFinishedEvent, Tag("trial_finished")]
    | Annotated[LogEvent, Tag("log")]
    | Annotated[RunFinishedEvent, Tag("run_finished")]
    | Annotated[UnknownEvent, Tag(_UNKNOWN_TAG)],
    Discriminator(_event_tag),
]
"""Any event a reader gets: one of the known models, discriminated on `type`, or an UnknownEvent."""
_ANY_EVENT: TypeAdapter[AnyEvent] = TypeAdapter(AnyEvent)

EventSink = Callable[[AnyEvent], None]
"""Where a writer sends the events it builds (the worker's events.jsonl and display, a test's list)."""


def parse_event(data: object) -> AnyEvent | None:
    """The event a decoded JSON value holds; None when it is not a JSON object. Never raises: a known type whose
    fields do not fit, or a type this reader does not know, comes back as an UnknownEvent with every field."""
    if not isinstance(data, dict):
        return None
    try:
        return _ANY_EVENT.validate_python(data)
    except ValidationError:
        return _unknown_event(data)


def parse_event_line(line: bytes | str) -> AnyEvent | None:
    """The event of one events.jsonl line; None when the line is not a JSON object (a cut line, garbage). Never
    raises (see `parse_event`)."""
    try:
        return _ANY_EVENT.validate_json(line)  # the common case in one pass, JSON parsed in pydantic-core
    except ValidationError:
        pass
    try:
        data = json.loads(line)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return None
    return parse_event(data)


def event_of(type_: str, fields: Mapping[str, Any]) -> AnyEvent:
    """An event of `type_` with `fields`, stamped now: how an agent's `emit(type_, fields)` becomes an event."""
    event = parse_event({"t": time.time(), "type": type_, **fields})
    assert event is not None  # a dict always parses
    return event


def _unknown_event(data: dict[Any, Any]) -> UnknownEvent:
    t, kind = data.get("t"), data.get("type")
    fields = {str(key): value for key, value in data.items() if key not in ("t", "type")}
    return UnknownEvent(t=float(t) if _is_number(t) else None, type=kind if isinstance(kind, str) else str(kind),
                        **fields)


def scenario_of(event: AnyEvent) -> str | None:
    """The scenario an event concerns (a trial event, a trial's log line, an unknown event naming one), else None."""
    value = getattr(event, "scenario", None)
    return value if isinstance(value, str) and value else None
