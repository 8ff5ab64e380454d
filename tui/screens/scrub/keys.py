"""Key rows of the scrub screen, in the action registry's own ``Action`` shape.

``tui.actions.ACTIONS`` is a closed tuple (no registration from other modules), so the rows
live here, like the repro pane's and the diff pane's; moving them into the registry
(scopes ``scrub``, ``scrub_edit``, ``scrub_report``) makes ``actions.bindings(scope)``
produce exactly what :func:`bindings` produces. The gate's own keys are on the gate bar
(``tui.widgets.scrub.gate``): none of them is ``p`` or a digit, and none is Enter.
"""

from __future__ import annotations

from textual.binding import Binding

from ... import actions
from ...actions import Action

SCOPES: dict[str, str] = {
    "scrub": "Scrub",
    "scrub_edit": "Scrub: editing the repro",
    "scrub_report": "Scrub: editing the report",
}

SCRUB_ACTIONS: tuple[Action, ...] = (
    Action("scrub.post", "p", "post_plan", "Send plan", "scrub", check="can_post"),
    Action("scrub.gate", "g", "focus_gate", "Gate", "scrub", check="has_gate"),
    Action("scrub.tab_issue", "1", "show_tab('issue')", "Issue", "scrub"),
    Action("scrub.tab_repro", "2", "show_tab('repro')", "Repro", "scrub"),
    Action("scrub.tab_bisect", "3", "show_tab('bisect')", "Bisect", "scrub"),
    Action("scrub.tab_diff", "4", "show_tab('diff')", "Diff", "scrub"),
    Action("scrub.tab_report", "5", "show_tab('report')", "Report", "scrub"),
    Action("scrub.retry", "ctrl+r", "retry", "Retry", "scrub", check="can_retry"),
    Action("scrub.new", "N", "new_session", "New scrub", "scrub", show=False, check="can_restart"),
    Action("scrub.back", "escape", "back", "Back", "scrub"),
    Action("scrub_edit.submit", "ctrl+s", "submit_edit", "Rerun with this", "scrub_edit", priority=True),
    Action("scrub_edit.editor", "ctrl+e", "external_editor", "$EDITOR", "scrub_edit", priority=True),
    Action("scrub_edit.cancel", "escape", "cancel_edit", "Cancel edit", "scrub_edit", priority=True),
    Action("scrub_report.save", "ctrl+s", "save_report", "Save draft", "scrub_report", priority=True),
    Action("scrub_report.leave", "escape", "leave_report", "Done editing", "scrub_report", priority=True),
)


def bindings(scope: str) -> list[Binding]:
    """``BINDINGS`` of one scrub scope (same construction as ``actions.bindings``)."""
    registry = actions.bindings(scope)
    if registry:  # the rows were moved into the registry: it is the single source
        return registry
    return [
        Binding(a.keys, a.action, a.description, show=a.show, id=a.id, priority=a.priority)
        for a in SCRUB_ACTIONS
        if a.scope == scope
    ]


def find(scope: str, action_name: str) -> Action | None:
    return actions.find(scope, action_name) or next(
        (a for a in SCRUB_ACTIONS if a.scope == scope and a.action == action_name), None
    )


class ScrubChecks:
    """A row whose ``check`` predicate fails is greyed out (like ``RegistryChecks``)."""

    SCOPE = ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        spec = find(self.SCOPE, action) or next(
            (a for a in SCRUB_ACTIONS if a.scope == self.SCOPE and a.action.split("(")[0] == action), None)
        if spec is None or spec.check is None:
            return True
        predicate = getattr(self, spec.check, None)
        return True if predicate is None or predicate() else None
