"""Key rows of the fuzz-session screens, in the action registry's own ``Action`` shape.

``tui.actions.ACTIONS`` is a closed tuple that other modules cannot extend, so these rows
live here (like the repro and diff panes' rows); moved into the registry unchanged (and
:data:`FUZZ_SCOPES` into ``actions.SCOPES``), ``actions.bindings(scope)`` produces exactly
what :func:`bindings` produces here. Confirming a push is ``y`` only: never Enter, never
``p`` (the key that opens the dialog).
"""

from __future__ import annotations

from textual.binding import Binding

from ... import actions
from ...actions import Action

FUZZ_SCOPES: dict[str, str] = {
    "fuzz_sessions": "Fuzz sessions",
    "fuzz_session": "Fuzz session",
    "fuzz_form": "Fuzz session: forms",
    "fuzz_push": "Fuzz session: push confirmation",
}

FUZZ_ACTIONS: tuple[Action, ...] = (
    Action("fuzz_sessions.new", "n", "new_session", "New session", "fuzz_sessions"),
    Action("fuzz_sessions.open", "enter", "open_session", "Open", "fuzz_sessions", check="has_selection", palette=False),
    Action("fuzz_sessions.refresh", "r", "refresh", "Refresh", "fuzz_sessions"),
    Action("fuzz_sessions.back", "escape", "back", "Back", "fuzz_sessions"),
    Action("fuzz_session.run", "r", "run_step", "Run step", "fuzz_session", check="can_run"),
    Action("fuzz_session.cancel", "x", "cancel_run", "Cancel", "fuzz_session", check="op_running"),
    Action("fuzz_session.edit", "e", "edit_fix", "$EDITOR", "fuzz_session", check="can_edit"),
    Action("fuzz_session.form", "c", "fix_form", "Checklist+summary", "fuzz_session", check="can_fill_form"),
    Action("fuzz_session.comments", "m", "toggle_comments", "Comments OK", "fuzz_session", check="can_review_comments"),
    Action("fuzz_session.finish", "f", "finish_step", "Finish step", "fuzz_session", check="can_finish"),
    Action("fuzz_session.back_step", "b", "go_back", "Go back", "fuzz_session", check="can_go_back"),
    Action("fuzz_session.push", "p", "push", "Push…", "fuzz_session", check="can_push"),
    Action("fuzz_session.next", "right_square_bracket", "next_view", "Next step", "fuzz_session", check="has_next_view"),
    Action("fuzz_session.prev", "left_square_bracket", "prev_view", "Prev step", "fuzz_session", check="has_prev_view"),
    Action("fuzz_session.back", "escape", "back", "Back", "fuzz_session"),
    Action("fuzz_form.save", "ctrl+s", "save", "Save", "fuzz_form", priority=True, palette=False),
    Action("fuzz_form.cancel", "escape", "cancel", "Cancel", "fuzz_form", palette=False),
    Action("fuzz_push.yes", "y", "confirm", "Push", "fuzz_push", palette=False),
    Action("fuzz_push.no", "n,escape", "cancel", "Cancel", "fuzz_push", palette=False),
)

BY_ID: dict[str, Action] = {a.id: a for a in FUZZ_ACTIONS}


def bindings(scope: str) -> list[Binding]:
    """``BINDINGS`` of one fuzz scope (the registry's rows when they were moved there)."""
    registry = actions.bindings(scope)
    if registry:
        return registry
    return [
        Binding(a.keys, a.action, a.description, show=a.show, id=a.id, priority=a.priority)
        for a in FUZZ_ACTIONS
        if a.scope == scope
    ]


def find(scope: str, action_name: str) -> Action | None:
    return actions.find(scope, action_name) or next(
        (a for a in FUZZ_ACTIONS if a.scope == scope and a.action == action_name), None
    )


def first_key(action_id: str) -> str:
    """The first key of a row, as a person reads it (``[`` rather than ``left_square_bracket``)."""
    action = actions.BY_ID.get(action_id) or BY_ID[action_id]
    return actions.display_keys(action, {}).split(" / ")[0]


class FuzzChecks:
    """Like ``screens.base.RegistryChecks`` for these rows: a failing ``check`` greys the action out."""

    SCOPE = ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        spec = find(self.SCOPE, action)
        if spec is None or spec.check is None:
            return True
        predicate = getattr(self, spec.check, None)
        return True if predicate is None or predicate() else None
