"""Load a harness from a file or `builtin:NAME`, with every problem named by its JSON path, and resolve its fixture."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jira_bench_tui.errors import UserError
from jira_bench_tui.harness.checks import CHECK_KINDS
from jira_bench_tui.harness.schema import ISSUE_REF, SCENARIO_ID, STEP_ID, FieldOp, Harness, Scenario
from jira_bench_tui.jira.fixture import Fixture, merge_fixture

BUILTIN = "builtin:"


class HarnessError(UserError):
    """The harness cannot be used. `problems` holds one sentence per problem, each starting with its JSON path."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        if len(problems) == 1:
            text = f"{source}: {problems[0]}"
        else:
            text = f"{source}: {len(problems)} problems\n" + "\n".join(f"  {p}" for p in problems)
        super().__init__(text, field="harness")


@dataclass
class LoadedHarness:
    """A validated harness with its fixture resolved."""

    harness: Harness
    source: str  # builtin:NAME or an absolute path
    base_dir: Path | None  # folder of the harness file (None for builtins)
    fixture: Fixture

    def fixture_for(self, scenario: Scenario) -> Fixture:
        return merge_fixture(self.fixture, scenario.fixture_additions)


def _package_dir(package: str) -> Path:
    return Path(str(resources.files(package)))


def builtin_harness_dir() -> Path:
    return _package_dir("jira_bench_tui.harness") / "builtin"


def builtin_fixture_dir() -> Path:
    return _package_dir("jira_bench_tui.jira") / "fixtures"


def builtin_harness_names() -> list[str]:
    return sorted(p.stem for p in builtin_harness_dir().glob("*.json"))


def builtin_fixture_names() -> list[str]:
    return sorted(p.stem for p in builtin_fixture_dir().glob("*.json"))


def format_validation_error(exc: ValidationError, prefix: str = "") -> list[str]:
    """Pydantic errors as "scenarios[3].checks[0].expect: message" sentences."""
    problems = []
    for error in exc.errors():
        path = prefix
        loc = error["loc"]
        for position, part in enumerate(loc):
            if isinstance(part, int):
                path += f"[{part}]"
                continue
            if str(part).startswith(("function-", "union[")):
                continue
            # a discriminated union adds the tag after the list index (checks[0].issue...): drop it
            if position >= 2 and loc[position - 2] == "checks" and isinstance(loc[position - 1], int) \
                    and str(part) in CHECK_KINDS and error["type"] != "union_tag_invalid":
                continue
            path += f".{part}" if path else str(part)
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "union_tag_invalid":
            message = f"unknown check kind {error.get('input', {}).get('kind')!r} (known: {', '.join(CHECK_KINDS)})"
        elif error["type"] == "extra_forbidden":
            message = "unknown key"
        elif error["type"] == "missing":
            message = "required but missing"
        elif error["type"] == "string_pattern_mismatch":
            wanted = _PATTERN_WORDS.get(str(error.get("ctx", {}).get("pattern")), "a value matching " + message.split()[-1])
            message = f"{error.get('input')!r} is not {wanted}"
        if not path and message.startswith("scenarios["):  # a whole-harness rule that names its own place
            problems.append(f"{prefix}{message}")
            continue
        problems.append(f"{path or '(top level)'}: {message}")
    # the same place can fail every member of a union; keep the first sentence for each path
    seen: dict[str, str] = {}
    for problem in problems:
        seen.setdefault(problem.split(": ", 1)[0], problem)
    return list(seen.values())




_PATTERN_WORDS = {
    SCENARIO_ID: "a scenario id (lower-case words joined by single '-', '_' or '.', e.g. 'close-stale-bugs')",
    ISSUE_REF: "an issue key like 'WEB-12' or a $name bound by a created_issue check",
    STEP_ID: "a step id (a lower-case identifier such as 'story')",
    r"^[A-Za-z0-9_]+$": "a tool name such as 'jira_get_issue'",
    r"^[A-Z][A-Z0-9_]+$": "a project key such as 'WEB'",
    r"^[A-Z][A-Z0-9_]+-\d+$": "an issue key such as 'WEB-12'",
}


