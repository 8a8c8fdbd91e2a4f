"""Extra model API arguments (`--model-arg KEY=VALUE`) placed in an SDK request: the arguments the SDK's `create`
knows go as keyword arguments, the others (a local server's own, e.g. vLLM's `top_k`) in `extra_body`."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any


@functools.cache
def _parameters(create: Callable[..., Any]) -> frozenset[str]:
    try:
        return frozenset(inspect.signature(create).parameters)
    except (TypeError, ValueError):  # pragma: no cover - a builtin without a signature
        return frozenset()


def place_args(create: Callable[..., Any], request: dict[str, Any], model_args: dict[str, Any]) -> dict[str, Any]:
    """`request` with `model_args` added: known keyword arguments of `create` override the request's own values,
    unknown ones are merged into `extra_body`. A value of None removes a keyword argument the request had (e.g.
    `stream_options=null` for a server that refuses it)."""
    known = _parameters(getattr(create, "__func__", create))
    merged = dict(request)
    extra: dict[str, Any] = dict(merged.pop("extra_body", None) or {})
    for key, value in model_args.items():
        if key in known:
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        else:
            extra[key] = value
    if extra:
        merged["extra_body"] = extra
    return merged
