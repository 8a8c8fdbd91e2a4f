"""The errors of the run folder: a folder or file that is missing or unreadable, a run id that names no run."""

from __future__ import annotations

from jira_bench_tui.errors import UserError


class StoreError(UserError):
    """A run folder is missing or unreadable. The message is one sentence fit for a user (exit code 2)."""


class UnknownRunError(StoreError):
    """No run has this id, or a prefix names several runs."""
