"""The command palette: every key-bound action of the current screen (and the app) as a searchable command."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode


class ScreenActionsProvider(Provider):
    """Offers the actions the footer shows, named as the footer names them, with the key in the help text."""

    def _commands(self) -> Iterator[tuple[str, str, DOMNode, str]]:
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
            yield title, help_text, active.node, binding.action

    async def discover(self) -> Hits:
        for title, help_text, node, action in self._commands():
            yield DiscoveryHit(title, partial(self.app.run_action, action, node), text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, node, action in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self.app.run_action, action, node), text=title,
                          help=help_text)
