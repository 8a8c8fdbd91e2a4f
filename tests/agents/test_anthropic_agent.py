"""The Claude agent against a scripted Messages API on 127.0.0.1 (the real AsyncAnthropic client, no mocks)."""

from __future__ import annotations

import asyncio
import json
import re
import socket

import pytest

from jira_bench_tui.agents.anthropic import AnthropicAgent
from jira_bench_tui.agents.base import AgentError, ApiCallError, FatalAgentError, Usage
from jira_bench_tui.agents.registry import cost_usd, price_for
from jira_bench_tui.agents.retry import RetryPolicy, retry_after_s
from jira_bench_tui.harness.schema import Limits

from .conftest import SECRET_KEY, FakeMessagesApi, api_error, message, run_trial, text, tool_use

FAST = RetryPolicy(max_attempts=3, base_delay_s=0.01, max_delay_s=2.0, jitter=0.5, min_delay_s=0.01)


def agent(model: str = "claude-sonnet-4-6", **options: object) -> AnthropicAgent:
    return AnthropicAgent(model, retry=options.pop("retry", FAST), **options)  # type: ignore[arg-type]


async def test_tool_use_then_tool_result_then_final_text(fake_api: FakeMessagesApi) -> None:
    fake_api.queue(
        message(text("Let me comment."), tool_use("toolu_1", "add_comment", {"issue_key": "T-1", "body": "on it"})),
        message(text("I commented 'on it' on T-1.")),
    )
    bot = agent()
    trial = await run_trial(bot)
    await bot.aclose()
    result = trial.result
    assert result is not None
    assert result.final_answer == "I commented 'on it' on T-1."
    assert result.stop_reason == "end_turn" and result.turns == 2
    # the transcript: prompt, assistant tool_use, user tool_result, assistant text
    assert [m["role"] for m in result.messages] == ["user", "assistant", "user", "assistant"]
    assert result.messages[0]["content"] == "Comment 'on it' on T-1."
    tool_result = result.messages[2]["content"][0]
    assert tool_result["type"] == "tool_result" and tool_result["tool_use_id"] == "toolu_1"
    assert json.loads(tool_result["content"]) == {"issue_key": "T-1", "body": "on it"}
    assert "is_error" not in tool_result
    # what the API got: the MCP tools, the system prompt, the key, our own limits
    first, second = (seen.body for seen in fake_api.requests)
    assert {tool["name"] for tool in first["tools"]} == {"create_issue", "get_issue", "add_comment"}
    assert all("input_schema" in tool and tool["description"] for tool in first["tools"])
    assert first["system"][0]["text"] == "You work a Jira through tools."
    assert first["max_tokens"] == 4096 and first["model"] == "claude-sonnet-4-6"
    assert second["messages"][2]["content"][0]["tool_use_id"] == "toolu_1"
    assert fake_api.requests[0].headers["authorization"] == f"Bearer {SECRET_KEY}"
    assert fake_api.requests[0].headers.get("x-stainless-retry-count", "0") == "0"
    # the events: one agent_message per turn, the tool call numbered with its turn
    messages = trial.of_type("agent_message")
    assert [(m["turn"], m["tool_uses"]) for m in messages] == [(1, 1), (2, 0)]
    assert messages[0]["text"] == "Let me comment."
    (call,) = trial.toolbox.calls
    assert call["turn"] == 1 and call["call_id"] == "toolu_1" and call["is_error"] is False


async def test_parallel_tool_uses_of_one_turn_come_back_in_one_user_message(fake_api: FakeMessagesApi) -> None:
    fake_api.queue(
        message(
            tool_use("toolu_a", "get_issue", {"issue_key": "T-1"}),
            tool_use("toolu_b", "get_issue", {"issue_key": "T-404"}),
            tool_use("toolu_c", "no_such_tool", {}),
        ),
        message(text("T-1 is the login bug; T-404 does not exist.")),
    )
    trial = await run_trial(agent())
    assert trial.result is not None
    results = trial.result.messages[2]["content"]
    assert [block["tool_use_id"] for block in results] == ["toolu_a", "toolu_b", "toolu_c"]
    assert "is_error" not in results[0] and json.loads(results[0]["content"])["key"] == "T-1"
    assert results[1]["is_error"] is True and "T-404 not found" in results[1]["content"]
    assert results[2] == {
        "type": "tool_result", "tool_use_id": "toolu_c", "content": "Unknown tool 'no_such_tool'", "is_error": True,
    }
    # the API saw all three results in the one user message
    assert len(fake_api.requests[1].body["messages"][2]["content"]) == 3


