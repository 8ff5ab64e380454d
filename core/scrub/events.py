"""The events a scrub session streams (``ScrubSession.advance``) and their JSON form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.bisect import BisectResult, ProbeCancelled, ProbeResult, RoundStarted
from core.gate.plan import WritePlan
from core.run import (
    event_to_json,
)
from core.workflow import Gate


@dataclass(frozen=True, slots=True)
class StepChanged:
    step: str
    status: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class GateOpened:
    gate: Gate


@dataclass(frozen=True, slots=True)
class RunOutput:
    """A live event of a repro run (``run`` is the 0-based run index)."""

    run: int
    event: Any


@dataclass(frozen=True, slots=True)
class BisectProgress:
    event: RoundStarted | ProbeResult | ProbeCancelled | BisectResult


@dataclass(frozen=True, slots=True)
class MinimizeProgress:
    event: Any


@dataclass(frozen=True, slots=True)
class Note:
    step: str
    text: str


@dataclass(frozen=True, slots=True)
class PlanDrafted:
    plan: WritePlan
    suggested: bool = False


@dataclass(frozen=True, slots=True)
class Finished:
    stopped_at: str | None
    reason: str


ScrubEvent = StepChanged | GateOpened | RunOutput | BisectProgress | MinimizeProgress | Note | PlanDrafted | Finished


def event_json(event: ScrubEvent) -> dict:
    """One event as JSON (the CLI's ``--events`` lines, logs)."""
    if isinstance(event, StepChanged):
        return {"event": "step", "step": event.step, "status": event.status, "reason": event.reason}
    if isinstance(event, GateOpened):
        return {"event": "gate", **event.gate.to_json()}
    if isinstance(event, RunOutput):
        return {"event": "run", "run": event.run, **event_to_json(event.event)}
    if isinstance(event, BisectProgress):
        e = event.event
        if isinstance(e, RoundStarted):
            return {"event": "bisect_round", "round": e.round, "versions": list(e.versions)}
        if isinstance(e, ProbeResult):
            return {"event": "bisect_probe", "version": e.version, "outcome": e.outcome.value, "detail": e.detail}
        if isinstance(e, ProbeCancelled):
            return {"event": "bisect_cancelled", "version": e.version, "round": e.round}
        return {"event": "bisect_result", **_bisect_json(e)}
    if isinstance(event, MinimizeProgress):
        return {"event": "minimize", "type": type(event.event).__name__}
    if isinstance(event, Note):
        return {"event": "note", "step": event.step, "text": event.text}
    if isinstance(event, PlanDrafted):
        return {"event": "plan", "suggested": event.suggested, "plan": event.plan.to_json()}
    return {"event": "finished", "stopped_at": event.stopped_at, "reason": event.reason}


def _bisect_json(r: BisectResult) -> dict:
    return {"direction": r.direction, "last_before": r.last_before, "first_after": r.first_after, "rounds": r.rounds,
            "probes": r.probes, "broken": list(r.broken), "inconsistent": r.inconsistent, "reason": r.reason,
            "exact": r.exact,
            "timeline": [{"version": p.version, "outcome": p.outcome.value, "detail": p.detail, "round": p.round}
                         for p in r.timeline]}

