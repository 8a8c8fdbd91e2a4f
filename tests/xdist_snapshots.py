"""Snapshots under pytest-xdist: syrupy (under pytest-textual-snapshot) keeps its report in each worker, so a
parallel run would print no "snapshot report summary" and never fail on an unused snapshot. This plugin (loaded by
tests/conftest.py) gives both back:

- each worker sends its counts and its used and unused snapshots (syrupy's own rules, seen from that worker) to the
  controller through xdist's `workeroutput`;
- the controller adds them up: a snapshot is unused when some worker found it unused and no worker used it (a worker
  finds unused the snapshots of a folder that other workers' tests used); the run fails on one, as syrupy does
  without xdist (unless --snapshot-warn-unused);
- `--snapshot-update` runs in one process (`-n 0`): deleting unused snapshots needs the whole run in one place.
"""

from __future__ import annotations

from typing import Any

import pytest

KEY = "jira_bench_snapshots"
COUNTS = ("failed", "passed", "generated", "updated")


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _names(collections: Any) -> list[list[str]]:
    return [[collection.location, snapshot.name] for collection in collections for snapshot in collection]


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    if config.getoption("update_snapshots", False) and config.getoption("numprocesses", None):
        config.option.numprocesses = 0  # xdist's own pytest_cmdline_main then sets dist "no"


@pytest.hookimpl(trylast=True)  # after syrupy's, which makes the report
def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    report = getattr(getattr(config, "_syrupy", None), "report", None)
    if _is_worker(config) and report is not None:
        config.workeroutput[KEY] = {  # type: ignore[attr-defined]
            "failed": report.num_failed - report._num_xfails, "passed": report.num_matched,
            "generated": report.num_created, "updated": report.num_updated,
            "used": _names(report.used), "unused": _names(report.unused),
        }
    elif not _is_worker(config) and getattr(config, KEY, None):
        if _unused(config) and not config.getoption("warn_unused_snapshots", False):
            session.exitstatus = int(session.exitstatus) | 1  # syrupy's EXIT_STATUS_FAIL_UNUSED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    output = getattr(node, "workeroutput", {}).get(KEY)
    if output is not None:
        config = node.config
        if not hasattr(config, KEY):
            setattr(config, KEY, [])
        getattr(config, KEY).append(output)


def _unused(config: pytest.Config) -> list[tuple[str, str]]:
    outputs = getattr(config, KEY, [])
    used = {tuple(name) for output in outputs for name in output["used"]}
    return sorted({tuple(name) for output in outputs for name in output["unused"]} - used)  # type: ignore[misc]


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    outputs = getattr(config, KEY, None)
    if _is_worker(config) or not outputs:
        return
    totals = {kind: sum(output[kind] for output in outputs) for kind in COUNTS}
    parts = [f"{count} snapshot{'' if count == 1 else 's'} {kind}." for kind, count in totals.items() if count]
    unused = _unused(config)
    if unused:
        parts.append(f"{len(unused)} snapshot{'' if len(unused) == 1 else 's'} unused.")
    if not parts:
        return
    terminalreporter.write_sep("-", "snapshot report summary")
    terminalreporter.write_line(" ".join(parts))
    for location, name in unused:
        terminalreporter.write_line(f"Unused {name} ({location})")
    if unused:
        terminalreporter.write_line("Re-run pytest with --snapshot-update (it runs with -n 0) to delete them.")
