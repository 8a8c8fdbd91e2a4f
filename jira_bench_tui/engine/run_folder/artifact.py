"""The trial artifact, trials/<scenario>__<rep>.json: everything replay and the scores need of one trial, as pydantic
models (the artifact, its messages, its timeline steps, its check results and its Jira changes).

Fields added later are kept (`extra="allow"`) so an older reader does not reject a newer artifact; a step of a kind
this reader does not know is kept whole as an `OtherStep`. `parse_step`, `parse_check` and `parse_change` read one
record on its own, for a reader that shows a damaged artifact as far as it can (`parse_artifact` tells it whether
the whole artifact is one).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    SerializerFunctionWrapHandler,
    Tag,
    TypeAdapter,
    ValidationError,
    model_serializer,
)

from jira_bench_tui.engine.run_folder.formats import UsageTotals
from jira_bench_tui.engine.run_folder.layout import trial_key

Outcome = Literal["passed", "failed", "error"]


class _Record(BaseModel):
    """A part of an artifact: fields a newer writer adds are kept."""

    model_config = ConfigDict(extra="allow")
    OMIT_WHEN_NONE: ClassVar[frozenset[str]] = frozenset()
    """Fields added later that are left out of the written JSON when None (an older artifact reads and writes back
    the same JSON)."""

    @model_serializer(mode="wrap")
    def _omit_unset_newer_fields(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if self.OMIT_WHEN_NONE and isinstance(data, dict):
            for name in self.OMIT_WHEN_NONE:
                if data.get(name, 0) is None:
                    del data[name]
        return data


class Message(_Record):
    """One message a model saw or wrote, in the Anthropic Messages format: `content` is a string or a list of
    content blocks (`text`, `tool_use`, `tool_result`, as JSON objects)."""

    role: str
    content: str | list[dict[str, Any]]


class PromptStep(_Record):
    """The first step of the timeline: the scenario's prompt."""

    kind: Literal["prompt"] = "prompt"
    text: str


class ModelStep(_Record):
    """A model turn: its text (may be empty) and how long it took in seconds (None when rebuilt from messages); for
    model API agents also `latency_s` (the HTTP exchanges) and `wait_s` (waiting for the trial's event loop), None
    when not measured (older artifacts, offline agents)."""

    OMIT_WHEN_NONE: ClassVar[frozenset[str]] = frozenset({"latency_s", "wait_s"})
    kind: Literal["model"] = "model"
    turn: int
    text: str
    duration_s: float | None = None
    latency_s: float | None = None
    wait_s: float | None = None


class ToolCallStep(_Record):
    """A tool call of a turn with its whole result; `duration_s` None when the call was not timed."""

    kind: Literal["tool_call"] = "tool_call"
    turn: int
    call_id: str | None
    tool: str | None
    arguments: dict[str, Any] = Field(default_factory=dict)
    result: str = ""
    is_error: bool = False
    duration_s: float | None = None


class AnswerStep(_Record):
    """The last step: the model's final answer."""

    kind: Literal["answer"] = "answer"
    text: str


class OtherStep(_Record):
    """A step of a kind this reader does not know (a newer writer's), or a record that fits no step: kept whole
    (its fields in `model_extra`)."""

    kind: str | None = None


KNOWN_STEPS: tuple[type[_Record], ...] = (PromptStep, ModelStep, ToolCallStep, AnswerStep)
_STEP_KINDS = frozenset(cls.model_fields["kind"].default for cls in KNOWN_STEPS)
_OTHER_TAG = "<other>"


def _step_tag(value: Any) -> str:
    kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
    return kind if isinstance(kind, str) and kind in _STEP_KINDS else _OTHER_TAG


Step = Annotated[
    Annotated[PromptStep, Tag("prompt")]
    | Annotated[ModelStep, Tag("model")]
    | Annotated[ToolCallStep, Tag("tool_call")]
    | Annotated[AnswerStep, Tag("answer")]
    | Annotated[OtherStep, Tag(_OTHER_TAG)],
    Discriminator(_step_tag),
]
"""One step of the replay timeline, discriminated on `kind`."""
_STEP: TypeAdapter[Step] = TypeAdapter(Step)


class CheckResult(_Record):
    """One check of the scenario after the trial (`index` counts from 0)."""

    index: int
    kind: str
    description: str
    passed: bool
    reason: str


class FieldChange(_Record):
    """A field's value before and after the trial (None when the issue did not exist)."""

    before: Any = None
    after: Any = None


class IssueChange(_Record):
    """An issue the trial created, deleted or updated, with its changed fields by name."""

    key: str
    change: Literal["created", "updated", "deleted"]
    fields: dict[str, FieldChange] = Field(default_factory=dict)


class TrialArtifact(_Record):
    """trials/<scenario>__<rep>.json (docs/run-folder.md). Times are Unix seconds, durations seconds, cost USD;
    `steps` is the replay timeline in order, `messages` what the model saw (the prompt first)."""

    OMIT_WHEN_NONE: ClassVar[frozenset[str]] = frozenset({"queued_s"})
    run_id: str
    scenario_id: str
    repetition: int = Field(ge=1)
    model: str
    outcome: Outcome
    error: str | None = None
    started_at: float
    finished_at: float
    duration_s: float
    queued_s: float | None = None  # seconds waiting for a free concurrency slot before started_at (None: older runs)
    system_prompt: str = ""
    prompt: str
    final_answer: str | None = None
    stop_reason: str | None = None
    turns: int = 0
    tool_calls: int = 0
    limits: dict[str, Any] = Field(default_factory=dict)
    usage: UsageTotals = Field(default_factory=UsageTotals)
    messages: list[Message] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)
    checks: list[CheckResult] = Field(default_factory=list)
    changes: list[IssueChange] = Field(default_factory=list)

    @property
    def key(self) -> str:
        """`<scenario>__<rep>`."""
        return trial_key(self.scenario_id, self.repetition)


def parse_artifact(data: dict[str, Any]) -> TrialArtifact | None:
    """A trial artifact from its JSON data; None when the data is not one (see `read_trial` for the reason)."""
    try:
        return TrialArtifact.model_validate(data)
    except ValidationError:
        return None


def parse_step(record: dict[str, Any]) -> Step:
    """One timeline step on its own: its model, or an OtherStep holding the record when it fits none. Never raises."""
    try:
        return _STEP.validate_python(record)
    except ValidationError:
        kind = record.get("kind")
        shown = kind if isinstance(kind, str) or kind is None else json.dumps(kind, default=str)
        rest = {str(key): value for key, value in record.items() if key != "kind"}
        return OtherStep(kind=shown, **rest)


def parse_check(record: dict[str, Any]) -> CheckResult | None:
    """One check result on its own; None when the record is not one."""
    try:
        return CheckResult.model_validate(record)
    except ValidationError:
        return None


def parse_change(record: dict[str, Any]) -> IssueChange | None:
    """One Jira change on its own; None when the record is not one."""
    try:
        return IssueChange.model_validate(record)
    except ValidationError:
        return None
