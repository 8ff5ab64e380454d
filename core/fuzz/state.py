"""The persisted state model of a fuzz session: step names, the checklist and the form,
the JSON shapes of evidence, and the sessions-list summary built from a stored record.

A session's state is one JSON document in the store (``SessionRecord.state``); every proof
is saved as soon as it exists, so a killed app resumes at the same step.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from ..models import format_timestamp
from ..store import SessionRecord
from . import gitops, testgen
from .proc import ProcResult
from .signature import FuzzSignature

KIND = "fuzz"
STEPS = ("capture", "repro", "fix", "validate", "review", "publish")

STEP_TITLES = {
    "capture": "Step 0: get the failing fuzz program",
    "repro": "Step 1: reproduce the bug with a failing test",
    "fix": "Step 2: fix the bug",
    "validate": "Step 3: validate",
    "review": "Step 4: review",
    "publish": "Step 5: publish",
}

QUALITY_ROWS = {
    "complexity": "What is the runtime complexity? Is this the most efficient way?",
    "dry": "Am I duplicating the same code/logic?",
    "early_exit": "Do I have deeply nested conditions or long prologue branches?",
    "correctness": "Does this handle ALL cases and corner cases?",
    "root_cause": "Am I fixing the problem or just avoiding it?",
    "edge_cases": "Does this fix similar edge cases that fuzzing might find?",
}

SUMMARY_QUESTIONS = {
    "root_cause": "What was the root cause?",
    "complexity": "What is the runtime complexity of the fix?",
    "refactoring": "Were there any refactoring opportunities (duplication, early exits)?",
    "edge_cases": "What edge cases does the fix handle?",
    "why_correct": "Why is this fix correct?",
    "similar_ops": "Are there other similar operations that might have the same bug?",
}

OUTPUT_TAIL = 20_000
MAX_DIFF_CHARS = 200_000

Status = Literal["active", "stopped", "done"]


@dataclass(frozen=True, slots=True)
class StepInfo:
    name: str
    number: int
    title: str
    state: Literal["done", "current", "locked"]


@dataclass(frozen=True, slots=True)
class FuzzSessionInfo:
    """One line of the sessions list."""

    id: str
    step: str
    status: Status
    stop_reason: str | None
    checkout: str
    seed: int | None
    template: str | None
    issue: int | None
    test: str | None
    signature: str | None
    created_at: str
    updated_at: str
    steps: tuple[StepInfo, ...]

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "step": self.step,
            "step_number": STEPS.index(self.step) if self.step in STEPS else None,
            "status": self.status,
            "stop_reason": self.stop_reason,
            "checkout": self.checkout,
            "seed": self.seed,
            "template": self.template,
            "issue": self.issue,
            "test": self.test,
            "signature": self.signature,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "steps": [{"name": s.name, "number": s.number, "title": s.title, "state": s.state} for s in self.steps],
        }


def timestamp() -> float:
    return round(time.time(), 3)


def proc_json(result: ProcResult) -> dict:
    return {
        "argv": list(result.argv),
        "cwd": result.cwd,
        "exit_code": result.exit_code,
        "timed_out": result.timed_out,
        "duration_s": result.duration_s,
        "error": result.error,
        "output_tail": result.output[-OUTPUT_TAIL:],
    }


def diff_json(diff: gitops.DiffView) -> dict:
    data = diff.to_json()
    if len(data["text"]) > MAX_DIFF_CHARS:
        data["text"] = data["text"][:MAX_DIFF_CHARS] + "\n… (diff cut)"
        data["text_cut"] = True
    return data


def spec_json(spec: testgen.TestSpec) -> dict:
    return {"style": spec.style, "file": spec.file, "class_name": spec.class_name, "method_name": spec.method_name, "reason": spec.reason}


def info_from(session_id: str, step: str, state: dict, created: str, updated: str) -> FuzzSessionInfo:
    source = state.get("source", {})
    repro = state.get("steps", {}).get("repro", {})
    test = repro.get("test")
    sig = FuzzSignature.from_json(state.get("steps", {}).get("capture", {}).get("signature"))
    status = state.get("status", "active")
    current = STEPS.index(step) if step in STEPS else len(STEPS)
    steps = []
    for i, name in enumerate(STEPS):
        if status == "done" or i < current:
            s = "done"
        elif i == current and status == "active":
            s = "current"
        else:
            s = "locked"
        steps.append(StepInfo(name, i, STEP_TITLES[name], s))  # type: ignore[arg-type]
    return FuzzSessionInfo(
        id=session_id,
        step=step,
        status=status,
        stop_reason=state.get("stop_reason"),
        checkout=state.get("checkout", ""),
        seed=source.get("seed"),
        template=source.get("template"),
        issue=state.get("issue"),
        test=f"{test['file']}::{test['class_name']}::{test['method_name']}" if test else None,
        signature=sig.describe() if sig else None,
        created_at=created,
        updated_at=updated,
        steps=tuple(steps),
    )


def info_of(record: SessionRecord) -> FuzzSessionInfo:
    return info_from(record.id, record.step, record.state, format_timestamp(record.created_at) or "", format_timestamp(record.updated_at) or "")

