"""The OpenAI agent against a scripted Chat Completions server of ours on 127.0.0.1, through the real `openai` client
and the real MCP tool box: streamed and whole replies, tool calls split over chunks, parallel calls, usage and cost,
retries, refused keys, unknown models, invalid arguments, a full context window and a model that never stops."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jira_bench_tui.agents.base import AgentError, ApiCallError, FatalAgentError, Usage
from jira_bench_tui.agents.openai import OpenAIAgent
from jira_bench_tui.agents.registry import cost_usd, price_for, resolve
from jira_bench_tui.agents.retry import RetryPolicy
from jira_bench_tui.engine.agent_factory import make_agent
from jira_bench_tui.harness.schema import Limits

from .conftest import run_trial
from .fake_openai import OPENAI_SECRET, FakeChatApi, Reply, call, chunk, completion, error, raw_stream

FAST = RetryPolicy(max_attempts=3, base_delay_s=0.01, max_delay_s=0.05, min_delay_s=0.01)


@pytest.fixture
def chat_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeChatApi]:
    api = FakeChatApi().start()
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_SECRET)
    monkeypatch.setenv("OPENAI_BASE_URL", api.url)
    yield api
    api.stop()


def agent(model: str = "gpt-4o", **kwargs: object) -> OpenAIAgent:
    kwargs.setdefault("retry", FAST)
    return OpenAIAgent(model, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("stream", [True, False])
async def test_a_tool_call_then_an_answer(chat_api: FakeChatApi, stream: bool) -> None:
    chat_api.queue(
        completion("Let me comment.", call("call_a", "add_comment", {"issue_key": "T-1", "body": "on it"})),
        completion("Done: commented on T-1."),
    )
    the_agent = agent(model_args={} if stream else {"stream": False})
    trial = await run_trial(the_agent)
    await the_agent.aclose()
    assert trial.result is not None
    assert trial.result.final_answer == "Done: commented on T-1." and trial.result.stop_reason == "end_turn"
    assert [s["tool"] for s in trial.toolbox.calls] == ["add_comment"]
    assert trial.toolbox.calls[0]["arguments"] == {"issue_key": "T-1", "body": "on it"}
    assert trial.toolbox.calls[0]["call_id"] == "call_a" and not trial.toolbox.calls[0]["is_error"]
    first, second = chat_api.requests
    assert first.headers["authorization"] == f"Bearer {OPENAI_SECRET}"
    assert first.body["model"] == "gpt-4o" and first.body["max_tokens"] == 4096
    assert bool(first.body.get("stream")) is stream
    assert ("stream_options" in first.body) is stream
    assert first.body["messages"][0] == {"role": "system", "content": "You work a Jira through tools."}
    assert {t["function"]["name"] for t in first.body["tools"]} == {"create_issue", "get_issue", "add_comment"}
    assert second.body["messages"][-2]["tool_calls"][0]["function"]["arguments"] == '{"issue_key": "T-1", "body": "on it"}'
    assert second.body["messages"][-1]["role"] == "tool" and second.body["messages"][-1]["tool_call_id"] == "call_a"
    # the transcript is in the Messages format, like a Claude run's
    messages = trial.result.messages
    assert messages[1]["content"][1] == {"type": "tool_use", "id": "call_a", "name": "add_comment",
                                         "input": {"issue_key": "T-1", "body": "on it"}}
    assert messages[2]["content"][0]["type"] == "tool_result" and messages[2]["content"][0]["tool_use_id"] == "call_a"
    events = trial.of_type("agent_message")
    assert [e["stop_reason"] for e in events] == ["tool_use", "end_turn"]
    assert [e["tool_uses"] for e in events] == [1, 0]


async def test_parallel_calls_split_over_chunks_run_in_order(chat_api: FakeChatApi) -> None:
    long_body = "a comment long enough to be streamed in many small pieces"
    chat_api.queue(
        completion("", call("c1", "get_issue", {"issue_key": "T-1"}),
                   call("c2", "add_comment", {"issue_key": "T-1", "body": long_body})),
        completion("done"),
    )
    trial = await run_trial(agent())
    assert [(s["call_id"], s["tool"]) for s in trial.toolbox.calls] == [("c1", "get_issue"), ("c2", "add_comment")]
    assert trial.toolbox.calls[1]["arguments"]["body"] == long_body
    tool_messages = [m for m in chat_api.requests[1].body["messages"] if m["role"] == "tool"]
    assert [m["tool_call_id"] for m in tool_messages] == ["c1", "c2"]


async def test_usage_with_cached_tokens_and_cost(chat_api: FakeChatApi) -> None:
    chat_api.queue(completion("", call("c1", "get_issue", {"issue_key": "T-1"}), usage=(1000, 100, 400)),
                   completion("done", usage=(2000, 50, 1000)))
    trial = await run_trial(agent("gpt-4o", free_endpoint=False))
    assert trial.result is not None
    usage = trial.result.usage
    assert (usage.input_tokens, usage.cache_read_input_tokens, usage.output_tokens) == (1600, 1400, 150)
    # gpt-4o: $2.50 input, $1.25 cached input, $10 output per million tokens
    assert usage.cost_usd == pytest.approx((1600 * 2.5 + 1400 * 1.25 + 150 * 10) / 1e6)
    assert [e["usage"]["cache_read_input_tokens"] for e in trial.of_type("agent_message")] == [400, 1000]
    assert not trial.of_type("log")


async def test_a_local_endpoint_costs_nothing_and_says_so(chat_api: FakeChatApi) -> None:
    chat_api.queue(completion("done", usage=(1000, 100, 0)))
    trial = await run_trial(agent("llama3.1:8b"))
    assert trial.result is not None and trial.result.usage.cost_usd == 0.0
    assert trial.result.usage.input_tokens == 1000
    (log,) = trial.of_type("log")
    assert log["level"] == "info" and "local endpoint" in log["message"] and "cost counts as 0" in log["message"]


async def test_an_unpriced_model_warns_once(chat_api: FakeChatApi) -> None:
    chat_api.queue(completion("", call("c1", "get_issue", {"issue_key": "T-1"})), completion("done"))
    trial = await run_trial(agent("gpt-99-turbo", free_endpoint=False))
    warnings = [e["message"] for e in trial.of_type("log")]
    assert len(warnings) == 1 and "no price for model 'gpt-99-turbo'" in warnings[0]


async def test_invalid_json_arguments_go_back_as_a_tool_error(chat_api: FakeChatApi) -> None:
    chat_api.queue(completion("", call("bad", "add_comment", '{"issue_key": "T-1", "body": ')),
                   completion("", call("good", "add_comment", {"issue_key": "T-1", "body": "on it"})),
                   completion("done"))
    trial = await run_trial(agent())
    assert trial.result is not None and trial.result.stop_reason == "end_turn"
    assert [s["call_id"] for s in trial.toolbox.calls] == ["good"]  # the bad call never reached the tool
    tool_reply = [m for m in chat_api.requests[1].body["messages"] if m["role"] == "tool"][0]
    assert tool_reply["tool_call_id"] == "bad" and "not a JSON object" in tool_reply["content"]
    use = trial.result.messages[1]["content"][0]
    assert use["input"] == {} and use["invalid_arguments"] == '{"issue_key": "T-1", "body": '
    assert trial.result.messages[2]["content"][0]["is_error"] is True
    assert any("not a JSON object" in e["message"] for e in trial.of_type("log"))


async def test_429_then_success_is_retried_with_retry_after(chat_api: FakeChatApi) -> None:
    chat_api.queue(error(429, "Rate limit reached", kind="requests", code="rate_limit_exceeded",
                         headers={"retry-after-ms": "30"}),
                   error(503, "overloaded", kind="server_error"),
                   completion("done"))
    trial = await run_trial(agent())
    assert trial.result is not None and trial.result.final_answer == "done"
    assert len(chat_api.requests) == 3
    retries = [e["message"] for e in trial.of_type("log") if e["level"] == "warning"]
    assert len(retries) == 2 and "HTTP 429" in retries[0] and "Rate limit reached" in retries[0]
    assert OPENAI_SECRET not in " ".join(retries)


async def test_retries_run_out(chat_api: FakeChatApi) -> None:
    chat_api.queue(*[error(500, "boom", kind="server_error")] * 3)
    trial = await run_trial(agent(), expect_error=ApiCallError)
    assert isinstance(trial.error, ApiCallError)
    assert "gave up after 3 attempts (HTTP 500 server_error: boom)" in str(trial.error)
    assert trial.error.partial.stop_reason == "error"


@pytest.mark.parametrize("status", [401, 403])
async def test_a_rejected_key_stops_the_run(chat_api: FakeChatApi, status: int) -> None:
    chat_api.queue(error(status, "Incorrect API key provided: sk-proj-***", kind="invalid_request_error",
                         code="invalid_api_key"))
    trial = await run_trial(agent(), expect_error=FatalAgentError)
    assert str(trial.error) == f"the endpoint {chat_api.url} rejected the key ({status}): check OPENAI_API_KEY"
    assert len(chat_api.requests) == 1


async def test_an_unknown_model_stops_the_run_with_its_name(chat_api: FakeChatApi) -> None:
    chat_api.queue(error(404, "The model `gpt-nope` does not exist or you do not have access to it.",
                         code="model_not_found"))
    trial = await run_trial(agent("gpt-nope"), expect_error=FatalAgentError)
    assert str(trial.error).startswith(f"the endpoint {chat_api.url} does not know model 'gpt-nope' (404)")


async def test_a_full_context_window_ends_the_trial_as_an_error(chat_api: FakeChatApi) -> None:
    chat_api.queue(completion("", call("c1", "get_issue", {"issue_key": "T-1"})),
                   error(400, "This model's maximum context length is 128000 tokens.", code="context_length_exceeded"))
    trial = await run_trial(agent(), expect_error=ApiCallError)
    assert isinstance(trial.error, AgentError) and trial.error.partial is not None
    assert "no longer fits the context window of gpt-4o (400)" in str(trial.error)
    assert trial.error.partial.turns == 1 and trial.error.partial.stop_reason == "error"


async def test_a_model_that_never_stops_calling_tools_hits_max_turns(chat_api: FakeChatApi) -> None:
    chat_api.forever = completion("again", call("loop", "get_issue", {"issue_key": "T-1"}))
    trial = await run_trial(agent(), limits=Limits(max_turns=4))
    assert trial.result is not None and trial.result.stop_reason == "max_turns"
    assert trial.result.turns == 4 and len(chat_api.requests) == 4 and len(trial.toolbox.calls) == 4
    assert trial.result.final_answer is None


async def test_model_args_reach_the_request(chat_api: FakeChatApi) -> None:
    chat_api.queue(completion("done"))
    await run_trial(agent(model_args={"temperature": 0, "max_completion_tokens": 512, "reasoning_effort": "low",
                                      "top_k": 20, "stream_options": None}))
    body = chat_api.requests[0].body
    assert body["temperature"] == 0 and body["max_completion_tokens"] == 512 and "max_tokens" not in body
    assert body["reasoning_effort"] == "low" and body["top_k"] == 20 and "stream_options" not in body


async def test_a_local_endpoint_needs_no_key(chat_api: FakeChatApi, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    chat_api.queue(completion("done"))
    trial = await run_trial(agent("qwen2.5:7b"))
    assert trial.result is not None and trial.result.final_answer == "done"
    assert chat_api.requests[0].headers["authorization"] == "Bearer no-key-needed"


async def test_no_key_for_a_remote_endpoint_stops_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    trial = await run_trial(agent("gpt-4o", base_url="https://api.example.com/v1"), expect_error=FatalAgentError)
    assert str(trial.error) == "gpt-4o needs OPENAI_API_KEY for the endpoint https://api.example.com/v1"


def test_names_and_prices() -> None:
    assert resolve("openai/gpt-4o").model_id == "gpt-4o" and resolve("gpt-4.1-mini").provider.id == "openai"
    assert resolve("o3").provider.id == "openai" and resolve("o4-mini").provider.id == "openai"
    assert resolve("anthropic/claude-sonnet-4-6").model_id == "claude-sonnet-4-6"
    assert resolve("claude-haiku-4-5").provider.id == "anthropic"
    assert resolve("openai/Qwen/Qwen2.5-7B-Instruct").model_id == "Qwen/Qwen2.5-7B-Instruct"
    assert price_for("gpt-4o-2024-08-06") == price_for("openai/gpt-4o")
    assert price_for("gpt-4o-mini") != price_for("gpt-4o")
    assert price_for("openai/llama3.1:8b") is None
    gpt41 = price_for("gpt-4.1")
    assert gpt41 is not None and gpt41.source.url.startswith("https://developers.openai.com/")
    million = Usage(input_tokens=1_000_000, output_tokens=1_000_000)
    assert cost_usd("openai/gpt-4.1-mini", million) == pytest.approx(2.0)


# ---- odd streams from OpenAI-compatible servers --------------------------------------------------------------------

GET_T1 = '{"issue_key": "T-1"}'
USAGE_CHUNK = {"id": "chatcmpl-raw", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [],
               "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}


async def test_empty_choices_and_null_deltas_are_skipped(chat_api: FakeChatApi) -> None:
    # Azure's first chunk has no choices (prompt filter results); some servers send the finish reason with delta null
    azure_first = {"id": "", "object": "", "created": 0, "model": "", "choices": [],
                   "prompt_filter_results": [{"prompt_index": 0}]}
    chat_api.queue(raw_stream(azure_first, chunk({"role": "assistant", "content": "All "}), chunk(None),
                              chunk({"content": "done."}), chunk(None, "stop"), USAGE_CHUNK))
    trial = await run_trial(agent())
    assert trial.result is not None and trial.result.final_answer == "All done."
    assert trial.result.usage.input_tokens == 10 and trial.result.stop_reason == "end_turn"


async def test_parallel_calls_without_index_stay_apart(chat_api: FakeChatApi) -> None:
    # servers that leave `index` out of streamed tool calls: each whole call in its chunk, or a call's pieces in a row
    whole_calls = raw_stream(
        chunk({"tool_calls": [{"id": "a", "type": "function", "function": {"name": "get_issue", "arguments": GET_T1}}]}),
        chunk({"tool_calls": [{"type": "function", "function": {"name": "get_issue", "arguments": '{"issue_key"'}}]}),
        chunk({"tool_calls": [{"function": {"arguments": ': "T-2"}'}}]}),
        chunk({}, "tool_calls"), USAGE_CHUNK)
    chat_api.queue(whole_calls, completion("done"))
    trial = await run_trial(agent())
    assert [(c["tool"], c["arguments"]) for c in trial.toolbox.calls] == [
        ("get_issue", {"issue_key": "T-1"}), ("get_issue", {"issue_key": "T-2"})]
    assert [c["call_id"] for c in trial.toolbox.calls] == ["a", "call_1_1"]
    assert not [e for e in trial.of_type("log") if e["level"] == "warning"]  # no "not a JSON object"


async def test_arguments_sent_as_an_object_are_read_as_json(chat_api: FakeChatApi) -> None:
    chat_api.queue(raw_stream(chunk({"tool_calls": [{"index": 0, "id": "o", "type": "function", "function": {
        "name": "get_issue", "arguments": {"issue_key": "T-1"}}}]}), chunk({}, "tool_calls"), USAGE_CHUNK),
        completion("done"))
    trial = await run_trial(agent())
    assert trial.result is not None and trial.result.final_answer == "done"
    assert [(c["tool"], c["arguments"]) for c in trial.toolbox.calls] == [("get_issue", {"issue_key": "T-1"})]


async def test_a_cut_off_stream_is_retried_not_scored(chat_api: FakeChatApi) -> None:
    # the connection closes after some text, with no finish_reason and no [DONE]: not a reply to score
    chat_api.queue(raw_stream(chunk({"role": "assistant", "content": "There are thr"}), done=False),
                   completion("There are three open bugs."))
    trial = await run_trial(agent())
    assert trial.result is not None and trial.result.final_answer == "There are three open bugs."
    assert trial.result.turns == 1 and len(chat_api.requests) == 2
    (retry,) = [e["message"] for e in trial.of_type("log") if e["level"] == "warning"]
    assert "connection error (the stream ended before its finish_reason (cut off))" in retry and "retry 1/2" in retry


async def test_an_error_in_the_stream_is_named(chat_api: FakeChatApi) -> None:
    chat_api.queue(raw_stream(chunk({"content": "part"}), {"error": {"message": "overloaded mid-stream",
                                                                     "type": "server_error"}}))
    trial = await run_trial(agent(), expect_error=ApiCallError)
    assert "failed: APIError: overloaded mid-stream" in str(trial.error)


async def test_a_server_that_does_not_stream_gets_a_hint(chat_api: FakeChatApi) -> None:
    chat_api.queue(Reply(text="whole", whole_to_stream=True))
    trial = await run_trial(agent(), expect_error=ApiCallError)
    assert str(trial.error).endswith("returned no completion (no choices); if it does not stream, try --model-arg "
                                     "stream=false")


async def test_names_in_any_case_reach_the_api_as_the_vendor_spells_them(chat_api: FakeChatApi, tmp_path: Path) -> None:
    chat_api.queue(completion("done"), completion("done"))
    for name in ("GPT-4o", "OpenAI/gpt-4o"):
        the_agent = make_agent(name, tmp_path)
        assert the_agent.name == name
        await run_trial(the_agent)
        await the_agent.aclose()  # type: ignore[attr-defined]
    assert [r.body["model"] for r in chat_api.requests] == ["gpt-4o", "gpt-4o"]
    assert price_for("OpenAI/GPT-4o") == price_for("gpt-4o") and price_for("Claude-Sonnet-4-6") is not None


async def test_only_the_first_of_several_completions_is_used(chat_api: FakeChatApi) -> None:
    second = chunk({"content": "SECOND"}, "stop")
    second["choices"][0]["index"] = 1
    chat_api.queue(raw_stream(chunk({"content": "first"}), second, chunk({}, "stop"), USAGE_CHUNK))
    trial = await run_trial(agent(model_args={"n": 2}))
    assert trial.result is not None and trial.result.final_answer == "first"


async def test_a_base_url_without_the_api_path_is_named_not_the_model(chat_api: FakeChatApi) -> None:
    # Ollama at http://localhost:11434 (without /v1): the server has no /chat/completions there, a bare 404
    base = chat_api.url.removesuffix("/v1")
    chat_api.queue(completion("never sent"))
    trial = await run_trial(agent("llama3", base_url=base), expect_error=FatalAgentError)
    assert str(trial.error).startswith(f"the endpoint {base} has no Chat Completions API at {base}/chat/completions "
                                       "(404: no route /chat/completions): check the base URL (most end in /v1")


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port bound to a socket that never listens, kept for the whole test: connections to it are refused, and no
    other test process can be given it meanwhile (a port bound then closed could be)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


async def test_a_local_endpoint_nobody_listens_on_stops_the_run_at_once(monkeypatch: pytest.MonkeyPatch,
                                                                       closed_port: int) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    url = f"http://127.0.0.1:{closed_port}/v1"
    slow = RetryPolicy(max_attempts=6, base_delay_s=5.0, max_delay_s=30.0)  # retried, this would take over a minute
    started = time.monotonic()
    trial = await run_trial(agent("llama3.1:8b", base_url=url, retry=slow), expect_error=FatalAgentError)
    assert time.monotonic() - started < 10
    message = str(trial.error)
    assert message.startswith(f"nothing answers at {url} (connection error")
    assert "start the model server" in message and "--model-base-url" in message
