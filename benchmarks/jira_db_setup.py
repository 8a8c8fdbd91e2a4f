"""Per-trial Jira setup cost with the built-in default fixture: building a template (cold), finding it in the cache
(warm) and copying it for a trial. Prints `jira_db_setup: ...` last."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jira_bench_tui.jira.db import connect, copy_database, prepare_template  # noqa: E402
from jira_bench_tui.jira.fixture_files import load_fixture_file  # noqa: E402


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def main() -> None:
    fixture = load_fixture_file("builtin:default")
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        cold: list[float] = []
        for n in range(5):
            started = time.perf_counter()
            prepare_template(fixture, cache / str(n))
            cold.append(_ms(started))
        warm: list[float] = []
        for _ in range(50):
            started = time.perf_counter()
            template = prepare_template(fixture, cache / "0")
            warm.append(_ms(started))
        copies: list[float] = []
        for n in range(200):
            started = time.perf_counter()
            conn = connect(copy_database(template, Path(tmp) / "trials" / f"{n}.sqlite"))
            conn.close()
            copies.append(_ms(started))
        issues = connect(template).execute("SELECT COUNT(*) FROM issues").fetchone()[0]
        size_kb = template.stat().st_size / 1024
    print(f"jira_db_setup: build_ms={statistics.median(cold):.1f} cached_lookup_ms={statistics.median(warm):.2f} "
          f"copy_and_open_ms={statistics.median(copies):.2f} issues={issues} template_kb={size_kb:.0f}")


if __name__ == "__main__":
    main()
