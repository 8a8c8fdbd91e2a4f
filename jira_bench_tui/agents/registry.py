"""The model registry: one table from a model name (or a family prefix) to its provider, the agent factory, its
prices (with their source and date), its context window and a description. The command line, the app's form, the
cost code and `jira-bench models` all read it.

Names: `provider/model` as the ecosystem writes them (`anthropic/claude-sonnet-4-6`, `openai/gpt-4o`,
`openai/llama3.1:8b` on a local endpoint); bare `claude-*` means Anthropic, bare `gpt-*`, `o1*`, `o3*`, `o4*` mean
OpenAI; `oracle`, `null` and `replay:RUN_ID` are the offline agents.

To update prices: edit the provider's rows (a row's `name` matches the model id and its dated snapshots, e.g.
claude-sonnet-4-5 matches claude-sonnet-4-5-20250929, gpt-4o matches gpt-4o-2024-08-06) and its PriceSource. Unknown
models cost 0 (the agent warns once); so does every model behind a local endpoint (see `is_local_url`).
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from jira_bench_tui.agents.base import Agent, Usage
    from jira_bench_tui.agents.replay import ReplayTrials

REPLAY_PREFIX = "replay:"
OFFLINE_HINT = "set it or use an offline agent: oracle, null, replay:RUN_ID"
ProviderId = Literal["offline", "anthropic", "openai"]


# ---- prices ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceSource:
    """Where a provider's prices come from: the vendor's page and the date they were read (YYYY-MM-DD)."""

    url: str
    as_of: str
    note: str = ""


ANTHROPIC_PRICES = PriceSource(
    "https://platform.claude.com/docs/en/about-claude/pricing", "2026-11-24",
    "Model pricing: base input, 5-minute cache writes, cache hits, output; the *-5-5 rows from a secondary copy",
)
OPENAI_PRICES = PriceSource(
    "https://developers.openai.com/api/docs/pricing", "2026-11-05",
    "Standard tier, text tokens: input, cached input, output; the model pages "
    "(https://developers.openai.com/api/docs/models/ID) for context windows; read from a copy of that date",
)


@dataclass(frozen=True)
class Price:
    """US dollars per million tokens. OpenAI has no cache writes (`cache_write` is the input price there)."""

    input: float
    output: float
    cache_write: float
    cache_read: float
    source: PriceSource


def _anthropic(input_: float, output: float, write: float, read: float) -> Price:
    return Price(input_, output, write, read, ANTHROPIC_PRICES)


def _openai(input_: float, cached: float, output: float) -> Price:
    return Price(input_, output, input_, cached, OPENAI_PRICES)


# ---- providers ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelRequest:
    """What a factory gets: the model id without its provider prefix, the endpoint (None: the provider's default or
    its *_BASE_URL variable), the extra API arguments, and (for replay) the reader of earlier runs' trials."""

    model: str
    base_url: str | None = None
    model_args: dict[str, Any] = field(default_factory=dict)
    trials: ReplayTrials | None = None


AgentFactory = Callable[[ModelRequest], "Agent"]


def _offline_factory(request: ModelRequest) -> Agent:
    if request.model == "oracle":
        from jira_bench_tui.agents.oracle import OracleAgent

        return OracleAgent()
    if request.model == "null":
        from jira_bench_tui.agents.null import NullAgent

        return NullAgent()
    from jira_bench_tui.agents.replay import ReplayAgent

    if request.trials is None:
        raise ValueError("a replay agent needs the earlier run's trials")
    return ReplayAgent(request.trials)


def _anthropic_factory(request: ModelRequest) -> Agent:
    from jira_bench_tui.agents.anthropic import AnthropicAgent

    return AnthropicAgent(request.model, base_url=request.base_url, model_args=request.model_args)


def _openai_factory(request: ModelRequest) -> Agent:
    from jira_bench_tui.agents.openai import OpenAIAgent

    return OpenAIAgent(request.model, base_url=request.base_url, model_args=request.model_args)


