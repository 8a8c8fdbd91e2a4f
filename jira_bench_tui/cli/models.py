"""`jira-bench models`: the model registry as a table (name, provider, prices, context window, description), which
providers' keys are set and which endpoints their *_BASE_URL variables name."""

from __future__ import annotations

import json
from typing import Any

import click


def _money(value: float | None) -> str:
    return "-" if value is None else f"${value:g}"


def model_rows(show_all: bool) -> list[dict[str, Any]]:
    """One dict per registry row (offered ones only unless `show_all`): name, provider, prices in $ per million
    tokens (input, cache write, cache read, output; None when unpriced), context window, description."""
    from jira_bench_tui.agents import registry

    rows = []
    for entry in registry.MODELS:
        if not (entry.offered or show_all):
            continue
        price = entry.price
        rows.append({
            "name": entry.full_name, "provider": entry.provider, "offered": entry.offered,
            "input": price.input if price else None, "cache_write": price.cache_write if price else None,
            "cache_read": price.cache_read if price else None, "output": price.output if price else None,
            "prices_from": price.source.url if price else None, "prices_as_of": price.source.as_of if price else None,
            "context_window": entry.context_window, "description": entry.description,
        })
    return rows


def provider_rows() -> list[dict[str, Any]]:
    """One dict per provider that needs a key: id, title, key variable, whether it is set, the SDK's extra and
    whether it is installed, the endpoint variable and its value, whether that endpoint is local, and what is wrong
    with it (None: nothing; a run refuses such a URL)."""
    from jira_bench_tui.agents import registry

    rows = []
    for provider in registry.PROVIDERS.values():
        if provider.key_env is None:
            continue
        endpoint = provider.env_base_url()
        problem = None
        try:
            if endpoint:
                registry.check_base_url(endpoint)
        except ValueError as exc:
            problem = str(exc)
        rows.append({
            "provider": provider.id, "title": provider.title, "key_env": provider.key_env,
            "key_set": provider.key_present(), "extra": provider.extra, "sdk_installed": provider.sdk_installed(),
            "base_url_env": provider.base_url_env, "base_url": endpoint or provider.default_base_url,
            "local": registry.is_local_url(endpoint) and problem is None, "base_url_problem": problem,
        })
    return rows


def _table(lines: list[list[str]]) -> str:
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    return "\n".join("  ".join(c.ljust(widths[i]) for i, c in enumerate(line)).rstrip() for line in lines)


def _provider_line(row: dict[str, Any]) -> list[str]:
    key = "set" if row["key_set"] else ("not set (a local endpoint needs none)" if row["local"] else "not set")
    sdk = "" if row["sdk_installed"] else f"  [SDK missing: pip install 'jira-bench[{row['extra']}]']"
    where = f"{row['base_url']}" + (" (local: cost 0)" if row["local"] else "")
    if row["base_url_problem"]:
        where += f"  [refused: {row['base_url_problem']}]"
    return [row["title"], f"{row['key_env']}: {key}", f"{row['base_url_env']} -> {where}{sdk}"]


@click.command()
@click.option("--all", "show_all", is_flag=True, help="Also the rows that only price (dated, older, unlisted models).")
@click.option("--json", "as_json", is_flag=True, help="JSON: {providers: [...], models: [...]}.")
def models(show_all: bool, as_json: bool) -> None:
    """List the models a run can use, their prices and context windows, and which keys are set.

    \b
    Names: provider/model (anthropic/claude-sonnet-4-6, openai/gpt-4o,
    openai/MODEL on any OpenAI-compatible endpoint); bare claude-* means
    Anthropic, bare gpt-*, o1*, o3*, o4* mean OpenAI. Unknown models cost 0."""
    providers, rows = provider_rows(), model_rows(show_all)
    if as_json:
        click.echo(json.dumps({"providers": providers, "models": rows}, indent=2))
        return
    click.echo(_table([["provider", "key", "endpoint"], *[_provider_line(p) for p in providers]]))
    click.echo("")
    lines = [["model", "provider", "in $/M", "cached", "out $/M", "context", "description"]]
    for row in rows:
        context = f"{row['context_window']:,}" if row["context_window"] else "-"
        lines.append([row["name"], row["provider"], _money(row["input"]), _money(row["cache_read"]),
                      _money(row["output"]), context, row["description"]])
    click.echo(_table(lines))
    sources = sorted({(r["provider"], r["prices_from"], r["prices_as_of"]) for r in rows if r["prices_from"]})
    click.echo("")
    for provider, url, as_of in sources:
        click.echo(f"{provider} prices: {url} (read {as_of})")
    click.echo("Any other id of a provider runs too (e.g. openai/llama3.1:8b on Ollama); unpriced models and "
               "local endpoints cost 0.")
