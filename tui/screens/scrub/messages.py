"""Messages the scrub screen's workers post (workers never touch widgets)."""

from __future__ import annotations

from textual.message import Message


class SessionEvent(Message):
    """One ``core.scrub`` event other than run output."""

    def __init__(self, event) -> None:
        self.event = event
        super().__init__()


class RunLines(Message):
    """A batch of one run's output lines (about a frame's worth)."""

    def __init__(self, run: int, lines: list[str], started: object | None = None) -> None:
        self.run = run
        self.lines = lines
        self.started = started
        super().__init__()


class DriveDone(Message):
    def __init__(self, error: str | None) -> None:
        self.error = error
        super().__init__()


class PlanSent(Message):
    def __init__(self, result, error: str | None) -> None:
        self.result = result
        self.error = error
        super().__init__()


class EditorReturned(Message):
    def __init__(self, text: str | None, error: str | None) -> None:
        self.text = text
        self.error = error
        super().__init__()
