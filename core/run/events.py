"""Events a run streams out: one ``RunStarted``, then ``OutputLine``s, then one ``RunFinished``."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal, Union

Stream = Literal["stdout", "stderr"]


@dataclass(frozen=True, slots=True)
class RunStarted:
    command: tuple[str, ...]
    env_name: str
    sandboxed: bool
    cwd: str
    time: float
    # Why the run is not sandboxed (or a note about the sandbox); empty when nothing to say.
    sandbox_note: str = ""

    kind = "started"


@dataclass(frozen=True, slots=True)
class OutputLine:
    """One line of output (ANSI stripped, newline removed); ``time`` is epoch seconds."""

    stream: Stream
    text: str
    time: float

    kind = "line"


@dataclass(frozen=True, slots=True)
class RunFinished:
    """``exit_code`` is shell-like: 128+N when killed by signal N (then ``signal`` is N)."""

    exit_code: int | None
    signal: int | None
    duration_s: float
    timed_out: bool = False
    cancelled: bool = False
    error: str | None = None

    kind = "finished"


RunEvent = Union[RunStarted, OutputLine, RunFinished]


def event_to_json(event: RunEvent) -> dict[str, Any]:
    """A JSON-able dict of an event, with its ``event`` kind."""
    data = asdict(event)
    if isinstance(event, RunStarted):
        data["command"] = list(event.command)
    return {"event": event.kind, **data}
