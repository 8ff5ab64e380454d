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

import asyncio
import json
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable, Iterable

from core.bisect import BisectResult, ProbeResult, RoundStarted, bisect
from core.config import Config
from core.gate.plan import WritePlan
from core.issue.markdown import parse_thread
from core.issue.report import analysis_json, analyze_issue
from core.issue.signature import reported_error, signature_json
from core.issuefile import thread_from_json, thread_to_json
from core.models import ErrorSignature, Issue, IssueThread, Trust, utcnow
from core.run import (
    RunEnvironment,
    RunSpec,
    SeedOptions,
    collect,
    event_to_json,
    judge_result,
    local_env,
    parse_environment,
    probe_environment,
    runner_for,
)
from core.run.verdict import Verdict, VerdictKind
from core.safety.scanner import scan_python
from core.safety.trust import assess_trust, code_digest, gate_decision
from core.store.sessions import SessionStore
from core.text import safe_filename
from core.workflow import Gate, StepStatus, Workflow

from . import report as R
from .actionability import assess
from .bisection import clear_winner, discover_version_envs, fixing_prs, make_probe
from .similar import SimilarIssue, rank_similar, search_query
from .trivial_fix import TrivialFix, apply_fix, find_trivial_fixes
from .verification import recent_verification

KIND = "scrub"
STEPS = ("fetch", "actionable", "analyze", "safety", "recent_verification", "reproduce", "bisect", "minimize",
         "trivial_fix", "report")
_REGRESSION = re.compile(r"\bregression\b|\bused to work\b|\bworked (?:fine |well )?(?:in|on|with) (?:pytorch |torch )?\d", re.I)
_COMPILE_CALL = re.compile(r"\btorch\.compile\(|@torch\.compile\b")

Fetch = Callable[[], Awaitable[IssueThread]]
CollaboratorCheck = Callable[[str], Awaitable[Trust]]
Search = Callable[[str], Awaitable[list[Issue]]]


# -- events -------------------------------------------------------------------------------------

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
    event: RoundStarted | ProbeResult | BisectResult


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


# -- options ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ScrubOptions:
    """How a session runs. ``from_config`` reads ``[scrub]``: ``repro_dir``, ``sandbox``,
    ``timeout_s``, ``conda_pattern``, ``versions``, ``bisect_probes``."""

    env: RunEnvironment = field(default_factory=local_env)
    run: bool = True
    timeout_s: float = 120.0
    sandbox: str = "auto"
    allow_unsandboxed: bool = False
    confirm_runs: int = 3
    flaky_runs: int = 5
    bisect_k: int = 2
    repro_dir: Path = field(default_factory=lambda: Path(tempfile.gettempdir()))
    checkout: Path | None = None
    signature: str = "Analysis done with triagedeck."
    extra: dict = field(default_factory=dict)
    now: datetime | None = None

    @classmethod
    def from_config(cls, config: Config, *, env: str | None = None, **overrides: Any) -> "ScrubOptions":
        scrub = dict(config.extra.get("scrub") or {})
        runners = dict(config.extra.get("runners") or {})
        values: dict[str, Any] = {
            "env": parse_environment(env or scrub.get("env", "local"), runners),
            "timeout_s": float(scrub.get("timeout_s", 120.0)),
            "sandbox": str(scrub.get("sandbox", "auto")),
            "allow_unsandboxed": bool(scrub.get("allow_unsandboxed", False)),
            "bisect_k": int(scrub.get("bisect_probes", 2)),
            "checkout": config.pytorch_checkout,
            "signature": config.signature,
            "extra": dict(config.extra),
        }
        if scrub.get("repro_dir"):
            values["repro_dir"] = Path(str(scrub["repro_dir"])).expanduser()
        values.update(overrides)
        return cls(**values)


# -- helpers ------------------------------------------------------------------------------------

_IMPORT_PROBE = (
    "import importlib.util, json, sys\n"
    "sys.path[:] = [p for p in sys.path if p not in ('', '.')]\n"
    "out = {}\n"
    "for m in MODS:\n"
    "    try:\n"
    "        out[m] = importlib.util.find_spec(m) is not None\n"
    "    except Exception:\n"
    "        out[m] = False\n"
    "print('TRIAGEDECK_IMPORTS=' + json.dumps(out))\n"
)


