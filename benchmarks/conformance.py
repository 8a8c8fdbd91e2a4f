"""Conformance of our in-process Jira tools with the real mcp-atlassian 0.23.1 (run unchanged over the REST face):
every call of tests/conformance/corpus.json on a fresh builtin:default through both, compared after normalising the
site's URL. Needs mcp-atlassian in its own environment (found as tests/real_server.py finds it:
$JIRA_BENCH_MCP_ATLASSIAN, ...).

Writes conformance-report.{json,md} to benchmarks/out/ (or the folder of `--report PATH`), prints the kinds of
difference, then last one line: `conformance: identical=N/M tools_real=63 tools_ours=32 ...`.
`--only TOOL` runs the calls of one tool; `--show` prints each differing call's first difference."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
sys.path.insert(0, str(ROOT))

from tests.conformance.report import kind_counts, summary_line, write_report  # noqa: E402
from tests.conformance.runner import load_corpus, run_corpus  # noqa: E402
from tests.real_server import HOW_TO_INSTALL, find_mcp_atlassian  # noqa: E402


def main() -> int:
    """Run the corpus, write the report, print the summary line last; 2 when mcp-atlassian is not installed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, default=OUT / "conformance-report.md",
                        help="where the markdown report goes (the JSON report goes next to it)")
    parser.add_argument("--only", action="append", default=[], help="run only this tool's calls (repeatable)")
    parser.add_argument("--show", action="store_true", help="print the first difference of every differing call")
    options = parser.parse_args()
    binary = find_mcp_atlassian()
    if binary is None:
        print(HOW_TO_INSTALL, file=sys.stderr)
        return 2
    calls = [call for call in load_corpus() if not options.only or call.tool in options.only]
    logging.getLogger("jira_bench.rest").setLevel(logging.ERROR)  # unserved endpoints are in the report
    run = asyncio.run(run_corpus(binary, calls))
    if options.report.parent == OUT:
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / ".gitignore").write_text("# benchmark output, never committed\n*\n")
    json_path, md_path = write_report(run, options.report.parent)
    if options.report.name != md_path.name:
        md_path = md_path.replace(options.report)
    if options.show:
        for outcome in run.outcomes:
            if not outcome.verdict.identical:
                print(f"{outcome.verdict.outcome:16} {outcome.call.label}: {'; '.join(outcome.verdict.diffs[:2])}")
    print(f"report: {md_path} and {json_path}")
    print("kinds (main/seen): " + ", ".join(f"{kind}={main}/{seen}" for kind, main, seen in kind_counts(run)))
    print(summary_line(run))
    return 0


if __name__ == "__main__":
    sys.exit(main())
