"""Fast start (issue #17): the command line imports a command's heavy modules only when that command runs, and the
run folder package builds its event and artifact models only when they are used. Checked in a fresh interpreter
by the modules it holds, never by timing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("textual", "anthropic", "openai", "mcp", "scipy", "numpy", "rich", "pydantic", "httpx", "watchfiles",
         "jira_bench_tui.engine.run_folder", "jira_bench_tui.engine.worker", "jira_bench_tui.jira",
         "jira_bench_tui.harness", "jira_bench_tui.tui")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.splitlines()[-1]))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def test_importing_the_cli_imports_none_of_the_heavy_modules() -> None:
    assert _heavy(_modules_after("import jira_bench_tui.cli")) == []


def test_help_imports_none_of_the_heavy_modules() -> None:
    code = ("from jira_bench_tui.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass")
    assert _heavy(_modules_after(code)) == []


def test_view_list_reads_runs_without_the_app_the_run_path_or_the_event_models(tmp_path: Path) -> None:
    code = ("from jira_bench_tui.cli import main\ntry:\n"
            f"    main(['view', 'list', '--results-dir', {str(tmp_path)!r}])\nexcept SystemExit:\n    pass")
    modules = _modules_after(code)
    assert "jira_bench_tui.engine.run_folder.formats" in modules  # spec.json and state.json are read as models
    left_out = ("textual", "anthropic", "openai", "mcp", "scipy", "rich", "jira_bench_tui.engine.worker",
                "jira_bench_tui.jira", "jira_bench_tui.harness", "jira_bench_tui.tui",
                "jira_bench_tui.engine.run_folder.artifact", "jira_bench_tui.engine.run_folder.events")
    assert sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in left_out)) == []


def test_every_name_of_the_run_folder_package_resolves() -> None:
    code = ("from jira_bench_tui.engine import run_folder\n"
            "missing = [n for n in run_folder.__all__ if getattr(run_folder, n, None) is None]\n"
            "assert not missing, missing\n"
            "assert sorted(run_folder._MODULE_OF) == sorted(run_folder.__all__)")
    _modules_after(code)


REST_ONLY = ("jira_bench_tui.engine.rest_trials", "jira_bench_tui.jira.rest.app", "jira_bench_tui.jira.rest.server",
             "jira_bench_tui.jira.rest.routes")


def _rest_only(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in REST_ONLY))


def test_an_embedded_run_imports_neither_the_rest_face_nor_the_rest_trials(tmp_path: Path) -> None:
    """The launcher imports what a REST server needs (engine/rest_trials.py, the REST face) only for REST servers;
    the MCP client itself an embedded run needs (its trials are MCP sessions)."""
    code = ("from jira_bench_tui.cli import main\ntry:\n"
            "    main(['run', 'builtin:example', '--scenario', 'start-password-bug', '--results-dir', "
            f"{str(tmp_path)!r}])\nexcept SystemExit as exc:\n    assert not exc.code, exc.code")
    modules = _modules_after(code)
    assert "jira_bench_tui.engine.trial" in modules and "mcp.client" in modules  # the run did run
    assert _rest_only(modules) == []


def test_the_worker_and_the_launcher_import_no_rest_face() -> None:
    code = "import jira_bench_tui.engine.launcher, jira_bench_tui.engine.worker, jira_bench_tui.engine.trial_processes"
    assert _rest_only(_modules_after(code)) == []
