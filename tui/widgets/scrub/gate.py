"""The gate bar: the open gate's question and its options, each on its own key.

The bar takes focus when a gate opens, so its keys win. None of them is Enter, and none
is a key that triggers something on the screen (``p`` posts, digits switch tabs), so no
double press ever answers a gate by accident.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from core.text import one_line
from core.workflow import Gate

# Option → key. Options of one gate never share a key (checked by gate_keymap).
GATE_KEYS: dict[str, str] = {
    "run": "y", "edit": "e", "skip": "s",
    "duplicate": "d", "not_duplicate": "n",
    "close": "c", "keep": "k",
    "recheck": "r", "stop": "x",
    "reverify": "v", "skip_to_minimize": "m",
    "report": "t", "hang_is_the_bug": "h",
    "accept": "y", "reject": "n",
    "apply": "y", "decline": "n",
    "still_buggy": "b", "fixed": "f",
}
LABELS: dict[str, str] = {
    "run": "run it", "edit": "edit the repro", "skip": "skip running", "duplicate": "duplicate",
    "not_duplicate": "not a duplicate", "close": "close as not planned", "keep": "keep open",
    "recheck": "recheck (after you installed them)", "stop": "stop", "reverify": "re-verify",
    "skip_to_minimize": "skip to minimization", "report": "report as is", "hang_is_the_bug": "the hang is the bug",
    "accept": "accept", "reject": "reject", "apply": "apply the fix", "decline": "decline",
    "still_buggy": "the bug is still there", "fixed": "fixed",
}
# Letters no gate option uses and the screen does not bind (digits switch tabs).
_FALLBACK = "iuwz"
_ALL_KEYS = sorted(set(GATE_KEYS.values()) | set(_FALLBACK))


def gate_keymap(options: tuple[str, ...]) -> dict[str, str]:
    """key → option for one gate (an unknown option, or a clash, gets a spare letter)."""
    out: dict[str, str] = {}
    digits = iter(_FALLBACK)
    for option in options:
        key = GATE_KEYS.get(option)
        if key is None or key in out:
            key = next(d for d in digits if d not in out)
        out[key] = option
    return out


class GateBar(Static, can_focus=True):
    """Posts :class:`GateBar.Chosen` with the gate id and the option of the key pressed."""

    BINDINGS = [Binding(k, f"press_key('{k}')", k, show=False) for k in _ALL_KEYS]

    class Chosen(Message):
        def __init__(self, gate_id: str, option: str) -> None:
            self.gate_id = gate_id
            self.option = option
            super().__init__()

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.gate: Gate | None = None
        self.keymap: dict[str, str] = {}

    def show_gate(self, gate: Gate | None) -> None:
        self.gate = gate
        if gate is None:
            self.keymap = {}
            self.display = False
            self.update("")
            return
        self.keymap = gate_keymap(gate.options)
        text = Text()
        text.append("Your choice: ", style="bold magenta")
        text.append(one_line(gate.question, max_chars=400))
        text.append("\n")
        for key, option in self.keymap.items():
            text.append(f" {key} ", style="bold reverse")
            text.append(f" {LABELS.get(option, option.replace('_', ' '))}   ")
        self.update(text)
        self.display = True

    def action_press_key(self, key: str) -> None:
        option = self.keymap.get(key)
        if self.gate is not None and option is not None:
            self.post_message(self.Chosen(self.gate.id, option))
