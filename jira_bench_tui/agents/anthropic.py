"""The Claude agent: the Messages API tool-use loop over the trial's MCP tools, with limits, retries, usage and cost.

The key comes from ANTHROPIC_API_KEY (read by the SDK; never logged); the endpoint from the run's model base URL, else
ANTHROPIC_BASE_URL. Extra API arguments (`--model-arg`) go into every request (agents/request_args.py).
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

import anthropic
from anthropic import AsyncAnthropic
from anthropic.resources.messages import AsyncMessages
from anthropic.types import ContentBlock, Message
from anthropic.types import Usage as ApiUsage

from jira_bench_tui.agents.base import (
    Agent,
    AgentContext,
    AgentResult,
    ApiCallError,
    FatalAgentError,
    Usage,
    limit_reached,
)
from jira_bench_tui.agents.call_clock import CallLoop, TurnTiming, mark_request_sent
from jira_bench_tui.agents.messages import text_of, tool_result_block
from jira_bench_tui.agents.registry import ANTHROPIC_PRICES, cost_usd
from jira_bench_tui.agents.request_args import place_args
from jira_bench_tui.agents.retry import RetriesExhausted, RetryPolicy, call_with_retries, describe_failure
from jira_bench_tui.agents.socket_clock import use_timestamps

DEFAULT_CALL_TIMEOUT_S = 120.0  # one model call (the SDK's request timeout); a timeout is retried
CACHE: dict[str, str] = {"type": "ephemeral"}
AsyncMessagesCreate = AsyncMessages.create


def scrub_key(text: str) -> str:
    """`text` with the API key (if it appears at all) replaced by ***."""
    key = os.environ.get("ANTHROPIC_API_KEY", "").strip()
    return text.replace(key, "***") if len(key) >= 8 else text


def end_of_life(model: str) -> str | None:
    """The end-of-life date the SDK announces for a deprecated model, if any (its table is private: best effort)."""
    try:
        from anthropic._data import DEPRECATED_MODELS
    except ImportError:  # pragma: no cover - the SDK moved it
        return None
    return DEPRECATED_MODELS.get(model)


def usage_of(model: str, api_usage: ApiUsage) -> tuple[Usage, bool]:
    """Our Usage (with cost in US dollars) of one API call, and whether the model had a price (see registry.py).

    The SDK's token counts may be None (cache fields of older models): they count as 0."""
    usage = Usage(
        input_tokens=api_usage.input_tokens or 0,
        output_tokens=api_usage.output_tokens or 0,
        cache_creation_input_tokens=api_usage.cache_creation_input_tokens or 0,
        cache_read_input_tokens=api_usage.cache_read_input_tokens or 0,
    )
    cost = cost_usd(model, usage)
    usage.cost_usd = cost or 0.0
    return usage, cost is not None


def response_problem(response: object) -> str | None:
    """Why a Messages API response cannot be used, or None when it is a whole `Message`: the SDK hands back the
    body as text when it is not JSON (an HTML error page from a proxy), and builds a Message without checking it when
    the JSON has another shape. The phrase quotes the start of what came back (the key is never in it)."""
    if isinstance(response, str):
        shown = " ".join(response.split())[:120]
        return f"a body that is not JSON ({len(response)} characters: {shown!r})" if shown else "an empty body"
    if not isinstance(response, Message):
        return f"a {type(response).__name__} instead of a message"
    try:
        Message.model_validate(response.model_dump(mode="python", warnings=False))
    except (ValueError, TypeError, AttributeError) as exc:  # pydantic's ValidationError is a ValueError
        fields = ", ".join(sorted({str(e["loc"][0]) for e in getattr(exc, "errors", list)() if e.get("loc")}))
        return f"JSON that is not a message ({'bad or missing: ' + fields if fields else type(exc).__name__})"
    return None