@dataclass(frozen=True)
class Provider:
    """Who serves a family of models: the id in `provider/model` names, a title for menus, the environment variables
    of its key and endpoint, the pip extra its SDK comes in (None: always installed), and its agent factory."""

    id: ProviderId
    title: str
    key_env: str | None
    base_url_env: str | None
    extra: str | None
    factory: AgentFactory
    default_base_url: str | None = None

    def key_present(self) -> bool:
        """Whether this provider's key is set (its value never leaves the process environment)."""
        return bool(self.key_env and os.environ.get(self.key_env, "").strip())

    def env_base_url(self) -> str | None:
        """The endpoint the provider's *_BASE_URL variable names, if set."""
        value = os.environ.get(self.base_url_env, "").strip() if self.base_url_env else ""
        return value or None

    def sdk_installed(self) -> bool:
        """Whether the provider's SDK can be imported (the optional extra is installed)."""
        if self.extra is None:
            return True
        import importlib.util

        return importlib.util.find_spec(self.id) is not None


PROVIDERS: dict[ProviderId, Provider] = {
    "offline": Provider("offline", "Offline agents", None, None, None, _offline_factory),
    "anthropic": Provider("anthropic", "Anthropic", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", None, _anthropic_factory,
                          "https://api.anthropic.com"),
    "openai": Provider("openai", "OpenAI and compatible endpoints", "OPENAI_API_KEY", "OPENAI_BASE_URL", "openai",
                       _openai_factory, "https://api.openai.com/v1"),
}


# ---- the table ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelEntry:
    """One row: a model (or family) `name`, its provider, a description, its price (None: unpriced), its context
    window in tokens (None: unknown), and whether menus offer it (dated or legacy rows only price)."""

    name: str
    provider: ProviderId
    description: str
    price: Price | None = None
    context_window: int | None = None
    offered: bool = True

    @property
    def full_name(self) -> str:
        """The name as menus and `jira-bench models` write it: `provider/model` (offline agents as they are)."""
        return self.name if self.provider == "offline" else f"{self.provider}/{self.name}"


def _a(name: str, description: str, price: Price, *, offered: bool = True, context: int = 200_000) -> ModelEntry:
    return ModelEntry(name, "anthropic", description, price, context, offered)


def _o(name: str, description: str, price: Price, context: int, *, offered: bool = True) -> ModelEntry:
    return ModelEntry(name, "openai", description, price, context, offered)


