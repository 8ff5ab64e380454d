"""The step machine and its persistence (one ``sessions`` row per workflow run)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterable

from core.errors import TriagedeckError
from core.models import format_timestamp, utcnow
from core.store.sessions import SessionStore

FINISHED = "finished"


class WorkflowError(TriagedeckError):
    """A step was driven out of order (started twice, unknown name...)."""


class GateError(WorkflowError):
    """Something tried to move past an open gate, or answered a gate that is not open."""


class StepStatus(str, Enum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    STOPPED = "stopped"
    SKIPPED = "skipped"

    @property
    def settled(self) -> bool:
        return self in (StepStatus.DONE, StepStatus.STOPPED, StepStatus.SKIPPED)


@dataclass(frozen=True, slots=True)
class StepState:
    name: str
    status: StepStatus = StepStatus.PENDING
    reason: str = ""

    def to_json(self) -> dict:
        return {"name": self.name, "status": self.status.value, "reason": self.reason}

    @classmethod
    def from_json(cls, data: dict) -> "StepState":
        return cls(str(data["name"]), StepStatus(data.get("status", "pending")), str(data.get("reason", "")))


@dataclass(frozen=True, slots=True)
class Gate:
    """A question only the maintainer may answer; ``options`` are the allowed answers."""

    id: str
    step: str
    question: str
    options: tuple[str, ...]
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"id": self.id, "step": self.step, "question": self.question, "options": list(self.options),
                "detail": self.detail}

    @classmethod
    def from_json(cls, data: dict) -> "Gate":
        return cls(str(data["id"]), str(data["step"]), str(data["question"]), tuple(data["options"]),
                   dict(data.get("detail") or {}))


class Workflow:
    """Ordered steps + free JSON data + recorded choices + at most one open gate.

    Every mutation is saved before it returns, so the store always holds the latest state.
    """

    def __init__(self, store: SessionStore, session_id: str, kind: str, repo: str, issue: int | None,
                 steps: list[StepState], data: dict, choices: list[dict], gate: Gate | None):
        self._store = store
        self.id = session_id
        self.kind = kind
        self.repo = repo
        self.issue = issue
        self._steps = steps
        self.data = data
        self.choices = choices
        self.gate = gate

    # -- construction ----------------------------------------------------------------------

    @classmethod
    def create(cls, store: SessionStore, *, kind: str, repo: str, issue: int | None,
               steps: Iterable[str], data: dict | None = None) -> "Workflow":
        names = list(steps)
        if not names or len(set(names)) != len(names):
            raise WorkflowError("a workflow needs distinct step names")
        states = [StepState(n) for n in names]
        state = {"steps": [s.to_json() for s in states], "data": data or {}, "choices": [], "gate": None}
        record = store.create(kind=kind, repo=repo, issue=issue, step=names[0], state=state)
        return cls(store, record.id, kind, repo, issue, states, copy.deepcopy(data or {}), [], None)

    @classmethod
    def load(cls, store: SessionStore, session_id: str) -> "Workflow":
        """Load a saved workflow; a step caught running without an open gate was interrupted
        (the app died mid-work) and goes back to pending so it is rerun."""
        record = store.get(session_id)
        if record is None:
            raise WorkflowError(f"no saved session {session_id!r}")
        state = record.state
        steps = [StepState.from_json(s) for s in state.get("steps", [])]
        gate = Gate.from_json(state["gate"]) if state.get("gate") else None
        wf = cls(store, record.id, record.kind, record.repo, record.issue, steps,
                 dict(state.get("data") or {}), list(state.get("choices") or []), gate)
        changed = False
        for i, s in enumerate(wf._steps):
            if s.status is StepStatus.RUNNING and not (gate and gate.step == s.name):
                wf._steps[i] = StepState(s.name, StepStatus.PENDING, "interrupted: will run again")
                changed = True
        if changed:
            wf.save()
        return wf

    @classmethod
    def latest(cls, store: SessionStore, *, kind: str, repo: str, issue: int | None) -> "Workflow | None":
        record = store.latest(kind=kind, repo=repo, issue=issue)
        return cls.load(store, record.id) if record else None

    # -- reading -----------------------------------------------------------------------------

    @property
    def steps(self) -> tuple[StepState, ...]:
        return tuple(self._steps)

    def step(self, name: str) -> StepState:
        for s in self._steps:
            if s.name == name:
                return s
        raise WorkflowError(f"unknown step {name!r}")

    def status(self, name: str) -> StepStatus:
        return self.step(name).status

    @property
    def current(self) -> str | None:
        """The first step not settled yet (None when the workflow is finished)."""
        return next((s.name for s in self._steps if not s.status.settled), None)

    @property
    def finished(self) -> bool:
        return self.current is None

    @property
    def stopped_at(self) -> StepState | None:
        return next((s for s in self._steps if s.status is StepStatus.STOPPED), None)

    def chosen(self, gate_id: str) -> dict | None:
        """The latest recorded answer to ``gate_id`` (``{"gate", "choice", "step", "at", ...}``)."""
        return next((c for c in reversed(self.choices) if c.get("gate") == gate_id), None)

    # -- mutation ----------------------------------------------------------------------------

    def _index(self, name: str) -> int:
        for i, s in enumerate(self._steps):
            if s.name == name:
                return i
        raise WorkflowError(f"unknown step {name!r}")

    def _set(self, name: str, status: StepStatus, reason: str) -> None:
        self._steps[self._index(name)] = StepState(name, status, reason)

    def _no_gate(self, action: str) -> None:
        if self.gate is not None:
            raise GateError(f"cannot {action}: the gate {self.gate.id!r} of step {self.gate.step!r} is waiting for a choice")

    def start(self, name: str) -> None:
        """Mark ``name`` running; every earlier step must be settled and no gate open."""
        self._no_gate(f"start {name!r}")
        if self.current != name:
            raise WorkflowError(f"cannot start {name!r}: the current step is {self.current!r}")
        self._set(name, StepStatus.RUNNING, "")
        self.save()

    def _finish(self, name: str, status: StepStatus, reason: str) -> None:
        self._no_gate(f"mark {name!r} {status.value}")
        if self.step(name).status.settled:
            raise WorkflowError(f"step {name!r} is already {self.step(name).status.value}")
        if self.current != name:
            raise WorkflowError(f"cannot settle {name!r}: the current step is {self.current!r}")
        self._set(name, status, reason)

    def done(self, name: str, reason: str = "") -> None:
        self._finish(name, StepStatus.DONE, reason)
        self.save()

    def skip(self, name: str, reason: str) -> None:
        self._finish(name, StepStatus.SKIPPED, reason)
        self.save()

    def stop(self, name: str, reason: str) -> None:
        """The step stops the workflow (the seed's "stop and report"): later steps are skipped."""
        self._finish(name, StepStatus.STOPPED, reason)
        for s in self._steps[self._index(name) + 1:]:
            if not s.status.settled:
                self._set(s.name, StepStatus.SKIPPED, f"not reached: stopped at {name}")
        self.save()

    def ask(self, name: str, gate_id: str, question: str, options: Iterable[str], detail: dict | None = None) -> Gate:
        """Open a gate in the running step ``name``; the step cannot settle until it is answered."""
        if self.step(name).status is not StepStatus.RUNNING:
            raise WorkflowError(f"a gate needs a running step; {name!r} is {self.step(name).status.value}")
        self._no_gate(f"ask {gate_id!r}")
        opts = tuple(options)
        if not opts:
            raise WorkflowError("a gate needs at least one option")
        self.gate = Gate(gate_id, name, question, opts, dict(detail or {}))
        self.save()
        return self.gate

    def choose(self, gate_id: str, choice: str, **extra: Any) -> dict:
        """Answer the open gate; the answer is recorded (with ``extra`` values) and saved."""
        if self.gate is None or self.gate.id != gate_id:
            open_ = f"{self.gate.id!r} is open" if self.gate else "no gate is open"
            raise GateError(f"cannot answer {gate_id!r}: {open_}")
        if choice not in self.gate.options:
            raise GateError(f"{choice!r} is not an option of {gate_id!r} ({', '.join(self.gate.options)})")
        entry = {"gate": gate_id, "step": self.gate.step, "choice": choice,
                 "at": format_timestamp(utcnow()), **extra}
        self.choices.append(entry)
        self.gate = None
        self.save()
        return entry

    def reset(self, name: str, reason: str = "") -> None:
        """Put ``name`` and every later step back to pending (e.g. rerun after an edit)."""
        self._no_gate(f"reset {name!r}")
        for s in self._steps[self._index(name):]:
            self._set(s.name, StepStatus.PENDING, reason if s.name == name else "")
        self.save()

    def put(self, key: str, value: Any) -> None:
        """Store a JSON value under ``data[key]`` and save."""
        self.data[key] = value
        self.save()

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "repo": self.repo,
            "issue": self.issue,
            "steps": [s.to_json() for s in self._steps],
            "gate": self.gate.to_json() if self.gate else None,
            "choices": copy.deepcopy(self.choices),
            "finished": self.finished,
        }

    def save(self) -> None:
        state = {
            "steps": [s.to_json() for s in self._steps],
            "data": self.data,
            "choices": self.choices,
            "gate": self.gate.to_json() if self.gate else None,
        }
        self._store.save(self.id, step=self.current or FINISHED, state=state)
