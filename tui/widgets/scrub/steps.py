"""The step list: every seed step with its status and (shortened) reason."""

from __future__ import annotations

from typing import Iterable

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from core.text import one_line
from core.workflow import Gate, StepState, StepStatus

STEP_TITLES: dict[str, str] = {
    "fetch": "Fetch",
    "actionable": "Actionable?",
    "analyze": "Analyze",
    "safety": "Safety review",
    "recent_verification": "Recent verification",
    "reproduce": "Reproduce",
    "bisect": "Bisect + fixing PR",
    "minimize": "Minimize",
    "trivial_fix": "Trivial fix",
    "report": "Report",
}

# Plain characters (no spinner): a running step looks the same in every frame.
MARKS: dict[StepStatus, tuple[str, str]] = {
    StepStatus.PENDING: ("·", "dim"),
    StepStatus.RUNNING: ("▶", "bold yellow"),
    StepStatus.DONE: ("✓", "green"),
    StepStatus.STOPPED: ("■", "bold red"),
    StepStatus.SKIPPED: ("–", "dim"),
}


def clip(text: str, limit: int) -> str:
    """One inert line of at most ``limit`` characters, ending in … when cut."""
    line = one_line(text, max_chars=max(limit * 4, 200))
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def steps_text(steps: Iterable[StepState], *, gate: Gate | None = None, selected: str | None = None,
               reason_chars: int = 30) -> Text:
    """One block per step: mark, title, status word, and the reason on the next line."""
    text = Text()
    for index, state in enumerate(steps):
        if index:
            text.append("\n")
        mark, style = MARKS[state.status]
        waiting = gate is not None and gate.step == state.name
        pointer = "›" if state.name == selected else " "
        text.append(f"{pointer}{mark} ", style=style)
        title = STEP_TITLES.get(state.name, state.name)
        text.append(title, style="bold reverse" if state.name == selected else "bold")
        word = "waiting for you" if waiting else state.status.value
        text.append(f"  {word}", style="bold magenta" if waiting else style)
        if state.reason:
            text.append("\n   ")
            text.append(clip(state.reason, reason_chars), style="dim" if state.status is not StepStatus.STOPPED else "red")
    return text


class StepList(Static, can_focus=True):
    """Focusable list; ``j``/``k`` move the selection (posts :class:`StepList.Selected`)."""

    BINDINGS = [
        Binding("j,down", "move(1)", "Next step", show=False),
        Binding("k,up", "move(-1)", "Prev step", show=False),
    ]

    class Selected(Message):
        def __init__(self, step: str) -> None:
            self.step = step
            super().__init__()

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._names: list[str] = []
        self.selected: str | None = None

    def show(self, steps: Iterable[StepState], *, gate: Gate | None, selected: str | None) -> None:
        steps = tuple(steps)
        self._names = [s.name for s in steps]
        self.selected = selected
        self.update(steps_text(steps, gate=gate, selected=selected))

    def action_move(self, delta: int) -> None:
        if not self._names:
            return
        index = self._names.index(self.selected) if self.selected in self._names else 0
        index = max(0, min(len(self._names) - 1, index + delta))
        self.post_message(self.Selected(self._names[index]))
