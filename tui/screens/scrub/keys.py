"""The scrub screen's scopes in the action registry (the rows live in ``tui.actions``).
The gate's own keys are on the gate bar
(``tui.widgets.scrub.gate``): none of them is ``p`` or a digit, and none is Enter.
"""

from __future__ import annotations

from textual.binding import Binding

from ... import actions
from ...actions import Action
from ..base import RegistryChecks

SCOPES: dict[str, str] = {k: actions.SCOPES[k] for k in ('scrub', 'scrub_edit', 'scrub_report')}

SCRUB_ACTIONS: tuple[Action, ...] = tuple(actions.actions_in(SCOPES))


def bindings(scope: str) -> list[Binding]:
    """``BINDINGS`` of one scrub scope (same construction as ``actions.bindings``)."""
    return actions.bindings(scope)


def find(scope: str, action_name: str) -> Action | None:
    return actions.find(scope, action_name)


# The registry's greyed-out checks (one implementation for every screen and widget).
ScrubChecks = RegistryChecks
