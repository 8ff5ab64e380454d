"""The confirmation dialog: exactly what a plan will send, and nothing until ``y``.

Confirm is ``y`` only — not Enter, not the key that opened the dialog — and escape (or
``n``) always dismisses with False. The dialog holds no focusable button, so Enter has
nothing to press.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from core.gate.plan import WritePlan
from core.text import inert, one_line

from .. import actions
from .compose import key_hint

# The dialog shows the full body; only absurd sizes are cut (with a note saying so).
DIALOG_BODY_CAP = 200_000


def plan_summary(plan: WritePlan) -> Text:
    """Target issue, labels added/removed and close reason, as literal text."""
    text = Text()
    text.append("Target  ", style="bold")
    text.append(f"{one_line(plan.repo)}#{plan.number}")
    if plan.title:
        text.append(f" — {one_line(plan.title, max_chars=200)}")
    if plan.labels_added:
        text.append("\nAdd labels     ", style="bold")
        for index, label in enumerate(plan.labels_added):
            if index:
                text.append(" ")
            text.append(f" {one_line(label, max_chars=80)} ", style="reverse green")
    if plan.labels_removed:
        text.append("\nRemove labels  ", style="bold")
        for index, label in enumerate(plan.labels_removed):
            if index:
                text.append(" ")
            text.append(f" {one_line(label, max_chars=80)} ", style="reverse red")
    if plan.close_reason:
        text.append("\nClose as       ", style="bold")
        text.append(plan.close_reason.replace("_", " "), style="bold magenta")
    comments = plan.comments
    if comments:
        text.append("\nComment        ", style="bold")
        text.append(f"{len(comments[0]):,} characters, shown below as GitHub will render it")
    return text


def comment_markdown(body: str) -> str:
    if len(body) <= DIALOG_BODY_CAP:
        return inert(body)
    return inert(body[:DIALOG_BODY_CAP]) + f"\n\n---\n\n*Display cut: {len(body) - DIALOG_BODY_CAP:,} more characters will also be sent.*"


class ConfirmDialog(ModalScreen[bool]):
    SCOPE = "confirm"
    BINDINGS = actions.bindings("confirm")

    def __init__(self, plan: WritePlan) -> None:
        super().__init__()
        self.plan = plan

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(Text("Send to GitHub?", style="bold"), id="confirm-title")
            yield Static(plan_summary(self.plan), id="confirm-summary")
            if self.plan.comments:
                with VerticalScroll(id="confirm-comment"):
                    for body in self.plan.comments:
                        yield Markdown(comment_markdown(body), open_links=False)
            yield Static(key_hint(self.app.keymap_overrides, "confirm.yes", "confirm.no"), id="confirm-hint")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
