"""`jira-bench run` with a claude model against the scripted Messages API: artifacts carry usage and cost, the key is
nowhere in the run folder, and a rejected key stops the run with one sentence."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SECRET_KEY, FakeMessagesApi, api_error, message, text


def jira_bench(*args: str, results: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jira_bench_tui", *args, "--results-dir", str(results)],
        capture_output=True, text=True, timeout=30, env=dict(os.environ), check=False,
    )


def test_a_claude_run_records_usage_and_never_writes_the_key(fake_api: FakeMessagesApi, tmp_path: Path) -> None:
    fake_api.queue(*[message(text("I could not do it."), usage=(1000, 100, 0, 0)) for _ in range(3)])
    done = jira_bench("run", "builtin:example", "--model", "claude-haiku-4-5", "--concurrency", "1", results=tmp_path)
    assert done.returncode in (0, 1), done.stderr  # 1: the checks failed, as they should
    assert len(fake_api.requests) == 3
    (run,) = (tmp_path / "runs").iterdir()
    artifacts = sorted((run / "trials").glob("*.json"))
    assert len(artifacts) == 3
    for path in artifacts:
        usage = json.loads(path.read_text(encoding="utf-8"))["usage"]
        assert usage["input_tokens"] == 1000 and usage["output_tokens"] == 100
        assert usage["cost_usd"] == pytest.approx(0.0015)  # haiku 4.5: $1 in, $5 out per million tokens
    for path in run.rglob("*"):
        if path.is_file():
            assert SECRET_KEY not in path.read_text(encoding="utf-8", errors="replace"), path.name
    assert SECRET_KEY not in done.stdout + done.stderr


def test_a_rejected_key_stops_the_run(fake_api: FakeMessagesApi, tmp_path: Path) -> None:
    fake_api.queue(*[api_error(401, "authentication_error", "invalid x-api-key")] * 3)
    done = jira_bench("run", "builtin:example", "--model", "claude-haiku-4-5", "--concurrency", "1", results=tmp_path)
    assert done.returncode != 0
    assert "the Anthropic API rejected the key (401): check ANTHROPIC_API_KEY" in done.stdout + done.stderr
    assert len(fake_api.requests) == 1  # no retry, no further trial
    assert "Traceback" not in done.stderr