async def probe_imports_in(env: RunEnvironment, modules: Iterable[str]) -> dict[str, bool] | None:
    """Which top-level modules the *target* environment can import (None: it could not be asked).
    Our own snippet, so it runs unsandboxed; module names are checked to be identifiers first."""
    names = [m for m in dict.fromkeys(modules) if m.isidentifier()]
    if not names:
        return {}
    spec = RunSpec(f"MODS = {names!r}\n" + _IMPORT_PROBE, env=env, timeout_s=90, sandbox="off", script_name="imports.py")
    try:
        result = await collect(runner_for(env), spec, keep_lines=50, write_log=False)
    except Exception:  # noqa: BLE001 - an unreachable env is reported as "could not ask"
        return None
    for line in reversed(result.tail):
        if line.text.startswith("TRIAGEDECK_IMPORTS="):
            try:
                return json.loads(line.text.split("=", 1)[1])
            except ValueError:
                return None
    return None


def _sig_from_json(data: dict | None) -> ErrorSignature | None:
    if not data:
        return None
    return ErrorSignature(data.get("exception_class"), data.get("message_substring"), data.get("signal"))


def _verdict_json(v: Verdict) -> dict:
    return v.to_json()


class _Stop(Exception):
    pass


# -- the session --------------------------------------------------------------------------------

