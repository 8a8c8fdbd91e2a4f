"""Start-up costs of the command line and the app (issue 17), each the median of fresh processes:

- help_ms: `jira-bench --help` (python -m jira_bench_tui --help), process start to exit;
- list_ms: `view list` with one core run in the results folder; list_200_ms: with 200 core runs (one real run of
  five core scenarios by the oracle, copied to 199 more folders); list_100k_ms (with --big): with one run whose
  fixture has 100,000 issues, and its peak RSS (list_100k_rss_mb);
- app_first_frame_ms: a fresh process that opens the app on the 200 runs headless (`App.run_test()`, 160x50) until
  the runs list holds all 200 rows and one more frame was rendered: imports, the scan of every run folder, layout and
  rendering are in it, the terminal's own drawing is not (there is none headless);
- run_import_ms: the import time of everything a foreground `run` of one example scenario imports (the sum of the
  top-level entries of `python -X importtime`, which itself adds a little).

Prints `startup: help_ms=... list_ms=... list_200_ms=... app_first_frame_ms=... run_import_ms=...` last (wall
times), with the CPU time of the same processes (`*_cpu_ms`: steadier on a busy machine). Goals:
help and view list under 150 ms on an idle machine, the first frame under 700 ms with 200 runs. The same script runs
on older commits of the package (it uses only the command line and `engine.launcher`), for ratios on a busy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
CORE_SCENARIOS = ["read-release-date", "read-assignee-by-description", "read-story-points"]
RUNS = 200
BIG_ISSUES = 100_000


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    out = subprocess.run([PY, "-m", "jira_bench_tui", *args], capture_output=True, text=True, cwd=ROOT, env=env)
    if out.returncode != 0:
        raise SystemExit(f"`jira-bench {' '.join(args)}` failed:\n{out.stderr}")
    return out


CPU: dict[str, float] = {}
"""Median CPU time (user + system, ms) of the processes behind each figure of `timed`: steadier than wall time on a
busy machine."""


def timed(argv: list[str], repeat: int, name: str = "") -> float:
    """Median wall time (ms) of `argv` run `repeat` times (after one warm-up run); the median CPU time goes to
    CPU[name]."""
    times, cpu = [], []
    for index in range(repeat + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, cwd=ROOT, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if index:
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
    if name:
        CPU[name.replace("_ms", "_cpu_ms")] = statistics.median(cpu)
    return statistics.median(times)


def make_runs(results: Path, count: int) -> list[Path]:
    """One real core run (oracle), then copies of its folder under new run ids: `count` run folders."""
    scenarios = [arg for sid in CORE_SCENARIOS for arg in ("--scenario", sid)]
    cli("run", "builtin:core", *scenarios, "--results-dir", str(results))
    runs = results / "runs"
    (first,) = runs.iterdir()
    folders = [first]
    for index in range(1, count):
        run_id = f"20260101-{index // 3600:02d}{index // 60 % 60:02d}{index % 60:02d}-core-oracle-{index:04x}"
        folder = runs / run_id
        shutil.copytree(first, folder)
        spec = json.loads((folder / "spec.json").read_text(encoding="utf-8"))
        spec["run_id"] = run_id
        (folder / "spec.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
        folders.append(folder)
    return folders


def big_fixture(path: Path) -> None:
    """The default fixture grown to BIG_ISSUES issues by copies of its issues under new keys (without links)."""
    data = json.loads((ROOT / "jira_bench_tui/jira/fixtures/default.json").read_text(encoding="utf-8"))
    issues = data["issues"]
    plain = [i for i in issues if "parent" not in i and "sprints" not in i]
    number = 100_000
    while len(issues) < BIG_ISSUES:
        for issue in plain[: BIG_ISSUES - len(issues)]:
            number += 1
            issues.append({**issue, "key": f"{issue['key'].split('-')[0]}-{number}"})
    path.write_text(json.dumps(data), encoding="utf-8")


BIG_CHILD = """
import hashlib, json, sys
from pathlib import Path
from jira_bench_tui.engine.launcher import RunRequest, create_run
results, big = Path(sys.argv[1]), Path(sys.argv[2])
folder = create_run(RunRequest(harness="builtin:core", runs=1), results)
spec = json.loads((folder / "spec.json").read_text())
data = json.loads(big.read_text())
if "fixture_file" in spec:  # a fixture kept once per results folder, named by its hash
    content = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    digest = hashlib.sha256(content).hexdigest()
    spec["fixture_file"] = {"sha256": digest, "path": f"fixtures/sha256-{digest}.json"}
    (results / spec["fixture_file"]["path"]).write_bytes(content)
else:  # older versions: the fixture inline in spec.json
    spec["fixture"] = data
