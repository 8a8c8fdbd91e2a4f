"""`jira-bench run --model openai/gpt-4o --background` against our Chat Completions server on 127.0.0.1 through the real
`openai` client in a detached worker: the run completes, its artifacts look like a Claude run's (the replay screen
shows them alike), `jira-bench report` compares it with a Claude run in one table, and the key is in no file and no
process argument."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jira_bench_tui.engine import run_folder

from .conftest import SECRET_KEY, FakeMessagesApi, message, text, tool_use
from .fake_openai import OPENAI_SECRET, FakeChatApi, call, completion, error

SEARCH = {"jql": "project = WEB ORDER BY key", "limit": 5}


def jira_bench(*args: str, results: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "jira_bench_tui", *args, "--results-dir", str(results)],
                          capture_output=True, text=True, timeout=timeout, env=dict(os.environ), check=False)


def wait_final(folder: Path, timeout: float = 90) -> run_folder.RunState:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = run_folder.read_state(folder)
        if state.status in run_folder.FINAL_STATUSES:
            return state
        time.sleep(0.1)
    raise AssertionError(f"run {folder.name} did not end in {timeout} s")


@pytest.fixture
def chat_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeChatApi]:
    api = FakeChatApi().start()
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_SECRET)
    monkeypatch.setenv("OPENAI_BASE_URL", api.url)
    yield api
    api.stop()


def queue_three_trials(api: FakeChatApi) -> None:
    for n in range(3):
        api.queue(completion("Searching.", call(f"call_{n}", "jira_search", SEARCH), usage=(1000, 40, 200)),
                  completion("I looked at the issues.", usage=(1500, 30, 1000)))
    api.script[0].delay_s = 1.0  # time to look at the worker's command line


def worker_argv(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def assert_no_key(folder: Path, *outputs: str, detached: bool = True) -> None:
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert (run_folder.worker_log_path(folder) in files) is detached
    for path in files:
        content = path.read_text(encoding="utf-8", errors="replace")
        assert OPENAI_SECRET not in content and SECRET_KEY not in content, path.name
    for output in outputs:
        assert OPENAI_SECRET not in output and SECRET_KEY not in output


def test_a_background_openai_run_completes_and_compares_with_a_claude_run(
        chat_api: FakeChatApi, fake_api: FakeMessagesApi, tmp_path: Path) -> None:
    queue_three_trials(chat_api)
    started = jira_bench("run", "builtin:example", "--model", "openai/gpt-4o", "--concurrency", "1",
                         "--model-arg", "temperature=0", "--background", results=tmp_path)
    assert started.returncode == 0, started.stderr
    pid = int(re.search(r"worker pid (\d+)", started.stdout).group(1))  # type: ignore[union-attr]
    argv = worker_argv(pid)
    assert "jira_bench_tui.engine.worker" in argv and OPENAI_SECRET not in argv
    (folder,) = (tmp_path / "runs").iterdir()
    state = wait_final(folder)
    assert state.status == "completed", state.error
    assert len(chat_api.requests) == 6
    assert all(r.headers["authorization"] == f"Bearer {OPENAI_SECRET}" for r in chat_api.requests)
    assert all(r.body["temperature"] == 0 and r.body["stream"] is True for r in chat_api.requests)

    spec = json.loads((folder / "spec.json").read_text(encoding="utf-8"))
    assert spec["model"] == "openai/gpt-4o" and spec["model_base_url"] == chat_api.url
    assert spec["model_args"] == {"temperature": 0}
    artifacts = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(run_folder.trials_dir(folder).glob("*.json"))]
    assert len(artifacts) == 3
    for artifact in artifacts:
        assert artifact["usage"]["input_tokens"] == 800 + 500 and artifact["usage"]["cache_read_input_tokens"] == 1200
        assert artifact["usage"]["output_tokens"] == 70 and artifact["usage"]["cost_usd"] == 0.0  # a local endpoint
        assert [s["kind"] for s in artifact["steps"]] == ["prompt", "model", "tool_call", "model", "answer"]
        assert artifact["steps"][2]["tool"] == "jira_search" and not artifact["steps"][2]["is_error"]
        assert [m["role"] for m in artifact["messages"]] == ["user", "assistant", "user", "assistant"]
    events = (folder / "events.jsonl").read_text(encoding="utf-8")
    assert "local endpoint" in events and "cost counts as 0" in events

    # a Claude run of the same harness, then one report over both
    fake_api.queue(*[m for _ in range(3) for m in (
        message(text("Searching."), tool_use("toolu_1", "jira_search", SEARCH), usage=(1000, 40, 0, 0)),
        message(text("I looked at the issues."), usage=(1500, 30, 0, 0)))])
    claude = jira_bench("run", "builtin:example", "--model", "claude-haiku-4-5", "--concurrency", "1", results=tmp_path)
    assert claude.returncode in (0, 1), claude.stderr
    claude_folder = next(p for p in (tmp_path / "runs").iterdir() if p != folder)
    claude_artifact = json.loads(sorted(run_folder.trials_dir(claude_folder).glob("*.json"))[0].read_text())
    assert [s["kind"] for s in claude_artifact["steps"]] == [s["kind"] for s in artifacts[0]["steps"]]

    report = jira_bench("report", folder.name, claude_folder.name, results=tmp_path)
    assert report.returncode == 0, report.stderr
    header, *rows = report.stdout.strip().split("\n\n")[0].splitlines()  # the run table, before the statistics
    assert "model" in header and "pass rate" in header and "cost" in header and "tokens" in header
    assert len(rows) == 2
    assert any("openai/gpt-4o" in row and "$0.0000" in row for row in rows)
    assert any("claude-haiku-4-5" in row and "$0.0" in row for row in rows)
    assert "95% Wilson" in report.stdout and "pass@k and pass^k" in report.stdout
    assert_no_key(folder, started.stdout, started.stderr, report.stdout)
    assert_no_key(claude_folder, claude.stdout, claude.stderr, detached=False)


def test_a_rejected_openai_key_stops_the_background_run(chat_api: FakeChatApi, tmp_path: Path) -> None:
    chat_api.queue(*[error(401, "Incorrect API key provided", code="invalid_api_key")] * 3)
    started = jira_bench("run", "builtin:example", "--model", "gpt-4.1-mini", "--concurrency", "1", "--background",
                         results=tmp_path)
    assert started.returncode == 0, started.stderr
    (folder,) = (tmp_path / "runs").iterdir()
    state = wait_final(folder)
    assert state.status == "failed"
    assert state.error == f"the endpoint {chat_api.url} rejected the key (401): check OPENAI_API_KEY"
    assert len(chat_api.requests) == 1
    assert "Traceback" not in run_folder.worker_log_path(folder).read_text(encoding="utf-8")
    assert_no_key(folder)


def test_an_unknown_model_stops_the_run_with_its_name(chat_api: FakeChatApi, tmp_path: Path) -> None:
    chat_api.queue(error(404, "The model `gpt-nope` does not exist", code="model_not_found"))
    done = jira_bench("run", "builtin:example", "--model", "openai/gpt-nope", "--concurrency", "1", results=tmp_path)
    assert done.returncode == 1
    assert f"the endpoint {chat_api.url} does not know model 'gpt-nope' (404)" in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_model_options_are_refused_before_the_run(tmp_path: Path) -> None:
    done = jira_bench("run", "builtin:example", "--model", "openai/llama3", "--model-base-url",
                      "http://localhost:11434/v1", "--model-arg", "api_key=sk-123", results=tmp_path)
    assert done.returncode == 2 and "looks like a credential" in done.stderr
    done = jira_bench("run", "builtin:example", "--model", "openai/llama3", "--model-base-url",
                      "ftp://localhost/v1", results=tmp_path)
    assert done.returncode == 2 and "must be an http(s) URL" in done.stderr
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


async def test_the_replay_screen_shows_an_openai_trial_like_a_claude_one(chat_api: FakeChatApi, tmp_path: Path) -> None:
    from tui_replay.replay_app import ReplayTestApp, opened, visible_cards

    chat_api.queue(completion("Searching.", call("call_0", "jira_search", SEARCH)),
                   completion("I looked at the issues."))
    done = jira_bench("run", "builtin:example", "--model", "openai/gpt-4o", "--scenario", "start-password-bug",
                      results=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    (folder,) = (tmp_path / "runs").iterdir()
    async with ReplayTestApp(folder).run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        assert screen.replay is not None and screen.replay.key == "start-password-bug__1"
        await pilot.press("end")
        await pilot.pause()
        cards = sorted(visible_cards(screen), key=lambda card: card.number)
        kinds = [card.step.kind for card in cards]
        assert kinds[:5] == ["prompt", "model", "tool_call", "model", "answer"] and set(kinds[5:]) <= {"check", "changes"}
        assert cards[2].step.tool == "jira_search" and not cards[2].step.is_error
        assert "I looked at the issues." in cards[4].step.text
