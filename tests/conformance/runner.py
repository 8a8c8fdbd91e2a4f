"""The conformance runner, shared by tests/conformance and benchmarks/conformance.py: every call of the corpus runs
through (a) the real mcp-atlassian 0.23.1 over the REST face and (b) our in-process tools, each on a fresh copy of
the same fixture, and the two answers are compared (`compare.py`).

One real-server process serves the whole corpus: before each call the database behind the running REST face is put
back to the template (`HostRegistry.reset`); our side gets a fresh copy of the template and its own in-process
server (`jira.server.build_server`) per call. A call's `setup` steps run first on both sides, on the same database;
only the last call is compared. The REST face logs the requests it receives: the endpoints the real server called,
per call, give the face's coverage."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import tempfile
import time
from collections import Counter
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
from mcp.client import Client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp_types import CallToolResult, TextContent

from jira_bench_tui.jira import db
from jira_bench_tui.jira.fixture_files import load_fixture_file
from jira_bench_tui.jira.rest import RequestRecord, RestServer, mcp_atlassian_env, served_endpoints
from jira_bench_tui.jira.server import build_server, close_server
from jira_bench_tui.jira.tools import TOOLS_BY_NAME

from .compare import Answer, Verdict, compare, site_pattern

CORPUS = Path(__file__).with_name("corpus.json")
HOST = "t-conformance.atlassian.net"
CALL_TIMEOUT = 60.0


@dataclass(frozen=True)
class Step:
    """One tool call: tool name and arguments (any JSON: bad input is sent as written)."""

    tool: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class Call:
    """One corpus entry: a label, the call compared, its group (ordinary, optional, bad_input, report), the steps
    run before it on the same database, and where it comes from (a public report's id, or '')."""

    label: str
    step: Step
    group: str
    setup: tuple[Step, ...] = ()
    source: str = ""

    @property
    def tool(self) -> str:
        """The name of the tool compared."""
        return self.step.tool


@dataclass
class Outcome:
    """One call's result: both answers, the verdict, the endpoints the real server called (in order), the
    answers of the setup steps (real, ours) and, when the entry writes, the tables whose rows differ between the two
    databases afterwards (None for read-only entries)."""

    call: Call
    real: Answer
    ours: Answer
    verdict: Verdict
    endpoints: list[str]
    setup: list[tuple[Answer, Answer]] = field(default_factory=list)
    tables: list[str] | None = None


@dataclass
class Run:
    """A whole corpus run: the outcomes, the tools each server lists, the endpoints the face serves and those the
    real server called, setup steps included (counts; `unserved` are requests no route matched, as `METHOD path`),
    and the time taken."""

    outcomes: list[Outcome]
    tools_real: list[str]
    tools_ours: list[str]
    served: list[str]
    called: Counter[str]
    unserved: Counter[str]
    seconds: float

    @property
    def identical(self) -> int:
        """How many calls got identical answers from both sides."""
        return sum(outcome.verdict.identical for outcome in self.outcomes)

    @property
    def writes(self) -> list[Outcome]:
        """The outcomes of entries that write (their databases were compared)."""
        return [outcome for outcome in self.outcomes if outcome.tables is not None]


def load_corpus(path: Path = CORPUS) -> list[Call]:
    """The corpus file as Calls. Its shape: `{"calls": [{"label", "tool", "arguments", "group", "setup"?: [{"tool",
    "arguments"}], "source"?}]}`; ValueError naming the entry when one is malformed or a label repeats."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    calls: list[Call] = []
    for index, entry in enumerate(raw["calls"]):
        try:
            setup = tuple(Step(s["tool"], s["arguments"]) for s in entry.get("setup", []))
            calls.append(Call(entry["label"], Step(entry["tool"], entry["arguments"]), entry["group"], setup,
                              entry.get("source", "")))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{path.name}: calls[{index}] is malformed ({exc!r})") from None
    labels = Counter(call.label for call in calls)
    repeated = [label for label, count in labels.items() if count > 1]
    if repeated:
        raise ValueError(f"{path.name}: labels repeat: {', '.join(repeated)}")
    return calls


def answer_of(result: CallToolResult) -> Answer:
    """An MCP tool result as an Answer (text blocks joined by newlines, other blocks as `[type]`)."""
    parts = [block.text if isinstance(block, TextContent) else f"[{block.type}]" for block in result.content]
    return Answer("\n".join(parts), bool(result.is_error), result.structured_content)


async def call_tool(client: Client, step: Step) -> Answer:
    """One call through `client`; an Answer with `crash` set when the call raises or times out."""
    try:
        with anyio.fail_after(CALL_TIMEOUT):
            result = await client.call_tool(step.tool, step.arguments, read_timeout_seconds=CALL_TIMEOUT)
    except Exception as exc:  # a crash is a finding, reported per call; the run goes on
        return Answer("", True, None, f"{type(exc).__name__}: {exc}")
    return answer_of(result)


class RealSide:
    """The real mcp-atlassian over the REST face: one face, one stdio server process, a database reset per call.
    An async context manager; `answer(call)` runs one corpus entry."""

    def __init__(self, binary: str, template: Path, workdir: Path) -> None:
        self.binary, self.template, self.workdir = binary, template, workdir
        self.records: list[RequestRecord] = []
        self.tools: list[str] = []
        self._stack = AsyncExitStack()

    async def __aenter__(self) -> RealSide:
        try:
            return await self._start()
        except BaseException:
            await self._stack.aclose()
            raise

    async def _start(self) -> RealSide:
        """Start the face, add the site, start mcp-atlassian and list its tools (each step undone by the stack)."""
        self.server = self._stack.enter_context(RestServer())
        self.path = self.workdir / "real.sqlite"
        self.server.registry.add(HOST, self.path, template=self.template)
        self._stack.callback(self.server.app.add_listener(self.records.append))
        params = StdioServerParameters(command=self.binary, env=mcp_atlassian_env(self.server.url, HOST),
                                       cwd=str(self.workdir))
        errlog = self._stack.enter_context(open(self.workdir / "mcp-atlassian.log", "w"))
        self.client = await self._stack.enter_async_context(Client(stdio_client(params, errlog=errlog),
                                                                   mode="legacy"))
        self.tools = sorted(tool.name for tool in (await self.client.list_tools()).tools)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._stack.aclose()

    async def answer(self, call: Call) -> tuple[Answer, list[Answer], list[RequestRecord], int]:
        """(the call's answer, the setup steps' answers, every request the face received for the entry, and the
        index of the first request of the compared call itself)."""
        self.server.registry.reset(HOST)
        del self.records[:]
        setup = [await call_tool(self.client, step) for step in call.setup]
        first = len(self.records)
        answer = await call_tool(self.client, call.step)
        return answer, setup, list(self.records), first


class OursSide:
    """Our in-process tools: a fresh copy of the template and a new in-process server per call."""

    def __init__(self, template: Path, workdir: Path) -> None:
        self.template, self.path = template, workdir / "ours.sqlite"
        self.tools: list[str] = []

    async def answer(self, call: Call) -> tuple[Answer, list[Answer]]:
        """(the call's answer, the setup steps' answers), on a database copied from the template just before."""
        db.copy_database(self.template, self.path)
        server = build_server(self.path)
        try:
            async with Client(server) as client:
                if not self.tools:
                    self.tools = sorted(tool.name for tool in (await client.list_tools()).tools)
                setup = [await call_tool(client, step) for step in call.setup]
                return await call_tool(client, call.step), setup
        finally:
            close_server(server)


async def run_corpus(binary: str, calls: list[Call] | None = None, fixture: str = "builtin:default",
                     workdir: Path | None = None) -> Run:
    """Run `calls` (default: the whole corpus) through both sides on `fixture` and compare every answer."""
    chosen = calls if calls is not None else load_corpus()
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="jira-bench-conformance-") as tmp:
        folder = Path(workdir or tmp)
        template = db.prepare_template(load_fixture_file(fixture))  # the shared cache: built once per fixture
        conn = db.connect(template)
        try:
            sites = site_pattern([HOST, db.read_meta(conn).base_url.split("://")[-1].strip("/")],
                                 [str(folder), str(folder.resolve())])
        finally:
            conn.close()
        ours = OursSide(template, folder)
        outcomes: list[Outcome] = []
        called: Counter[str] = Counter()
        unserved: Counter[str] = Counter()
        async with RealSide(binary, template, folder) as real:
            for call in chosen:  # both sides at once: the real server works in its own process meanwhile
                (real_answer, real_setup, records, first), (ours_answer, ours_setup) = await asyncio.gather(
                    real.answer(call), ours.answer(call))
                _count(records, called, unserved)
                tables = differing_tables(real.path, ours.path) if _writes(call) else None
                outcomes.append(Outcome(call, real_answer, ours_answer, compare(real_answer, ours_answer, sites),
                                        [r.endpoint or f"{r.method} {r.path} (unserved)" for r in records[first:]],
                                        list(zip(real_setup, ours_setup, strict=True)), tables))
            tools_real = real.tools
    return Run(outcomes, tools_real, ours.tools, served_endpoints(), called, unserved, time.monotonic() - start)


def _writes(call: Call) -> bool:
    """Whether the entry calls a tool that writes (its databases are then compared)."""
    return any(not TOOLS_BY_NAME[step.tool].read_only for step in (*call.setup, call.step)
               if step.tool in TOOLS_BY_NAME)


def differing_tables(left: Path, right: Path) -> list[str]:
    """The tables whose rows differ between two Jira databases, compared inside SQLite (`EXCEPT` both ways on the
    attached second file); full-text index tables are left out (they follow the issues and comments tables)."""
    conn = sqlite3.connect(f"file:{left}?mode=ro", uri=True)
    try:
        conn.execute("ATTACH DATABASE ? AS other", (f"file:{right}?mode=ro",))
        names = [r[0] for r in conn.execute("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT "
                                            "LIKE 'sqlite_%' AND name NOT LIKE '%_text%'")]
        return sorted(name for name in names if conn.execute(
            f'SELECT EXISTS (SELECT * FROM main."{name}" EXCEPT SELECT * FROM other."{name}") OR EXISTS '
            f'(SELECT * FROM other."{name}" EXCEPT SELECT * FROM main."{name}")').fetchone()[0])
    finally:
        conn.close()


def _count(records: list[RequestRecord], called: Counter[str], unserved: Counter[str]) -> None:
    """Count the endpoints of a call's requests; requests no route matched are counted apart, ids generalised."""
    for record in records:
        if record.endpoint is not None:
            called[record.endpoint] += 1
        else:
            path = "/".join("{id}" if part.isdigit() else "{key}" if re.fullmatch(r"[A-Z][A-Z0-9_]+-\d+", part)
                            else part for part in record.path.split("/"))
            unserved[f"{record.method} {path}"] += 1
