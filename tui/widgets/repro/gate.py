"""The security gate: shown in place (the flagged code stays visible above it).

It takes focus when shown, so its keys (``y`` run, ``e`` edit, ``s`` skip, escape: not
now) win over the pane's; none of them is the key that asked for the run.
"""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from .keys import bindings


class GatePanel(Static, can_focus=True):
    """Posts :class:`GatePanel.Chosen` (``run``/``edit``/``skip``) or :class:`GatePanel.Dismissed`."""

    SCOPE = "repro_gate"
    BINDINGS = bindings("repro_gate")

    class Chosen(Message):
        def __init__(self, choice: str) -> None:
            self.choice = choice
            super().__init__()

    class Dismissed(Message):
        pass

    def show_gate(self, text: Text) -> None:
        hint = Text("\n")
        for key, word in (("y", "run it"), ("e", "edit first"), ("s", "skip"), ("esc", "not now")):
            hint.append(f" {key} ", style="bold reverse")
            hint.append(f" {word}   ")
        self.update(text + hint)
        self.display = True
        self.focus()

    def hide(self) -> None:
        self.display = False

    def action_choose(self, choice: str) -> None:
        if choice in ("run", "edit", "skip"):
            self.post_message(self.Chosen(choice))

    def action_dismiss_gate(self) -> None:
        self.post_message(self.Dismissed())
