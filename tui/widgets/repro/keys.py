"""Key rows of the repro pane, in the action registry's own ``Action`` shape.

``tui.actions.ACTIONS`` is a closed tuple, so these rows live here for now; moving them
into the registry (scopes ``repro``, ``repro_gate``, ``repro_edit``) makes
``actions.bindings(scope)`` produce exactly what :func:`bindings` produces here.
"""

from __future__ import annotations

from textual.binding import Binding

from ... import actions
from ...actions import Action

SCOPES: dict[str, str] = {
    "repro": "Repro pane",
    "repro_gate": "Repro pane: security gate",
    "repro_edit": "Repro pane: editing the repro",
}

REPRO_ACTIONS: tuple[Action, ...] = (
    Action("repro.run", "r", "run", "Run", "repro", check="can_run"),
    Action("repro.run_many", "R", "run_many", "Run N×", "repro", check="can_run"),
    Action("repro.cancel", "ctrl+c,x", "cancel_run", "Cancel", "repro", check="run_in_progress", priority=False),
    Action("repro.edit", "e", "edit", "Edit", "repro", check="can_edit"),
    Action("repro.original", "o", "original", "Original", "repro", check="is_edited"),
    Action("repro.next", "right_square_bracket", "next_candidate", "Next repro", "repro", check="has_candidates"),
    Action("repro.prev", "left_square_bracket", "prev_candidate", "Prev repro", "repro", show=False, check="has_candidates"),
    Action("repro.target", "t", "next_target", "Target env", "repro", check="can_pick_target"),
    Action("repro.log", "L", "open_log", "Full log", "repro", check="has_log"),
    Action("repro.back", "escape", "back", "Back", "repro"),
    # The gate's keys differ from the trigger (``r``) so a double press never runs a repro.
    Action("repro_gate.run", "y", "choose('run')", "Run it", "repro_gate", palette=False),
    Action("repro_gate.edit", "e", "choose('edit')", "Edit first", "repro_gate", palette=False),
    Action("repro_gate.skip", "s", "choose('skip')", "Skip", "repro_gate", palette=False),
    Action("repro_gate.dismiss", "escape", "dismiss_gate", "Not now", "repro_gate", palette=False),
    Action("repro_edit.done", "escape,ctrl+s", "done_editing", "Done editing", "repro_edit", palette=False, priority=True),
)

BY_ID: dict[str, Action] = {a.id: a for a in REPRO_ACTIONS}


def bindings(scope: str) -> list[Binding]:
    """``BINDINGS`` of one repro scope (same construction as ``actions.bindings``)."""
    registry = actions.bindings(scope)
    if registry:  # the rows were moved into the registry: it is the single source
        return registry
    return [
        Binding(a.keys, a.action, a.description, show=a.show, id=a.id, priority=a.priority)
        for a in REPRO_ACTIONS
        if a.scope == scope
    ]


def find(scope: str, action_name: str) -> Action | None:
    return actions.find(scope, action_name) or next(
        (a for a in REPRO_ACTIONS if a.scope == scope and a.action == action_name), None
    )


class ReproChecks:
    """Like ``screens.base.RegistryChecks``, but also knows the rows above."""

    SCOPE = ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        spec = find(self.SCOPE, action)
        if spec is None or spec.check is None:
            return True
        predicate = getattr(self, spec.check, None)
        return True if predicate is None or predicate() else None
