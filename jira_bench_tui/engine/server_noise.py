"""What a `--server` command prints on stdout that is not MCP: counted and summarised in one sentence, never logged
line by line.

The MCP client logs every stdout line it cannot parse with a full traceback (`mcp.client.stdio`: "Failed to parse
JSONRPC message from server"); a server that prints garbage made megabytes of them. A logging filter drops those
records and counts them for whoever is listening in the current context (`listen()`: a trial's session or the
launch probe; the client's reader tasks inherit the context), so the trial or the probe can say it once:
"the server printed 20000 lines on stdout that are not MCP messages (the first: 'hello')".
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

PARSE_FAILURE = "Failed to parse JSONRPC message"
CLIENT_LOGGERS = ("mcp.client.stdio",)


@dataclass
class Noise:
    """The lines of a server's stdout that were not MCP messages: how many, and the start of the first."""

    lines: int = 0
    first: str | None = None

    def sentence(self) -> str | None:
        """One sentence about the noise, or None when there was none."""
        if not self.lines:
            return None
        first = f" (the first: {self.first!r})" if self.first is not None else ""
        plural = "lines" if self.lines != 1 else "line"
        return f"the server printed {self.lines} {plural} on stdout that are not MCP messages{first}"


_listener: contextvars.ContextVar[Noise | None] = contextvars.ContextVar("server_noise", default=None)


def _bad_input(record: logging.LogRecord) -> str | None:
    """The start of the line the client could not parse (from the pydantic error it logged), if it says."""
    exc = record.exc_info[1] if record.exc_info else None
    errors = getattr(exc, "errors", None)
    try:
        value = errors()[0].get("input") if callable(errors) else None
    except Exception:  # noqa: BLE001 - a best-effort detail
        return None
    return " ".join(str(value).split())[:80] if value is not None else None


class _ParseFailureFilter(logging.Filter):
    """Drops the client's per-line parse failures, counting them for the listener of the current context."""

    def filter(self, record: logging.LogRecord) -> bool:
        if PARSE_FAILURE not in str(record.msg):
            return True
        noise = _listener.get()
        if noise is not None:
            noise.lines += 1
            if noise.first is None:
                noise.first = _bad_input(record)
        return False


_FILTER = _ParseFailureFilter()


def install() -> None:
    """Put the filter on the MCP client's loggers (once; later calls do nothing)."""
    for name in CLIENT_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


@contextmanager
def listen() -> Iterator[Noise]:
    """Count the non-MCP stdout lines of the servers started inside this block (in this task and those it starts)."""
    install()
    noise = Noise()
    token = _listener.set(noise)
    try:
        yield noise
    finally:
        try:
            _listener.reset(token)
        except ValueError:  # reset from another context (a generator closed elsewhere): forget it there
            _listener.set(None)
