"""Events of fuzz-session operations: each long operation is an async iterator of these
(plus the runner's process events); its last event is a :class:`StepResult`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import AsyncIterator, Callable, Union

from .errors import FuzzError
from .proc import ProcEvent


@dataclass(frozen=True, slots=True)
class Phase:
    """A part of a step begins (e.g. "running the test without the marker")."""

    step: str
    text: str
    kind: str = field(default="phase", init=False)


@dataclass(frozen=True, slots=True)
class Proof:
    """A gate's proof was checked."""

    step: str
    name: str
    ok: bool
    detail: str
    kind: str = field(default="proof", init=False)


@dataclass(frozen=True, slots=True)
class StepResult:
    """The end of an operation: ``ok`` and why, and where the session now stands."""

    step: str
    ok: bool
    reason: str
    session_step: str
    kind: str = field(default="step_result", init=False)


FuzzEvent = Union[Phase, Proof, StepResult, ProcEvent]


async def drain(events: AsyncIterator[FuzzEvent], on_event: Callable[[FuzzEvent], None] | None = None) -> StepResult:
    """Consume an operation's events; returns its final :class:`StepResult`."""
    last: StepResult | None = None
    async for event in events:
        if on_event is not None:
            on_event(event)
        if isinstance(event, StepResult):
            last = event
    if last is None:
        raise FuzzError("the operation ended without a result")
    return last

