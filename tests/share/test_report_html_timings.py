"""The HTML report's timings section carries the md report's timings table, figure for figure: a run whose trials
made model calls (a real `jira-bench run` against a local stand-in Messages API with known delays) beside finished
runs with no timings; an oracle run (no model call, only slot waits) gets the table and the one-line "no model
calls" sentence; runs with no timings at all get only the sentence."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from agents.conftest import FakeMessagesApi, message, text
from bs4 import BeautifulSoup
from click.testing import CliRunner

from jira_bench_tui.cli import main

from .runs_data import RUNS, make_runs

NO_CALLS = "No model calls:"


def invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def jira_bench_run(*args: str) -> None:
    """`jira-bench run ARGS` as its own process (the worker and trial processes see the same environment)."""
    done = subprocess.run([sys.executable, "-m", "jira_bench_tui", "run", *args], capture_output=True, text=True,
                          timeout=180, env=os.environ.copy(), check=False)
    assert done.returncode in (0, 1), done.stderr  # 1: some trial failed, as scripted answers do


def html_timings(out: Path, *ids: str) -> tuple[list[list[str]], str]:
    """The page's timings table (header row first; empty when it has none) and the text of its timings section."""
    assert invoke("report", *ids, "--format", "html", "-o", str(out)) == f"report written to {out}\n"
    section = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser").find("section", id="timings")
    assert section is not None
    rows = [[cell.get_text() for cell in tr.find_all(["th", "td"])] for tr in section.find_all("tr")]
    return rows, " ".join(section.get_text().split())


def md_timings(*ids: str) -> list[list[str]]:
    """The md report's timings table (header row first; empty when it has no timings section)."""
    markdown = invoke("report", *ids, "--format", "md")
    if "### timings" not in markdown:
        return []
    lines = markdown.split("### timings", 1)[1].strip().splitlines()
    return [[c.strip() for c in line.strip("|").split(" | ")] for line in lines
            if line.startswith("| ") and not set(line) <= set("|-: ")]


@pytest.fixture
def stand_in_api(monkeypatch: pytest.MonkeyPatch) -> FakeMessagesApi:
    api = FakeMessagesApi()
    api.thread.start()
    monkeypatch.setenv("ANTHROPIC_BASE_URL", api.url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-report-timings")
    yield api
    api.closing.set()
    api.server.shutdown()
    api.server.server_close()


def test_html_timings_are_the_md_and_json_figures_of_a_run_with_model_calls(
        stand_in_api: FakeMessagesApi, tmp_path: Path) -> None:
    results = Path(os.environ["JIRA_BENCH_RESULTS"])
    older = make_runs(results)[0]  # finished, recorded before timings: '-' and 0 calls
    replies = [message(text("I could not do it."), usage=(10, 5, 0, 0)) for _ in range(3)]
    for reply, delay in zip(replies, (0.05, 0.1, 0.2), strict=True):
        reply.delay_s = delay
    stand_in_api.queue(*replies)
    jira_bench_run("builtin:example", "--model", "claude-haiku-4-5", "--concurrency", "1")
    (timed,) = [p.name for p in (results / "runs").iterdir() if p.name not in RUNS]

    rows, words = html_timings(tmp_path / "report.html", timed, older)
    assert rows == md_timings(timed, older)  # the same table, cell for cell
    assert rows[0] == ["run", "model calls", "median API latency", "median loop wait", "median queued (trial)"]
    assert [row[:2] for row in rows[1:]] == [[timed, "3"], [older, "0"]]
    assert rows[2][2:] == ["-", "-", "-"]
    json_timings = json.loads(invoke("report", timed, "--format", "json"))[0]["summary"]["timings"]
    assert json_timings["model_calls"] == 3 and json_timings["latency_median_s"] >= 0.1  # the middle delay
    assert rows[1][2:] == [f"{json_timings[key]:.3f} s" for key in ("latency_median_s", "wait_median_s",
                                                                    "queued_median_s")]
    assert NO_CALLS not in words and "API latency: a model call's HTTP exchange" in words


def test_html_timings_of_an_oracle_run_say_it_made_no_model_calls(tmp_path: Path) -> None:
    results = Path(os.environ["JIRA_BENCH_RESULTS"])
    jira_bench_run("builtin:example", "--model", "oracle", "--concurrency", "1")
    (oracle,) = [p.name for p in (results / "runs").iterdir()]
    rows, words = html_timings(tmp_path / "oracle.html", oracle)
    assert rows == md_timings(oracle) and rows[1][:4] == [oracle, "0", "-", "-"]  # slot waits only
    assert rows[1][4].endswith(" s")
    assert "No model calls: no trial of this run made a timed model call" in words


def test_html_timings_of_runs_without_any_timing_are_one_sentence(tmp_path: Path) -> None:
    ids = make_runs(Path(os.environ["JIRA_BENCH_RESULTS"]))
    assert md_timings(*ids) == []  # md has no timings section for them
    rows, words = html_timings(tmp_path / "report.html", *ids)
    assert rows == []
    assert words == ("timings No model calls: no trial of these runs made a timed model call (oracle, null and replay "
                     "agents make none; runs made before model calls were timed have no record).")
