"""The trial artifact, trials/<scenario>__<rep>.json: everything replay and the scores need of one trial."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from jira_bench_tui.engine.run_folder.formats import UsageTotals


class TrialArtifact(BaseModel):
    """trials/<scenario>__<rep>.json (docs/run-folder.md). Fields added later are kept (extra="allow"), so an older
    reader does not reject a newer artifact."""

    model_config = ConfigDict(extra="allow")
    run_id: str
    scenario_id: str
    repetition: int = Field(ge=1)
    model: str
    outcome: Literal["passed", "failed", "error"]
    error: str | None = None
    started_at: float
    finished_at: float
    duration_s: float
    system_prompt: str = ""
    prompt: str
    final_answer: str | None = None
    stop_reason: str | None = None
    turns: int = 0
    tool_calls: int = 0
    limits: dict[str, Any] = Field(default_factory=dict)
    usage: UsageTotals = Field(default_factory=UsageTotals)
    messages: list[dict[str, Any]] = Field(default_factory=list)
    steps: list[dict[str, Any]] = Field(default_factory=list)
    checks: list[dict[str, Any]] = Field(default_factory=list)
    changes: list[dict[str, Any]] = Field(default_factory=list)