def block_param(block: ContentBlock) -> dict[str, Any]:
    """A response content block as a request content block (Messages format): text and tool_use as the API's
    request shapes, any other block (thinking, server tools) as its own JSON without null fields."""
    if block.type == "text":
        return {"type": "text", "text": block.text}
    if block.type == "tool_use":
        return {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
    return dict(block.model_dump(mode="json", exclude_none=True))


def with_cache_breakpoint(message: dict[str, Any]) -> dict[str, Any]:
    """A copy of a user message whose last content block carries a cache breakpoint (the transcript stays clean)."""
    content = message["content"]
    blocks: list[dict[str, Any]] = (
        [{"type": "text", "text": content}] if isinstance(content, str) else [dict(b) for b in content]
    )
    blocks[-1]["cache_control"] = CACHE
    return {"role": message["role"], "content": blocks}


class AnthropicAgent(Agent):
    """Claude through the Messages API. One instance (and one HTTP client) serves every trial of a run."""

    def __init__(
        self,
        model: str,
        *,
        retry: RetryPolicy | None = None,
        call_timeout_s: float = DEFAULT_CALL_TIMEOUT_S,
        prompt_caching: bool = True,
        base_url: str | None = None,
        model_args: dict[str, Any] | None = None,
    ) -> None:
        self.name = model
        self.model = model
        self.base_url = base_url
        self.model_args = {k: v for k, v in (model_args or {}).items() if k != "stream"}  # the loop reads whole replies
        self.retry = retry or RetryPolicy()
        self.call_timeout_s = call_timeout_s
        self.prompt_caching = prompt_caching
        self._client: AsyncAnthropic | None = None  # made, used and closed on the call thread only
        self._calls = CallLoop(f"model-calls {model}")
        self._warned_price = False
        self._warned_deprecated = False

    @property
    def client(self) -> AsyncAnthropic:
        """The run's HTTP client, made on first use with the SDK's own retries off (ours are logged).

        Raises FatalAgentError when the SDK cannot make it (e.g. no ANTHROPIC_API_KEY)."""
        if self._client is None:
            try:
                # Our retries are the only ones (and are logged): the SDK's own are off.
                self._client = AsyncAnthropic(max_retries=0, timeout=self.call_timeout_s, base_url=self.base_url,
                                              http_client=use_timestamps(anthropic.DefaultAsyncHttpxClient(
                                                  event_hooks={"request": [mark_request_sent]})))
            except anthropic.AnthropicError as exc:
                raise FatalAgentError(f"cannot create the Anthropic client: {scrub_key(str(exc))}") from None
        return self._client

    async def aclose(self) -> None:
        """Close the HTTP client, if one was made, and the call thread (the run's end)."""
        await self._calls.aclose(self._close_client)

    async def _close_client(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def run(self, ctx: AgentContext) -> AgentResult:
        """The tool-use loop: call the model, run the tools it asks for, send their results back, until it answers
        without a tool call or a limit (turns, total tokens, wall time in seconds) ends the trial.

        Emits one `agent_message` event a turn and `log` warnings (retries, deprecation, no price). Raises
        ApiCallError (with the transcript so far) when a call fails after retries or is refused, FatalAgentError when
        the key is rejected (401/403) or the model is unknown (404). Follows the Messages API's tool-use flow
        (https://docs.anthropic.com/en/docs/build-with-claude/tool-use)."""
        limits = ctx.limits
        deadline = time.monotonic() + limits.wall_time_s
        messages: list[dict[str, Any]] = [{"role": "user", "content": ctx.prompt}]
        result = AgentResult(final_answer=None, messages=messages)
        tools = self._tool_params(ctx)
        self._warn_deprecated(ctx)
        while True:
            remaining = deadline - time.monotonic()
            stop = limit_reached(limits, result, remaining)
            if stop is not None:
                result.stop_reason = stop
                break
            started, timing = time.monotonic(), TurnTiming()
            response = await self._call_model(ctx, messages, tools, result, remaining, timing)
            if response is None:
                result.stop_reason = "wall_time"
                break
            content, tool_uses = self._record_turn(ctx, result, response, started, timing)
            if response.stop_reason == "pause_turn":
                continue
            if not tool_uses:
                result.final_answer = text_of(content)
                result.stop_reason = "max_tokens" if response.stop_reason == "model_context_window_exceeded" else "end_turn"
                break
            outcomes = [await ctx.toolbox.call(use["name"], dict(use["input"] or {}), call_id=use["id"]) for use in tool_uses]
            messages.append(
                {"role": "user", "content": [tool_result_block(u["id"], o) for u, o in zip(tool_uses, outcomes, strict=True)]}
            )
        return result

    async def _call_model(self, ctx: AgentContext, messages: list[dict[str, Any]], tools: list[dict[str, Any]],
                          result: AgentResult, remaining_s: float, timing: TurnTiming) -> Message | None:
        """The model's next turn, or None when the wall time ran out first. Failures end the trial (see `run`)."""
        try:
            response = await asyncio.wait_for(self._create(ctx, messages, tools, timing), remaining_s)
        except TimeoutError:
            return None
        except RetriesExhausted as exc:
            raise self._failed(result, f"the Anthropic API failed: {exc}") from None
        except anthropic.APIStatusError as exc:
            raise self._status_error(exc, result) from None
        except anthropic.AnthropicError as exc:
            raise self._failed(result, f"the Anthropic API call failed: {describe_failure(exc)}") from None
        problem = response_problem(response)
        if problem is not None:
            raise self._failed(result, f"the Anthropic API returned {problem}")
        return response

    def _record_turn(self, ctx: AgentContext, result: AgentResult, response: Message, started: float,
                     timing: TurnTiming) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Count the turn and its usage, add it to the transcript and emit its `agent_message` event; returns the
        turn's content blocks and its tool uses."""
        result.turns += 1
        turn_usage, priced = usage_of(self.model, response.usage)
        result.usage.add(turn_usage)
        if not priced:
            self._warn_unpriced(ctx)
        content = [block_param(block) for block in response.content]
        result.messages.append({"role": "assistant", "content": content})
        tool_uses = [block for block in content if block["type"] == "tool_use"]
        ctx.emit(
            "agent_message",
            {
                "turn": result.turns,
                "text": text_of(content),
                "tool_uses": len(tool_uses),
                "usage": turn_usage.to_dict(),
                "stop_reason": response.stop_reason,
                "duration_s": round(time.monotonic() - started, 3),
                **timing.fields(),
            },
        )
        return content, tool_uses

    # ---- one model call ---------------------------------------------------------------------------------------

    def _tool_params(self, ctx: AgentContext) -> list[dict[str, Any]]:
        tools: list[dict[str, Any]] = [
            {"name": tool.name, "description": tool.description, "input_schema": tool.input_schema}
            for tool in ctx.toolbox.tools
        ]
        if tools and self.prompt_caching:
            tools[-1] = {**tools[-1], "cache_control": CACHE}
        return tools

    async def _create(self, ctx: AgentContext, messages: list[dict[str, Any]],
                      tools: list[dict[str, Any]], timing: TurnTiming) -> Message:
        request: dict[str, Any] = {
            "model": self.model,
            "max_tokens": ctx.limits.max_output_tokens,
            "messages": messages,
        }
        if self.prompt_caching:
            request["messages"] = [*messages[:-1], with_cache_breakpoint(messages[-1])]
        if ctx.system_prompt:
            system: str | list[dict[str, Any]] = ctx.system_prompt
            if self.prompt_caching:
                system = [{"type": "text", "text": ctx.system_prompt, "cache_control": CACHE}]
            request["system"] = system
        if tools:
            request["tools"] = tools
        request = place_args(AsyncMessagesCreate, request, self.model_args)

        def log_retry(attempt: int, exc: BaseException, wait_s: float) -> None:
            timing.retry_wait_s += wait_s
            ctx.emit(
                "log",
                {
                    "level": "warning",
                    "message": scrub_key(
                        f"{ctx.scenario.id}__{ctx.repetition}: {self.model}: {describe_failure(exc)};"
                        f" retry {attempt}/{self.retry.max_attempts - 1}"
                        f" in {wait_s:.2f} s"
                    ),
                },
            )

        return await call_with_retries(  # each attempt's HTTP exchange on the call thread, timed there
            lambda: self._calls.run(lambda: self.client.messages.create(**request, timeout=self.call_timeout_s),
                                    timing),
            policy=self.retry,
            on_retry=log_retry,
        )

    # ---- errors -----------------------------------------------------------------------------------------------

    def _failed(self, partial: AgentResult, message: str) -> ApiCallError:
        partial.stop_reason = "error"
        partial.error = scrub_key(message)
        return ApiCallError(partial.error, partial)

    def _status_error(self, exc: anthropic.APIStatusError, partial: AgentResult) -> Exception:
        status = exc.status_code
        if status in (401, 403):
            return FatalAgentError(f"the Anthropic API rejected the key ({status}): check ANTHROPIC_API_KEY")
        if status == 404:
            detail = scrub_key(exc.api_message or "not found")
            return FatalAgentError(f"the Anthropic API does not know model '{self.model}' (404): {detail}")
        detail = scrub_key(exc.api_message or describe_failure(exc))
        return self._failed(partial, f"the Anthropic API refused the request ({status}): {detail}")

    def _warn_deprecated(self, ctx: AgentContext) -> None:
        eol = None if self._warned_deprecated else end_of_life(self.model)
        self._warned_deprecated = True
        if eol:
            ctx.emit("log", {"level": "warning", "message": f"{self.model} is deprecated (end of life: {eol})"})

    def _warn_unpriced(self, ctx: AgentContext) -> None:
        if self._warned_price:
            return
        self._warned_price = True
        ctx.emit(
            "log",
            {
                "level": "warning",
                "message": f"no price for model '{self.model}' in the price table of {ANTHROPIC_PRICES.as_of}: "
                           "its cost counts as 0",
            },
        )