async def test_plain_text_answer_without_tools(fake_api: FakeMessagesApi) -> None:
    fake_api.queue(message(text("There is nothing to do.")))
    trial = await run_trial(agent())
    assert trial.result is not None
    assert trial.result.final_answer == "There is nothing to do."
    assert trial.result.turns == 1 and trial.toolbox.calls == []


async def test_429_with_retry_after_waits_then_succeeds(fake_api: FakeMessagesApi) -> None:
    fake_api.queue(
        api_error(429, "rate_limit_error", "slow down", {"retry-after-ms": "300"}),
        message(text("ok")),
    )
    trial = await run_trial(agent())
    assert trial.result is not None and trial.result.final_answer == "ok"
    first, second = fake_api.requests
    assert second.at - first.at >= 0.29  # the server's wait, not our 10 ms backoff
    (log,) = trial.of_type("log")
    assert log["level"] == "warning" and "HTTP 429" in log["message"] and re.search(r"retry 1/2 in 0\.3[0-8] s", log["message"])


@pytest.mark.parametrize("status,kind", [(529, "overloaded_error"), (500, "api_error"), (503, "api_error")])
async def test_server_errors_are_retried(fake_api: FakeMessagesApi, status: int, kind: str) -> None:
    fake_api.queue(api_error(status, kind, "try later"), message(text("ok")))
    trial = await run_trial(agent())
    assert trial.result is not None and trial.result.final_answer == "ok"
    assert len(fake_api.requests) == 2
    assert f"HTTP {status}" in trial.of_type("log")[0]["message"]


async def test_retry_budget_exhausted_raises_agent_error_with_partial_transcript(fake_api: FakeMessagesApi) -> None:
    fake_api.queue(
        message(tool_use("toolu_1", "get_issue", {"issue_key": "T-1"})),
        *[api_error(529, "overloaded_error", "Overloaded")] * 3,
    )
    trial = await run_trial(agent(), expect_error=ApiCallError)
    error = trial.error
    assert isinstance(error, AgentError) and not isinstance(error, FatalAgentError)
    assert "gave up after 3 attempts (HTTP 529 overloaded_error: Overloaded)" in str(error)
    assert error.partial.turns == 1 and error.partial.stop_reason == "error"
    assert len(fake_api.requests) == 4
    assert len(trial.of_type("log")) == 2


@pytest.mark.parametrize("status,kind", [(401, "authentication_error"), (403, "permission_error")])
async def test_rejected_key_is_fatal_and_not_retried(fake_api: FakeMessagesApi, status: int, kind: str) -> None:
    fake_api.queue(api_error(status, kind, "invalid x-api-key"))
    trial = await run_trial(agent(), expect_error=FatalAgentError)
    assert str(trial.error) == f"the Anthropic API rejected the key ({status}): check ANTHROPIC_API_KEY"
    assert len(fake_api.requests) == 1


