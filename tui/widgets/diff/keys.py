"""The diff pane's and the minimizer step viewer's rows of the action registry.

The rows live in :data:`tui.actions.ACTIONS` (the one registry behind bindings, footer,
help, palette and keymap overrides); this module names their scopes for the widgets.
Accept/reject keys share nothing with navigation, and neither is Enter.
"""

from __future__ import annotations

from textual.binding import Binding

from ... import actions
from ...actions import Action
from ...screens.base import RegistryChecks

DIFF_SCOPES: dict[str, str] = {k: actions.SCOPES[k] for k in ("diff", "diff_pane", "minimize_steps")}
DIFF_ACTIONS: tuple[Action, ...] = tuple(actions.actions_in(DIFF_SCOPES))


def bindings(scope: str) -> list[Binding]:
    """The ``BINDINGS`` of one of these scopes."""
    return actions.bindings(scope)


def find(scope: str, action_name: str) -> Action | None:
    return actions.find(scope, action_name)


# The registry's greyed-out checks (one implementation for every screen and widget).
DiffRegistryChecks = RegistryChecks
