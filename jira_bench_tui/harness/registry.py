"""The check-kind registry: pairs each check model of the schema with the one function that evaluates it.

A check kind is one pydantic model (in `schema.py`, with a `kind: Literal["name"]` field) plus one function
registered here. `CheckRegistry.seal()` runs when `checks.py` is imported and raises `CheckRegistryError` for a model
without its function, so a half-added kind fails at import, never in the middle of a run.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar, get_args

from pydantic import BaseModel

ContextT = TypeVar("ContextT")
ModelT = TypeVar("ModelT", bound=BaseModel)


class Verdict(NamedTuple):
    """What a check function returns: the check's description, whether it passed, and the reason in words."""

    description: str
    passed: bool
    reason: str


class CheckRegistryError(Exception):
    """The check models and the registered functions do not pair up one to one (a programming error)."""


# A check kind's function: evaluates one check of its model against the context (the Jira before and after).
CheckFunction = Callable[[ContextT, ModelT], Awaitable[Verdict]]


@dataclass(frozen=True)
class CheckKind(Generic[ContextT]):
    """One registered check kind: its name (the `kind` value in a harness file), model and function.

    `first` kinds are evaluated before all others (created_issue: it binds `$names` and claims created issues).
    """

    name: str
    model: type[BaseModel]
    function: CheckFunction[ContextT, Any]
    first: bool


def kind_name(model: type[BaseModel]) -> str:
    """The `kind` value a check model accepts, read from its `kind: Literal["name"]` field.

    Raises CheckRegistryError when the model has no such field.
    """
    field = model.model_fields.get("kind")
    values = get_args(field.annotation) if field is not None else ()
    if len(values) != 1 or not isinstance(values[0], str):
        raise CheckRegistryError(f"{model.__name__} has no `kind: Literal['name']` field")
    return values[0]


class CheckRegistry(Generic[ContextT]):
    """The check models of the schema, each paired with the async function `(context, check) -> Verdict`.

    Register with `@registry.register(Model)`, then `seal()` once every function is defined.
    """

    def __init__(self, models: Iterable[type[BaseModel]]) -> None:
        self._models = tuple(models)
        self._functions: dict[type[BaseModel], tuple[CheckFunction[ContextT, Any], bool]] = {}
        self._kinds: dict[str, CheckKind[ContextT]] | None = None

    def register(
        self, model: type[ModelT], *, first: bool = False
    ) -> Callable[[CheckFunction[ContextT, ModelT]], CheckFunction[ContextT, ModelT]]:
        """Decorator: the function evaluates checks of `model`; `first` runs them before other kinds.

        Raises CheckRegistryError when the model already has a function or the registry is sealed.
        """

        def add(function: CheckFunction[ContextT, ModelT]) -> CheckFunction[ContextT, ModelT]:
            if self._kinds is not None:
                raise CheckRegistryError(f"cannot register {function.__name__}: the registry is sealed")
            if model in self._functions:
                other = self._functions[model][0].__name__
                raise CheckRegistryError(f"{model.__name__} already has a function ({other})")
            self._functions[model] = (function, first)
            return function

        return add

    def seal(self) -> tuple[str, ...]:
        """Check that every model has exactly one function and every function a model; return the kind names in
        model order. Raises CheckRegistryError naming every mismatch."""
        problems: list[str] = []
        kinds: dict[str, CheckKind[ContextT]] = {}
        for model in self._models:
            try:
                name = kind_name(model)
            except CheckRegistryError as exc:
                problems.append(str(exc))
                continue
            if name in kinds:
                problems.append(f"kind {name!r} is claimed by both {kinds[name].model.__name__} and {model.__name__}")
            elif model not in self._functions:
                problems.append(f"check kind {name!r} ({model.__name__}) has no registered function")
            else:
                function, first = self._functions[model]
                kinds[name] = CheckKind(name, model, function, first)
        problems += [f"{function.__name__} is registered for {model.__name__}, which is not a check model of the schema"
                     for model, (function, _) in self._functions.items() if model not in self._models]
        if problems:
            raise CheckRegistryError("; ".join(problems))
        self._kinds = kinds
        return tuple(kinds)

    def kind(self, name: str) -> CheckKind[ContextT]:
        """The registered kind called `name`. Raises CheckRegistryError before `seal()`, KeyError for no such kind."""
        if self._kinds is None:
            raise CheckRegistryError("the registry is not sealed yet")
        return self._kinds[name]
