"""The state every scrub step works on: the workflow, its saved data, the hooks, and the
plan helpers (labels pending, drafted plan, suggested plans, stop-with-plan)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Awaitable, Callable

from core.gate.plan import WritePlan
from core.issuefile import thread_from_json
from core.models import Issue, IssueThread, Trust, utcnow
from core.run import (
    probe_environment,
)
from core.run.launch import RunLauncher, launcher_from_analysis
from core.safety.trust import code_digest
from core.text import safe_filename
from core.workflow import Gate, Workflow

from . import report as R
from .events import PlanDrafted
from .options import ScrubOptions

KIND = "scrub"
STEPS = ("fetch", "actionable", "analyze", "safety", "recent_verification", "reproduce", "bisect", "minimize",
         "trivial_fix", "report")

Fetch = Callable[[], Awaitable[IssueThread]]
CollaboratorCheck = Callable[[str], Awaitable[Trust]]
Search = Callable[[str], Awaitable[list[Issue]]]



class SessionBase:
    """Shared state and helpers of :class:`~core.scrub.session.ScrubSession` (its step mixins use them)."""

    def __init__(self, workflow: Workflow, options: ScrubOptions, *, fetch: Fetch | None = None,
                 collaborator: CollaboratorCheck | None = None, search: Search | None = None,
                 corpus: Callable[[], list[Issue]] | None = None):
        self.wf = workflow
        self.options = options
        self._fetch = fetch
        self._collaborator = collaborator
        self._search = search
        self._corpus = corpus

    # -- state views --------------------------------------------------------------------------

    @property
    def id(self) -> str:
        return self.wf.id

    @property
    def number(self) -> int:
        assert self.wf.issue is not None
        return self.wf.issue

    def _launcher(self) -> RunLauncher:
        """How the repro starts, from step 3's analysis (torchrun for a bare init_process_group
        script or a reported torchrun command; python otherwise). Runs and bisection probes agree."""
        doc = self.data.get("analysis") or {}
        return launcher_from_analysis((doc.get("analysis") or {}).get("launcher"))

    @property
    def data(self) -> dict:
        return self.wf.data

    @property
    def gate(self) -> Gate | None:
        return self.wf.gate

    @property
    def finished(self) -> bool:
        return self.wf.finished

    @property
    def plan(self) -> WritePlan | None:
        raw = self.data.get("plan")
        return WritePlan.from_json(raw) if raw else None

    @property
    def suggested_plans(self) -> list[tuple[str, WritePlan]]:
        return [(s["why"], WritePlan.from_json(s["plan"])) for s in self.data.get("suggested_plans", [])]

    @property
    def code(self) -> str | None:
        return self.data.get("code")

    def thread(self) -> IssueThread:
        return thread_from_json(self.data["thread"], default_repo=self.wf.repo)

    def _now(self) -> datetime:
        return self.options.now or utcnow()

    def _answer(self, gate_id: str) -> dict | None:
        """The answer to ``gate_id`` recorded for the current code (edits invalidate answers)."""
        entry = self.wf.chosen(gate_id)
        if entry is None:
            return None
        if self.code is not None and entry.get("code_digest") not in (None, code_digest(self.code)):
            return None
        return entry


    # -- plan helpers -------------------------------------------------------------------------

    def _labels_pending(self) -> dict:
        return self.data.setdefault("labels", {"add": [], "remove": []})

    def _set_plan(self, plan: WritePlan) -> PlanDrafted:
        self.wf.put("plan", plan.to_json())
        return PlanDrafted(plan)

    def _suggest(self, why: str, plan: WritePlan) -> PlanDrafted:
        items = [s for s in self.data.get("suggested_plans", []) if s["why"] != why]
        items.append({"why": why, "plan": plan.to_json()})
        self.wf.put("suggested_plans", items)
        return PlanDrafted(plan, suggested=True)

    def _stop_with_plan(self, step: str, reason: str) -> PlanDrafted:
        issue = self.thread().issue
        pending = self._labels_pending()
        plan = R.stop_plan(issue.repo, issue.number, issue.title, issue.labels, add=list(pending["add"]),
                           remove=list(pending["remove"]), closed=issue.state == "closed", note=f"stopped at {step}")
        event = self._set_plan(plan)
        self.wf.stop(step, reason)
        return event

    async def _env_probe(self) -> dict:
        cached = self.data.get("probe")
        if cached and cached.get("env_key") == self.options.env.key and not cached.get("error"):
            return cached
        probe = (await probe_environment(self.options.env)).to_json()
        self.wf.put("probe", probe)
        return probe

    def _repro_path(self, suffix: str = "") -> Path:
        directory = Path(self.options.repro_dir)
        directory.mkdir(parents=True, exist_ok=True)
        return directory / safe_filename(f"repro_{self.number}{suffix}.py", default="repro.py")

