"""Flakiness: run the same spec N times and count verdicts (seed step 5: 3-5 runs)."""

from __future__ import annotations

import collections
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from core.models import ErrorSignature

from .events import RunEvent
from .result import Runner, RunResult, collect
from .spec import RunSpec
from .verdict import Verdict, VerdictKind, judge_result

DEFAULT_RUNS = 5


@dataclass(frozen=True, slots=True)
class RunOutcome:
    index: int
    exit_code: int | None
    signal: int | None
    duration_s: float
    timed_out: bool
    cancelled: bool
    log_path: Path | None
    verdict: Verdict

    @classmethod
    def of(cls, index: int, result: RunResult, verdict: Verdict) -> "RunOutcome":
        return cls(
            index,
            result.exit_code,
            result.signal,
            result.duration_s,
            result.timed_out,
            result.finished.cancelled,
            result.log_path,
            verdict,
        )

    def to_json(self) -> dict[str, object]:
        return {
            "index": self.index,
            "exit_code": self.exit_code,
            "signal": self.signal,
            "duration_s": self.duration_s,
            "timed_out": self.timed_out,
            "cancelled": self.cancelled,
            "log": str(self.log_path) if self.log_path else None,
            "verdict": self.verdict.to_json(),
        }


@dataclass(frozen=True, slots=True)
class FlakinessReport:
    outcomes: tuple[RunOutcome, ...]

    @property
    def runs(self) -> int:
        return len(self.outcomes)

    @property
    def counts(self) -> dict[str, int]:
        return dict(collections.Counter(o.verdict.kind.value for o in self.outcomes))

    @property
    def passed(self) -> int:
        return sum(o.verdict.kind is VerdictKind.PASSES for o in self.outcomes)

    @property
    def failed(self) -> int:
        return self.runs - self.passed

    @property
    def reproduced(self) -> int:
        return sum(o.verdict.kind is VerdictKind.REPRODUCES for o in self.outcomes)

    @property
    def consistent(self) -> bool:
        return len(self.counts) <= 1

    @property
    def flaky(self) -> bool:
        return not self.consistent

    @property
    def ratio(self) -> str:
        """``failed/runs`` as the seed reports it ("fails 3/5")."""
        return f"{self.failed}/{self.runs}"

    @property
    def verdict(self) -> Verdict | None:
        """The most frequent verdict (the reproducing one on a tie)."""
        if not self.outcomes:
            return None
        counts = collections.Counter(o.verdict.kind for o in self.outcomes)
        best = max(counts.values())
        leaders = [k for k, n in counts.items() if n == best]
        kind = VerdictKind.REPRODUCES if VerdictKind.REPRODUCES in leaders else leaders[0]
        return next(o.verdict for o in self.outcomes if o.verdict.kind is kind)

    def to_json(self) -> dict[str, object]:
        return {
            "runs": self.runs,
            "passed": self.passed,
            "failed": self.failed,
            "reproduced": self.reproduced,
            "ratio": self.ratio,
            "flaky": self.flaky,
            "counts": self.counts,
            "verdicts": [o.verdict.kind.value for o in self.outcomes],
        }


async def run_repeated(
    runner: Runner,
    spec: RunSpec,
    runs: int = DEFAULT_RUNS,
    expected: ErrorSignature | None = None,
    *,
    on_event: Callable[[int, RunEvent], None] | None = None,
    log_dir: Path | None = None,
) -> FlakinessReport:
    """Run ``spec`` ``runs`` times one after the other; judge each run."""
    outcomes = []
    for index in range(runs):
        callback = (lambda event, i=index: on_event(i, event)) if on_event else None
        result = await collect(runner, spec, on_event=callback, log_dir=log_dir)
        outcomes.append(RunOutcome.of(index, result, judge_result(result, expected)))
    return FlakinessReport(tuple(outcomes))
