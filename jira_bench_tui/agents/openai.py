"""The OpenAI agent: the Chat Completions tool-calling loop over the trial's MCP tools, with the same limits, retries,
events, usage and cost as the Claude agent. Serves OpenAI and every OpenAI-compatible endpoint (vLLM, Ollama, LM
Studio, llama.cpp server, OpenRouter, LiteLLM, Azure OpenAI's v1 endpoint, Gemini's OpenAI-compatible endpoint).

The key comes from OPENAI_API_KEY (never logged); the endpoint from the run's model base URL, else OPENAI_BASE_URL,
else OpenAI's. A local endpoint (registry.is_local_url) needs no key and costs 0. Streaming is on, with the usage in
the last chunk (`stream_options.include_usage`); `--model-arg stream=false` turns it off. The transcript is written
in the Anthropic Messages format (agents/base.py), so runs of every vendor replay alike.
Follows https://platform.openai.com/docs/guides/function-calling and the Chat Completions API reference.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from dataclasses import dataclass, field
from typing import Any

import openai
from openai import AsyncOpenAI
from openai.resources.chat.completions import AsyncCompletions
from openai.types import CompletionUsage
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from openai.types.chat.chat_completion_chunk import ChoiceDeltaToolCall

from jira_bench_tui.agents.base import (
    Agent,
    AgentContext,
    AgentResult,
    ApiCallError,
    FatalAgentError,
    ToolOutcome,
    Usage,
    limit_reached,
)
from jira_bench_tui.agents.call_clock import CallLoop, TurnTiming, mark_request_sent
from jira_bench_tui.agents.messages import invalid_arguments_outcome, text_of, tool_result_block
from jira_bench_tui.agents.registry import OPENAI_PRICES, PROVIDERS, cost_usd, is_local_url
from jira_bench_tui.agents.request_args import place_args
from jira_bench_tui.agents.retry import (
    RetriesExhausted,
    RetryPolicy,
    api_detail,
    call_with_retries,
    describe_failure,
)
from jira_bench_tui.agents.socket_clock import use_timestamps

DEFAULT_CALL_TIMEOUT_S = 120.0
OPENAI_BASE_URL = "https://api.openai.com/v1"
NO_KEY = "no-key-needed"  # sent to a local endpoint when OPENAI_API_KEY is not set (such servers ignore it)
# finish_reason -> the stop reason our events use (the Messages API's words)
STOP_REASONS = {"stop": "end_turn", "tool_calls": "tool_use", "function_call": "tool_use", "length": "max_tokens",
                "content_filter": "refusal"}
CONTEXT_CODES = ("context_length_exceeded", "string_above_max_length")
CONTEXT_WORDS = ("context length", "context window", "maximum context", "too many tokens", "prompt is too long")
AsyncCompletionsCreate = AsyncCompletions.create


def scrub_key(text: str) -> str:
    """`text` with the OpenAI key (if it appears at all) replaced by ***."""
    key = os.environ.get("OPENAI_API_KEY", "").strip()
    return text.replace(key, "***") if len(key) >= 8 else text


@dataclass
class ToolCall:
    """One tool call of a turn, its arguments as the raw JSON text the model wrote."""

    id: str
    name: str
    arguments: str = ""

    def parsed(self) -> dict[str, Any] | None:
        """The arguments as a JSON object ('' is {}); None when they are not one."""
        if not self.arguments.strip():
            return {}
        try:
            value = json.loads(self.arguments)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None


@dataclass
class Turn:
    """One model reply, gathered from a stream's chunks or read from a whole completion."""

    text: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    finish_reason: str | None = None
    usage: CompletionUsage | None = None
    seen_choice: bool = False
    _by_index: dict[int | str, ToolCall] = field(default_factory=dict)

    def add_chunk(self, chunk: ChatCompletionChunk) -> None:
        """Fold one streamed chunk in: text deltas, tool-call pieces (see `_add_piece`), the finish reason, and the
        usage of the last chunk (which has no choices). Only the first completion's choices (index 0) count, when
        `--model-arg n=...` asks for more. A choice without a delta (some servers send one with the
        finish reason alone) adds nothing else."""
        if chunk.usage is not None:
            self.usage = chunk.usage
        for choice in chunk.choices or []:
            if choice.index not in (0, None):  # another completion of `n` > 1: only the first is used
                continue
            self.seen_choice = True
            delta = choice.delta
            if delta is not None:
                self.text += delta.content or ""
                for piece in delta.tool_calls or []:
                    self._add_piece(piece)
            if choice.finish_reason:
                self.finish_reason = choice.finish_reason

    def _add_piece(self, piece: ChoiceDeltaToolCall) -> None:
        """Add a tool-call piece to its call: by `index` (id and name come once, arguments in parts). A server that
        leaves `index` out continues the last call, unless the piece starts another one (a new id, or a name when
        the last call has one). Arguments sent as a JSON object rather than its text are taken as that text."""
        function = piece.function
        name = (function.name if function is not None else None) or ""
        arguments = function.arguments if function is not None else None
        if arguments is not None and not isinstance(arguments, str):
            arguments = json.dumps(arguments)
        key: int | str = piece.index if isinstance(piece.index, int) else f"call {len(self.tool_calls)}"
        if not isinstance(piece.index, int) and self.tool_calls:
            last = self.tool_calls[-1]
            starts_another = bool(piece.id and last.id and piece.id != last.id) or bool(name and last.name)
            if not starts_another:
                key = next(k for k, call in self._by_index.items() if call is last)
        call = self._by_index.get(key)
        if call is None:
            call = self._by_index[key] = ToolCall(piece.id or "", "")
            self.tool_calls.append(call)
        elif piece.id and not call.id:
            call.id = piece.id
        call.name += name
        call.arguments += arguments or ""

    @classmethod
    def from_completion(cls, completion: ChatCompletion, turn: int) -> Turn:
        """The turn of a whole (non-streamed) completion: its first choice."""
        reply = cls(usage=completion.usage)
        if completion.choices:
            choice = completion.choices[0]
            reply.seen_choice = True
            reply.text = choice.message.content or ""
            reply.finish_reason = choice.finish_reason
            for call in choice.message.tool_calls or []:
                function = getattr(call, "function", None)
                arguments = getattr(function, "arguments", "") or ""
                reply.tool_calls.append(ToolCall(call.id or "", getattr(function, "name", "") or "",
                                                 arguments if isinstance(arguments, str) else json.dumps(arguments)))
        reply.name_calls(turn)
        return reply

    def name_calls(self, turn: int) -> None:
        """Give every tool call a unique id: a local server may send none, or the same one twice."""
        seen: set[str] = set()
        for index, call in enumerate(self.tool_calls):
            if not call.id or call.id in seen:
                call.id = f"call_{turn}_{index}"
            seen.add(call.id)

    @property
    def stop_reason(self) -> str:
        """The finish reason in our words (end_turn, tool_use, max_tokens, refusal); tool calls mean tool_use."""
        if self.tool_calls:
            return "tool_use"
        return STOP_REASONS.get(self.finish_reason or "stop", self.finish_reason or "end_turn")


