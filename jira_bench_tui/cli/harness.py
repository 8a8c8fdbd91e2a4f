"""`jira-bench validate` and `jira-bench schema`: check a harness file, print the harness JSON Schema."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from jira_bench_tui.cli.common import EXIT_FAILED, EXIT_OK, user_errors

if TYPE_CHECKING:
    from jira_bench_tui.engine.validation import ScenarioVerdict


@click.command()
@click.argument("harness")
@click.option("--schema-only", is_flag=True, help="Only check the file against the schema (no oracle/null runs).")
@click.option("--server", default="builtin", show_default=True,
              help="'builtin' (the embedded tools) or a real server over the REST face: mcp-atlassian[==VERSION] "
                   "or rest:'CMD ...'.")
@user_errors
def validate(harness: str, schema_only: bool, server: str) -> None:
    """Check a harness: schema, then the oracle passes and the null agent fails every scenario."""
    from jira_bench_tui.harness.loader import load_harness

    loaded = load_harness(harness)
    count = len(loaded.harness.scenarios)
    click.echo(f"{loaded.source}: schema ok ({count} scenario{'s' if count != 1 else ''}, fixture '{loaded.fixture.name}')")
    if schema_only:
        return
    from jira_bench_tui.engine.validation import validate_harness

    problems = 0
    for verdict in validate_harness(loaded, server):
        if verdict.ok:
            click.echo(f"{verdict.scenario_id}: ok (oracle passes, null agent fails)")
            continue
        problems += 1
        click.echo(f"{verdict.scenario_id}: PROBLEM")
        click.echo("\n".join(_problem_lines(verdict)))
    if problems:
        click.echo(f"{problems} of {count} scenarios need fixing", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(f"all {count} scenarios ok")
    sys.exit(EXIT_OK)


def _problem_lines(verdict: ScenarioVerdict) -> list[str]:
    """What is wrong with a scenario: the oracle's outcome and its failed checks, the null agent's outcome."""
    lines = []
    oracle, null = verdict.oracle, verdict.null
    if not verdict.oracle_passes:
        lines.append(f"  the oracle does not pass it ({oracle.outcome})" + (f": {oracle.error}" if oracle.error else ""))
        lines += [f"    check {c.index + 1} {c.kind}: {c.reason}" for c in oracle.checks if not c.passed]
    if not verdict.null_fails:
        lines.append(f"  the null agent does not fail it ({null.outcome})" + (f": {null.error}" if null.error else ""))
    return lines


@click.command()
def schema() -> None:
    """Print the harness JSON Schema."""
    from jira_bench_tui.harness.schema import Harness

    click.echo(json.dumps(Harness.model_json_schema(), indent=2))