MODELS: tuple[ModelEntry, ...] = (
    ModelEntry("oracle", "offline", "plays each scenario's reference solution (should pass everything)"),
    ModelEntry("null", "offline", "calls no tool and answers 'done' (should fail everything)"),
    ModelEntry("replay:RUN_ID", "offline", "re-issues the tool calls of an earlier run"),
    # Anthropic (ANTHROPIC_PRICES)
    _a("claude-fable-5-2", "Claude Fable 5.2", _anthropic(10.00, 50.00, 12.50, 0.25), offered=False),
    _a("claude-mythos-5-2", "Claude Mythos 5.2", _anthropic(10.00, 50.00, 12.50, 0.25), offered=False),
    _a("claude-fable-5-1", "Claude Fable 5.1", _anthropic(10.00, 50.00, 12.50, 0.25), offered=False),
    _a("claude-mythos-5-1", "Claude Mythos 5.1", _anthropic(10.00, 50.00, 12.50, 0.25), offered=False),
    _a("claude-fable-5", "Claude Fable 5", _anthropic(10.00, 50.00, 12.50, 1.00), offered=False),
    _a("claude-mythos-5", "Claude Mythos 5", _anthropic(10.00, 50.00, 12.50, 1.00), offered=False),
    _a("claude-opus-5-5", "Claude Opus 5.5", _anthropic(4.00, 20.00, 5.00, 0.20), offered=False),
    _a("claude-opus-5", "Claude Opus 5", _anthropic(5.00, 25.00, 6.25, 0.50), offered=False),
    _a("claude-opus-4-8", "Claude Opus 4.8", _anthropic(5.00, 25.00, 6.25, 0.50)),
    _a("claude-opus-4-7", "Claude Opus 4.7", _anthropic(5.00, 25.00, 6.25, 0.50)),
    _a("claude-opus-4-6", "Claude Opus 4.6", _anthropic(5.00, 25.00, 6.25, 0.50)),
    _a("claude-opus-4-5", "Claude Opus 4.5 (deprecated: end of life 2027-01-22)", _anthropic(5.00, 25.00, 6.25, 0.50)),
    _a("claude-opus-4-1", "Claude Opus 4.1", _anthropic(15.00, 75.00, 18.75, 1.50)),
    _a("claude-opus-4", "Claude Opus 4", _anthropic(15.00, 75.00, 18.75, 1.50), offered=False),
    _a("claude-opus-4-0", "Claude Opus 4", _anthropic(15.00, 75.00, 18.75, 1.50), offered=False),
    _a("claude-3-opus", "Claude 3 Opus", _anthropic(15.00, 75.00, 18.75, 1.50), offered=False),
    _a("claude-sonnet-5-5", "Claude Sonnet 5.5", _anthropic(2.00, 10.00, 2.50, 0.10), offered=False),
    _a("claude-sonnet-5", "Claude Sonnet 5", _anthropic(2.00, 10.00, 2.50, 0.20), offered=False),
    _a("claude-sonnet-4-6", "Claude Sonnet 4.6", _anthropic(3.00, 15.00, 3.75, 0.30)),
    _a("claude-sonnet-4-5", "Claude Sonnet 4.5 (deprecated: end of life 2026-11-30)", _anthropic(3.00, 15.00, 3.75, 0.30)),
    _a("claude-sonnet-4", "Claude Sonnet 4", _anthropic(3.00, 15.00, 3.75, 0.30), offered=False),
    _a("claude-sonnet-4-0", "Claude Sonnet 4", _anthropic(3.00, 15.00, 3.75, 0.30), offered=False),
    _a("claude-3-7-sonnet", "Claude 3.7 Sonnet", _anthropic(3.00, 15.00, 3.75, 0.30), offered=False),
    _a("claude-haiku-5-5", "Claude Haiku 5.5 (prompts up to 100k tokens)", _anthropic(0.10, 0.50, 0.125, 0.01),
       offered=False),
    _a("claude-haiku-4-5", "Claude Haiku 4.5", _anthropic(1.00, 5.00, 1.25, 0.10)),
    _a("claude-3-5-haiku", "Claude 3.5 Haiku", _anthropic(0.80, 4.00, 1.00, 0.08), offered=False),
    _a("claude-3-haiku", "Claude 3 Haiku", _anthropic(0.25, 1.25, 0.30, 0.03), offered=False),
    # OpenAI (OPENAI_PRICES): input, cached input, output
    _o("gpt-5.4", "GPT-5.4 (reasoning)", _openai(2.50, 0.25, 15.00), 1_050_000),
    _o("gpt-5.4-mini", "GPT-5.4 mini (reasoning)", _openai(0.75, 0.075, 4.50), 400_000),
    _o("gpt-5", "GPT-5 (reasoning)", _openai(1.25, 0.125, 10.00), 400_000),
    _o("gpt-5-mini", "GPT-5 mini (reasoning)", _openai(0.25, 0.025, 2.00), 400_000),
    _o("gpt-5-nano", "GPT-5 nano (reasoning)", _openai(0.05, 0.005, 0.40), 400_000),
    _o("gpt-4.1", "GPT-4.1", _openai(2.00, 0.50, 8.00), 1_047_576),
    _o("gpt-4.1-mini", "GPT-4.1 mini", _openai(0.40, 0.10, 1.60), 1_047_576),
    _o("gpt-4.1-nano", "GPT-4.1 nano", _openai(0.10, 0.025, 0.40), 1_047_576),
    _o("gpt-4o", "GPT-4o", _openai(2.50, 1.25, 10.00), 128_000),
    _o("gpt-4o-mini", "GPT-4o mini", _openai(0.15, 0.075, 0.60), 128_000),
    _o("o3", "o3 (reasoning)", _openai(2.00, 0.50, 8.00), 200_000),
    _o("o4-mini", "o4-mini (reasoning)", _openai(1.10, 0.275, 4.40), 200_000),
    _o("o3-mini", "o3-mini (reasoning)", _openai(1.10, 0.55, 4.40), 200_000, offered=False),
    _o("o1", "o1 (reasoning)", _openai(15.00, 7.50, 60.00), 200_000, offered=False),
)

