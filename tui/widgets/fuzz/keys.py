"""The fuzz-session screens' scopes in the action registry (the rows live in
``tui.actions``). Confirming a push is ``y`` only: never Enter, never
``p`` (the key that opens the dialog).
"""

from __future__ import annotations

from textual.binding import Binding

from ... import actions
from ...actions import Action
from ...screens.base import RegistryChecks

FUZZ_SCOPES: dict[str, str] = {k: actions.SCOPES[k] for k in ('fuzz_sessions', 'fuzz_session', 'fuzz_form', 'fuzz_push')}

FUZZ_ACTIONS: tuple[Action, ...] = tuple(actions.actions_in(FUZZ_SCOPES))

BY_ID: dict[str, Action] = {a.id: a for a in FUZZ_ACTIONS}


def bindings(scope: str) -> list[Binding]:
    """``BINDINGS`` of one fuzz scope, from the registry."""
    return actions.bindings(scope)


def find(scope: str, action_name: str) -> Action | None:
    return actions.find(scope, action_name)


def first_key(action_id: str) -> str:
    """The first key of a row, as a person reads it (``[`` rather than ``left_square_bracket``)."""
    action = actions.BY_ID[action_id]
    return actions.display_keys(action, {}).split(" / ")[0]


# The registry's greyed-out checks (one implementation for every screen and widget).
FuzzChecks = RegistryChecks
