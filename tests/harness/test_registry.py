"""Check kinds come from one registry: each schema model is paired with exactly one function, a kind without its
function fails when its module is imported, and the harness JSON Schema stays as it was."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel

from jira_bench_tui.harness.checks import CHECK_KINDS, CHECKS
from jira_bench_tui.harness.registry import CheckRegistry, CheckRegistryError, Verdict, kind_name
from jira_bench_tui.harness.schema import CHECK_MODELS, Harness

SCHEMA_FILE = Path(__file__).parent / "data" / "harness_schema.json"


class Alpha(BaseModel):
    kind: Literal["alpha"]


class Beta(BaseModel):
    kind: Literal["beta"]


class NoKind(BaseModel):
    name: str


async def judge_alpha(context: None, check: Alpha) -> Verdict:
    return Verdict("alpha", True, "fine")


async def judge_beta(context: None, check: Beta) -> Verdict:
    return Verdict("beta", True, "fine")


def test_every_check_model_of_the_schema_has_its_function() -> None:
    assert CHECK_KINDS == tuple(kind_name(model) for model in CHECK_MODELS)
    for model in CHECK_MODELS:
        kind = CHECKS.kind(kind_name(model))
        assert kind.model is model and callable(kind.function)
    assert [kind for kind in CHECK_KINDS if CHECKS.kind(kind).first] == ["created_issue"]


def test_the_schema_names_exactly_the_registered_kinds() -> None:
    schema = Harness.model_json_schema()
    union = schema["$defs"]["Scenario"]["properties"]["checks"]["items"]
    assert set(union["discriminator"]["mapping"]) == set(CHECK_KINDS)


def test_a_model_without_a_function_cannot_be_sealed() -> None:
    registry: CheckRegistry[None] = CheckRegistry([Alpha, Beta])
    registry.register(Alpha)(judge_alpha)
    with pytest.raises(CheckRegistryError, match=r"check kind 'beta' \(Beta\) has no registered function"):
        registry.seal()


def test_a_kind_without_its_function_fails_at_import(tmp_path: Path) -> None:
    module = tmp_path / "half_added_kind.py"
    module.write_text(
        "from typing import Literal\n"
        "from pydantic import BaseModel\n"
        "from jira_bench_tui.harness.registry import CheckRegistry\n"
        "class Gamma(BaseModel):\n"
        "    kind: Literal['gamma']\n"
        "REGISTRY = CheckRegistry([Gamma])\n"
        "KINDS = REGISTRY.seal()\n",
        encoding="utf-8",
    )
    spec = importlib.util.spec_from_file_location("half_added_kind", module)
    assert spec is not None and spec.loader is not None
    with pytest.raises(CheckRegistryError, match="'gamma'"):
        spec.loader.exec_module(importlib.util.module_from_spec(spec))


def test_registry_rejects_every_mismatch() -> None:
    stray: CheckRegistry[None] = CheckRegistry([Alpha])
    stray.register(Alpha)(judge_alpha)
    stray.register(Beta)(judge_beta)
    with pytest.raises(CheckRegistryError, match="registered for Beta, which is not a check model"):
        stray.seal()
    twice: CheckRegistry[None] = CheckRegistry([Alpha])
    twice.register(Alpha)(judge_alpha)
    with pytest.raises(CheckRegistryError, match="Alpha already has a function"):
        twice.register(Alpha)(judge_alpha)
    assert twice.seal() == ("alpha",)
    with pytest.raises(CheckRegistryError, match="sealed"):
        twice.register(Alpha)(judge_alpha)
    with pytest.raises(CheckRegistryError, match="NoKind has no `kind"):
        CheckRegistry([NoKind]).seal()
    with pytest.raises(CheckRegistryError, match="not sealed"):
        CheckRegistry([Alpha]).kind("alpha")


def _split(schema: Any, path: str = "") -> tuple[Any, dict[str, str]]:
    """The schema without its prose (pydantic turns class docstrings into "description"), and that prose by path."""
    if isinstance(schema, list):
        parts = [_split(item, f"{path}[{index}]") for index, item in enumerate(schema)]
        return [part[0] for part in parts], {where: text for part in parts for where, text in part[1].items()}
    if not isinstance(schema, dict):
        return schema, {}
    shape: dict[str, Any] = {}
    prose = {path: schema["description"]} if isinstance(schema.get("description"), str) else {}
    for key, value in schema.items():
        if key != "description":
            shape[key], inner = _split(value, f"{path}.{key}")
            prose.update(inner)
    return shape, prose


def test_the_harness_json_schema_is_unchanged() -> None:
    """`jira-bench schema` prints `Harness.model_json_schema()`; the file holds its output from before check kinds
    moved to the registry. The format must match exactly; its prose may only grow (new docstrings)."""
    pinned_shape, pinned_prose = _split(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    shape, prose = _split(Harness.model_json_schema())
    assert shape == pinned_shape
    assert pinned_prose.items() <= prose.items()