_DATED = re.compile(r"^(?P<family>.+?)(-\d{8}|-\d{4}-\d{2}-\d{2}|-latest)?$")
_OPENAI_BARE = re.compile(r"^(gpt-|chatgpt-|o1|o3|o4)")


# ---- names ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolvedModel:
    """A model name read: its provider, the model id the API gets (no provider prefix), and its table row, if any."""

    name: str
    provider: Provider
    model_id: str
    entry: ModelEntry | None

    @property
    def price(self) -> Price | None:
        """The row's price (None: unpriced, it costs 0)."""
        return self.entry.price if self.entry else None


class UnknownModel(ValueError):
    """A model name that names no provider. The message lists what works."""


def resolve(name: str) -> ResolvedModel:
    """Read a model name: `provider/model` (the provider in any case: `OpenAI/gpt-4o`), a bare claude-*, gpt-*, o1*,
    o3*, o4* id (in any case; sent lower-cased, as the vendors spell their ids), or an offline agent. UnknownModel
    when no provider serves it: an empty id after the prefix, a space or control character inside the name, or
    another vendor's prefix (`ollama/llama3`: the message says how to reach an OpenAI-compatible endpoint)."""
    name = name.strip()
    if name in ("oracle", "null") or name.startswith(REPLAY_PREFIX):
        return ResolvedModel(name, PROVIDERS["offline"], name, entry_for("offline", name))
    if any(char.isspace() or not char.isprintable() for char in name):
        raise UnknownModel(f"unknown model {name!r}: a model name has no spaces (e.g. openai/gpt-4o)")
    prefix, slash, rest = name.partition("/")
    if slash:
        provider_id = prefix.lower()
        if provider_id not in ("anthropic", "openai"):
            raise UnknownModel(_other_vendor(name, prefix, rest))
        if not rest:
            raise UnknownModel(f"unknown model {name!r}: give a model after '{prefix}/'")
        provider = PROVIDERS[provider_id]  # type: ignore[index]
        return ResolvedModel(name, provider, rest, entry_for(provider.id, rest))
    bare = name.lower()
    if bare.startswith("claude-") and len(bare) > len("claude-"):
        return ResolvedModel(name, PROVIDERS["anthropic"], bare, entry_for("anthropic", bare))
    if _OPENAI_BARE.match(bare) and not bare.endswith("-"):
        return ResolvedModel(name, PROVIDERS["openai"], bare, entry_for("openai", bare))
    raise UnknownModel(f"unknown model {name!r} (known: {known_names()}; `jira-bench models` lists them; any "
                       "anthropic/ID or openai/ID works, and bare claude-*, gpt-*, o1*, o3*, o4* ids)")


def _other_vendor(name: str, prefix: str, rest: str) -> str:
    """The message for `vendor/model` with a vendor that is not a provider here (LiteLLM's `ollama/...`,
    `openrouter/...`): such endpoints are reached through their OpenAI-compatible API."""
    model = rest or "MODEL"
    return (f"unknown provider {prefix!r} in {name!r}: the providers are anthropic and openai; an OpenAI-compatible "
            f"endpoint (Ollama, vLLM, OpenRouter, ...) runs as openai/{model} with --model-base-url URL "
            "(or OPENAI_BASE_URL)")