async def test_bad_request_is_an_agent_error_with_the_api_message(fake_api: FakeMessagesApi) -> None:
    fake_api.queue(api_error(400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum"))
    trial = await run_trial(agent(), expect_error=AgentError)
    assert "(400): prompt is too long: 210000 tokens > 200000 maximum" in str(trial.error)
    assert len(fake_api.requests) == 1


async def test_unknown_model_is_fatal(fake_api: FakeMessagesApi) -> None:
    fake_api.queue(api_error(404, "not_found_error", "model: claude-nope"))
    trial = await run_trial(agent("claude-nope"), expect_error=FatalAgentError)
    assert "does not know model 'claude-nope' (404)" in str(trial.error)


async def test_slow_answer_beyond_the_call_timeout_is_retried_then_an_agent_error(fake_api: FakeMessagesApi) -> None:
    slow = message(text("too late"))
    slow.delay_s = 5.0
    fake_api.queue(slow, slow, slow)
    bot = agent(call_timeout_s=0.2, retry=RetryPolicy(max_attempts=2, base_delay_s=0.01))
    trial = await run_trial(bot, expect_error=AgentError)
    await bot.aclose()
    assert "gave up after 2 attempts (timeout)" in str(trial.error)
    assert len(fake_api.requests) == 2
    assert "timeout; retry 1/1" in trial.of_type("log")[0]["message"]


async def test_max_turns_stops_the_loop(fake_api: FakeMessagesApi) -> None:
    fake_api.queue(*[message(tool_use(f"toolu_{i}", "get_issue", {"issue_key": "T-1"})) for i in range(3)])
    trial = await run_trial(agent(), limits=Limits(max_turns=2))
    assert trial.result is not None
    assert trial.result.stop_reason == "max_turns" and trial.result.turns == 2
    assert trial.result.final_answer is None
    assert len(fake_api.requests) == 2 and len(trial.toolbox.calls) == 2


async def test_token_budget_stops_the_loop(fake_api: FakeMessagesApi) -> None:
    fake_api.queue(*[message(tool_use(f"toolu_{i}", "get_issue", {"issue_key": "T-1"}), usage=(900, 200, 0, 0)) for i in range(3)])
    trial = await run_trial(agent(), limits=Limits(max_tokens=2000))
    assert trial.result is not None
    assert trial.result.stop_reason == "max_tokens" and trial.result.turns == 2
    assert trial.result.usage.total_tokens == 2200


async def test_wall_time_stops_a_slow_model_call(fake_api: FakeMessagesApi) -> None:
    slow = message(text("too late"))
    slow.delay_s = 5.0
    fake_api.queue(slow)
    trial = await run_trial(agent(call_timeout_s=10.0), limits=Limits(wall_time_s=0.3))
    assert trial.result is not None and trial.result.stop_reason == "wall_time"
    assert trial.result.turns == 0


async def test_usage_and_cost_are_summed_over_turns(fake_api: FakeMessagesApi) -> None:
    fake_api.queue(
        message(tool_use("toolu_1", "get_issue", {"issue_key": "T-1"}), usage=(1000, 100, 2000, 0)),
        message(text("done"), usage=(500, 50, 0, 2000)),
    )
    trial = await run_trial(agent("claude-opus-4-1-20250805"))
    assert trial.result is not None
    usage = trial.result.usage.to_dict()
    assert usage["input_tokens"] == 1500 and usage["output_tokens"] == 150
    assert usage["cache_creation_input_tokens"] == 2000 and usage["cache_read_input_tokens"] == 2000
    assert usage["total_tokens"] == 5650
    # opus 4.1: $15 in, $75 out, $18.75 cache write, $1.50 cache read per million tokens
    expected = (1500 * 15 + 150 * 75 + 2000 * 18.75 + 2000 * 1.50) / 1e6
    assert usage["cost_usd"] == pytest.approx(expected)
    per_turn = [m["usage"]["cost_usd"] for m in trial.of_type("agent_message")]
    assert sum(per_turn) == pytest.approx(expected)


async def test_an_unpriced_model_costs_nothing_and_warns_once(fake_api: FakeMessagesApi) -> None:
    fake_api.queue(message(tool_use("toolu_1", "get_issue", {"issue_key": "T-1"})), message(text("done")))
    trial = await run_trial(agent("claude-future-9"))
    assert trial.result is not None and trial.result.usage.cost_usd == 0.0
    (warning,) = trial.of_type("log")
    assert "no price for model 'claude-future-9'" in warning["message"]


async def test_the_key_never_appears_in_events_messages_or_errors(fake_api: FakeMessagesApi) -> None:
    fake_api.queue(
        message(tool_use("toolu_1", "get_issue", {"issue_key": "T-1"})),
        api_error(429, "rate_limit_error", f"key {SECRET_KEY} is over its limit", {"retry-after-ms": "1"}),
        message(text("done")),
    )
    ok = await run_trial(agent())
    fake_api.queue(api_error(400, "invalid_request_error", f"bad request for key {SECRET_KEY}"))
    failed = await run_trial(agent(), expect_error=AgentError)
    assert ok.result is not None
    everything = json.dumps(
        [ok.events, ok.result.messages, ok.result.final_answer, ok.toolbox.calls, failed.events, str(failed.error),
         failed.error.partial.error if isinstance(failed.error, ApiCallError) else None],
        default=str,
    )
    assert SECRET_KEY not in everything
    assert "***" in everything  # the API echoed it, and it was scrubbed
    assert fake_api.requests[0].headers["authorization"] == f"Bearer {SECRET_KEY}"


def test_retry_after_headers_and_backoff() -> None:
    assert retry_after_s({"retry-after-ms": "250"}) == 0.25
    assert retry_after_s({"retry-after": "3"}) == 3.0
    assert retry_after_s({"retry-after": "soon"}) is None
    assert retry_after_s({}) is None
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=10.0, jitter=0.5)
    assert policy.backoff_s(1, retry_after_s=120.0) == 10.0  # capped
    waits = [policy.backoff_s(attempt) for attempt in (1, 2, 3, 4, 5, 6)]
    assert 0.5 <= waits[0] <= 1.5 and 1.0 <= waits[1] <= 3.0 and waits[5] == 10.0


def test_price_table_matches_dated_ids_and_not_other_families() -> None:
    assert price_for("claude-sonnet-4-5-20250929") == price_for("claude-sonnet-4-5")
    assert price_for("claude-opus-4-6") is not None and price_for("claude-opus-4-6").input == 5.0  # type: ignore[union-attr]
    assert price_for("claude-opus-4-1").input == 15.0  # type: ignore[union-attr]
    assert price_for("claude-opus-4-9") is None and price_for("gpt-4") is None
    assert cost_usd("claude-haiku-4-5", Usage(input_tokens=1_000_000, output_tokens=1_000_000)) == pytest.approx(6.0)


async def test_connection_errors_are_retried_then_an_agent_error(
    fake_api: FakeMessagesApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a port bound to a socket that never listens, kept until the end: refused, and never given to another test
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
        monkeypatch.setenv("ANTHROPIC_BASE_URL", f"http://127.0.0.1:{closed_port}")
        trial = await run_trial(agent(), expect_error=AgentError)
    assert "gave up after 3 attempts (connection error (" in str(trial.error)  # with the reason: refused, ...
    assert [log["message"].split(" (")[0] for log in trial.of_type("log")] == [
        "comment-login-bug__1: claude-sonnet-4-6: connection error"
    ] * 2


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK's own warning; ours is the log event
async def test_a_deprecated_model_is_logged_once_per_run(fake_api: FakeMessagesApi) -> None:
    fake_api.queue(message(text("one")), message(text("two")))
    bot = agent("claude-sonnet-4-5")
    first = await run_trial(bot)
    second = await run_trial(bot)
    assert [log["message"] for log in first.of_type("log")] == [
        "claude-sonnet-4-5 is deprecated (end of life: November 30th, 2026)"
    ]
    assert second.of_type("log") == []


async def test_one_agent_serves_concurrent_trials(fake_api: FakeMessagesApi) -> None:
    fake_api.queue(*[message(text("done"), usage=(10, 1, 0, 0)) for _ in range(4)])
    bot = agent()
    trials = await asyncio.gather(*(run_trial(bot, repetition=rep) for rep in range(1, 5)))
    await bot.aclose()
    assert [t.result.final_answer for t in trials if t.result] == ["done"] * 4
    assert len(fake_api.requests) == 4
