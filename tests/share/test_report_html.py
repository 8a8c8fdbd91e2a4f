"""`jira-bench report --format html`: one self-contained page with the tables and statistics of the other formats
and four charts, user text escaped, written atomically; html on a terminal is refused, piped it is printed. Then
the page in a real headless chromium: no console error, no request but the file itself, the runs in its tables,
printable, and a screenshot (docs/images/report.png when JIRA_BENCH_UPDATE_IMAGES=1)."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from browser import PageLog
from click.testing import CliRunner
from markupsafe import escape

from jira_bench_tui.cli import main
from jira_bench_tui.engine import run_folder

from .runs_data import NOTE, SCENARIOS, make_runs

REPO = Path(__file__).resolve().parents[2]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def write_report(results: Path, out: Path, *ids: str, extra: tuple[str, ...] = ()) -> str:
    code, stdout, stderr = invoke("report", *ids, "--format", "html", "-o", str(out), *extra)
    assert code == 0, stderr
    assert stdout == f"report written to {out}\n"
    return out.read_text(encoding="utf-8")


def md_cells(markdown: str) -> list[str]:
    """Every cell of every Markdown table (less the header rules)."""
    cells = []
    for line in markdown.splitlines():
        if line.startswith("| "):
            cells += [c.strip() for c in line.strip("|").split(" | ")]
    return cells


def test_html_report_is_one_self_contained_page_with_the_md_tables(tmp_path: Path) -> None:
    results = Path(os.environ["JIRA_BENCH_RESULTS"])
    ids = make_runs(results)[:2]
    page = write_report(results, tmp_path / "report.html", *ids, extra=("--scenarios",))
    assert not [p.name for p in tmp_path.iterdir() if p.name != "report.html"]  # no temporary file left
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "<script" not in page and "<link" not in page and "@import" not in page
    references = re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', page) + re.findall(r"url\(([^)]*)\)", page)
    fetched = [ref for ref in references if not ref.startswith("#")]  # "#id": a part of the page itself
    assert fetched == [], fetched  # nothing to load: inline CSS and inline SVG
    assert set(re.findall(r"https?://[^\s\"'<>)]+", page)) <= {"http://www.w3.org/2000/svg",
                                                              "http://www.w3.org/1999/xlink"}  # SVG namespaces
    assert escape(NOTE) in page and NOTE not in page  # the note is user text: escaped
    for key in ("pass-rate", "pass-k", "cost", "by-tag"):
        assert re.search(rf'<figure id="chart-{key}">\s*<svg', page), key
    assert "@media print" in page
    _, markdown, _ = invoke("report", *ids, "--format", "md", "--scenarios", "--by", "tag")
    missing = [cell for cell in md_cells(markdown) if escape(cell) not in page]
    assert missing == []  # every cell of the md tables (run, statistics, pass@k, by tag, by scenario) is in the page
    diff_line = next(line for line in markdown.splitlines() if " points, 95% bootstrap " in line)
    assert escape(diff_line) in page  # the paired difference of the two runs
    assert "<li>lost: move-to-sprint (67% -&gt; 33%)</li>" in page and "<li>lost: triage-outage" in page


def test_html_report_over_an_existing_file_replaces_it_whole(tmp_path: Path) -> None:
    results = Path(os.environ["JIRA_BENCH_RESULTS"])
    ids = make_runs(results)
    out = tmp_path / "report.html"
    out.write_text("old", encoding="utf-8")
    page = write_report(results, out, *ids)
    assert page.endswith("</html>\n") and sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
    code, _, err = invoke("report", ids[0], "--format", "html", "-o", str(tmp_path / "no" / "report.html"))
    assert code == 2 and "its folder does not exist" in err


def test_html_on_stdout_only_when_it_is_not_a_terminal(tmp_path: Path) -> None:
    results = Path(os.environ["JIRA_BENCH_RESULTS"])
    ids = make_runs(results)
    code, out, _ = invoke("report", ids[0], "--format", "html")  # click's runner: stdout is not a terminal
    assert code == 0 and out.startswith("<!DOCTYPE html>")
    code, dash, _ = invoke("report", ids[0], "--format", "html", "-o", "-")
    assert code == 0 and dash.startswith("<!DOCTYPE html>") and not (REPO / "-").exists()
    code, md, _ = invoke("report", ids[0], "--format", "md", "-o", "-")
    assert code == 0 and md.startswith("| run |")
    for output in ((), ("-o", "-")):
        parent, child = pty.openpty()  # stdout a terminal, as when a person types the command
        try:
            done = subprocess.run([sys.executable, "-m", "jira_bench_tui", "report", ids[0], "--format", "html",
                                   *output], stdout=child, stderr=subprocess.PIPE, text=True, timeout=60,
                                  env=os.environ.copy())
        finally:
            os.close(child)
            os.close(parent)
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("error: an HTML report is a page to open in a browser") and "-o FILE" in done.stderr


def open_report(browser_context: Any, path: Path) -> tuple[Any, PageLog]:
    page = browser_context.new_page()
    log = PageLog(page)
    page.goto(path.as_uri(), wait_until="load")
    return page, log


def test_html_report_in_chromium_loads_offline_with_its_tables(browser_context: Any, tmp_path: Path) -> None:
    results = Path(os.environ["JIRA_BENCH_RESULTS"])
    ids = make_runs(results)
    out = write_report(results, tmp_path / "report.html", *ids) and tmp_path / "report.html"
    page, log = open_report(browser_context, out)
    try:
        assert log.errors() == []
        assert log.requests == [out.as_uri()]  # the page itself, nothing else
        assert page.locator("#runs tbody tr").count() == 3
        assert page.locator("#runs tbody td.run").all_inner_texts() == ids
        assert page.locator("#runs tbody td.wrap").first.inner_text() == NOTE  # shown as text, not run
        statistics = page.locator("section.stats").first
        assert statistics.locator("h2").inner_text() == "statistics (errors left out of rates)"
        assert statistics.locator("tbody tr").count() == 3
        assert "[59.0%, 93.8%]" in statistics.locator("tbody tr").first.inner_text()  # Wilson of 14/17
        for key in ("pass-rate", "pass-k", "cost", "by-tag"):
            box = page.locator(f"#chart-{key} svg").bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 100, key
        assert page.locator("#chart-pass-rate svg text", has_text=ids[1]).count() == 1  # chart labels are text
        assert page.locator("script").count() == 0  # reads the same with JavaScript off
        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.read_bytes().startswith(b"\x89PNG")
        if os.environ.get("JIRA_BENCH_UPDATE_IMAGES") == "1":  # the README's picture: the runs and the charts
            page.set_viewport_size({"width": 1280, "height": 1160})
            page.screenshot(path=str(REPO / "docs" / "images" / "report.png"))
        pdf = page.pdf(format="A4", landscape=True, print_background=False)  # printable: print CSS applies
        assert pdf.startswith(b"%PDF")
    finally:
        page.close()
    assert log.errors() == [] and log.requests == [out.as_uri()]


def test_html_report_of_a_run_without_a_scored_trial_says_what_is_missing(tmp_path: Path) -> None:
    results = Path(os.environ["JIRA_BENCH_RESULTS"])
    spec = run_folder.RunSpec(run_id="20261124-110000-example-empty-0000", created_at=1795514400.0,
                              harness_source="builtin:example", harness_name="example", harness={"name": "example"},
                              model="oracle", runs=2, scenario_ids=list(SCENARIOS))
    folder = run_folder.create_run(results, spec)  # queued: no trial yet
    page = write_report(results, tmp_path / "empty.html", folder.name)
    assert "<svg" not in page
    assert "no run has a scored trial yet." in page and "no run has a scored trial with a cost yet." in page
    assert "no scenario of these runs has a tag with a scored trial." in page
