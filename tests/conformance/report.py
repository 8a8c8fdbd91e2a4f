"""The conformance run's report: the one summary line (`conformance: identical=N/M tools_real=.. tools_ours=..`), a
JSON file with every call (arguments, both answers, verdict, endpoints called) and a readable markdown file (per
tool, per kind of difference, per group, endpoint coverage, then every call)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from .compare import KINDS
from .runner import Outcome, Run

OUTCOMES = ("identical", "differs", "only_real_error", "only_ours_error", "crash")
GROUPS = ("ordinary", "optional", "bad_input", "report")


def summary_line(run: Run) -> str:
    """`conformance: identical=N/M tools_real=63 tools_ours=32 differs=.. only_real_error=.. ... seconds=S`."""
    by_outcome = Counter(outcome.verdict.outcome for outcome in run.outcomes)
    groups = " ".join(f"{group}={ok}/{total}" for group, (ok, total) in _per_group(run).items())
    return (f"conformance: identical={run.identical}/{len(run.outcomes)} tools_real={len(run.tools_real)} "
            f"tools_ours={len(run.tools_ours)} tools_compared={len(_tools(run))} "
            + " ".join(f"{name}={by_outcome[name]}" for name in OUTCOMES[1:])
            + f" {groups} same_db_after_writes={_same_db(run)}/{len(run.writes)}"
            + f" endpoints_called={len(run.called)}/{len(run.served)} seconds={run.seconds:.1f}")


def write_report(run: Run, folder: Path) -> tuple[Path, Path]:
    """Write `conformance-report.json` and `conformance-report.md` into `folder` (made if missing); their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    json_path, md_path = folder / "conformance-report.json", folder / "conformance-report.md"
    json_path.write_text(json.dumps(report_json(run), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    md_path.write_text(report_markdown(run), encoding="utf-8")
    return json_path, md_path


def report_json(run: Run) -> dict[str, Any]:
    """The whole run as JSON: summary, per-call records, endpoint coverage."""
    return {
        "summary": summary_line(run),
        "tools": {"real": run.tools_real, "ours": run.tools_ours, "compared": _tools(run),
                  "only_real": sorted(set(run.tools_real) - set(run.tools_ours))},
        "kinds": KINDS,
        "calls": [_call_json(outcome) for outcome in run.outcomes],
        "endpoints": {"served": run.served, "called": dict(sorted(run.called.items())),
                      "served_not_called": sorted(set(run.served) - set(run.called)),
                      "unserved": dict(sorted(run.unserved.items()))},
    }


def _call_json(outcome: Outcome) -> dict[str, Any]:
    call, verdict = outcome.call, outcome.verdict
    return {"label": call.label, "tool": call.tool, "group": call.group, "source": call.source,
            "arguments": call.step.arguments,
            "setup": [{"tool": s.tool, "arguments": s.arguments, "real": r.as_json(), "ours": o.as_json()}
                      for s, (r, o) in zip(call.setup, outcome.setup, strict=True)],
            "identical": verdict.identical, "outcome": verdict.outcome, "kinds": list(verdict.kinds),
            "tables_differing": outcome.tables,
            "diffs": list(verdict.diffs), "real": outcome.real.as_json(), "ours": outcome.ours.as_json(),
            "endpoints": outcome.endpoints}


def report_markdown(run: Run) -> str:
    """The readable report: summary, per-tool table, kinds, groups, endpoint coverage, every call."""
    lines = ["# Conformance: the real mcp-atlassian 0.23.1 (over the REST face) vs our in-process tools", "",
             f"`{summary_line(run)}`", "",
             "Normalised before comparing: the site's base URL and host, and the run's working folder, only. Identical = same text, same is_error, "
             "same structured content. After each entry that writes, the two databases are compared too (every "
             "table's rows; `same DB` below).", ""]
    lines += per_tool_table(run) + [""] + _kinds_table(run) + [""] + _groups_table(run) + [""]
    lines += coverage_lines(run) + [""] + _calls_tables(run)
    return "\n".join(lines) + "\n"


def per_tool_table(run: Run) -> list[str]:
    """A markdown table, a line per tool: identical/total, each outcome's count and the main kinds of difference."""
    lines = ["| tool | identical | differs | only real errors | only ours errors | same DB after writes | main kinds "
             "of difference |", "|---|---|---|---|---|---|---|"]
    for tool in _tools(run):
        mine = [o for o in run.outcomes if o.call.tool == tool]
        counts = Counter(o.verdict.outcome for o in mine)
        kinds = Counter(o.verdict.main_kind for o in mine if not o.verdict.identical)
        main = ", ".join(f"{kind} {n}" for kind, n in kinds.most_common(3))
        writes = [o for o in mine if o.tables is not None]
        same = f"{sum(not o.tables for o in writes)}/{len(writes)}" if writes else "-"
        lines.append(f"| `{tool}` | {counts['identical']}/{len(mine)} | {counts['differs']} | "
                     f"{counts['only_real_error']} | {counts['only_ours_error']} | {same} | {main or '-'} |")
    return lines


def kind_counts(run: Run) -> list[tuple[str, int, int]]:
    """(kind, calls whose main kind it is, calls showing it at all), most frequent main kind first."""
    main = Counter(o.verdict.main_kind for o in run.outcomes if not o.verdict.identical)
    anywhere = Counter(kind for o in run.outcomes for kind in o.verdict.kinds)
    rows = [(kind, main[kind], anywhere[kind]) for kind in KINDS if anywhere[kind]]
    return sorted(rows, key=lambda row: (-row[1], -row[2]))


def _kinds_table(run: Run) -> list[str]:
    lines = ["## Kinds of difference", "", "| kind | main kind of | seen in | what it means |", "|---|---|---|---|"]
    lines += [f"| {kind} | {main} | {seen} | {KINDS[kind]} |" for kind, main, seen in kind_counts(run)]
    return lines


def _groups_table(run: Run) -> list[str]:
    lines = ["## Groups", "", "| group | identical |", "|---|---|"]
    lines += [f"| {group} | {ok}/{total} |" for group, (ok, total) in _per_group(run).items()]
    return lines


def coverage_lines(run: Run) -> list[str]:
    """Endpoint coverage: how many endpoints the face serves and the real server called, each called endpoint with
    its count, and requests no route matched."""
    lines = ["## REST endpoint coverage", "",
             f"The face serves {len(run.served)} endpoints (method + path, v2 and v3 counted apart); the real server "
             f"called {len(run.called)} of them during the corpus ({sum(run.called.values())} requests, setup steps "
             f"included); requests that matched no route: {sum(run.unserved.values())}.", "",
             "| endpoint | requests |", "|---|---|"]
    lines += [f"| `{endpoint}` | {count} |" for endpoint, count in sorted(run.called.items())]
    lines += [f"| `{endpoint}` (not served) | {count} |" for endpoint, count in sorted(run.unserved.items())]
    return lines


def _calls_tables(run: Run) -> list[str]:
    lines = ["## Every call", ""]
    for tool in _tools(run):
        lines += [f"### {tool}", "", "| label | group | outcome | kinds | tables differing | first difference |",
                  "|---|---|---|---|---|---|"]
        for o in (o for o in run.outcomes if o.call.tool == tool):
            first = o.verdict.diffs[0] if o.verdict.diffs else ""
            tables = "-" if o.tables is None else (", ".join(o.tables) or "none")
            lines.append(f"| {_cell(o.call.label)} | {o.call.group} | {o.verdict.outcome} | "
                         f"{', '.join(o.verdict.kinds)} | {tables} | {_cell(first)} |")
        lines.append("")
    return lines


def _same_db(run: Run) -> int:
    return sum(not outcome.tables for outcome in run.writes)


def _per_group(run: Run) -> dict[str, tuple[int, int]]:
    found = [g for g in GROUPS if any(o.call.group == g for o in run.outcomes)]
    found += sorted({o.call.group for o in run.outcomes} - set(GROUPS))
    return {g: (sum(o.verdict.identical for o in run.outcomes if o.call.group == g),
                sum(o.call.group == g for o in run.outcomes)) for g in found}


def _tools(run: Run) -> list[str]:
    return sorted({outcome.call.tool for outcome in run.outcomes})


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
