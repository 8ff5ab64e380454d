"""The fuzz-bug session: steps 0–5 of the TorchFuzz workflow as a persisted state machine.

:class:`FuzzSession` is put together from one mixin per step family (``step0_capture``,
``step1_repro``, ``step2_fix``, ``step3_validate``, ``step45_publish``) over the gates
(``gates``) and the stored state (``base``, ``state``). Long operations return async
iterators of events (``events``); the last event of each is a :class:`StepResult`.
:class:`FuzzWorkflow` creates, lists and re-opens the sessions of one store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from ..store import SessionRecord, Store
from . import gitops, testgen
from .config import FuzzConfig
from .errors import FuzzError
from .events import FuzzEvent, Phase, Proof, StepResult, drain
from .fuzzer import find_entry_point, fuzzer_command
from .proc import CommandRunner
from .push import PushConfirmation, PushPlan
from .push_test import PushTestStep
from .state import KIND, QUALITY_ROWS, STEP_TITLES, STEPS, SUMMARY_QUESTIONS, FuzzSessionInfo, StepInfo, info_of
from .step0_capture import CaptureStep
from .step1_repro import ReproStep
from .step2_fix import FixStep
from .step3_validate import ValidateStep, comment_hints
from .step45_publish import PublishStep

__all__ = [
    "KIND", "QUALITY_ROWS", "STEPS", "STEP_TITLES", "SUMMARY_QUESTIONS", "FuzzEvent", "FuzzSession",
    "FuzzSessionInfo", "FuzzWorkflow", "Phase", "Proof", "PushConfirmation", "PushPlan", "StepInfo",
    "StepResult", "comment_hints", "drain",
]


class FuzzSession(CaptureStep, ReproStep, FixStep, ValidateStep, PublishStep, PushTestStep):
    """One fuzz-bug session. Re-open it with :meth:`FuzzWorkflow.open` after a restart."""


class FuzzWorkflow:
    """Creates, lists and re-opens fuzz sessions of one store."""

    def __init__(
        self,
        store: Store,
        data_dir: Path,
        *,
        repo: str = "pytorch/pytorch",
        config: FuzzConfig | None = None,
        runner_factory: Callable[[FuzzConfig], CommandRunner] | None = None,
    ):
        self.store = store
        self.data_dir = Path(data_dir)
        self.repo = repo
        self.config = config or FuzzConfig()
        self.runner_factory = runner_factory

    def _session(self, record: SessionRecord) -> FuzzSession:
        config = FuzzConfig.from_json(record.state["config"])
        runner = self.runner_factory(config) if self.runner_factory else None
        return FuzzSession(self.store, record, data_dir=self.data_dir, runner=runner)

    def start(
        self,
        checkout: Path | str,
        *,
        seed: int | None = None,
        template: str | None = None,
        program: str | None = None,
        program_origin: str | None = None,
        issue: int | None = None,
        config: FuzzConfig | None = None,
    ) -> FuzzSession:
        """A new session at step 0, from a seed (+ template) or a program's text."""
        if (seed is None) == (program is None):
            raise FuzzError("give either a seed or a program")
        checkout = Path(checkout).expanduser().resolve()
        if not checkout.is_dir():
            raise FuzzError(f"checkout {checkout} does not exist")
        base = gitops.head_commit(checkout)
        config = config or self.config
        if seed is not None:
            if config.is_remote:
                config.ssh_host()  # the host must be configured; the checkout there is looked at in step 0
            else:
                find_entry_point(checkout)  # fail now, not after the session exists
            fuzzer_command(config.python, Path("fuzzer.py"), seed=seed, template=template)  # validates the template
            source: dict[str, Any] = {"kind": "seed", "seed": int(seed), "template": template}
        else:
            if not program or not program.strip():
                raise FuzzError("the program is empty")
            testgen.program_body(program)  # must be valid Python
            source = {"kind": "program", "program": program, "origin": program_origin}
        state = {
            "schema": 1,
            "status": "active",
            "stop_reason": None,
            "checkout": str(checkout),
            "base": base,
            "base_branch": gitops.current_branch(checkout),
            "source": source,
            "issue": int(issue) if issue is not None else None,
            "config": config.to_json(),
            "steps": {},
            "log": [],
        }
        record = self.store.sessions.create(kind=KIND, repo=self.repo, issue=state["issue"], step="capture", state=state)
        return self._session(record)

    def open(self, session_id: str) -> FuzzSession:
        """Re-open a persisted session where it stopped."""
        record = self.store.sessions.get(session_id)
        if record is None or record.kind != KIND:
            raise FuzzError(f"no fuzz session {session_id!r}")
        return self._session(record)

    def sessions(self) -> list[FuzzSessionInfo]:
        """Every fuzz session, most recently updated first."""
        return [info_of(r) for r in self.store.sessions.list(kind=KIND)]

