"""Retrying model API calls (the Anthropic SDK's and, when installed, the OpenAI SDK's errors): which failures are
worth another attempt, how long to wait (exponential backoff with jitter, or the server's retry-after), and the loop
that does it within a budget of attempts. Both SDKs name their error classes alike (APIStatusError,
APIConnectionError, APITimeoutError), so one reading serves both."""

from __future__ import annotations

import asyncio
import functools
import math
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TypeVar

import anthropic

T = TypeVar("T")
RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504, 529})


@functools.cache
def sdk_errors(name: str) -> tuple[type[BaseException], ...]:
    """The error class `name` (APIStatusError, APIConnectionError, APITimeoutError) of every installed SDK."""
    classes: list[type[BaseException]] = [getattr(anthropic, name)]
    try:
        import openai
    except ImportError:  # the optional extra is not installed
        pass
    else:
        classes.append(getattr(openai, name))
    return tuple(classes)


def status_of(exc: BaseException) -> int | None:
    """The HTTP status of an SDK's APIStatusError, else None."""
    if not isinstance(exc, sdk_errors("APIStatusError")):
        return None
    status = getattr(exc, "status_code", None)
    return status if isinstance(status, int) else None


def api_detail(exc: BaseException) -> str:
    """The API's own words of an error response: its error message (Anthropic's `api_message`, or the `message` of
    an OpenAI-style error body), else ''."""
    message = getattr(exc, "api_message", None)
    if isinstance(message, str) and message:
        return message
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return str(inner["message"])
        if isinstance(inner, str):
            return inner
    return ""


@dataclass(frozen=True)
class RetryPolicy:
    """At most `max_attempts` calls; waits grow as base * 2^(attempt-1), with +-`jitter` of it at random, capped at
    `max_delay_s`. A server's retry-after is honoured as a lower bound, but never below `min_delay_s` (a
    `retry-after: 0` must not make retries back-to-back), plus up to `jitter`/2 of it at random (so many trials told
    the same wait do not all come back at once); capped at `max_delay_s`. Seconds throughout."""

    max_attempts: int = 6
    base_delay_s: float = 1.0
    max_delay_s: float = 30.0
    jitter: float = 0.5
    min_delay_s: float = 0.5

    def backoff_s(self, attempt: int, retry_after_s: float | None = None) -> float:
        """How long to wait after failed attempt number `attempt` (1-based); `retry_after_s` is the server's ask."""
        if retry_after_s is not None and math.isfinite(retry_after_s):
            floor = max(retry_after_s, self.min_delay_s)
            return min(floor + random.uniform(0.0, floor * self.jitter / 2), self.max_delay_s)
        raw = self.base_delay_s * 2.0 ** (attempt - 1)
        spread = raw * self.jitter
        return min(max(raw + random.uniform(-spread, spread), self.min_delay_s, 0.0), self.max_delay_s)


def retry_after_s(headers: Mapping[str, str] | None) -> float | None:
    """The wait a response asks for, in seconds: retry-after-ms, else retry-after in seconds or as an HTTP date;
    None when there is no usable header. As the Anthropic SDK reads them (anthropic/_base_client.py,
    `_parse_retry_after_header`)."""
    if not headers:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return float(millis) / 1000.0
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).timestamp() - time.time()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def is_retryable(exc: BaseException) -> bool:
    """Rate limits, overload, server errors, connection errors and timeouts are worth another attempt (the statuses in
    RETRYABLE_STATUS, close to the SDKs' `_should_retry`, which we switch off to log each retry)."""
    if isinstance(exc, sdk_errors("APIConnectionError")):  # includes APITimeoutError
        return True
    status = status_of(exc)
    return status is not None and status in RETRYABLE_STATUS


def describe_failure(exc: BaseException) -> str:
    """A short phrase for a failed attempt: 'HTTP 529 overloaded_error: Overloaded', 'timeout', 'connection error
    ([Errno 111] Connection refused)', or the error's class and message ('APIError: overloaded mid-stream'); at most
    about 200 characters."""
    if isinstance(exc, sdk_errors("APITimeoutError")):
        return "timeout"
    if isinstance(exc, sdk_errors("APIConnectionError")):
        reasons = [str(part) for part in (exc, exc.__cause__) if part is not None and str(part)
                   and str(part) != "Connection error."]
        return "connection error" + (f" ({' / '.join(reasons)[:160]})" if reasons else "")
    status = status_of(exc)
    if status is not None:
        kind = getattr(exc, "type", None)
        detail = ": ".join(part for part in (kind if isinstance(kind, str) else None, api_detail(exc)) if part)
        return f"HTTP {status}" + (f" {detail}" if detail else "")
    detail = (api_detail(exc) or str(exc)).strip()
    return type(exc).__name__ + (f": {detail[:160]}" if detail else "")


class RetriesExhausted(Exception):
    """Every attempt failed with a retryable error; `last` is the final one."""

    def __init__(self, attempts: int, last: BaseException) -> None:
        super().__init__(f"gave up after {attempts} attempts ({describe_failure(last)})")
        self.attempts = attempts
        self.last = last


async def call_with_retries(
    call: Callable[[], Awaitable[T]],
    *,
    policy: RetryPolicy,
    on_retry: Callable[[int, BaseException, float], None] | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Run `call` until it succeeds; retryable failures wait and try again (on_retry(attempt, error, wait_s) first),
    other errors propagate at once, and RetriesExhausted ends the budget."""
    attempt = 0
    while True:
        attempt += 1
        try:
            return await call()
        except Exception as exc:
            if not is_retryable(exc):
                raise
            if attempt >= policy.max_attempts:
                raise RetriesExhausted(attempt, exc) from exc
            headers = getattr(getattr(exc, "response", None), "headers", None) if status_of(exc) else None
            wait_s = policy.backoff_s(attempt, retry_after_s(headers))
            if on_retry is not None:
                on_retry(attempt, exc, wait_s)
            await sleep(wait_s)
