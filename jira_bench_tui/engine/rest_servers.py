"""What a --server string names when it is a real REST-speaking Jira MCP server (`mcp-atlassian[==VERSION]`,
`rest:'CMD'`), and the server a run's trials start: the light part of engine/rest_trials.py, imported by the
launcher and the worker without the REST face or the MCP client (an embedded run never needs them).

Public API: `REST_KINDS`, `RestKind`, `RestTrialServer`, `parse_server_text(text)`, `trial_server(kind, version,
command)`.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Literal

from jira_bench_tui.engine import server_envs
from jira_bench_tui.errors import UserError

RestKind = Literal["mcp-atlassian", "rest"]
REST_KINDS: tuple[str, ...] = ("mcp-atlassian", "rest")


@dataclass(frozen=True)
class RestTrialServer:
    """The stdio MCP server every trial of a run starts over its own site: `kind` mcp-atlassian or rest,
    `command` its argv (mcp-atlassian: the managed executable), `env` extra variables (the harness's)."""

    kind: RestKind
    command: tuple[str, ...]
    version: str | None = None
    env: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        """'mcp-atlassian 0.23.1' or the command, for messages."""
        return f"mcp-atlassian {self.version}" if self.kind == "mcp-atlassian" else shlex.join(self.command)


def parse_server_text(text: str) -> tuple[RestKind, str | None, list[str] | None] | None:
    """What a --server string asks for: ("mcp-atlassian", version or None, None), ("rest", None, argv), or None when
    it is neither (builtin, or a plain command). UserError for `rest:` without a command or a bad version."""
    stripped = text.strip()
    if stripped.lower().startswith("rest:"):
        from jira_bench_tui.engine.server_command import parse_server_command

        return "rest", None, parse_server_command(stripped[len("rest:"):])
    name = stripped.partition("==")[0].strip().lower()
    if name == server_envs.MCP_ATLASSIAN:
        return "mcp-atlassian", server_envs.parse_requirement(stripped)[1], None
    return None


def trial_server(kind: str, version: str | None, command: list[str] | None,
                 env: dict[str, str] | None = None) -> RestTrialServer:
    """The server a run's trials start. For mcp-atlassian the managed install of `version` (default: the pinned
    one); UserError(field="server") naming the install command when it is not installed."""
    if kind == "rest":
        if not command:
            raise UserError("--server rest: needs a command, e.g. rest:'my-jira-mcp --stdio'", field="server")
        return RestTrialServer("rest", tuple(command), None, dict(env or {}))
    if kind != "mcp-atlassian":
        raise UserError(f"unknown REST server kind {kind!r}", field="server")
    wanted = version or server_envs.DEFAULT_VERSIONS[server_envs.MCP_ATLASSIAN]
    executable = server_envs.find(server_envs.MCP_ATLASSIAN, wanted)
    if executable is None:
        pin = "" if wanted == server_envs.DEFAULT_VERSIONS[server_envs.MCP_ATLASSIAN] else f"=={wanted}"
        raise UserError(f"mcp-atlassian {wanted} is not installed; run: jira-bench servers install "
                        f"mcp-atlassian{pin}", field="server")
    return RestTrialServer("mcp-atlassian", (str(executable),), wanted, dict(env or {}))