def _read_json_file(path: Path, what: str, source: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise HarnessError(source, [f"{what} file {path} does not exist"]) from None
    except IsADirectoryError:
        raise HarnessError(source, [f"{what} {path} is a folder, not a file"]) from None
    except OSError as exc:
        raise HarnessError(source, [f"cannot read {what} {path}: {exc.strerror}"]) from None
    except UnicodeDecodeError:
        raise HarnessError(source, [f"{what} {path} is not UTF-8 text"]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise HarnessError(source, [f"{what} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"]) from None


def resolve_harness_path(source: str) -> tuple[Path, Path | None]:
    """(file to read, base dir for relative paths). Raises HarnessError for an unknown builtin."""
    if source.startswith(BUILTIN):
        name = source[len(BUILTIN):]
        path = builtin_harness_dir() / f"{name}.json"
        if not name or not path.is_file():
            known = ", ".join(f"builtin:{n}" for n in builtin_harness_names())
            raise HarnessError(source, [f"no built-in harness {name!r} (known: {known})"])
        return path, None
    path = Path(source).expanduser().resolve()
    return path, path.parent


def load_fixture(ref: str, base_dir: Path | None, source: str = "fixture") -> Fixture:
    """A fixture from `builtin:NAME` or a path (relative to `base_dir`)."""
    if ref.startswith(BUILTIN):
        name = ref[len(BUILTIN):]
        path = builtin_fixture_dir() / f"{name}.json"
        if not name or not path.is_file():
            known = ", ".join(f"builtin:{n}" for n in builtin_fixture_names())
            raise HarnessError(source, [f"fixture: no built-in fixture {name!r} (known: {known})"])
    else:
        path = Path(ref).expanduser()
        if not path.is_absolute():
            path = (base_dir or Path.cwd()) / path
        if not path.is_file():
            raise HarnessError(source, [f"fixture: file {ref!r} does not exist (looked for {path})"])
    data = _read_json_file(path, "fixture", source)
    try:
        return Fixture.model_validate(data)
    except ValidationError as exc:
        raise HarnessError(source, format_validation_error(exc, prefix=f"fixture({path.name})")) from None


def parse_harness(data: Any, source: str) -> Harness:
    if not isinstance(data, dict):
        raise HarnessError(source, [f"a harness is a JSON object, not {type(data).__name__}"])
    try:
        return Harness.model_validate(data)
    except ValidationError as exc:
        raise HarnessError(source, format_validation_error(exc)) from None


def _known(fixture: Fixture) -> dict[str, set[str]]:
    return {
        "status": {s.name.lower() for s in fixture.statuses},
        "priority": {p.lower() for p in fixture.priorities},
        "issue_type": {t.name.lower() for t in fixture.issue_types},
        "resolution": {r.lower() for r in fixture.resolutions},
        "status_category": {"new", "indeterminate", "done"},
    }


def _display(fixture: Fixture, field: str) -> list[str]:
    return {
        "status": [s.name for s in fixture.statuses],
        "priority": list(fixture.priorities),
        "issue_type": [t.name for t in fixture.issue_types],
        "resolution": list(fixture.resolutions),
        "status_category": ["new", "indeterminate", "done"],
    }[field]


def semantic_problems(harness: Harness, fixture: Fixture) -> list[str]:
    """Names in checks that the fixture does not know (a status 'Doing' where the workflow has no such status)."""
    known = _known(fixture)
    problems: list[str] = []
    for s_index, scenario in enumerate(harness.scenarios):
        scenario_fixture = merge_fixture(fixture, scenario.fixture_additions) if scenario.fixture_additions else fixture
        for c_index, check in enumerate(scenario.checks):
            for group_name, expect in check.expectations().items():
                for field, value in expect.items():
                    if field not in known:
                        continue
                    values: list[Any] = []
                    if isinstance(value, str):
                        values = [value]
                    elif isinstance(value, FieldOp):
                        values = [v for v in (value.eq, value.ne) if isinstance(v, str)] + list(value.in_ or [])
                    for item in values:
                        if isinstance(item, str) and item.strip().lower() not in known[field]:
                            shown = ", ".join(_display(scenario_fixture, field))
                            problems.append(
                                f"scenarios[{s_index}].checks[{c_index}].{group_name}.{field}: "
                                f"unknown {field.replace('_', ' ')} {item!r} (known: {shown})"
                            )
    return problems


def resolve_fixture(harness: Harness, base_dir: Path | None, override: str | None, source: str) -> Fixture:
    """The harness's starting Jira: the override (--fixture, relative to the working folder), the inline fixture, or
    the fixture file it names (relative to `base_dir`)."""
    if override:
        return load_fixture(override, Path.cwd(), source)
    if isinstance(harness.fixture, Fixture):
        return harness.fixture
    return load_fixture(harness.fixture, base_dir, source)


def load_harness(source: str, fixture_override: str | None = None) -> LoadedHarness:
    """Load and validate a harness; HarnessError names every problem with its JSON path. Reads only; writes nothing."""
    path, base_dir = resolve_harness_path(source)
    shown = source if source.startswith(BUILTIN) else str(path)
    harness = parse_harness(_read_json_file(path, "harness", shown), shown)
    fixture = resolve_fixture(harness, base_dir, fixture_override, shown)
    problems = semantic_problems(harness, fixture)
    if problems:
        raise HarnessError(shown, problems)
    return LoadedHarness(harness=harness, source=shown, base_dir=base_dir, fixture=fixture)


def harness_from_spec(data: dict[str, Any], source: str, base_dir: str | None, fixture_override: str | None,
                      fixture_data: dict[str, Any] | None = None) -> LoadedHarness:
    """Rebuild a LoadedHarness from the copy held in a run's spec.json (the worker's way in). With `fixture_data`
    (the fixture as resolved at launch, also kept in spec.json) nothing else is read from disk."""
    harness = parse_harness(data, source)
    base = Path(base_dir) if base_dir else None
    if fixture_data is not None:
        try:
            fixture = Fixture.model_validate(fixture_data)
        except ValidationError as exc:
            raise HarnessError(source, format_validation_error(exc, prefix="fixture")) from None
    else:
        fixture = resolve_fixture(harness, base, fixture_override, source)
    return LoadedHarness(harness=harness, source=source, base_dir=base, fixture=fixture)
