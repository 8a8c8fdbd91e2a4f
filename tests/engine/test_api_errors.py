"""Runs with a claude model against a scripted Messages API on 127.0.0.1: retried overloads still pass, an exhausted
retry budget is an `error` trial (not a failure), and a refused key (401) fails the run at once with a clear message."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from jira_bench_tui.engine import run_folder

from .conftest import fingerprint, invoke, only_run, read_events

SECRET_KEY = "sk-ant-engine-test-THIS-KEY-MUST-NOT-LEAK"
MODEL = "claude-sonnet-4-6"
SCENARIO = "count-open-storefront-bugs"
GOOD_ANSWER = "There are 3 open bugs in the storefront project: WEB-3, WEB-4 and WEB-6."


def answer(text: str) -> tuple[int, Any, dict[str, str]]:
    return 200, {
        "id": "msg_1", "type": "message", "role": "assistant", "model": MODEL,
        "content": [{"type": "text", "text": text}], "stop_reason": "end_turn", "stop_sequence": None,
        "usage": {"input_tokens": 1000, "output_tokens": 50, "cache_creation_input_tokens": 0,
                  "cache_read_input_tokens": 0},
    }, {}


def error(status: int, kind: str) -> tuple[int, Any, dict[str, str]]:
    return status, {"type": "error", "error": {"type": kind, "message": "scripted"}}, {"retry-after-ms": "10"}


class ScriptedApi:
    """Answers POST /v1/messages from a script, in order; counts requests."""

    def __init__(self) -> None:
        self.script: list[tuple[int, Any, dict[str, str]]] = []  # (status, JSON data or raw text, headers)
        self.requests = 0
        self.times: list[float] = []  # when each request came (time.monotonic)
        self.delay_s = 0.0
        self.slow_from = 1  # the delay applies from this request on (1: every request)
        self.closing = threading.Event()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("content-length", "0")))
                api.requests += 1
                api.times.append(time.monotonic())
                status, body, headers = api.script.pop(0) if api.script else error(400, "invalid_request_error")
                if api.delay_s and api.requests >= api.slow_from:
                    api.closing.wait(api.delay_s)
                payload = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                if "content-type" not in headers:
                    self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (wall time)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedApi]:
    fake = ScriptedApi()
    fake.thread.start()
    host, port = fake.server.server_address[:2]
    monkeypatch.setenv("ANTHROPIC_BASE_URL", f"http://{host}:{port}")
    monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET_KEY)
    yield fake
    fake.closing.set()
    fake.server.shutdown()
    fake.server.server_close()


def assert_no_key_on_disk(results: Path) -> None:
    for path in results.rglob("*"):
        if path.is_file():
            assert SECRET_KEY not in path.read_text(encoding="utf-8", errors="replace"), path


def test_overloaded_and_rate_limited_then_success_passes(results: Path, api: ScriptedApi) -> None:
    api.script = [error(529, "overloaded_error"), error(429, "rate_limit_error"), answer(GOOD_ANSWER)]
    code, out, err = invoke("run", "builtin:example", "--model", MODEL, "--scenario", SCENARIO)
    assert code == 0, err
    assert api.requests == 3
    folder = only_run(results)
    artifact = run_folder.read_trial(folder, SCENARIO, 1)
    assert artifact.outcome == "passed" and artifact.final_answer == GOOD_ANSWER
    assert artifact.usage.input_tokens == 1000 and artifact.usage.cost_usd > 0
    warnings = [e.message for e in read_events(folder) if isinstance(e, run_folder.LogEvent)]
    assert any("HTTP 529" in m for m in warnings) and any("HTTP 429" in m for m in warnings)
    assert run_folder.read_state(folder).usage.input_tokens == 1000
    assert_no_key_on_disk(results)


def test_retries_exhausted_is_an_error_trial_not_a_failure(results: Path, api: ScriptedApi) -> None:
    api.script = [error(500, "api_error")] * 6
    code, out, err = invoke("run", "builtin:example", "--model", MODEL, "--scenario", SCENARIO)
    # the run completed, but its one trial is an error: nothing could be scored, so the exit code says so
    assert code == 1 and "no trial could be scored" in err
    folder = only_run(results)
    artifact = run_folder.read_trial(folder, SCENARIO, 1)
    assert artifact.outcome == "error" and "HTTP 500" in (artifact.error or "")
    summary = run_folder.read_summary(folder)
    assert summary is not None and summary.errored == 1 and summary.failed == 0
    assert summary.pass_rate is None  # nothing scored: errors are not failures
    assert "ERROR" in out


def test_refused_key_fails_the_run_at_once(results: Path, api: ScriptedApi) -> None:
    api.script = [error(401, "authentication_error")]
    code, out, err = invoke("run", "builtin:example", "--model", MODEL, "--runs", "3", "--concurrency", "1")
    assert code == 1
    assert "the Anthropic API rejected the key (401): check ANTHROPIC_API_KEY" in err
    assert api.requests == 1  # not retried, and no other trial started
    folder = only_run(results)
    state = run_folder.read_state(folder)
    assert state.status == "failed" and "rejected the key (401)" in (state.error or "")
    assert run_folder.finished_trials(folder) == set()  # nothing to count; `resume` can run them once the key is fixed
    finished = read_events(folder)[-1]
    assert isinstance(finished, run_folder.RunFinishedEvent) and finished.status == "failed"
    assert_no_key_on_disk(results)
    before = fingerprint(results)
    code, _, err = invoke("view", "list")
    assert "failed" in _ and fingerprint(results) == before


def test_a_model_that_never_answers_is_an_error_not_a_failure(results: Path, api: ScriptedApi) -> None:
    api.delay_s = 30.0
    api.script = [answer(GOOD_ANSWER)]
    code, out, err = invoke("run", "builtin:example", "--model", MODEL, "--scenario", SCENARIO, "--wall-time", "0.5")
    assert code == 1 and "no trial could be scored" in err
    artifact = run_folder.read_trial(only_run(results), SCENARIO, 1)
    assert artifact.stop_reason == "wall_time" and artifact.outcome == "error"
    assert artifact.error == "the model did not answer within 0.5 s" and artifact.turns == 0
    assert artifact.duration_s < 5 and artifact.limits["wall_time_s"] == 0.5
    summary = run_folder.read_summary(only_run(results))
    assert summary is not None and (summary.failed, summary.errored) == (0, 1)


def tool_use(tool: str, arguments: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
    return 200, {
        "id": "msg_2", "type": "message", "role": "assistant", "model": MODEL,
        "content": [{"type": "tool_use", "id": "toolu_1", "name": tool, "input": arguments}],
        "stop_reason": "tool_use", "stop_sequence": None,
        "usage": {"input_tokens": 1000, "output_tokens": 50, "cache_creation_input_tokens": 0,
                  "cache_read_input_tokens": 0},
    }, {}


def test_wall_time_after_some_turns_stays_a_failure(results: Path, api: ScriptedApi) -> None:
    api.script = [tool_use("jira_search", {"jql": "project = WEB"}), answer(GOOD_ANSWER)]
    api.delay_s, api.slow_from = 30.0, 2  # the first turn answers, the second hangs
    code, out, err = invoke("run", "builtin:example", "--model", MODEL, "--scenario", SCENARIO, "--wall-time", "1")
    assert code == 0, err
    artifact = run_folder.read_trial(only_run(results), SCENARIO, 1)
    assert artifact.stop_reason == "wall_time" and artifact.outcome == "failed" and artifact.error is None
    assert artifact.turns >= 1 and artifact.tool_calls == 1
    assert any(not c.passed and "no final answer" in c.reason for c in artifact.checks)


# ---- issue 13, item 9: retry-after 0 keeps a floor and jitter; a malformed or HTML answer says what came back ----


def test_retry_after_zero_does_not_make_retries_back_to_back(results: Path, api: ScriptedApi) -> None:
    zero = [(429, {"type": "error", "error": {"type": "rate_limit_error", "message": "slow"}}, {"retry-after": "0"})]
    api.script = zero * 3 + [answer(GOOD_ANSWER)]
    code, _out, err = invoke("run", "builtin:example", "--model", MODEL, "--scenario", SCENARIO)
    assert code == 0, err
    gaps = [later - earlier for earlier, later in zip(api.times, api.times[1:], strict=False)]
    assert len(gaps) == 3 and min(gaps) >= 0.5, gaps  # the floor
    assert len({round(gap, 3) for gap in gaps}) > 1, gaps  # jitter: not all the same


@pytest.mark.parametrize(("body", "headers", "phrase"), [
    ("<html><body><h1>502 Bad Gateway</h1></body></html>", {"content-type": "text/html"},
     "a body that is not JSON (50 characters: '<html><body><h1>502 Bad Gateway</h1></body></html>')"),
    ("", {"content-type": "text/plain"}, "an empty body"),
    ({"hello": "world"}, {}, "JSON that is not a message (bad or missing: "),
    ({"id": "m", "type": "message", "role": "assistant", "model": MODEL, "content": "text, not blocks",
      "stop_reason": "end_turn", "usage": {"input_tokens": 1, "output_tokens": 1}}, {}, "content"),
])
def test_a_malformed_api_answer_is_a_trial_error_that_says_what_came_back(
        results: Path, api: ScriptedApi, body: Any, headers: dict[str, str], phrase: str) -> None:
    api.script = [(200, body, headers)]
    code, _out, err = invoke("run", "builtin:example", "--model", MODEL, "--scenario", SCENARIO)
    assert code == 1 and "Traceback" not in err
    artifact = run_folder.read_trial(only_run(results), SCENARIO, 1)
    assert artifact.outcome == "error" and (artifact.error or "").startswith("the Anthropic API returned "), artifact
    assert phrase in (artifact.error or "") and "AttributeError" not in (artifact.error or "")