class ScrubSession:
    """One scrub of one issue. Create with :meth:`start` or :meth:`resume`."""

    def __init__(self, workflow: Workflow, options: ScrubOptions, *, fetch: Fetch | None = None,
                 collaborator: CollaboratorCheck | None = None, search: Search | None = None,
                 corpus: Callable[[], list[Issue]] | None = None):
        self.wf = workflow
        self.options = options
        self._fetch = fetch
        self._collaborator = collaborator
        self._search = search
        self._corpus = corpus

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

    # -- state views --------------------------------------------------------------------------

    @property
    def id(self) -> str:
        return self.wf.id

    @property
    def number(self) -> int:
        assert self.wf.issue is not None
        return self.wf.issue

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

    def _answer(self, gate_id: str) -> dict | None:
        """The answer to ``gate_id`` recorded for the current code (edits invalidate answers)."""
        entry = self.wf.chosen(gate_id)
        if entry is None:
            return None
        if self.code is not None and entry.get("code_digest") not in (None, code_digest(self.code)):
            return None
        return entry

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

    # -- steps --------------------------------------------------------------------------------

    async def _fetch_step(self, step: str) -> AsyncIterator[ScrubEvent]:
        if "thread" not in self.data:
            if self._fetch is None:
                raise RuntimeError("the session has no issue yet and no way to fetch it")
            thread = await self._fetch()
            self.wf.put("thread", thread_to_json(thread))
        thread = self.thread()
        self.wf.done(step, f"#{thread.issue.number}: {len(thread.comments)} comment(s), {thread.issue.state}")
        return
        yield  # pragma: no cover - makes this an async generator

    async def _similar(self, thread: IssueThread, signature: ErrorSignature | None) -> tuple[list[SimilarIssue], list[str]]:
        notes: list[str] = []
        found: list[SimilarIssue] = []
        if self._corpus is not None:
            try:
                found.extend(rank_similar(thread, self._corpus(), signature=signature))
            except Exception as exc:  # noqa: BLE001 - a ranking failure only loses a hint
                notes.append(f"local similar-issue ranking failed: {exc}")
        query = search_query(thread.issue.repo, thread, signature)
        if self._search is not None and query:
            try:
                hits = await self._search(query)
                seen = {f.number for f in found if f.source == "github"}
                for issue in hits[:10]:
                    if issue.number != thread.issue.number and issue.number not in seen:
                        seen.add(issue.number)
                        # GitHub gives no score: an exact-message hit is reported as 1.0.
                        found.append(SimilarIssue(issue.number, issue.title, issue.state, 1.0, "github"))
            except Exception as exc:  # noqa: BLE001 - search is a hint, GitHub may be unreachable
                notes.append(f"GitHub similar-issue search failed: {exc}")
        return found, notes

    async def _actionable(self, step: str) -> AsyncIterator[ScrubEvent]:
        thread = self.thread()
        issue = thread.issue
        if "actionability" not in self.data:
            reported = reported_error(parse_thread(thread))
            signature = reported.signature if reported else None
            similar, notes = await self._similar(thread, signature)
            for text in notes:
                yield Note(step, text)
            probe = await self._env_probe()
            gpus = None if probe.get("error") else (1 if probe.get("cuda_available") else 0)
            verdict = assess(thread, now=self._now(), env_gpus=gpus, env_gpu_name=probe.get("gpu"),
                             similar=tuple(similar), signature=self.options.signature)
            self.wf.put("actionability", verdict.to_json())
            self.wf.put("expected", signature_json(signature) if signature else None)
        a = self.data["actionability"]
        pending = self._labels_pending()

        if a["suggest_close"]:
            answer = self._answer("close_stale")
            if answer is None:
                plan = R.stale_close_plan(issue.repo, issue.number, issue.title, a["close_comment"])
                yield self._suggest("close as not planned", plan)
                self.wf.ask(step, "close_stale", "Close this old, quiet, underspecified issue as not planned?",
                            ("close", "keep"), {"reasons": a["reasons"], "plan": plan.to_json()})
                return
            if answer["choice"] == "close":
                plan = R.stale_close_plan(issue.repo, issue.number, issue.title, a["close_comment"])
                yield self._set_plan(plan)
                self.wf.stop(step, "closing as not planned (maintainer's choice)")
                return
        if a["actionable"]:
            older = [s for s in a["explicit_duplicates"]] + [
                s for s in a["similar"] if s["source"] == "github" and s["number"] < issue.number]
            if older:
                answer = self._answer("duplicate")
                if answer is None:
                    self.wf.ask(step, "duplicate", "Is this a duplicate of an earlier issue?",
                                ("duplicate", "not_duplicate"), {"candidates": older, "similar": a["similar"]})
                    return
                if answer["choice"] == "duplicate":
                    yield self._stop_with_plan(step, f"duplicate of #{older[0]['number']} (maintainer confirmed)")
                    return
            self.wf.done(step, f"actionable {a['kind']} report")
            return
        pending["add"] = list(dict.fromkeys([*pending["add"], *a["propose_labels"]]))
        self.wf.put("labels", pending)
        if a["runs_repro"]:
            self.wf.put("mode", "verify_behaviour")
            self.wf.done(step, "; ".join(a["reasons"]))
            return
        yield self._stop_with_plan(step, "; ".join(a["reasons"]))

    async def _analyze(self, step: str) -> AsyncIterator[ScrubEvent]:
        thread = self.thread()
        issue = thread.issue
        pending = self._labels_pending()
        if "analysis" not in self.data:
            result = await analyze_issue(thread, python=None, collaborator_check=self._collaborator)
            doc = analysis_json(result)
            self.wf.put("analysis", doc)
            if doc["selected"]:
                self.wf.put("code", doc["selected"]["code"])
                self.wf.put("original_code", doc["selected"]["code"])
        doc = self.data["analysis"]
        has_label = issue.has_label(R.NEEDS_REPRO)
        if doc["stop"] is not None or doc["selected"] is None:
            reason = doc["stop"]["reason"] if doc["stop"] else "no runnable repro"
            if not has_label:
                pending["add"] = list(dict.fromkeys([*pending["add"], R.NEEDS_REPRO]))
            self.wf.put("labels", pending)
            yield self._stop_with_plan(step, reason)
            return
        a = doc["analysis"]
        if doc["reported_error"] is None and not a["expected_error_described"]:
            if not has_label:
                pending["add"] = list(dict.fromkeys([*pending["add"], R.NEEDS_REPRO]))
            self.wf.put("labels", pending)
            yield self._stop_with_plan(step, "missing critical information: no error message and no expected vs actual behaviour")
            return
        if has_label and R.NEEDS_REPRO not in pending["remove"]:
            pending["remove"].append(R.NEEDS_REPRO)
            self.wf.put("labels", pending)
            yield Note(step, "the issue has a valid repro: removing 'needs reproduction' is proposed")
        # Third-party packages are checked in the target environment, never installed.
        answer = self._answer("missing_packages")
        if answer is not None and answer["choice"] == "stop":
            yield self._stop_with_plan(step, f"missing packages in {self.options.env.name}: "
                                             + ", ".join(self.data.get("missing_imports") or []))
            return
        if "missing_imports" not in self.data or (answer is not None and answer["choice"] == "recheck"):
            found = await probe_imports_in(self.options.env, a["imports"])
            missing = None if found is None else [m for m in a["imports"] if not found.get(m, False)]
            self.wf.put("missing_imports", missing)
        missing = self.data["missing_imports"]
        if missing:
            self.wf.ask(step, "missing_packages",
                        f"The repro imports {', '.join(missing)}, which {self.options.env.name} does not have. "
                        "Install them yourself and recheck, or stop (nothing is installed for you).",
                        ("recheck", "stop"), {"missing": missing})
            return
        notes = []
        if a["external_files"]:
            notes.append(f"needs external files: {', '.join(e['text'][:60] for e in a['external_files'])}")
        self.wf.done(step, f"repro from {doc['selected']['source']} by @{doc['selected']['author']}"
                     + (f"; {'; '.join(notes)}" if notes else ""))

    async def _safety(self, step: str) -> AsyncIterator[ScrubEvent]:
        code = self.code
        assert code is not None
        analysis = self.data["analysis"]
        report = scan_python(code)
        trust_doc = analysis.get("trust") or {}
        trust = assess_trust(trust_doc.get("login", ""), trust_doc.get("author_association", "NONE"),
                             Trust(trust_doc["collaborator"]) if trust_doc.get("collaborator") else None)
        if code != self.data.get("original_code"):
            # Edited code is the maintainer's own, but it is still scanned and reviewed.
            trust = assess_trust(trust.login, trust.association, Trust.UNKNOWN)
        decision = gate_decision(report, trust)
        self.wf.put("safety", {"scan": report.as_json(), "trust": trust.as_json(), "must_review": decision.must_review,
                               "reasons": list(decision.reasons), "code_digest": code_digest(code)})
        if not decision.must_review:
            self.wf.done(step, "clean scan and a collaborator's repro: may run")
            return
        answer = self._answer("safety")
        if answer is None:
            if not self.options.run:
                self.wf.skip(step, "not running (--no-run): review needed before any run: " + "; ".join(decision.reasons))
                return
            self.wf.ask(step, "safety", "Review the repro before it runs: run it, edit it, or skip running?",
                        ("run", "edit", "skip"), {"reasons": list(decision.reasons), "findings": report.as_json(),
                                                 "code_digest": code_digest(code)})
            return
        if answer["choice"] == "run":
            self.wf.done(step, "reviewed; the maintainer chose to run it: " + "; ".join(decision.reasons))
        elif answer["choice"] == "skip":
            yield self._stop_with_plan(step, "the maintainer chose not to run the repro")
        else:  # edit: the new code is scanned and reviewed again
            self.wf.put("code", answer["code"])
            yield Note(step, "repro edited: reviewing the edited code")
            async for event in self._safety(step):
                yield event

    async def _recent(self, step: str) -> AsyncIterator[ScrubEvent]:
        if self.data.get("mode") == "verify_behaviour":
            self.wf.skip(step, "not a bug report: only the behaviour is verified")
            return
        thread = self.thread()
        if "recent" not in self.data:
            rv = recent_verification(thread, _sig_from_json(self.data.get("expected")), now=self._now())
            self.wf.put("recent", rv.to_json() if rv else None)
        rv = self.data["recent"]
        if rv is None:
            self.wf.done(step, "no confirmation from the last six months")
            return
        answer = self._answer("recent_verification")
        if answer is None:
            self.wf.ask(step, "recent_verification",
                        f"@{rv['author']} confirmed it still reproduces (comment {rv['comment'] + 1}). "
                        "Re-verify, or skip ahead to minimization?", ("reverify", "skip_to_minimize"), {"comment": rv})
            return
        if answer["choice"] == "skip_to_minimize":
            self.wf.put("outcome", "reproduces")
            self.wf.put("outcome_source", f"comment {rv['comment'] + 1} by @{rv['author']}")
        self.wf.done(step, f"recent confirmation by @{rv['author']}; maintainer chose {answer['choice']}")
        yield Note(step, f"recent verification: {answer['choice']}")

    async def _one_run(self, index: int, spec: RunSpec, expected: ErrorSignature | None,
                       queue: asyncio.Queue) -> Any:
        log_dir = Path(self.options.repro_dir) / "triagedeck-run-logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        result = await collect(runner_for(spec.env), spec, log_dir=log_dir,
                               on_event=lambda e: queue.put_nowait(RunOutput(index, e)))
        return result

    async def _streamed_run(self, index: int, spec: RunSpec, expected: ErrorSignature | None,
                            out: list) -> AsyncIterator[ScrubEvent]:
        queue: asyncio.Queue = asyncio.Queue()
        task = asyncio.ensure_future(self._one_run(index, spec, expected, queue))
        try:
            while not (task.done() and queue.empty()):
                getter = asyncio.ensure_future(queue.get())
                await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
                if getter.done():
                    yield getter.result()
                else:
                    getter.cancel()
            result = task.result()
        finally:
            if not task.done():
                task.cancel()
        out.append(result)

    async def _reproduce(self, step: str) -> AsyncIterator[ScrubEvent]:
        if not self.options.run:
            self.wf.skip(step, "not running (--no-run)")
            return
        if self.wf.status("safety") is not StepStatus.DONE:
            self.wf.skip(step, "the security review did not clear a run")
            return
        if self.data.get("outcome_source"):
            self.wf.skip(step, f"skipped to minimization: {self.data['outcome_source']} confirms it reproduces")
            return
        code = self.code
        assert code is not None
        expected = _sig_from_json(self.data.get("expected"))
        run_doc = self.data.get("run")
        if run_doc is None or run_doc.get("code_digest") != code_digest(code):
            probe = await self._env_probe()
            yield Note(step, f"{self.options.env.name}: torch {probe.get('torch') or 'not importable'}, "
                             f"Python {probe.get('python') or '?'}")
            outcomes: list[dict] = []
            verdicts: list[Verdict] = []
            planned = 1
            index = 0
            while index < planned:
                seeded = index > 0
                spec = RunSpec(code, env=self.options.env, timeout_s=self.options.timeout_s,
                               sandbox=self.options.sandbox, allow_unsandboxed=self.options.allow_unsandboxed,  # type: ignore[arg-type]
                               seed=SeedOptions(hash_seed=0 if seeded else None), script_name=f"repro_{self.number}.py")
                results: list = []
                try:
                    async for event in self._streamed_run(index, spec, expected, results):
                        yield event
                except Exception as exc:  # noqa: BLE001 - e.g. the sandbox is unavailable
                    yield self._stop_with_plan(step, f"the repro could not be run: {exc}")
                    return
                result = results[0]
                verdict = judge_result(result, expected)
                verdicts.append(verdict)
                outcomes.append({"index": index, "exit_code": result.exit_code, "signal": result.signal,
                                 "duration_s": round(result.duration_s, 3), "timed_out": result.timed_out,
                                 "log": str(result.log_path) if result.log_path else None,
                                 "hash_seed": 0 if seeded else None, "verdict": _verdict_json(verdict)})
                index += 1
                kinds = {v.kind for v in verdicts}
                if index == 1 and verdict.kind not in (VerdictKind.REPRODUCES, VerdictKind.TIMEOUT):
                    planned = self.options.confirm_runs  # confirm a "passes"/"different" before concluding
                if len(kinds) > 1:
                    planned = self.options.flaky_runs
            kinds_list = [v.kind for v in verdicts]
            failed = sum(k is not VerdictKind.PASSES for k in kinds_list)
            flaky = len(set(kinds_list)) > 1
            top = max(set(kinds_list), key=lambda k: (kinds_list.count(k), k is VerdictKind.REPRODUCES))
            main = next(v for v in verdicts if v.kind is top)
            compiles = len(_COMPILE_CALL.findall(code))
            run_doc = {
                "code_digest": code_digest(code),
                "torch": probe.get("torch"),
                "python": probe.get("python"),
                "env": self.options.env.name,
                "runs": outcomes,
                "verdict": _verdict_json(main),
                "flaky": flaky,
                "ratio": f"{failed}/{len(verdicts)}",
                "hint": "the repro compiles more than once in one process: add torch._dynamo.reset() between "
                        "compilations to reset Dynamo's in-memory state" if compiles > 1 else None,
            }
            self.wf.put("run", run_doc)
        verdict = run_doc["verdict"]
        kind = VerdictKind(verdict["kind"])
        flaky = run_doc["flaky"]
        kinds = [VerdictKind(r["verdict"]["kind"]) for r in run_doc["runs"]]
        if flaky and VerdictKind.REPRODUCES in kinds:
            self.wf.put("outcome", "reproduces")
            self.wf.done(step, f"reproduces, flaky: failed {run_doc['ratio']} runs")
            return
        if kind in (VerdictKind.REPRODUCES, VerdictKind.FAILS):
            self.wf.put("outcome", "reproduces")
            self.wf.done(step, verdict["summary"])
            return
        if kind is VerdictKind.PASSES and not flaky:
            self.wf.put("outcome", "fixed")
            self.wf.done(step, f"passes in {len(kinds)} run(s): the bug may be fixed")
            return
        if kind is VerdictKind.TIMEOUT:
            answer = self._answer("timeout")
            if answer is None:
                self.wf.ask(step, "timeout", f"The repro timed out after {self.options.timeout_s:g} s. Is a hang the reported bug?",
                            ("hang_is_the_bug", "stop"), {"verdict": verdict})
                return
            if answer["choice"] == "hang_is_the_bug":
                self.wf.put("outcome", "reproduces")
                self.wf.done(step, "hangs, and the hang is the reported bug")
                return
            yield self._stop_with_plan(step, "timed out; the hang is not the reported bug")
            return
        if kind is VerdictKind.CUDA_OOM:
            yield self._stop_with_plan(step, "CUDA out of memory: reduce tensor sizes before concluding")
            return
        if verdict.get("setup_problem"):
            answer = self._answer("different_error")
            if answer is None:
                self.wf.ask(step, "different_error",
                            f"A different error that looks like a setup problem ({verdict.get('hint')}). "
                            "Edit the repro for the current API and rerun, or report it as is?",
                            ("edit", "report"), {"verdict": verdict, "code": self.code})
                return
            if answer["choice"] == "edit":
                self.wf.put("code", answer["code"])
                self.wf.put("modernized", True)
                self.wf.reset("safety", "the repro was edited: it goes through the security review again")
                yield Note(step, "repro edited; reviewing and rerunning")
                return
        yield self._stop_with_plan(step, f"genuinely different outcome: {verdict['summary']}")

    async def _bisect(self, step: str) -> AsyncIterator[ScrubEvent]:
        outcome = self.data.get("outcome")
        if self.data.get("mode") == "verify_behaviour" or outcome not in ("fixed", "reproduces") or self.data.get("outcome_source"):
            self.wf.skip(step, "nothing to bisect")
            return
        thread = self.thread()
        if outcome == "fixed":
            direction = "fix"
        elif _REGRESSION.search(f"{thread.issue.title}\n{thread.issue.body or ''}"):
            direction = "regression"
        else:
            self.wf.skip(step, "still reproduces and no regression is claimed: no version to find")
            return
        if "bisect" not in self.data:
            envs, notes = await discover_version_envs(self.options.extra)
            for text in notes:
                yield Note(step, text)
            if not envs:
                self.wf.put("bisect", None)
            else:
                probe = make_probe(self.code or "", _sig_from_json(self.data.get("expected")),
                                   timeout_s=self.options.timeout_s, sandbox=self.options.sandbox,
                                   allow_unsandboxed=self.options.allow_unsandboxed)
                result: BisectResult | None = None
                async for event in bisect(envs, probe, direction=direction, k=self.options.bisect_k):  # type: ignore[arg-type]
                    yield BisectProgress(event)
                    if isinstance(event, BisectResult):
                        result = event
                assert result is not None
                self.wf.put("bisect", {"versions": [v.version for v in envs], **_bisect_json(result)})
        b = self.data["bisect"]
        if b is None:
            self.wf.skip(step, "no version environments (conda envs matching the pattern, or [scrub.versions])")
            return
        summary = (f"{'fixed' if direction == 'fix' else 'broke'} between {b['last_before']} and {b['first_after']}"
                   if b["first_after"] and b["last_before"] else (b["reason"] or "no flip found"))
        if "fixing_pr" not in self.data:
            fix_doc = None
            if b["first_after"] and b["last_before"] and self.options.checkout is not None:
                analysis = self.data["analysis"]
                evidence = (analysis.get("reported_error_evidence") or {}).get("text", "")
                traceback = "\n".join(b_.code for b_ in parse_thread(thread).blocks if "Traceback" in b_.code) or evidence
                expected = self.data.get("expected") or {}
                try:
                    search = await fixing_prs(Path(self.options.checkout), b["last_before"], b["first_after"],
                                              traceback=traceback, message=expected.get("message_substring"))
                    fix_doc = {"base": search.base, "head": search.head, "note": search.note,
                               "files": list(search.files), "terms": list(search.terms),
                               "pr": clear_winner(search),
                               "candidates": [{"sha": c.sha, "subject": c.subject, "pr": c.pr, "score": c.score,
                                               "evidence": list(c.evidence)} for c in search.candidates]}
                except Exception as exc:  # noqa: BLE001 - PR identification is best effort (seed)
                    fix_doc = {"error": str(exc), "pr": None, "candidates": []}
            elif self.options.checkout is None:
                yield Note(step, "no PyTorch checkout configured: reporting the version range only")
            self.wf.put("fixing_pr", fix_doc)
        fix = self.data["fixing_pr"]
        if fix and fix.get("pr"):
            summary += f"; fixing PR #{fix['pr']}" if direction == "fix" else f"; culprit PR #{fix['pr']}"
        self.wf.done(step, summary)

    def _repro_path(self, suffix: str = "") -> Path:
        directory = Path(self.options.repro_dir)
        directory.mkdir(parents=True, exist_ok=True)
        return directory / safe_filename(f"repro_{self.number}{suffix}.py", default="repro.py")

    async def _minimize(self, step: str) -> AsyncIterator[ScrubEvent]:
        if self.data.get("outcome") != "reproduces" or self.data.get("mode") == "verify_behaviour":
            self.wf.skip(step, "only a reproducing bug's repro is minimized")
            return
        code = self.code or ""
        doc = self.data.get("minimize") or {}
        if "original_path" not in doc:
            path = self._repro_path("_original")
            path.write_text(self.data.get("original_code") or code, encoding="utf-8")
            doc = {"original_path": str(path)}
            self.wf.put("minimize", doc)
        try:
            from core.minimize import Expectation, MinimizeOptions, minimize_events, reducible_lines
            from core.minimize import Finished as MinFinished
        except ImportError:
            self.wf.skip(step, f"minimizer not available: hand-off point, original saved to {doc['original_path']}")
            return
        if "result" in doc:
            self._minimize_decide(step, doc)
            return
        try:
            lines = reducible_lines(code)
        except SyntaxError:
            lines = None
        if lines is not None and lines <= 20:
            self.wf.skip(step, f"already reasonably minimal ({lines} lines of non-import code)")
            return
        if self.options.env.kind != "local":
            self.wf.skip(step, f"the minimizer runs locally only; original saved to {doc['original_path']}")
            return
        answer = self._answer("minimize")
        if answer is None:
            self.wf.ask(step, "minimize", f"Minimize the repro ({lines} reducible lines)? The original is saved "
                        f"to {doc['original_path']}.", ("run", "skip"), {"lines": lines})
            return
        if answer["choice"] == "skip":
            self.wf.skip(step, f"the maintainer skipped minimization; original saved to {doc['original_path']}")
            return
        expected = _sig_from_json(self.data.get("expected")) or ErrorSignature()
        expectation = Expectation(exception_class=expected.exception_class, match=expected.message_substring,
                                  signal=expected.signal)
        result = None
        async for event in minimize_events(code, expectation, MinimizeOptions(python=self.options.env.python)):
            yield MinimizeProgress(event)
            if isinstance(event, MinFinished):
                result = event.result
        assert result is not None
        doc = {**doc, "result": {"minimized": result.minimized, "changed": result.minimized.strip() != code.strip(),
                                 "steps": len(result.steps), "notes": list(result.notes)}}
        self.wf.put("minimize", doc)
        self._minimize_decide(step, doc)

    def _minimize_decide(self, step: str, doc: dict) -> None:
        res = doc["result"]
        if not res["changed"]:
            self.wf.done(step, "the minimizer found nothing to remove")
            return
        answer = self._answer("accept_minimized")
        if answer is None:
            self.wf.ask(step, "accept_minimized", "Accept the minimized repro?", ("accept", "reject"),
                        {"minimized": res["minimized"], "original_path": doc["original_path"]})
            return
        if answer["choice"] == "accept":
            self.wf.put("minimized_code", res["minimized"])
            self.wf.done(step, f"minimized in {res['steps']} step(s)")
        else:
            self.wf.done(step, "the maintainer rejected the minimized repro")

    async def _trivial_fix(self, step: str) -> AsyncIterator[ScrubEvent]:
        checkout = self.options.checkout
        if checkout is None:
            self.wf.skip(step, "no PyTorch checkout configured")
            return
        if "trivial_fix" not in self.data:
            mentions, fixes = await find_trivial_fixes(Path(checkout), self.number)
            stale = fixes if self.data.get("outcome") == "fixed" else []
            self.wf.put("trivial_fix", {"mentions": [{"path": m.path, "line": m.line, "text": m.text} for m in mentions],
                                        "fixes": [f.to_json() for f in stale], "applied": None})
        doc = self.data["trivial_fix"]
        if not doc["fixes"]:
            self.wf.done(step, f"{len(doc['mentions'])} test line(s) name the issue; no stale marker to remove")
            return
        answer = self._answer("trivial_fix")
        if answer is None:
            self.wf.ask(step, "trivial_fix", "Remove the stale expected-failure marker(s)? The files change only if you apply.",
                        ("apply", "decline"), {"diff": "".join(f["diff"] for f in doc["fixes"])})
            return
        if answer["choice"] == "apply":
            errors = []
            for raw in doc["fixes"]:
                try:
                    apply_fix(Path(checkout), TrivialFix.from_json(raw))
                except Exception as exc:  # noqa: BLE001 - reported, the rest still applies
                    errors.append(str(exc))
            doc["applied"] = not errors
            doc["errors"] = errors
            self.wf.put("trivial_fix", doc)
            self.wf.done(step, "stale marker(s) removed" if not errors else "; ".join(errors))
        else:
            doc["applied"] = False
            self.wf.put("trivial_fix", doc)
            self.wf.done(step, "declined by the maintainer")
        yield Note(step, f"trivial fix {'applied' if doc['applied'] else 'not applied'}")

    async def _report(self, step: str) -> AsyncIterator[ScrubEvent]:
        thread = self.thread()
        issue = thread.issue
        pending = self._labels_pending()
        outcome = self.data.get("outcome")
        run = self.data.get("run") or {}
        verify = self.data.get("mode") == "verify_behaviour"
        findings: list[str] = []
        trivial = self.data.get("trivial_fix")
        if trivial and trivial.get("fixes"):
            state = "applied" if trivial.get("applied") else "not applied (declined)"
            findings.append(f"trivial fix ({state}): remove stale markers in "
                            + ", ".join(f["path"] for f in trivial["fixes"]))
        if run.get("hint"):
            findings.append(run["hint"])
        if outcome not in ("reproduces", "fixed"):
            plan = R.stop_plan(issue.repo, issue.number, issue.title, issue.labels, add=list(pending["add"]),
                               remove=list(pending["remove"]), closed=issue.state == "closed",
                               note="no run result to report")
            self.wf.put("report", {"comment": None, "findings": findings, "next": "review the analysis"})
            yield self._set_plan(plan)
            self.wf.done(step, "nothing was run: only label changes are proposed")
            return
        minimized = self.data.get("minimized_code")
        changed = minimized or (self.code if self.data.get("modernized") else None)
        if self.data.get("outcome_source") and not changed:
            # A recent comment already says it reproduces: don't repeat it on the issue.
            plan = R.stop_plan(issue.repo, issue.number, issue.title, issue.labels, add=list(pending["add"]),
                               remove=list(pending["remove"]), closed=False,
                               note=f"already confirmed by {self.data['outcome_source']}")
            self.wf.put("report", {"comment": None, "findings": findings, "next": "still a valid bug (confirmed recently)"})
            yield self._set_plan(plan)
            self.wf.done(step, "confirmed recently; nothing new to post")
            return
        fix = self.data.get("fixing_pr") or {}
        b = self.data.get("bisect") or {}
        facts = R.ReportFacts(
            outcome="persists" if verify and outcome == "reproduces" else outcome,
            torch_version=run.get("torch") or (self.data.get("probe") or {}).get("torch"),
            python_version=run.get("python"),
            fixed_by_pr=fix.get("pr") if outcome == "fixed" and b.get("direction") == "fix" else None,
            changed_repro=changed,
            changed_how="Minimized" if minimized else "Updated",
            conditions=tuple(self.data.get("conditions") or ()),
            flaky_ratio=run.get("ratio") if run.get("flaky") else None,
        )
        comment = R.draft_comment(facts, self.options.signature)
        close_version = None
        if outcome == "fixed" and not verify:
            close_version = b.get("first_after") or facts.torch_version or "the current release"
        plan = R.report_plan(issue.repo, issue.number, issue.title, issue.labels, comment=comment,
                             add=list(pending["add"]), remove=list(pending["remove"]), close_version=close_version)
        if minimized:
            self._repro_path().write_text(minimized, encoding="utf-8")
            findings.append(f"minimized repro saved to {self._repro_path()}")
        nxt = "appears fixed: close" if close_version else ("still a valid bug" if not verify else "behaviour persists")
        self.wf.put("report", {"comment": comment, "findings": findings, "next": nxt,
                               "facts": {"outcome": facts.outcome, "torch": facts.torch_version,
                                         "fixed_by_pr": facts.fixed_by_pr, "flaky_ratio": facts.flaky_ratio}})
        yield self._set_plan(plan)
        self.wf.done(step, nxt)

    def edit_report(self, comment: str) -> WritePlan:
        """Replace the drafted comment (the maintainer edited it) and return the new plan."""
        plan = self.plan
        if plan is None:
            raise ValueError("no plan drafted yet")
        from core.gate.plan import PostComment

        actions = list(plan.actions)
        for i, a in enumerate(actions):
            if isinstance(a, PostComment):
                actions[i] = PostComment(comment)
                break
        new = WritePlan(plan.repo, plan.number, tuple(actions), plan.title, plan.origin, plan.notes)
        report = dict(self.data.get("report") or {})
        report["comment"] = comment
        self.wf.put("report", report)
        self._set_plan(new)
        return new

    # -- output -------------------------------------------------------------------------------

    def findings(self) -> dict:
        """The session as one JSON document (the CLI's ``--json``)."""
        d = self.data
        issue = d.get("thread") or {}
        act = d.get("actionability")
        return {
            "session": self.id,
            "issue": {"repo": self.wf.repo, "number": self.number, "title": issue.get("title"),
                      "state": issue.get("state")},
            "steps": [s.to_json() for s in self.wf.steps],
            "gate": self.wf.gate.to_json() if self.wf.gate else None,
            "choices": [{k: v for k, v in c.items() if k != "code"} for c in self.wf.choices],
            "finished": self.wf.finished,
            "actionability": None if act is None else {
                "kind": act["kind"], "actionable": act["actionable"], "reasons": act["reasons"],
                "stop_reason": act["stop_reason"], "evidence": act["evidence"],
                "propose_labels": act["propose_labels"], "duplicate_of": act["duplicate_of"],
                "resolved_by_pr": act["resolved_by_pr"], "suggest_close": act["suggest_close"],
                "similar": act["similar"], "explicit_duplicates": act["explicit_duplicates"],
            },
            "expected": d.get("expected"),
            "analysis": d.get("analysis"),
            "missing_imports": d.get("missing_imports"),
            "safety": d.get("safety"),
            "recent_verification": d.get("recent"),
            "environment": {"name": self.options.env.name, "probe": d.get("probe")},
            "run": d.get("run"),
            "outcome": d.get("outcome"),
            "bisect": d.get("bisect"),
            "fixing_pr": d.get("fixing_pr"),
            "minimize": d.get("minimize"),
            "trivial_fix": d.get("trivial_fix"),
            "report": d.get("report"),
            "plan": d.get("plan"),
            "suggested_plans": d.get("suggested_plans", []),
        }
