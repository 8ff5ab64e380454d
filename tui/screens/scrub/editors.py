"""The two editors on the scrub screen: the repro (Python) and the drafted report (Markdown)."""

from __future__ import annotations

from textual.widgets import TextArea

from ...widgets.editor import DeferredLanguage
from .keys import bindings


def code_editor(cls, text: str, language: str, **kwargs):
    """``cls.code_editor`` with highlighting when the tree-sitter grammar is installed."""
    if issubclass(cls, DeferredLanguage):
        return cls.deferred_code_editor(text, language=language, **kwargs)
    try:
        return cls.code_editor(text, language=language, **kwargs)
    except Exception:  # noqa: BLE001 - no grammar: plain text still edits fine
        return cls.code_editor(text, language=None, **kwargs)


class ReproEditor(DeferredLanguage):
    """Edits the repro for a gate's ``edit`` answer: ctrl+s reruns, escape cancels."""

    BINDINGS = bindings("scrub_edit")

    def action_submit_edit(self) -> None:
        self.screen.submit_edit()  # type: ignore[attr-defined]

    def action_cancel_edit(self) -> None:
        self.screen.cancel_edit()  # type: ignore[attr-defined]

    def action_external_editor(self) -> None:
        self.screen.external_editor()  # type: ignore[attr-defined]


class ReportEditor(TextArea):
    """The drafted comment: ctrl+s saves it into the session (and the plan), escape saves and leaves."""

    BINDINGS = bindings("scrub_report")

    def action_save_report(self) -> None:
        self.screen.save_report()  # type: ignore[attr-defined]

    def action_leave_report(self) -> None:
        self.screen.save_report()  # type: ignore[attr-defined]
        self.screen.focus_steps()  # type: ignore[attr-defined]