(folder / "spec.json").write_text(json.dumps(spec, indent=1))
"""
"""A run whose fixture has BIG_ISSUES issues. A fixture file given to `run --fixture` may hold at most 16 MB
(json_input.MAX_BYTES), so the run is made with the default fixture and its fixture replaced where the spec keeps it."""

LIST_RSS_CHILD = """
import re, sys
from jira_bench_tui.cli import main
try:
    main(["view", "list", "--results-dir", sys.argv[1]])
except SystemExit:
    pass
peak = re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read())  # this process's peak, not inherited
print(int(peak.group(1)) // 1024, file=sys.stderr)
"""

FIRST_FRAME_CHILD = """
import asyncio, sys, time
started, want = float(sys.argv[2]), int(sys.argv[3])
from pathlib import Path
from jira_bench_tui.tui.app import make_app
async def main():
    app = make_app(Path(sys.argv[1]), start="auto")
    async with app.run_test(size=(160, 50)) as pilot:
        while sum(t.row_count for t in app.screen.query("RunsTable")) < want:
            await pilot.pause(0.002)
        await pilot.pause()
        print((time.time() - started) * 1000, flush=True)
asyncio.run(main())
"""


def first_frame_ms(results: Path, want: int, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        out = subprocess.run([PY, "-c", FIRST_FRAME_CHILD, str(results), repr(time.time()), str(want)],
                             capture_output=True, text=True, cwd=ROOT, timeout=120)
        if out.returncode != 0:
            raise SystemExit(f"the first-frame child failed:\n{out.stderr}")
        times.append(float(out.stdout.split()[-1]))
    return statistics.median(times)


def app_figures(results: Path, repeat: int) -> None:
    """Print the first frame's median wall and CPU time with RUNS runs in `results`, each child in turn."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = first_frame_ms(results, RUNS, repeat)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000 / repeat
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"startup_app: app_first_frame_ms={wall:.0f} app_first_frame_cpu_ms={cpu:.0f} (mean) load1={load}")


def run_import_ms(results: Path) -> float:
    """The import cost of a foreground run of one example scenario: the top-level entries of -X importtime."""
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    out = cli("run", "builtin:example", "--scenario", "start-password-bug", "--results-dir", str(results), env=env)
    top = re.findall(r"^import time:\s+\d+ \|\s+(\d+) \| (\S.*)$", out.stderr, re.MULTILINE)
    return sum(int(us) for us, name in top if not name.startswith(" ")) / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=11, help="fresh processes per figure (median)")
    parser.add_argument("--big", action="store_true", help="also list a results folder with a 100k-issue run")
    parser.add_argument("--app-only", action="store_true", help="only the app's first frame with 200 runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jb-startup-") as tmp:
        root = Path(tmp)
        figures: dict[str, float] = {}
        if args.app_only:
            make_runs(root / "many", RUNS)
            app_figures(root / "many", args.repeat)
            return
        figures["help_ms"] = timed([PY, "-m", "jira_bench_tui", "--help"], args.repeat, "help_ms")
        make_runs(root / "one", 1)
        figures["list_ms"] = timed([PY, "-m", "jira_bench_tui", "view", "list", "--results-dir", str(root / "one")],
                                   args.repeat, "list_ms")
        make_runs(root / "many", RUNS)
        figures["list_200_ms"] = timed([PY, "-m", "jira_bench_tui", "view", "list", "--results-dir",
                                        str(root / "many")], args.repeat, "list_200_ms")
        figures["app_first_frame_ms"] = first_frame_ms(root / "many", RUNS, max(3, args.repeat // 2))
        figures["run_import_ms"] = statistics.median(run_import_ms(root / "imports") for _ in range(3))
        if args.big:
            big = root / "big.json"
            big_fixture(big)
            subprocess.run([PY, "-c", BIG_CHILD, str(root / "big"), str(big)], check=True, cwd=ROOT)
            figures["list_100k_ms"] = timed([PY, "-m", "jira_bench_tui", "view", "list", "--results-dir",
                                             str(root / "big")], max(3, args.repeat // 2), "list_100k_ms")
            out = subprocess.run([PY, "-c", LIST_RSS_CHILD, str(root / "big")], capture_output=True, text=True,
                                 cwd=ROOT, check=True)
            figures["list_100k_rss_mb"] = float(out.stderr.split()[-1])
            spec = next((root / "big" / "runs").iterdir()) / "spec.json"
            figures["spec_100k_kb"] = spec.stat().st_size / 1024
        figures["spec_core_kb"] = (next((root / "one" / "runs").iterdir()) / "spec.json").stat().st_size / 1024
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"load average: {load}")
    print("startup: " + " ".join(f"{key}={value:.0f}" for key, value in {**figures, **CPU}.items()))


if __name__ == "__main__":
    main()
