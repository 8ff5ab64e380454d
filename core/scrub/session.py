"""The scrub workflow as a persisted, resumable step machine (scrub seed, all steps).

Steps: fetch, actionable, analyze, safety, recent_verification, reproduce, bisect, minimize,
trivial_fix, report. :meth:`ScrubSession.advance` runs steps until the workflow finishes or a
gate needs the maintainer (``session.gate``); :meth:`ScrubSession.choose` records the answer,
then ``advance`` goes on. Every verdict, choice, run summary and draft is saved in the
store after each change, so a killed app resumes where it stopped.

Gates (id → options): ``duplicate`` (duplicate / not_duplicate), ``close_stale`` (close /
keep), ``missing_packages`` (recheck / stop), ``safety`` (run / edit / skip),
``recent_verification`` (reverify / skip_to_minimize), ``different_error`` (edit / report),
``timeout`` (hang_is_the_bug / stop), ``minimize`` (run / skip), ``accept_minimized``
(accept / reject), ``trivial_fix`` (apply / decline). ``edit`` answers carry ``code=``.
"""

from __future__ import annotations

from typing import Any, AsyncIterator

from core.safety.trust import code_digest
from core.store.sessions import SessionStore
from core.workflow import StepStatus, Workflow

from .base import KIND, STEPS, CollaboratorCheck, Fetch, Search
from .events import (
    BisectProgress,
    Finished,
    GateOpened,
    MinimizeProgress,
    Note,
    PlanDrafted,
    RunOutput,
    ScrubEvent,
    StepChanged,
    event_json,
)
from .options import ScrubOptions, probe_imports_in
from .steps_analyze import AnalyzeSteps
from .steps_bisect import BisectSteps
from .steps_fetch import FetchSteps
from .steps_minimize import MinimizeSteps
from .steps_report import ReportSteps
from .steps_verify import VerifySteps

__all__ = [
    "KIND", "STEPS", "BisectProgress", "CollaboratorCheck", "Fetch", "Finished", "GateOpened", "MinimizeProgress",
    "Note", "PlanDrafted", "RunOutput", "ScrubEvent", "ScrubOptions", "ScrubSession", "Search", "StepChanged",
    "event_json", "probe_imports_in",
]


class ScrubSession(FetchSteps, AnalyzeSteps, VerifySteps, BisectSteps, MinimizeSteps, ReportSteps):
    """One scrub of one issue. Create with :meth:`start` or :meth:`resume`."""

    @classmethod
    def start(cls, sessions: SessionStore, repo: str, number: int, options: ScrubOptions, **hooks: Any) -> "ScrubSession":
        wf = Workflow.create(sessions, kind=KIND, repo=repo, issue=number, steps=STEPS,
                             data={"env": {"spec": options.env.key, "name": options.env.name}})
        return cls(wf, options, **hooks)

    @classmethod
    def resume(cls, sessions: SessionStore, repo: str, number: int, options: ScrubOptions, **hooks: Any) -> "ScrubSession | None":
        """The latest saved session of this issue (interrupted steps are rerun), or None."""
        wf = Workflow.latest(sessions, kind=KIND, repo=repo, issue=number)
        return None if wf is None else cls(wf, options, **hooks)

    # -- choices ------------------------------------------------------------------------------

    def choose(self, gate_id: str, choice: str, *, code: str | None = None, via: str = "maintainer") -> dict:
        """Answer the open gate. ``edit`` needs ``code``: the edited repro, which goes through
        the security review again before it can run."""
        extra: dict[str, Any] = {"via": via}
        if self.code is not None:
            extra["code_digest"] = code_digest(self.code)
        if choice == "edit":
            if not code or not code.strip():
                raise ValueError("an edit needs the edited code")
            extra["code"] = code
        return self.wf.choose(gate_id, choice, **extra)


    # -- driving ------------------------------------------------------------------------------

    async def advance(self) -> AsyncIterator[ScrubEvent]:
        """Run steps until the workflow finishes or a gate waits for a choice."""
        handlers = {
            "fetch": self._fetch_step, "actionable": self._actionable, "analyze": self._analyze,
            "safety": self._safety, "recent_verification": self._recent, "reproduce": self._reproduce,
            "bisect": self._bisect, "minimize": self._minimize, "trivial_fix": self._trivial_fix,
            "report": self._report,
        }
        while self.wf.gate is None and not self.wf.finished:
            name = self.wf.current
            assert name is not None
            if self.wf.status(name) is StepStatus.PENDING:
                self.wf.start(name)
                yield StepChanged(name, "running")
            async for event in handlers[name](name):
                yield event
            if self.wf.gate is not None:
                yield GateOpened(self.wf.gate)
                return
            state = self.wf.step(name)
            if state.status is StepStatus.PENDING:
                yield StepChanged(name, "pending", state.reason)  # an earlier step was reset (edit)
                continue
            if not state.status.settled:
                raise RuntimeError(f"step {name} neither settled nor asked")  # a bug in a handler
            yield StepChanged(name, state.status.value, state.reason)
        if self.wf.finished:
            stop = self.wf.stopped_at
            yield Finished(stop.name if stop else None, stop.reason if stop else "report drafted")

    async def run_to_gate(self) -> list[ScrubEvent]:
        """``advance`` collected (tests, scripts)."""
        return [e async for e in self.advance()]

