"""One short sentence for an exception, for events, artifacts and errors: exception groups unwrapped, first line only."""

from __future__ import annotations


def exception_reason(exc: BaseException, *, with_type: bool = True) -> str:
    """'ValueError: bad thing' (or 'bad thing' without the type); the first leaf of nested exception groups; a bare
    timeout is 'timed out'."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else ""
    if not text and isinstance(exc, TimeoutError):
        return "timed out"
    if not with_type:
        return text or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
