"""Registry rows for the diff pane and the minimizer step viewer.

They use the registry's own :class:`tui.actions.Action` so they can move into
``tui.actions.ACTIONS`` unchanged (and ``SCOPES`` gains :data:`DIFF_SCOPES`); until then
:func:`bindings` builds the ``BINDINGS`` the same way ``actions.bindings`` does.
Accept/reject keys share nothing with navigation, and neither is Enter.
"""

from __future__ import annotations

from textual.binding import Binding

from ...actions import Action

DIFF_SCOPES: dict[str, str] = {
    "diff": "Diff view",
    "diff_pane": "Diff pane (review a change)",
    "minimize_steps": "Minimizer steps",
}

DIFF_ACTIONS: tuple[Action, ...] = (
    Action("diff.toggle_view", "v", "toggle_view", "Split/unified", "diff"),
    Action("diff.next_hunk", "right_square_bracket,n", "next_hunk", "Next hunk", "diff"),
    Action("diff.prev_hunk", "left_square_bracket,p", "prev_hunk", "Prev hunk", "diff"),
    Action("diff.next_file", "right_curly_bracket", "next_file", "Next file", "diff", check="has_files"),
    Action("diff.prev_file", "left_curly_bracket", "prev_file", "Prev file", "diff", show=False, check="has_files"),
    Action("diff.down", "j", "scroll_down", "Scroll down", "diff", show=False, palette=False),
    Action("diff.up", "k", "scroll_up", "Scroll up", "diff", show=False, palette=False),
    Action("diff.left", "h", "scroll_left", "Scroll left", "diff", show=False, palette=False),
    Action("diff.right", "l", "scroll_right", "Scroll right", "diff", show=False, palette=False),
    Action("diff.page_down", "ctrl+d", "page_down", "Page down", "diff", show=False, palette=False),
    Action("diff.page_up", "ctrl+u", "page_up", "Page up", "diff", show=False, palette=False),
    Action("diff.top", "g", "scroll_home", "Top", "diff", show=False, palette=False),
    Action("diff.bottom", "G", "scroll_end", "Bottom", "diff", show=False, palette=False),
    Action("diff_pane.accept", "a", "accept", "Accept", "diff_pane", check="can_decide"),
    Action("diff_pane.reject", "x", "reject", "Reject", "diff_pane", check="can_decide"),
    Action("minimize_steps.next", "j", "next_step", "Next step", "minimize_steps", show=False, palette=False),
    Action("minimize_steps.prev", "k", "prev_step", "Prev step", "minimize_steps", show=False, palette=False),
    Action("minimize_steps.whole", "o", "show_whole", "Original→final", "minimize_steps"),
    Action("minimize_steps.accept", "a", "accept", "Use minimized", "minimize_steps"),
    Action("minimize_steps.reject", "x", "reject", "Keep original", "minimize_steps"),
    Action("minimize_steps.back", "escape", "back", "Back", "minimize_steps"),
)


def bindings(scope: str) -> list[Binding]:
    """The ``BINDINGS`` of one of this module's scopes (each Binding carries its action id)."""
    return [
        Binding(a.keys, a.action, a.description, show=a.show, id=a.id, priority=a.priority)
        for a in DIFF_ACTIONS
        if a.scope == scope
    ]


def find(scope: str, action_name: str) -> Action | None:
    for a in DIFF_ACTIONS:
        if a.scope == scope and a.action == action_name:
            return a
    return None


class DiffRegistryChecks:
    """Like ``screens.base.RegistryChecks`` for these rows: a failing ``check`` greys the action out."""

    SCOPE = ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        spec = find(self.SCOPE, action)
        if spec is None or spec.check is None:
            return True
        predicate = getattr(self, spec.check, None)
        return True if predicate is None or predicate() else None