def usage_of(usage: CompletionUsage | None) -> Usage:
    """Our Usage (no cost yet) of an API call: prompt tokens split into fresh input, cache reads (cached_tokens) and
    cache writes (cache_write_tokens, where a server reports them); completion tokens (reasoning included) as
    output. No usage reported: zeros."""
    if usage is None:
        return Usage()
    details = usage.prompt_tokens_details
    cached = (details.cached_tokens or 0) if details else 0
    written = (getattr(details, "cache_write_tokens", None) or 0) if details else 0
    prompt = usage.prompt_tokens or 0
    return Usage(input_tokens=max(prompt - cached - written, 0), output_tokens=usage.completion_tokens or 0,
                 cache_creation_input_tokens=written, cache_read_input_tokens=cached)


def is_context_error(exc: BaseException) -> bool:
    """Whether a 400 says the conversation no longer fits the model's context window (OpenAI's code
    `context_length_exceeded`, or the words vLLM, Ollama and llama.cpp use)."""
    code = str(getattr(exc, "code", "") or "")
    detail = api_detail(exc).lower()
    return code in CONTEXT_CODES or any(words in detail for words in CONTEXT_WORDS)


def _never_connected(exc: BaseException) -> bool:
    """Whether a connection error means no connection was ever made (refused, no route, unknown host: httpx's
    ConnectError somewhere in the cause chain), rather than one that broke or timed out."""
    seen: BaseException | None = exc
    while seen is not None:
        if type(seen).__name__ == "ConnectError" or isinstance(seen, ConnectionRefusedError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class OpenAIAgent(Agent):
    """A model behind the Chat Completions API. One instance (and one HTTP client) serves every trial of a run.

    `free_endpoint`: None decides from the endpoint (a local one costs 0); tests pass False to price a local fake."""

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        model_args: dict[str, Any] | None = None,
        retry: RetryPolicy | None = None,
        call_timeout_s: float = DEFAULT_CALL_TIMEOUT_S,
        free_endpoint: bool | None = None,
    ) -> None:
        self.name = model
        self.model = model
        self.base_url = base_url or PROVIDERS["openai"].env_base_url() or OPENAI_BASE_URL
        self.model_args = dict(model_args or {})
        self.retry = retry or RetryPolicy()
        self.call_timeout_s = call_timeout_s
        self.free = is_local_url(self.base_url) if free_endpoint is None else free_endpoint
        self._client: AsyncOpenAI | None = None  # made, used and closed on the call thread only
        self._calls = CallLoop(f"model-calls {model}")
        self._warned: set[str] = set()
        self._reached = False  # an answer came from the endpoint once: a later connection error is a blip, retried

    @property
    def endpoint(self) -> str:
        """How messages name the endpoint: "the OpenAI API", or "the endpoint URL"."""
        return "the OpenAI API" if self.base_url.rstrip("/") == OPENAI_BASE_URL else f"the endpoint {self.base_url}"

    @property
    def client(self) -> AsyncOpenAI:
        """The run's HTTP client, made on first use with the SDK's own retries off (ours are logged).

        Raises FatalAgentError when OPENAI_API_KEY is not set for an endpoint that is not local."""
        if self._client is None:
            key = os.environ.get("OPENAI_API_KEY", "").strip()
            if not key and not is_local_url(self.base_url):
                raise FatalAgentError(f"{self.model} needs OPENAI_API_KEY for {self.endpoint}")
            try:
                self._client = AsyncOpenAI(api_key=key or NO_KEY, base_url=self.base_url, max_retries=0,
                                           timeout=self.call_timeout_s, http_client=use_timestamps(openai.DefaultAsyncHttpxClient(
                                               event_hooks={"request": [mark_request_sent]})))
            except openai.OpenAIError as exc:
                raise FatalAgentError(f"cannot create the OpenAI client: {scrub_key(str(exc))}") from None
        return self._client

    async def aclose(self) -> None:
        """Close the HTTP client, if one was made, and the call thread (the run's end)."""
        await self._calls.aclose(self._close_client)

    async def _close_client(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def run(self, ctx: AgentContext) -> AgentResult:
        """The tool-calling loop: call the model, run the tools it asks for (parallel calls one after another, in
        order), send their results back, until it answers without a tool call or a limit (turns, total tokens, wall
        time in seconds) ends the trial. A tool call whose arguments are not a JSON object goes back to the model as
        a tool error.

        Emits one `agent_message` event a turn and `log` warnings (retries, no price, a free local endpoint). Raises
        ApiCallError (with the transcript so far) when a call fails after retries, is refused, or no longer fits the
        context window; FatalAgentError when the key is rejected (401/403) or the model is unknown (404)."""
        deadline = time.monotonic() + ctx.limits.wall_time_s
        chat: list[dict[str, Any]] = [{"role": "system", "content": ctx.system_prompt}] if ctx.system_prompt else []
        chat.append({"role": "user", "content": ctx.prompt})
        result = AgentResult(final_answer=None, messages=[{"role": "user", "content": ctx.prompt}])
        tools = [{"type": "function", "function": {"name": t.name, "description": t.description,
                                                   "parameters": t.input_schema}} for t in ctx.toolbox.tools]
        self._warn_free(ctx)
        while True:
            remaining = deadline - time.monotonic()
            stop = limit_reached(ctx.limits, result, remaining)
            if stop is not None:
                result.stop_reason = stop
                break
            started, timing = time.monotonic(), TurnTiming()
            turn = await self._call_model(ctx, chat, tools, result, remaining, timing)
            if turn is None:
                result.stop_reason = "wall_time"
                break
            self._record_turn(ctx, result, turn, started, timing)
            if not turn.tool_calls:
                result.final_answer = turn.text.strip()
                result.stop_reason = "end_turn"
                break
            await self._run_tools(ctx, chat, result, turn)
        return result

    async def _run_tools(self, ctx: AgentContext, chat: list[dict[str, Any]], result: AgentResult,
                         turn: Turn) -> None:
        """Answer every tool call of `turn`, in order, in both the API conversation and the transcript."""
        chat.append({"role": "assistant", "content": turn.text or None,
                     "tool_calls": [{"id": c.id, "type": "function",
                                     "function": {"name": c.name, "arguments": c.arguments}} for c in turn.tool_calls]})
        blocks: list[dict[str, Any]] = []
        for call, use in zip(turn.tool_calls, result.messages[-1]["content"][-len(turn.tool_calls):], strict=True):
            arguments = call.parsed()
            outcome: ToolOutcome
            if arguments is None:
                outcome = invalid_arguments_outcome(use)
                ctx.emit("log", {"level": "warning", "message": f"{ctx.scenario.id}__{ctx.repetition}: turn "
                                 f"{result.turns}: the arguments of '{call.name}' are not a JSON object; "
                                 "told the model"})
            else:
                outcome = await ctx.toolbox.call(call.name, arguments, call_id=call.id)
            chat.append({"role": "tool", "tool_call_id": call.id, "content": outcome.text})
            blocks.append(tool_result_block(call.id, outcome))
        result.messages.append({"role": "user", "content": blocks})

    def _record_turn(self, ctx: AgentContext, result: AgentResult, turn: Turn, started: float,
                     timing: TurnTiming) -> None:
        """Count the turn and its usage, add it to the transcript (Messages format) and emit `agent_message`."""
        result.turns += 1
        usage = usage_of(turn.usage)
        if turn.usage is None:
            self._warn(ctx, "usage", f"{self.endpoint} reported no token usage for {self.model}: its tokens count as 0")
        if not self.free:
            cost = cost_usd(self.model, usage)
            if cost is None:
                self._warn(ctx, "price", f"no price for model '{self.model}' in the price table of "
                           f"{OPENAI_PRICES.as_of}: its cost counts as 0")
            usage.cost_usd = cost or 0.0
        result.usage.add(usage)
        content: list[dict[str, Any]] = [{"type": "text", "text": turn.text}] if turn.text else []
        for call in turn.tool_calls:
            arguments = call.parsed()
            block: dict[str, Any] = {"type": "tool_use", "id": call.id, "name": call.name, "input": arguments or {}}
            if arguments is None:
                block["invalid_arguments"] = call.arguments
            content.append(block)
        result.messages.append({"role": "assistant", "content": content})
        ctx.emit("agent_message", {
            "turn": result.turns, "text": text_of(content), "tool_uses": len(turn.tool_calls),
            "usage": usage.to_dict(), "stop_reason": turn.stop_reason,
            "duration_s": round(time.monotonic() - started, 3), **timing.fields(),
        })

    # ---- one model call ---------------------------------------------------------------------------------------

    async def _call_model(self, ctx: AgentContext, chat: list[dict[str, Any]], tools: list[dict[str, Any]],
                          result: AgentResult, remaining_s: float, timing: TurnTiming) -> Turn | None:
        """The model's next turn, or None when the wall time ran out first. Failures end the trial (see `run`)."""
        try:
            turn = await asyncio.wait_for(self._create(ctx, chat, tools, result.turns + 1, timing), remaining_s)
        except TimeoutError:
            return None
        except RetriesExhausted as exc:
            raise self._failed(result, f"{self.endpoint} failed: {exc}") from None
        except openai.APIStatusError as exc:
            raise self._status_error(exc, result) from None
        except openai.OpenAIError as exc:
            raise self._failed(result, f"the call to {self.endpoint} failed: {describe_failure(exc)}") from None
        if not turn.seen_choice:
            hint = "; if it does not stream, try --model-arg stream=false" if self.streaming else ""
            raise self._failed(result, f"{self.endpoint} returned no completion (no choices){hint}")
        return turn

    @property
    def streaming(self) -> bool:
        """Whether the requests ask for a stream (the default; `--model-arg stream=false` turns it off)."""
        return bool(self.model_args.get("stream", True))

    def request(self, chat: list[dict[str, Any]], tools: list[dict[str, Any]], max_output_tokens: int) -> dict[str, Any]:
        """The Chat Completions request: model, messages, tools, streaming with usage, the output-token cap
        (`max_completion_tokens` for OpenAI's own API, `max_tokens` elsewhere, unless a model argument sets either),
        the call timeout, then the run's model arguments."""
        request: dict[str, Any] = {"model": self.model, "messages": chat, "stream": True,
                                   "stream_options": {"include_usage": True}, "timeout": self.call_timeout_s}
        if tools:
            request["tools"] = tools
        if not {"max_tokens", "max_completion_tokens"} & set(self.model_args):
            cap = "max_completion_tokens" if self.base_url.rstrip("/") == OPENAI_BASE_URL else "max_tokens"
            request[cap] = max_output_tokens
        request = place_args(AsyncCompletionsCreate, request, self.model_args)
        if not request.get("stream"):
            request.pop("stream_options", None)
        return request

    async def _create(self, ctx: AgentContext, chat: list[dict[str, Any]], tools: list[dict[str, Any]],
                      turn_number: int, timing: TurnTiming) -> Turn:
        request = self.request(list(chat), tools, ctx.limits.max_output_tokens)

        async def one_call() -> Turn:
            try:
                turn = await self._calls.run(attempt, timing)  # the HTTP exchange on the call thread, timed there
            except openai.APIConnectionError as exc:
                if self.free and not self._reached and _never_connected(exc):
                    raise FatalAgentError(
                        f"nothing answers at {self.base_url} ({describe_failure(exc)}): start the model server "
                        "(e.g. `ollama serve`, vLLM, LM Studio) or check --model-base-url") from None
                raise
            self._reached = True
            return turn

        async def attempt() -> Turn:
            if not request.get("stream"):
                completion = await self.client.chat.completions.create(**request)
                if not isinstance(completion, ChatCompletion):
                    shown = " ".join(str(completion).split())[:120]
                    raise openai.OpenAIError(f"a body that is not a chat completion ({shown!r})")
                return Turn.from_completion(completion, turn_number)
            stream = await self.client.chat.completions.create(**request)
            turn = Turn()
            async with stream:  # a connection broken mid-stream raises the SDK's APIConnectionError (retried)
                async for chunk in stream:
                    turn.add_chunk(chunk)
            if turn.seen_choice and turn.finish_reason is None:
                raise openai.APIConnectionError(message="the stream ended before its finish_reason (cut off)",
                                                request=stream.response.request)
            turn.name_calls(turn_number)
            return turn

        def log_retry(attempt: int, exc: BaseException, wait_s: float) -> None:
            timing.retry_wait_s += wait_s
            ctx.emit("log", {"level": "warning", "message": scrub_key(
                f"{ctx.scenario.id}__{ctx.repetition}: {self.model}: {describe_failure(exc)};"
                f" retry {attempt}/{self.retry.max_attempts - 1} in {wait_s:.2f} s")})

        return await call_with_retries(one_call, policy=self.retry, on_retry=log_retry)

    # ---- errors and warnings ------------------------------------------------------------------------------------

    def _failed(self, partial: AgentResult, message: str) -> ApiCallError:
        partial.stop_reason = "error"
        partial.error = scrub_key(message)
        return ApiCallError(partial.error, partial)

    def _status_error(self, exc: openai.APIStatusError, partial: AgentResult) -> Exception:
        status = exc.status_code
        detail = scrub_key(api_detail(exc) or describe_failure(exc))
        if status in (401, 403):
            return FatalAgentError(f"{self.endpoint} rejected the key ({status}): check OPENAI_API_KEY")
        if status == 404 and not self._names_the_model(exc):
            return FatalAgentError(f"{self.endpoint} has no Chat Completions API at "
                                   f"{self.base_url.rstrip('/')}/chat/completions (404: {detail}): check the base URL "
                                   "(most end in /v1, e.g. http://localhost:11434/v1)")
        if status == 404:
            return FatalAgentError(f"{self.endpoint} does not know model '{self.model}' (404): {detail}")
        if status in (400, 413) and is_context_error(exc):
            return self._failed(partial, f"the conversation no longer fits the context window of {self.model} "
                                         f"({status}): {detail}")
        return self._failed(partial, f"{self.endpoint} refused the request ({status}): {detail}")

    def _names_the_model(self, exc: openai.APIStatusError) -> bool:
        """Whether a 404 is about the model (OpenAI's `model_not_found`, or a message that names it or a model),
        rather than about the URL (a base URL without /v1 gets a bare 404 page from Ollama, vLLM, ...)."""
        code = str(getattr(exc, "code", "") or "")
        detail = api_detail(exc).lower()
        return code == "model_not_found" or self.model.lower() in detail or "model" in detail

    def _warn(self, ctx: AgentContext, what: str, message: str, level: str = "warning") -> None:
        if what not in self._warned:
            self._warned.add(what)
            ctx.emit("log", {"level": level, "message": message})

    def _warn_free(self, ctx: AgentContext) -> None:
        if self.free:
            self._warn(ctx, "free", f"{self.model} runs on a local endpoint ({self.base_url}): its cost counts as 0",
                       level="info")
