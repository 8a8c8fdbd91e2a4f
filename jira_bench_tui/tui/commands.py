"""The command palette: every key-bound action of the current screen (and the app) as a searchable command, and
the base the replay screen's own palette entries build on."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

Command = tuple[str, Callable[[], object], str]
"""A palette entry: (title, what it runs, help text)."""


class ActionsProvider(Provider):
    """A palette provider over a list of `Command`s: all of them when the palette opens, the matching ones (best
    first, as Textual's fuzzy matcher scores them) as the user types. Subclasses say which in `commands`."""

    def commands(self) -> Iterable[Command]:
        """The entries to offer now (none by default)."""
        return ()

    async def discover(self) -> Hits:
        """Every entry, for the palette before anything is typed."""
        for title, command, help_text in self.commands():
            yield DiscoveryHit(title, command, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        """The entries whose title matches `query`, with the matched letters highlighted."""
        matcher = self.matcher(query)
        for title, command, help_text in self.commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command, text=title, help=help_text)


class ScreenActionsProvider(ActionsProvider):
    """The app's one palette provider: every action bound on the screen in view (named by its tooltip, with its key
    in the help text), then a comparison of each sweep's runs, then the colour theme."""

    def commands(self) -> Iterable[Command]:
        """One entry per enabled, described, non-system binding of the screen (first binding of an action wins),
        then "Compare the runs of sweep ..." per sweep of two runs or more, then "Change the colour theme"."""
        yield from self._bound()
        yield from self._sweeps()
        yield ("Change the colour theme", self.app.action_change_theme,
               "Pick a theme, e.g. textual-light (previewed as you move)")

    def _sweeps(self) -> Iterable[Command]:
        from jira_bench_tui.tui.messages import CompareRuns

        state = getattr(self.app, "state", None)
        sweeps: dict[str, list[str]] = {}
        for run_id, view in sorted(state.views.items()) if state is not None else ():
            if view.info.spec is not None and view.info.spec.sweep_id:
                sweeps.setdefault(view.info.spec.sweep_id, []).append(run_id)
        for sweep, run_ids in sorted(sweeps.items(), reverse=True):
            if len(run_ids) > 1:
                yield (f"Compare the runs of sweep {sweep}", partial(self.app.post_message, CompareRuns(run_ids)),
                       f"{len(run_ids)} runs, oldest first (the compare screen)")

    def _bound(self) -> Iterable[Command]:
        seen: set[str] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.action in seen or binding.system:
                continue
            if not active.enabled:
                continue
            seen.add(binding.action)
            title = binding.tooltip or binding.description
            help_text = f"{binding.description} (key: {self.app.get_key_display(binding) or key})"
            yield title, partial(self.app.run_action, binding.action, active.node), help_text
