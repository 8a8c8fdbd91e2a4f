"""Resource limits of a run's worker (`--max-memory SIZE`, `--max-cpu-time DURATION`, `--nice N`): parsed and
checked at launch, kept in spec.json (`run_folder.WorkerLimits`), applied by the worker to itself with
`resource.setrlimit` and `os.nice` (so the `--server` processes it starts inherit them), and named in the sentence
of a run that a limit stopped.

- memory: RLIMIT_AS (the soft limit), the worker's address space; past it an allocation fails (MemoryError) and
  the run ends `failed` (the worker then lifts the soft limit to record that end). A worker uses about 0.3 to 0.6 GB of address space at rest, so give it 1G or more.
- CPU time: RLIMIT_CPU, seconds of CPU the worker (not its servers) may use; at the soft limit the kernel sends
  SIGXCPU and the run ends `failed`; CPU_GRACE_S later the hard limit kills it (a worker too busy to end cleanly):
  a reader then finds the run interrupted and its state's `limit` says why.
- nice: the worker's scheduling niceness, 0 to 19 (raised, never lowered).
"""

from __future__ import annotations

import math
import os
import re

from jira_bench_tui.engine.run_folder import WorkerLimits
from jira_bench_tui.errors import UserError

MIN_MEMORY = 256 * 1024**2
MAX_MEMORY = 1024**5
MAX_CPU_S = 7 * 86400.0
CPU_GRACE_S = 10
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_size(text: str | int | None) -> int | None:
    """Bytes in '512M', '2G', '1.5g', '1048576' (K, M, G, T are powers of 1024; an optional trailing B or iB); None
    for None or ''. UserError(field="max_memory") when it is not a size from 256M to 1P."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, int) and not isinstance(text, bool):
        value = float(text)
    else:
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*", str(text).lower())
        if not match:
            raise UserError(f"max memory wants a size such as 512M or 2G, got {text!r}", field="max_memory")
        value = float(match.group(1)) * _UNITS[match.group(2)]
    if not MIN_MEMORY <= value <= MAX_MEMORY:
        raise UserError(f"max memory must be from 256M to 1P (a worker needs about 0.3G to 0.6G), got {text!r}",
                        field="max_memory")
    return int(value)


def parse_duration(text: str | float | None) -> float | None:
    """Seconds in '90', '30s', '10m', '2h', '1d'; None for None or ''. UserError(field="max_cpu_time") unless it is
    above 0 and at most a week."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, int | float) and not isinstance(text, bool):
        value = float(text)
    else:
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", str(text).lower())
        if not match:
            raise UserError(f"max CPU time wants a duration such as 90s, 30m or 2h, got {text!r}",
                            field="max_cpu_time")
        value = float(match.group(1)) * _SECONDS[match.group(2)]
    if not (math.isfinite(value) and 1 <= value <= MAX_CPU_S):
        raise UserError(f"max CPU time must be from 1 s to a week, got {text!r}", field="max_cpu_time")
    return value


def parse_nice(text: str | int | None) -> int | None:
    """A niceness from 0 to 19; None for None or ''. UserError(field="nice") otherwise."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    try:
        value = int(str(text).strip()) if not isinstance(text, int) or isinstance(text, bool) else text
    except ValueError:
        raise UserError(f"nice must be a whole number from 0 to 19, got {text!r}", field="nice") from None
    if isinstance(text, bool) or not 0 <= value <= 19:
        raise UserError(f"nice must be a whole number from 0 to 19, got {text!r}", field="nice")
    return value


def parse_limits(max_memory: str | int | None, max_cpu_time: str | float | None,
                 nice: str | int | None) -> WorkerLimits:
    """The worker limits of a run request (each may be None); UserError naming the form field when one is bad."""
    return WorkerLimits(max_memory_bytes=parse_size(max_memory), max_cpu_time_s=parse_duration(max_cpu_time),
                        nice=parse_nice(nice))


def show_size(value: int) -> str:
    """'512M', '2G', '1.5G': a size as --max-memory takes it."""
    for unit, size in (("T", 1024**4), ("G", 1024**3), ("M", 1024**2), ("K", 1024)):
        if value >= size:
            return f"{value / size:.4g}{unit}"
    return str(value)


def memory_sentence(limits: WorkerLimits) -> str:
    """Why a run whose worker ran out of memory failed, naming the limit when it had one."""
    if limits.max_memory_bytes:
        return f"the worker reached its memory limit (--max-memory {show_size(limits.max_memory_bytes)})"
    return "the worker ran out of memory"


def cpu_sentence(limits: WorkerLimits) -> str:
    """Why a run whose worker used up its CPU time failed."""
    seconds = limits.max_cpu_time_s or 0
    return f"the worker reached its CPU time limit (--max-cpu-time {seconds:g}s)"


def apply_limits(limits: WorkerLimits) -> None:
    """Apply the limits to this process (and so to the processes it starts). OSError/ValueError when the system
    refuses (e.g. a hard limit already lower)."""
    import resource

    if limits.max_memory_bytes:
        _set(resource.RLIMIT_AS, limits.max_memory_bytes, keep_hard=True)
    if limits.max_cpu_time_s:
        used = os.times()
        spent = used.user + used.system
        soft = math.ceil(spent + limits.max_cpu_time_s)
        _set(resource.RLIMIT_CPU, soft, soft + CPU_GRACE_S)
    if limits.nice is not None:
        current = os.nice(0)
        if limits.nice > current:
            os.nice(limits.nice - current)


def _set(which: int, soft: int, hard: int | None = None, *, keep_hard: bool = False) -> None:
    import resource

    _old_soft, old_hard = resource.getrlimit(which)
    hard = old_hard if keep_hard else (soft if hard is None else hard)
    if old_hard != resource.RLIM_INFINITY:
        hard = min(hard, old_hard) if hard != resource.RLIM_INFINITY else old_hard
        soft = min(soft, hard)
    resource.setrlimit(which, (soft, hard))


def out_of_memory(exc: BaseException, limits: WorkerLimits) -> bool:
    """Whether `exc` is the worker running out of memory: a MemoryError, or (under a memory limit) a thread that
    could not start."""
    return isinstance(exc, MemoryError) or bool(limits.max_memory_bytes and "can't start new thread" in str(exc))


def lift_memory_limit() -> None:
    """After the memory limit stopped the run: raise the soft limit to the hard one (the memory limit is only the
    soft one), so the worker can record its end. Best effort."""
    try:
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    except (ImportError, OSError, ValueError):
        pass
