"""The new-run form: harness, model (offered grouped by provider, with the keys that are missing), the model's base
URL and extra API arguments, repetitions, concurrency, limits and server; bad input is shown on its field.

Launching runs `launcher.launch` in a worker thread and switches to the new run's monitor tab at once.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import (
    Button,
    Footer,
    Header,
    Input,
    Label,
    OptionList,
    RadioButton,
    RadioSet,
    Select,
    Static,
)
from textual.widgets.option_list import Option

from jira_bench_tui.errors import UserError

if TYPE_CHECKING:
    from jira_bench_tui.engine.agent_factory import ModelChoice
from jira_bench_tui.harness.loader import builtin_fixture_names, builtin_harness_names
from jira_bench_tui.tui import run_control
from jira_bench_tui.tui.screens.harness_picker import HarnessPickerScreen

FIELDS = ("harness", "model", "model_base_url", "model_args", "runs", "concurrency", "max_turns", "wall_time", "server", "fixture", "max_memory",
          "max_cpu_time", "nice")
LIMIT_FIELDS = (("max_memory", "Worker max memory", "no limit, e.g. 2G"),
                ("max_cpu_time", "Worker max CPU time", "no limit, e.g. 30m"), ("nice", "Worker nice", "0-19"))


def known_models() -> list[ModelChoice]:
    """The models the form offers, grouped by provider (engine/agent_factory.py reads the model registry)."""
    from jira_bench_tui.engine.agent_factory import model_choices

    return model_choices()


def model_options(models: list[ModelChoice]) -> list[Option]:
    """The model menu: a disabled heading per provider (with its key's state), then its models."""
    options: list[Option] = []
    provider = None
    for choice in models:
        if choice.provider != provider:
            provider = choice.provider
            key = "" if choice.key_env is None else f"  {choice.key_env} {'set' if choice.key_set else 'missing'}"
            options.append(Option(f"── {choice.provider_title}{key}", id=f"provider:{provider}", disabled=True))
        options.append(Option(f"{choice.name} — {choice.description}", id=choice.name))
    return options


def key_hint() -> str:
    """Which providers' keys are set and which are missing (a local OpenAI-compatible endpoint needs none)."""
    from jira_bench_tui.engine.agent_factory import provider_status

    parts = []
    for title, key_env, key_set, sdk in provider_status():
        state = "set" if key_set else "missing"
        if not key_set and key_env == "OPENAI_API_KEY":
            state += " (a local endpoint needs none)"
        parts.append(f"{key_env} {state}" + ("" if sdk else f" ({title}: SDK not installed)"))
    return " · ".join([*parts, "offline agents need no key"])


def real_server_hint() -> str:
    """Whether the pinned mcp-atlassian is installed: where, or the command that installs it."""
    from jira_bench_tui.engine import server_envs

    version = server_envs.DEFAULT_VERSIONS[server_envs.MCP_ATLASSIAN]
    found = server_envs.find(server_envs.MCP_ATLASSIAN)
    if found is None:
        return (f"mcp-atlassian {version} is not installed: run `jira-bench servers install mcp-atlassian` "
                "first. Each trial starts it over its own fresh Jira.")
    return f"mcp-atlassian {version} ({found}); each trial starts it over its own fresh Jira."


def parse_whole(text: str, what: str, field: str, optional: bool = False) -> int | None:
    """A whole number >= 1 from a form field, or UserError(field=...) naming what is wrong."""
    text = text.strip()
    if not text and optional:
        return None
    try:
        value = int(text)
    except ValueError:
        raise UserError(f"{what} must be a whole number of 1 or more, got {text!r}", field=field) from None
    if value < 1:
        raise UserError(f"{what} must be 1 or more, got {value}", field=field)
    return value


def parse_model_args(text: str) -> list[str]:
    """The model-args field as KEY=VALUE items (split like a shell line, so a value may be quoted);
    UserError(field="model_args") when it cannot be read."""
    try:
        return shlex.split(text)
    except ValueError as exc:
        raise UserError(f"cannot read the model arguments: {exc}", field="model_args") from None


def parse_seconds(text: str) -> float | None:
    """A wall time in seconds (more than 0) from the form, None when empty; UserError(field="wall_time") else."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise UserError(f"wall time must be a number of seconds, got {text!r}", field="wall_time") from None
    if value <= 0:
        raise UserError(f"wall time must be more than 0 seconds, got {text}", field="wall_time")
    return value


class NewRunScreen(Screen[None]):
    """Fill in the run, press ctrl+s (or the Launch button)."""

    BINDINGS = [
        Binding("ctrl+s", "launch", "Launch", tooltip="Check the form and launch the run", id="launch-run"),
        Binding("ctrl+o", "browse", "Browse harness", tooltip="Pick a harness file from disk", id="browse-harness"),
        Binding("escape", "app.show_runs", "Back", tooltip="Back to the runs list", id="back-to-runs"),
    ]

    def __init__(self) -> None:
        super().__init__(id="new-run-screen")
        self.launching = False

    def compose(self) -> ComposeResult:
        """Lay out the form: harness (built-ins, Browse), model and its API-key hint, repetitions, concurrency,
        max turns and wall time side by side, the server choice, then the Launch row."""
        builtins = [f"builtin:{name}" for name in builtin_harness_names()]
        models = known_models()
        yield Header()
        with VerticalScroll(id="new-run-form"):
            yield Label("Harness", classes="field-label")
            with Horizontal(classes="field-row"):
                yield Input(builtins[0] if builtins else "", placeholder="builtin:NAME or a harness .json file",
                            suggester=SuggestFromList(builtins), id="harness")
                yield Button("Browse…", id="browse")
            yield OptionList(*[Option(name, id=name) for name in builtins], id="builtin-harnesses")
            yield Static("", classes="field-error", id="error-harness", markup=False)

            yield from self._model_fields(models)

            with Horizontal(classes="field-grid"):
                with Vertical(classes="field-cell"):
                    yield Label("Repetitions", classes="field-label")
                    yield Input("1", id="runs")
                    yield Static("", classes="field-error", id="error-runs", markup=False)
                with Vertical(classes="field-cell"):
                    yield Label("Concurrency", classes="field-label")
                    yield Input("4", id="concurrency")
                    yield Static("", classes="field-error", id="error-concurrency", markup=False)
                with Vertical(classes="field-cell"):
                    yield Label("Max turns", classes="field-label")
                    yield Input("", placeholder="harness default", id="max_turns")
                    yield Static("", classes="field-error", id="error-max_turns", markup=False)
                with Vertical(classes="field-cell"):
                    yield Label("Wall time (s)", classes="field-label")
                    yield Input("", placeholder="harness default", id="wall_time")
                    yield Static("", classes="field-error", id="error-wall_time", markup=False)

            yield Label("Jira server", classes="field-label")
            with RadioSet(id="server-kind"):
                yield RadioButton("Embedded Jira", value=True, id="server-embedded")
                yield RadioButton("MCP server command (stdio)", id="server-command-choice")
                yield RadioButton("Real mcp-atlassian over the embedded Jira", id="server-mcp-atlassian")
            yield Select([("harness fixture", "")] + [(f"builtin:{n}", f"builtin:{n}") for n in builtin_fixture_names()],
                         value="", allow_blank=False, id="fixture")
            yield Static("", classes="field-error", id="error-fixture", markup=False)
            yield Input("", placeholder="e.g. uvx mcp-atlassian", id="server-command", classes="-hidden")
            yield Static("", classes="field-hint -hidden", id="server-hint", markup=False)
            yield Static("", classes="field-error", id="error-server", markup=False)
            yield from self._limit_fields()

            with Horizontal(id="launch-row"):
                yield Button("Launch (ctrl+s)", variant="primary", id="launch")
                yield Static("", id="launch-status", markup=False)
        yield Footer()

    @staticmethod
    def _model_fields(models: list[ModelChoice]) -> ComposeResult:
        """The model: its name, the menu grouped by provider, the key hint, its base URL and extra API arguments."""
        yield Label("Model", classes="field-label")
        yield Input("oracle", placeholder="oracle, anthropic/claude-..., openai/gpt-... or openai/ANY-LOCAL-MODEL",
                    suggester=SuggestFromList([choice.name for choice in models]), id="model")
        yield OptionList(*model_options(models), id="model-list")
        yield Static(key_hint(), classes="field-hint", id="model-hint", markup=False)
        yield Static("", classes="field-error", id="error-model", markup=False)
        with Horizontal(classes="field-grid", id="model-options"):
            with Vertical(classes="field-cell"):
                yield Label("Model base URL", classes="field-label")
                yield Input("", placeholder="provider default, e.g. http://localhost:11434/v1", id="model_base_url")
                yield Static("", classes="field-error", id="error-model_base_url", markup=False)
            with Vertical(classes="field-cell"):
                yield Label("Model args", classes="field-label")
                yield Input("", placeholder="KEY=VALUE ..., e.g. temperature=0", id="model_args")
                yield Static("", classes="field-error", id="error-model_args", markup=False)

    @staticmethod
    def _limit_fields() -> ComposeResult:
        """The worker's resource limits (engine/limits.py): memory, CPU time, nice; empty means no limit."""
        with Horizontal(classes="field-grid", id="limits-grid"):
            for field_id, label, placeholder in LIMIT_FIELDS:
                with Vertical(classes="field-cell"):
                    yield Label(label, classes="field-label")
                    yield Input("", placeholder=placeholder, id=field_id)
                    yield Static("", classes="field-error", id=f"error-{field_id}", markup=False)

    # ---- field helpers ---------------------------------------------------------------------------------------

    def value(self, field_id: str) -> str:
        """The text of the Input whose id is `field_id`."""
        return self.query_one(f"#{field_id}", Input).value

    def show_error(self, field: str | None, message: str) -> None:
        """Put `message` under its field (or by the Launch button when no field is named)."""
        target = field if field in FIELDS else None
        if target is None:
            self.query_one("#launch-status", Static).update(message)
            return
        error = self.query_one(f"#error-{target}", Static)
        error.update(message)
        error.add_class("-shown")
        widget_id = {"server": "server-command" if self.command_chosen else "server-kind"}.get(target, target)
        widget = self.query_one(f"#{widget_id}")
        widget.add_class("-invalid-field")
        if target != "server" or self.command_chosen:
            widget.focus()

    def clear_errors(self) -> None:
        """Empty every field's error, unmark the invalid fields and clear the launch status."""
        for field in FIELDS:
            error = self.query_one(f"#error-{field}", Static)
            error.update("")
            error.remove_class("-shown")
        for widget in self.query(".-invalid-field"):
            widget.remove_class("-invalid-field")
        self.query_one("#launch-status", Static).update("")

    @property
    def command_chosen(self) -> bool:
        """Whether the server is an MCP command (rather than the embedded Jira)."""
        return self.query_one("#server-command-choice", RadioButton).value

    @property
    def real_server_chosen(self) -> bool:
        """The real mcp-atlassian (over a fresh embedded Jira per trial) is the chosen server."""
        return self.query_one("#server-mcp-atlassian", RadioButton).value

    @on(RadioSet.Changed, "#server-kind")
    def _server_kind(self) -> None:
        command = self.command_chosen
        self.query_one("#server-command").set_class(not command, "-hidden")
        self.query_one("#fixture").set_class(command, "-hidden")
        hint = self.query_one("#server-hint", Static)
        hint.set_class(not self.real_server_chosen, "-hidden")
        if self.real_server_chosen:
            hint.update(real_server_hint())

    @on(OptionList.OptionSelected, "#builtin-harnesses")
    def _builtin_chosen(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#harness", Input).value = str(event.option.id)

    @on(OptionList.OptionSelected, "#model-list")
    def _model_chosen(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#model", Input).value = str(event.option.id)

    @on(Button.Pressed, "#browse")
    def action_browse(self) -> None:
        """Open the harness file picker (ctrl+o or Browse); the chosen path goes into the harness field."""
        def picked(path: Path | None) -> None:
            if path is not None:
                self.query_one("#harness", Input).value = str(path)

        self.app.push_screen(HarnessPickerScreen(Path.cwd()), picked)

    # ---- launch ----------------------------------------------------------------------------------------------

    def build_request(self) -> dict[str, Any]:
        """The RunRequest fields from the form; UserError(field=...) for what the form itself can tell is wrong."""
        fields: dict[str, Any] = {
            "harness": self.value("harness").strip(),
            "model": self.value("model").strip(),
            "model_base_url": self.value("model_base_url").strip() or None,
            "model_args": parse_model_args(self.value("model_args")),
            "runs": parse_whole(self.value("runs"), "repetitions", "runs"),
            "concurrency": parse_whole(self.value("concurrency"), "concurrency", "concurrency"),
            "max_turns": parse_whole(self.value("max_turns"), "max turns", "max_turns", optional=True),
            "wall_time_s": parse_seconds(self.value("wall_time")),
            **{field_id: self.value(field_id).strip() or None for field_id, _label, _hint in LIMIT_FIELDS},
        }
        if not fields["harness"]:
            raise UserError("which harness? pick a built-in one or give a harness file", field="harness")
        if not fields["model"]:
            raise UserError("which model? e.g. oracle, anthropic/claude-... or openai/gpt-...", field="model")
        if self.command_chosen:
            command = self.value("server-command").strip()
            if not command:
                raise UserError("give the MCP server command to run, e.g. uvx mcp-atlassian", field="server")
            try:
                shlex.split(command)
            except ValueError as exc:
                raise UserError(f"cannot read the server command: {exc}", field="server") from None
            fields["server"] = command
        else:
            if self.real_server_chosen:
                fields["server"] = "mcp-atlassian"
            fixture = self.query_one("#fixture", Select).value
            fields["fixture"] = str(fixture) if fixture not in (Select.NULL, "") else None
        return fields

    @on(Button.Pressed, "#launch")
    def action_launch(self) -> None:
        """Check the form and launch the run in a worker (ctrl+s or Launch); what is wrong shows under its field."""
        if self.launching:
            return
        self.clear_errors()
        try:
            fields = self.build_request()
        except UserError as exc:
            self.show_error(exc.field, str(exc))
            return
        self.launching = True
        self.query_one("#launch-status", Static).update("checking and launching…")
        self._launch(fields)

    @work(thread=True, exclusive=True, group="launch", description="Launching a run")
    def _launch(self, fields: dict[str, Any]) -> None:
        results: Path = self.app.results  # type: ignore[attr-defined]
        try:
            folder = run_control.launch(run_control.make_request(**fields), results)
        except UserError as exc:
            self.app.call_from_thread(self._failed, exc.field, str(exc))
            return
        except OSError as exc:
            self.app.call_from_thread(self._failed, None, f"could not start the run: {exc}")
            return
        self.app.call_from_thread(self._launched, folder)

    def _failed(self, field: str | None, message: str) -> None:
        self.launching = False
        self.query_one("#launch-status", Static).update("")
        self.show_error(field, message)

    def _launched(self, folder: Path) -> None:
        self.launching = False
        self.query_one("#launch-status", Static).update(f"launched {folder.name}")
        self.app.run_launched(folder)  # type: ignore[attr-defined]
