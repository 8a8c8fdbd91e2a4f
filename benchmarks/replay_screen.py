"""Replay screen responsiveness on a long trial (400 tool calls, one 100 KB result): open, jump to the end,
step back and forth, show a whole 100 KB result; open a run of 100 such trials. Prints `replay_screen: key=value ...` last.

Step figures: `*_paint_*` is from the action to the first paint it causes (the key answered on screen); the others
are to the last paint it causes, once the screen has stayed still for 60 ms (all follow-up work done);
`step_cpu_p50_ms` is the process CPU time a step (back or forth) costs, which other load on the machine barely moves."""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from tui_replay.replay_app import ReplayTestApp, opened, write_large_run  # noqa: E402

from jira_bench_tui.engine import run_folder  # noqa: E402

STEPS = 400
MOVES = 40
TRIALS = 100


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


async def measure(run: Path) -> dict[str, float]:
    figures: dict[str, float] = {}
    started = time.perf_counter()
    async with ReplayTestApp(run).run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await pilot.pause()
        figures["open_ms"] = ms(time.perf_counter() - started)

        painted = [0.0]
        first_paint = [0.0]
        paint = screen._compositor_refresh

        def paint_and_note() -> None:
            paint()
            painted[0] = time.perf_counter()
            if not first_paint[0]:
                first_paint[0] = painted[0]

        screen._compositor_refresh = paint_and_note  # type: ignore[method-assign]

        first_paints: list[float] = []
        cpu_times: list[float] = []

        async def timed(action: str) -> float:
            """From the action's start to the last paint it causes (the screen then stays still for 60 ms); the
            time to its first paint goes to `first_paints`."""
            await pilot.pause()
            begin = time.perf_counter()
            cpu_begin = time.process_time()
            painted[0] = first_paint[0] = 0.0
            await screen.run_action(action)
            while True:
                seen = painted[0]
                await asyncio.sleep(0.06)
                if painted[0] == seen and seen:
                    first_paints.append(first_paint[0] - begin)
                    cpu_times.append(time.process_time() - cpu_begin)
                    return seen - begin
                if time.perf_counter() - begin > 5:
                    first_paints.append(time.perf_counter() - begin)
                    cpu_times.append(time.process_time() - cpu_begin)
                    return time.perf_counter() - begin

        figures["end_ms"] = ms(await timed("last_step"))
        first_paints.clear()
        cpu_times.clear()
        back = [await timed("previous_step") for _ in range(MOVES)]
        back_paint = first_paints[:]
        forward = [await timed("next_step") for _ in range(MOVES)]
        forward_paint = first_paints[MOVES:]
        figures["step_cpu_p50_ms"] = ms(statistics.median(cpu_times))
        for name, times in (
            ("next", forward),
            ("prev", back),
            ("next_paint", forward_paint),
            ("prev_paint", back_paint),
        ):
            times = sorted(times)
            figures[f"{name}_p50_ms"] = ms(statistics.median(times))
            figures[f"{name}_p95_ms"] = ms(times[int(len(times) * 0.95) - 1])
        figures["home_ms"] = ms(await timed("first_step"))
        for _ in range(3):
            await timed("next_step")  # the step with the 100 KB result
        figures["show_all_100kb_ms"] = ms(await timed("show_all"))
        figures["hide_100kb_ms"] = ms(await timed("show_all"))
    return figures


async def measure_open(run: Path) -> float:
    started = time.perf_counter()
    async with ReplayTestApp(run).run_test(size=(120, 40)) as pilot:
        await opened(pilot)
        return ms(time.perf_counter() - started)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        run = write_large_run(Path(folder), steps=STEPS, big_result_chars=100_000)
        figures = asyncio.run(measure(run))
        artifact = run_folder.read_trial(run, "long-trial", 1)
        for repetition in range(2, TRIALS + 1):
            run_folder.write_trial(run, artifact.model_copy(update={"repetition": repetition}))
        figures[f"open_{TRIALS}_trials_ms"] = asyncio.run(measure_open(run))
    print(
        "replay_screen: "
        + " ".join(f"{key}={value}" for key, value in figures.items())
        + f" steps={STEPS + 3}"
    )


if __name__ == "__main__":
    main()
