"""Command palette provider fed by the action registry (same rows as footer and help)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from . import actions


class RegistryCommands(Provider):
    """Offers the actions of the screen the palette was opened on (and app-wide ones)."""

    def _candidates(self):
        screen = self.screen
        scope = getattr(screen, "SCOPE", "")
        overrides = getattr(self.app, "keymap_overrides", {})
        for action in actions.actions_in({"app", scope}):
            if not action.palette:
                continue
            target = self.app if action.scope == "app" else screen
            if target.check_action(action.action, ()) is not True:
                continue
            keys = actions.display_keys(action, overrides)
            yield action, target, f"{action.description} ({keys})"

    def _run(self, action: actions.Action, target) -> None:
        self.app.call_later(self.app.run_action, action.action, target)

    async def discover(self) -> Hits:
        for action, target, label in self._candidates():
            yield DiscoveryHit(label, partial(self._run, action, target), help=actions.SCOPES[action.scope])

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for action, target, label in self._candidates():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), partial(self._run, action, target), help=actions.SCOPES[action.scope])
