"""Writes the small fixed run folders under tests/tui/data/results (run it again to regenerate them)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from fake_worker import FakeWorker  # noqa: E402

DATA = Path(__file__).parent / "data" / "results"
BASE = 1795514400.0  # 2026-11-24 10:00:00 UTC
LIVE_PID = 4242  # replaced by the test process's pid when a test copies the data (so the run looks alive)


class StepClock:
    def __init__(self, start: float, step: float) -> None:
        self.now, self.step = start, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def main() -> None:
    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    scenarios = ["assign-login-bug", "close-duplicate", "sprint-plan"]

    done = FakeWorker(DATA, "20261124-080000-example-oracle-a1b2", scenarios, runs=2,
                      clock=StepClock(BASE - 7200, 0.9)).start()
    for rep in (1, 2):
        done.trial("assign-login-bug", rep)
        done.trial("close-duplicate", rep, "failed" if rep == 2 else "passed")
        done.trial("sprint-plan", rep, "error" if rep == 1 else "passed")
    done.finish()

    cancelled = FakeWorker(DATA, "20261124-083000-example-null-c3d4", scenarios, runs=1, model="null",
                           clock=StepClock(BASE - 5400, 0.9)).start()
    cancelled.trial("assign-login-bug", 1, "failed")
    cancelled.finish("cancelled")

    gone = FakeWorker(DATA, "20261124-090000-example-haiku-4-5-e5f6", scenarios, runs=2, model="claude-haiku-4-5",
                      pid=0, clock=StepClock(BASE - 3600, 0.9)).start()
    gone.trial("assign-login-bug", 1, tokens=5400, cost=0.0123)
    gone.close()

    live = FakeWorker(DATA, "20261124-095500-example-sonnet-4-5-0a0b", scenarios, runs=3,
                      model="claude-sonnet-4-5", pid=LIVE_PID, clock=StepClock(BASE - 100, 2.0)).start()
    live.trial("assign-login-bug", 1, tokens=8200, cost=0.0412, text="I will look at [INST] WEB-12 [/INST] first.")
    live.trial("close-duplicate", 1, "failed", tokens=9100, cost=0.0455)
    live.trial("sprint-plan", 1, tokens=7000, cost=0.0350)
    live.trial("assign-login-bug", 2, tokens=8000, cost=0.0401)
    live.begin_trial("close-duplicate", 2)
    live.log("rate limited (429); retrying in 2.0s", level="warning")
    live.close()

    broken = DATA / "runs" / "20261124-070000-broken-run-ffff"
    broken.mkdir(parents=True)
    (broken / "spec.json").write_text('{"run_id": "cut here', encoding="utf-8")


if __name__ == "__main__":
    main()
