"""The repro pane's scopes in the action registry (the rows live in ``tui.actions``)."""

from __future__ import annotations

from textual.binding import Binding

from ... import actions
from ...actions import Action
from ...screens.base import RegistryChecks

SCOPES: dict[str, str] = {k: actions.SCOPES[k] for k in ("repro", "repro_gate", "repro_edit")}

REPRO_ACTIONS: tuple[Action, ...] = tuple(actions.actions_in(SCOPES))

BY_ID: dict[str, Action] = {a.id: a for a in REPRO_ACTIONS}


def bindings(scope: str) -> list[Binding]:
    """``BINDINGS`` of one repro scope, from the registry."""
    return actions.bindings(scope)


def find(scope: str, action_name: str) -> Action | None:
    return actions.find(scope, action_name)


# The registry's greyed-out checks (one implementation for every screen and widget).
ReproChecks = RegistryChecks