def entry_for(provider: ProviderId, model_id: str) -> ModelEntry | None:
    """The table row of a provider's model id (in any case): exact, or the family of a -YYYYMMDD / -YYYY-MM-DD /
    -latest id."""
    rows = {entry.name: entry for entry in MODELS if entry.provider == provider}
    if provider == "offline" and model_id.startswith(REPLAY_PREFIX):
        return rows.get("replay:RUN_ID")
    model_id = model_id.lower()
    if model_id in rows:
        return rows[model_id]
    match = _DATED.match(model_id)
    return rows.get(match.group("family")) if match else None


def price_for(model: str) -> Price | None:
    """The price of a model name (with or without its provider prefix); None when unknown or not a model name."""
    try:
        return resolve(model).price
    except UnknownModel:
        return None


def cost_usd(model: str, usage: Usage) -> float | None:
    """The dollar cost of `usage` for `model`; None when the model has no price row."""
    price = price_for(model)
    if price is None:
        return None
    return (
        usage.input_tokens * price.input
        + usage.output_tokens * price.output
        + usage.cache_creation_input_tokens * price.cache_write
        + usage.cache_read_input_tokens * price.cache_read
    ) / 1_000_000


def offered(provider: ProviderId | None = None) -> list[ModelEntry]:
    """The rows menus offer, in table order (of one provider, or all)."""
    return [e for e in MODELS if e.offered and (provider is None or e.provider == provider)]


def known_names() -> str:
    """The offered names in short, for error messages: the offline agents, then one pattern per provider
    (`jira-bench models` lists them all)."""
    patterns = {"anthropic": "anthropic/claude-...", "openai": "openai/gpt-..."}
    return ", ".join([e.full_name for e in offered("offline")] + list(patterns.values()))


# ---- endpoints ------------------------------------------------------------------------------------------------------

_LOCAL_SUFFIXES = (".localhost", ".local", ".lan", ".internal", ".home.arpa")


def is_local_url(url: str | None) -> bool:
    """Whether an endpoint URL is on this machine or a private network: loopback, private or link-local addresses,
    localhost, *.local, *.lan, *.internal, or a single-label host name (a container's). Such an endpoint (vLLM,
    Ollama, LM Studio, llama.cpp server) needs no key and its calls cost 0."""
    if not url:
        return False
    host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower().rstrip(".")
    if not host:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host == "localhost" or host.endswith(_LOCAL_SUFFIXES) or "." not in host
    return address.is_loopback or address.is_private or address.is_link_local or address.is_unspecified


_API_PATHS = ("/chat/completions", "/completions", "/responses", "/v1/messages", "/messages")


