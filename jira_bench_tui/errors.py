"""The one exception the command line turns into a clean message and exit code 2: bad input from the user."""

from __future__ import annotations


class UserError(Exception):
    """Bad input (a harness, a model name, a run id, a server command...). str(error) is one clear sentence,
    or several lines, one problem each. `field` names the launcher-form field at fault, when there is one
    (harness, model, runs, concurrency, max_turns, wall_time, server, fixture), so the app can show it inline."""

    exit_code = 2

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
