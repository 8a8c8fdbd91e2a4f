"""The new-run form: harness, model (offered grouped by provider, with the keys that are missing), the model's base
URL and extra API arguments, repetitions, concurrency, limits and server; bad input is shown on its field.

Launching runs `launcher.launch` in a worker thread and switches to the new run's monitor tab at once.
"""

from __future__ import annotations

import functools
import shlex
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
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

from jira_bench_tui.engine.limits import parse_duration, parse_nice, parse_size
from jira_bench_tui.engine.run_folder import MAX_NOTE
from jira_bench_tui.errors import UserError

if TYPE_CHECKING:
    from jira_bench_tui.engine.agent_factory import ModelChoice
from jira_bench_tui.harness.loader import (
    HarnessError,
    builtin_fixture_names,
    builtin_harness_names,
    harness_summary,
)
from jira_bench_tui.tui import form_settings, run_control
from jira_bench_tui.tui.access import bench_app
from jira_bench_tui.tui.messages import RunLaunched
from jira_bench_tui.tui.screens.harness_picker import HarnessPickerScreen

FIELDS = ("harness", "model", "model_base_url", "model_args", "runs", "concurrency", "max_turns", "wall_time", "server",
          "fixture", "workers", "max_memory", "max_cpu_time", "nice", "note")
FIELD_NAMES = {"harness": "harness", "model": "model", "model_base_url": "model base URL", "model_args": "model args",
               "runs": "repetitions", "concurrency": "concurrency",
               "max_turns": "max turns", "wall_time": "wall time", "server": "server", "fixture": "fixture",
               "workers": "workers", "max_memory": "max memory", "max_cpu_time": "max CPU time", "nice": "nice",
               "note": "note"}
"""How the launch line names a field in error."""
LIMIT_FIELDS = (("max_memory", "Max memory", "e.g. 2G"), ("max_cpu_time", "Max CPU time", "e.g. 30m"),
                ("nice", "Nice", "0-19"))
"""Each worker process's limits: field id, label, placeholder (empty: no limit)."""


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


@functools.cache
def builtin_line(source: str) -> str:
    """What a built-in harness holds, read from the harness (once per process, ~10 ms): '66 scenarios · 20 easy,
    30 medium, 16 hard'; '' when it cannot be read."""
    try:
        return harness_summary(source).line()
    except HarnessError:
        return ""


def builtin_options(builtins: list[str]) -> list[Option]:
    """The built-in harness list: each name, then (aligned, muted) its scenario count and tiers."""
    width = max((len(name) for name in builtins), default=0)
    options = []
    for name in builtins:
        prompt = Text(name.ljust(width + 2))
        prompt.append(builtin_line(name), style="dim")
        options.append(Option(prompt, id=name))
    return options


def fixture_options() -> list[tuple[str, str]]:
    """The fixture menu: the harness's own, then the built-in fixtures."""
    return [("harness fixture", "")] + [(f"builtin:{n}", f"builtin:{n}") for n in builtin_fixture_names()]


NUMBER_LIMITS = {"runs": 1000, "concurrency": 4096, "max_turns": 500, "workers": 256}
"""The largest value of each whole-number field (the engine's limits: engine/launcher.py)."""
MAX_WALL_TIME_S = 86400.0


def parse_whole(text: str, field: str, optional: bool = False) -> int | None:
    """A whole number from 1 to the field's limit, or UserError(field=...) in the field's own words (the message
    sits under the field's label: "a whole number from 1 to 1000, got 'abc'")."""
    text = text.strip()
    if not text and optional:
        return None
    highest = NUMBER_LIMITS[field]
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not 1 <= value <= highest:
        raise UserError(f"a whole number from 1 to {highest}, got {text!r}", field=field)
    return value


def parse_models(text: str) -> list[str]:
    """The model field as a list of models (comma-separated: several make a sweep, one run per model), in order,
    without blanks or repeats ('oracle, null,oracle' -> ['oracle', 'null'])."""
    return list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


