"""Read a fixture file (`builtin:NAME` from jira/fixtures/, or a path) into a validated `Fixture`."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from jira_bench_tui.errors import UserError
from jira_bench_tui.jira.fixture import Fixture

BUILTIN_PREFIX = "builtin:"
BUILTIN_DIR = Path(__file__).resolve().parent / "fixtures"


def builtin_fixture_names() -> list[str]:
    """The names of the built-in fixtures (jira/fixtures/NAME.json), sorted: what `builtin:NAME` may name."""
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.json"))


def default_fixture_ref() -> str:
    """builtin:default, or builtin:example while default.json is not there."""
    return "builtin:default" if (BUILTIN_DIR / "default.json").exists() else "builtin:example"


def fixture_path(ref: str) -> Path:
    """The file a fixture reference names; raises UserError when there is none."""
    if ref.startswith(BUILTIN_PREFIX):
        name = ref[len(BUILTIN_PREFIX):]
        path = BUILTIN_DIR / f"{name}.json"
        if not name or "/" in name or not path.is_file():
            known = ", ".join(f"builtin:{n}" for n in builtin_fixture_names()) or "none"
            raise UserError(f"Unknown built-in fixture '{ref}' (known: {known}).", field="fixture")
        return path
    path = Path(ref).expanduser()
    if not path.is_file():
        raise UserError(f"Fixture file '{ref}' does not exist.", field="fixture")
    return path


def load_fixture_file(ref: str) -> Fixture:
    """The validated fixture `ref` names (builtin:NAME or a path); UserError with one clear sentence otherwise."""
    path = fixture_path(ref)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"Cannot read fixture '{ref}': {exc}.", field="fixture") from exc
    except json.JSONDecodeError as exc:
        raise UserError(
            f"Fixture '{ref}' is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).", field="fixture"
        ) from exc
    try:
        return Fixture.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise UserError(f"Fixture '{ref}': {where}: {first['msg']}{more}.", field="fixture") from exc


def keep_only_setup(fixture: Fixture) -> Fixture:
    """The same Jira without issues, links, or sprints' content: users, projects and their metadata only."""
    return fixture.model_copy(update={"issues": [], "links": []})