def check_base_url(url: str) -> str:
    """A base URL as given, stripped, if it is an http(s) URL with a host, no credentials in it, and not an API
    operation's path (the SDK adds `/chat/completions` or `/messages` itself); ValueError naming what is wrong
    otherwise (a key belongs in the provider's *_API_KEY variable, never in a URL)."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        hint = f" (did you mean 'http://{url}'?)" if url and "://" not in url and urlsplit(f"//{url}").hostname else ""
        raise ValueError(f"the model base URL must be an http(s) URL such as http://localhost:8000/v1, got {url!r}"
                         + hint)
    if parts.username or parts.password or re.search(r"(?i)(key|token|secret|password)=", parts.query):
        raise ValueError("the model base URL must not hold a key: set it in the provider's *_API_KEY variable")
    path = parts.path.rstrip("/")
    for operation in _API_PATHS:
        if path.endswith(operation):
            base = url[: url.index(parts.path) + len(path) - len(operation)]
            raise ValueError(f"the model base URL is the API's base, without {operation} (the client adds it): "
                             f"give {base!r}, not {url!r}")
    return url


SECRET_ARG = re.compile(r"(?i)(api[_-]?key|secret|token$|password|authorization|^key$)")
SECRET_VALUE = re.compile(r"(?i)^(bearer\s|sk-|sk_|gsk_|xai-|aiza)\S{6,}")
# set by jira-bench itself: the option that sets it instead
RESERVED_ARGS = {"model": "--model", "messages": "the harness's prompts", "tools": "the MCP server's tools",
                 "functions": "the MCP server's tools", "system": "the harness's system prompt",
                 "api_base": "--model-base-url", "base_url": "--model-base-url"}
NUMBER_ARGS = frozenset({"temperature", "top_p", "frequency_penalty", "presence_penalty", "timeout"})
INTEGER_ARGS = frozenset({"max_tokens", "max_completion_tokens", "n", "seed", "top_k", "top_logprobs"})
BOOLEAN_ARGS = frozenset({"stream", "parallel_tool_calls", "logprobs", "store"})


def parse_model_args(items: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """`KEY=VALUE` strings as API arguments: a VALUE that is JSON (a number, true/false, null, an object or list) is
    that value, any other VALUE a string. ValueError for an item without '=', an empty key, a key given twice, a key
    jira-bench sets itself (model, messages, tools, ...), a value of the wrong kind for a well-known argument
    (temperature=abc), or anything that looks like a credential, at any depth: a key such as api_key or
    Authorization, a value such as sk-... or Bearer ..., or the value of a provider's key variable (keys go in the
    environment, never in spec.json)."""
    import json

    args: dict[str, Any] = {}
    for item in items:
        key, equals, text = item.partition("=")
        key = key.strip()
        if not equals or not key:
            raise ValueError(f"a model argument is KEY=VALUE (e.g. temperature=0), got {item!r}")
        if key in args:
            raise ValueError(f"model argument {key!r} is given twice: give it once")
        if key in RESERVED_ARGS:
            raise ValueError(f"model argument {key!r} is set by jira-bench (from {RESERVED_ARGS[key]})")
        try:
            value = json.loads(text)
        except ValueError:
            value = text
        _refuse_credentials(key, value)
        args[key] = _checked_kind(key, value, text)
    return args


def _checked_kind(key: str, value: Any, text: str) -> Any:
    """`value`, if a well-known argument's value has the right kind (null always does); ValueError otherwise."""
    if value is None:
        return value
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if key in NUMBER_ARGS and not number:
        raise ValueError(f"model argument {key!r} must be a number, got {text!r}")
    if key in INTEGER_ARGS and not (number and float(value).is_integer()):
        raise ValueError(f"model argument {key!r} must be a whole number, got {text!r}")
    if key in BOOLEAN_ARGS and not isinstance(value, bool):
        raise ValueError(f"model argument {key!r} must be true or false, got {text!r}")
    return int(value) if key in INTEGER_ARGS else value


def _refuse_credentials(key: str, value: Any) -> None:
    """ValueError when `key` or anything inside `value` looks like a credential (see parse_model_args)."""
    if SECRET_ARG.search(key):
        raise ValueError(f"model argument {key!r} looks like a credential: put keys in the environment "
                         "(ANTHROPIC_API_KEY, OPENAI_API_KEY), never on the command line")
    if isinstance(value, dict):
        for inner_key, inner in value.items():
            _refuse_credentials(str(inner_key), inner)
    elif isinstance(value, list):
        for inner in value:
            _refuse_credentials(key, inner)
    elif isinstance(value, str):
        keys = [os.environ.get(p.key_env, "").strip() for p in PROVIDERS.values() if p.key_env]
        if SECRET_VALUE.search(value.strip()) or any(len(k) >= 8 and k in value for k in keys):
            raise ValueError(f"the value of model argument {key!r} looks like a key: put keys in the environment "
                             "(ANTHROPIC_API_KEY, OPENAI_API_KEY), never on the command line")