def toggle_model(text: str, model: str) -> str:
    """The model field with `model` added at the end, or taken out when it is listed already."""
    models = parse_models(text)
    models = [m for m in models if m != model] if model in models else [*models, model]
    return ", ".join(models)


class ModelMenu(OptionList):
    """The model menu: Enter puts the model in the field; `,` adds it to (or takes it out of) the field's list, for
    a sweep of several models."""

    BINDINGS = [Binding("comma", "add_model", "Add to sweep", tooltip="Add the model to the sweep (or take it out)",
                        id="add-model")]

    class Added(Message):
        """The user asked to add (or take out) the highlighted model."""

        def __init__(self, model: str) -> None:
            super().__init__()
            self.model = model

    def action_add_model(self) -> None:
        """Add the highlighted model to the field's list, or take it out (key ,)."""
        option = self.highlighted_option
        if option is not None and not option.disabled and option.id:
            self.post_message(self.Added(option.id))


def parse_model_args(text: str) -> list[str]:
    """The model-args field as KEY=VALUE items (split like a shell line, so a value may be quoted);
    UserError(field="model_args") when it cannot be read."""
    try:
        return shlex.split(text)
    except ValueError as exc:
        raise UserError(f"cannot read the model arguments: {exc}", field="model_args") from None


def parse_seconds(text: str) -> float | None:
    """A wall time in seconds (above 0, at most a day) from the form, None when empty; UserError(field="wall_time")."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= MAX_WALL_TIME_S:
        raise UserError(f"a number of seconds above 0 and at most {MAX_WALL_TIME_S:g} (a day), got {text!r}",
                        field="wall_time")
    return value


def field_words(message: str) -> str:
    """An engine message as its field shows it: without a leading 'PATH: ' that the message repeats ('x.json: harness
    file x.json does not exist' -> 'harness file x.json does not exist')."""
    head, sep, rest = message.partition(": ")
    if sep and head and head in rest:
        return rest
    return message


def collect(errors: dict[str, str], check: Callable[[], Any]) -> Any:
    """Run `check`; a UserError it raises goes into `errors` under its field ('' for none), the first per field.
    Returns the check's value, or None when it failed."""
    try:
        return check()
    except UserError as exc:
        errors.setdefault(exc.field or "", field_words(str(exc)))
        return None


class FieldInput(Input):
    """A form field that selects its whole text when it gains focus, by Tab or by a click, so typing replaces the
    value ('10' typed into '40' gives '10', never '4010')."""

    _select_on_click = False

    def on_focus(self) -> None:
        """The next click (the one that gave focus, if any) selects the text instead of placing the cursor."""
        self._select_on_click = True

    def on_blur(self) -> None:
        """Clicks into a focused field place the cursor as usual."""
        self._select_on_click = False

    def on_mouse_up(self) -> None:
        """After the click that focused the field: select all its text."""
        if self._select_on_click:
            self._select_on_click = False
            if self.selection.is_empty:
                self.select_all()


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
        with VerticalScroll(id="new-run-form", can_focus=False):
            yield Label("Harness", classes="field-label")
            with Horizontal(classes="field-row"):
                yield FieldInput(builtins[0] if builtins else "", placeholder="builtin:NAME or a harness .json file",
                                 suggester=SuggestFromList(builtins), id="harness")
                yield Button("Browse…", id="browse")
            yield OptionList(*builtin_options(builtins), id="builtin-harnesses")
            yield Static("", classes="field-error", id="error-harness", markup=False)

            yield from self._model_fields(models)

            with Horizontal(classes="field-grid"):
                with Vertical(classes="field-cell"):
                    yield Label("Repetitions", classes="field-label")
                    yield FieldInput("1", id="runs")
                    yield Static("", classes="field-error", id="error-runs", markup=False)
                with Vertical(classes="field-cell"):
                    yield Label("Concurrency", classes="field-label")
                    yield FieldInput("4", id="concurrency")
                    yield Static("", classes="field-error", id="error-concurrency", markup=False)
                with Vertical(classes="field-cell"):
                    yield Label("Max turns", classes="field-label")
                    yield FieldInput("", placeholder="harness default", id="max_turns")
                    yield Static("", classes="field-error", id="error-max_turns", markup=False)
                with Vertical(classes="field-cell"):
                    yield Label("Wall time (s)", classes="field-label")
                    yield FieldInput("", placeholder="harness default", id="wall_time")
                    yield Static("", classes="field-error", id="error-wall_time", markup=False)

            yield Label("Jira server", classes="field-label")
            with RadioSet(id="server-kind"):
                yield RadioButton("Embedded Jira", value=True, id="server-embedded")
                yield RadioButton("MCP server command (stdio)", id="server-command-choice")
                yield RadioButton("Real mcp-atlassian over the embedded Jira", id="server-mcp-atlassian")
            yield Select(fixture_options(), value="", allow_blank=False, id="fixture")
            yield Static("", classes="field-error", id="error-fixture", markup=False)
            yield FieldInput("", placeholder="e.g. uvx mcp-atlassian", id="server-command", classes="-hidden")
            yield Static("", classes="field-hint -hidden", id="server-hint", markup=False)
            yield Static("", classes="field-error", id="error-server", markup=False)
            yield from self._limit_fields()
            yield Label("Note", classes="field-label")
            yield FieldInput("", placeholder="optional: a label for the run(s), shown in lists, tabs and reports",
                             max_length=MAX_NOTE, id="note")
            yield Static("", classes="field-error", id="error-note", markup=False)
        with Horizontal(id="launch-row"):  # outside the scrolled form: always on screen, even at 80x24
            yield Button("Launch (ctrl+s)", variant="primary", compact=True, id="launch")
            yield Static("", id="launch-status", markup=False)
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        """Fill the form (the settings the app asked for, e.g. a run's for "run again", else the last launched
        ones; a corrupt settings file is ignored with a notice) and focus the first field, so typing fills it."""
        settings = bench_app(self).take_form_settings()
        if settings is None:
            settings, problem = form_settings.load_last()
            if problem:
                self.notify(problem, title="Last settings ignored", severity="warning", markup=False)
        if settings:
            self.fill(settings)
        self.query_one("#harness", Input).focus()

    # ---- settings --------------------------------------------------------------------------------------------

    INPUTS = {"harness": "harness", "model": "model", "model_base_url": "model_base_url", "model_args": "model_args",
              "runs": "runs", "concurrency": "concurrency", "max_turns": "max_turns", "wall_time": "wall_time",
              "server_command": "server-command", "workers": "workers", "max_memory": "max_memory", "max_cpu_time": "max_cpu_time",
              "nice": "nice", "note": "note"}
    """The text fields by settings key (form_settings.FORM_KEYS) -> widget id."""
    SERVER_BUTTONS = {"embedded": "server-embedded", "command": "server-command-choice",
                      "mcp-atlassian": "server-mcp-atlassian"}

    def settings(self) -> form_settings.Settings:
        """The form as settings (form_settings): each field's text, the server kind and fixture."""
        values = {key: self.value(widget) for key, widget in self.INPUTS.items()}
        kind = "command" if self.command_chosen else "mcp-atlassian" if self.real_server_chosen else "embedded"
        fixture = self.query_one("#fixture", Select).value
        return {**values, "server_kind": kind, "fixture": str(fixture) if fixture not in (Select.NULL, "") else ""}

    def fill(self, settings: form_settings.Settings) -> None:
        """Put `settings` in the form (keys it lacks keep their field as it is); errors shown before are cleared."""
        for key, widget in self.INPUTS.items():
            if key in settings:
                self.query_one(f"#{widget}", Input).value = settings[key]
        button = self.SERVER_BUTTONS.get(settings.get("server_kind", ""))
        if button:
            self.query_one(f"#{button}", RadioButton).value = True
        if "fixture" in settings:
            select = self.query_one("#fixture", Select)
            fixture = settings["fixture"]
            options = fixture_options()
            if fixture and fixture not in [value for _label, value in options]:
                options.append((fixture, fixture))  # a fixture file of an earlier run
            select.set_options(options)
            select.value = fixture
        self.clear_errors()

    @staticmethod
    def _model_fields(models: list[ModelChoice]) -> ComposeResult:
        """The model: its name, the menu grouped by provider, the key hint, its base URL and extra API arguments."""
        yield Label("Model", classes="field-label")
        yield FieldInput("oracle", placeholder="oracle, anthropic/claude-..., openai/gpt-... or openai/ANY-LOCAL-MODEL; "
                         "several, comma-separated: a sweep", suggester=SuggestFromList([choice.name for choice in models]),
                         id="model")
        yield ModelMenu(*model_options(models), id="model-list")
        yield Static(key_hint(), classes="field-hint", id="model-hint", markup=False)
        yield Static("", classes="field-error", id="error-model", markup=False)
        with Horizontal(classes="field-grid", id="model-options"):
            with Vertical(classes="field-cell"):
                yield Label("Model base URL", classes="field-label")
                yield FieldInput("", placeholder="provider default, e.g. http://localhost:11434/v1", id="model_base_url")
                yield Static("", classes="field-error", id="error-model_base_url", markup=False)
            with Vertical(classes="field-cell"):
                yield Label("Model args", classes="field-label")
                yield FieldInput("", placeholder="KEY=VALUE ..., e.g. temperature=0", id="model_args")
                yield Static("", classes="field-error", id="error-model_args", markup=False)

    @staticmethod
    def _limit_fields() -> ComposeResult:
        """The worker processes: how many run the trials (`--workers`; empty: the machine's cores, engine/
        trial_processes.py) and each one's resource limits (engine/limits.py: memory, CPU time, nice; empty means
        no limit)."""
        yield Label("Worker processes (empty: all cores, no limits)", classes="field-label")
        with Horizontal(classes="field-grid", id="limits-grid"):
            with Vertical(classes="field-cell"):
                yield Label("How many", classes="field-label")
                yield FieldInput("", placeholder="all cores", id="workers")
                yield Static("", classes="field-error", id="error-workers", markup=False)
            for field_id, label, placeholder in LIMIT_FIELDS:
                with Vertical(classes="field-cell"):
                    yield Label(label, classes="field-label")
                    yield FieldInput("", placeholder=placeholder, id=field_id)
                    yield Static("", classes="field-error", id=f"error-{field_id}", markup=False)

    # ---- field helpers ---------------------------------------------------------------------------------------

    def value(self, field_id: str) -> str:
        """The text of the Input whose id is `field_id`."""
        return self.query_one(f"#{field_id}", Input).value

    def show_error(self, field: str | None, message: str) -> None:
        """Put `message` under its field (or by the Launch button when no field is named)."""
        self.show_errors({field or "": message})

    def _widget_of(self, field: str) -> str:
        return {"server": "server-command" if self.command_chosen else "server-kind"}.get(field, field)

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show every error at once, each under its field (one without a field by the Launch button), and focus
        the first field in error."""
        first = None
        for field in FIELDS:
            message = errors.get(field)
            error = self.query_one(f"#error-{field}", Static)
            error.update(message or "")
            error.set_class(bool(message), "-shown")
            self.query_one(f"#{self._widget_of(field)}").set_class(bool(message), "-invalid-field")
            if message and first is None:
                first = field
        stray = [message for field, message in errors.items() if field not in FIELDS]
        named = [FIELD_NAMES[field] for field in FIELDS if errors.get(field)]
        if named:
            stray.insert(0, f"to fix: {', '.join(named)}")
        self.query_one("#launch-status", Static).update("; ".join(stray))
        if first is not None and (first != "server" or self.command_chosen):
            self.query_one(f"#{self._widget_of(first)}").focus()

    def clear_errors(self) -> None:
        """Empty every field's error, unmark the invalid fields and clear the launch status."""
        self.show_errors({})

    def _clear_field_error(self, field: str) -> None:
        self.query_one(f"#error-{field}", Static).update("")
        self.query_one(f"#error-{field}", Static).remove_class("-shown")
        self.query_one(f"#{self._widget_of(field)}").remove_class("-invalid-field")
        named = [FIELD_NAMES[f] for f in FIELDS if self.query_one(f"#error-{f}", Static).has_class("-shown")]
        self.query_one("#launch-status", Static).update(f"to fix: {', '.join(named)}" if named else "")

    @on(Input.Changed)
    def _field_changed(self, event: Input.Changed) -> None:
        """A field in error is checked again as it changes; its error goes once it is fixed (a field only the
        engine can judge, such as the harness, loses its stale error at once: ctrl+s judges it again)."""
        field = "server" if event.input.id == "server-command" else event.input.id or ""
        if field not in FIELDS or not self.query_one(f"#error-{field}", Static).has_class("-shown"):
            return
        errors: dict[str, str] = {}
        self._form_fields(errors)
        if field in errors:
            self.show_error_on(field, errors[field])
        else:
            self._clear_field_error(field)

    def show_error_on(self, field: str, message: str) -> None:
        """Change the message under one field (the others stay as they are)."""
        self.query_one(f"#error-{field}", Static).update(message)

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

    @on(ModelMenu.Added)
    def _model_added(self, event: ModelMenu.Added) -> None:
        field = self.query_one("#model", Input)
        field.value = toggle_model(field.value, event.model)

    @on(Button.Pressed, "#browse")
    def action_browse(self) -> None:
        """Open the harness file picker (ctrl+o or Browse); the chosen path goes into the harness field."""
        def picked(path: Path | None) -> None:
            if path is not None:
                self.query_one("#harness", Input).value = str(path)

        self.app.push_screen(HarnessPickerScreen(Path.cwd()), picked)

    # ---- launch ----------------------------------------------------------------------------------------------

    def _form_fields(self, errors: dict[str, str]) -> dict[str, Any]:
        """The RunRequest fields from the form; what the form itself can tell is wrong goes into `errors` (by field)."""
        limits = {field_id: self.value(field_id).strip() or None for field_id, _label, _hint in LIMIT_FIELDS}
        collect(errors, lambda: parse_size(limits["max_memory"]))
        collect(errors, lambda: parse_duration(limits["max_cpu_time"]))
        collect(errors, lambda: parse_nice(limits["nice"]))
        fields: dict[str, Any] = {
            "harness": self.value("harness").strip(),
            "model": self.value("model").strip(),
            "model_base_url": self.value("model_base_url").strip() or None,
            "model_args": collect(errors, lambda: parse_model_args(self.value("model_args"))) or [],
            "runs": collect(errors, lambda: parse_whole(self.value("runs"), "runs")),
            "concurrency": collect(errors, lambda: parse_whole(self.value("concurrency"), "concurrency")),
            "workers": collect(errors, lambda: parse_whole(self.value("workers"), "workers", optional=True)),
            "max_turns": collect(errors, lambda: parse_whole(self.value("max_turns"), "max_turns", optional=True)),
            "wall_time_s": collect(errors, lambda: parse_seconds(self.value("wall_time"))),
            "note": self.value("note").strip() or None,
            **limits,
        }
        if not fields["harness"]:
            errors.setdefault("harness", "which harness? pick a built-in one or give a harness file")
        if not parse_models(fields["model"]):
            errors.setdefault("model", "which model? e.g. oracle, anthropic/claude-... or openai/gpt-...")
        if self.command_chosen:
            command = self.value("server-command").strip()
            if not command:
                errors.setdefault("server", "give the MCP server command to run, e.g. uvx mcp-atlassian")
            else:
                try:
                    shlex.split(command)
                except ValueError as exc:
                    errors.setdefault("server", f"cannot read the server command: {exc}")
            fields["server"] = command
        else:
            if self.real_server_chosen:
                fields["server"] = "mcp-atlassian"
            fixture = self.query_one("#fixture", Select).value
            fields["fixture"] = str(fixture) if fixture not in (Select.NULL, "") else None
        return fields

    def build_request(self) -> dict[str, Any]:
        """The RunRequest fields from the form; UserError(field=...) for the first thing the form can tell is wrong
        (`action_launch` shows them all)."""
        errors: dict[str, str] = {}
        fields = self._form_fields(errors)
        if errors:
            field, message = next(iter(errors.items()))
            raise UserError(message, field=field or None)
        return fields

    @on(Button.Pressed, "#launch")
    def action_launch(self) -> None:
        """Check the form and launch the run in a worker (ctrl+s or Launch); every problem shows under its field
        at once (the form's own checks here, the engine's in the worker)."""
        if self.launching:
            return
        errors: dict[str, str] = {}
        fields = self._form_fields(errors)
        self.launching = True
        self.show_errors({})
        self.query_one("#launch-status", Static).update("checking and launching…")
        self._launch(fields, errors, self.settings())

    @work(thread=True, exclusive=True, group="launch", description="Launching a run")
    def _launch(self, fields: dict[str, Any], errors: dict[str, str], settings: form_settings.Settings) -> None:
        results = bench_app(self).results
        models = parse_models(fields["model"])
        for model in models if not errors.get("model") else []:
            collect(errors, partial(run_control.check_model, model, results, fields["model_base_url"]))
        if "harness" not in errors and "server" not in errors:
            collect(errors, lambda: run_control.check(self._checkable(fields, errors), results))
        if errors:
            self.app.call_from_thread(self._failed_all, errors)
            return
        try:
            folders = run_control.launch_sweep(fields, models, results)
        except UserError as exc:
            self.app.call_from_thread(self._failed, exc.field, field_words(str(exc)))
            return
        except OSError as exc:
            self.app.call_from_thread(self._failed, None, f"could not start the run: {exc}")
            return
        self.app.call_from_thread(self._launched, folders)
        try:
            form_settings.save_last(settings)
        except OSError as exc:
            self.app.call_from_thread(self.notify, f"could not remember the settings: {exc}", severity="warning",
                                      markup=False)

    @staticmethod
    def _checkable(fields: dict[str, Any], errors: dict[str, str]) -> Any:
        """A request the engine can check for the harness, server and fixture: the fields in error replaced by
        values that pass (their errors are known already)."""
        safe = dict(fields)
        for field, key, value in (("runs", "runs", 1), ("concurrency", "concurrency", 1), ("workers", "workers", None),
                                  ("max_turns", "max_turns", None), ("wall_time", "wall_time_s", None),
                                  ("max_memory", "max_memory", None), ("max_cpu_time", "max_cpu_time", None),
                                  ("nice", "nice", None)):
            if field in errors:
                safe[key] = value
        safe["model"] = "null" if "model" in errors else parse_models(fields["model"])[0]
        return run_control.make_request(**safe)

    def _failed_all(self, errors: dict[str, str]) -> None:
        self.launching = False
        self.show_errors(errors)

    def _failed(self, field: str | None, message: str) -> None:
        self.launching = False
        self.show_errors({field or "": message})

    def _launched(self, folders: list[Path]) -> None:
        """The runs are started: say so, and open each one's tab (the last one shown)."""
        self.launching = False
        what = folders[0].name if len(folders) == 1 else f"a sweep of {len(folders)} runs"
        self.query_one("#launch-status", Static).update(f"launched {what}")
        for folder in folders:
            self.post_message(RunLaunched(folder))
