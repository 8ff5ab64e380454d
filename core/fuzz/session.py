"""The fuzz-bug session: steps 0–5 of the TorchFuzz workflow as a persisted state machine.

Each step's evidence (commands, outputs, verdicts, diffs) is saved in the session's JSON
state, one atomic save per proof, so a killed app resumes at the same step. Gates are
enforced here: a method asked for too early raises :class:`GateLocked` before it runs
anything. Long operations return async iterators of events; the last event of each is a
:class:`StepResult`.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Literal, Mapping, Union

from ..models import format_timestamp
from ..store import SessionRecord, Store
from . import gitops, testgen
from .config import FuzzConfig
from .errors import FuzzError, GateLocked, PushRefused
from .fuzzer import find_entry_point, fuzzer_command, parse_fuzzer_output
from .proc import CommandRunner, ProcEvent, ProcFinished, ProcResult
from .pytest_run import PytestRun, run_pytest
from .signature import FuzzSignature, extract_signature
from .tools import (
    GHSTACK_INSTRUCTIONS,
    changes_between,
    ghstackrc_problems,
    lint_command,
    parse_lint_output,
    parse_pr_urls,
    snapshot,
)

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
_LONG_COMMENT = 100
_COMMENT_RE = re.compile(r"^\+\s*#\s?(.*)$")

Status = Literal["active", "stopped", "done"]


# -- events ------------------------------------------------------------------------------


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


# -- push confirmation -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PushPlan:
    """Exactly what the push will run: the command, where, and which commits it sends."""

    command: tuple[str, ...]
    cwd: str
    branch: str
    commits: tuple[str, ...]
    titles: tuple[str, ...]
    env: str = "local"  # "conda:NAME" runs the command inside that environment

    @property
    def digest(self) -> str:
        blob = json.dumps([list(self.command), self.cwd, self.branch, list(self.commits), self.env], sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def describe(self) -> list[str]:
        where = f" in conda env {self.env[6:]}" if self.env.startswith("conda:") else ""
        return [f"$ (cd {self.cwd} && {' '.join(self.command)}){where}", f"branch {self.branch}"] + [
            f"{sha[:12]} {title}" for sha, title in zip(self.commits, self.titles)
        ]

    def to_json(self) -> dict:
        return {
            "command": list(self.command),
            "cwd": self.cwd,
            "branch": self.branch,
            "commits": list(self.commits),
            "titles": list(self.titles),
            "env": self.env,
            "digest": self.digest,
        }


@dataclass(frozen=True, slots=True)
class PushConfirmation:
    """Proof that a person approved one exact push (dialog ``y`` or CLI ``--yes``)."""

    plan_digest: str
    via: Literal["dialog", "cli --yes"]

    @classmethod
    def for_plan(cls, plan: PushPlan, via: Literal["dialog", "cli --yes"]) -> "PushConfirmation":
        return cls(plan.digest, via)


# -- summaries ---------------------------------------------------------------------------


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


def _now() -> float:
    return round(time.time(), 3)


def _proc_json(result: ProcResult) -> dict:
    return {
        "argv": list(result.argv),
        "cwd": result.cwd,
        "exit_code": result.exit_code,
        "timed_out": result.timed_out,
        "duration_s": result.duration_s,
        "error": result.error,
        "output_tail": result.output[-OUTPUT_TAIL:],
    }


def _diff_json(diff: gitops.DiffView) -> dict:
    data = diff.to_json()
    if len(data["text"]) > MAX_DIFF_CHARS:
        data["text"] = data["text"][:MAX_DIFF_CHARS] + "\n… (diff cut)"
        data["text_cut"] = True
    return data


# -- the session -------------------------------------------------------------------------


class FuzzSession:
    """One fuzz-bug session. Re-open it with :meth:`FuzzWorkflow.open` after a restart."""

    def __init__(self, store: Store, record: SessionRecord, *, data_dir: Path, runner: CommandRunner | None = None):
        self.store = store
        self.id = record.id
        self.step: str = record.step
        self.state: dict[str, Any] = record.state
        self.data_dir = data_dir
        self.config = FuzzConfig.from_json(self.state["config"])
        self.runner = runner or self.config.runner()

    # -- basics --------------------------------------------------------------------------

    @property
    def status(self) -> Status:
        return self.state.get("status", "active")

    @property
    def checkout(self) -> Path:
        return Path(self.state["checkout"])

    @property
    def base(self) -> str:
        return self.state["base"]

    @property
    def evidence(self) -> dict[str, Any]:
        """Each step's stored evidence, by step name (a copy)."""
        return json.loads(json.dumps(self.state["steps"]))

    @property
    def signature(self) -> FuzzSignature | None:
        return FuzzSignature.from_json(self.state["steps"].get("capture", {}).get("signature"))

    @property
    def spec(self) -> testgen.TestSpec | None:
        data = self.state["steps"].get("repro", {}).get("test")
        return testgen.TestSpec(**data) if data else None

    @property
    def session_dir(self) -> Path:
        path = self.data_dir / "fuzz" / self.id
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _save(self) -> None:
        self.store.sessions.save(self.id, step=self.step, state=self.state)

    def _log(self, text: str) -> None:
        self.state.setdefault("log", []).append({"time": _now(), "step": self.step, "text": text})

    def _ev(self, name: str) -> dict[str, Any]:
        return self.state["steps"].setdefault(name, {})

    def _index(self, name: str) -> int:
        return STEPS.index(name) if name in STEPS else len(STEPS)

    def _require(self, name: str) -> None:
        """Raise GateLocked unless the session is active and at step ``name``."""
        if self.status != "active":
            why = self.state.get("stop_reason") or "finished"
            raise GateLocked(name, f"the session is {self.status} ({why})")
        if self.step == name:
            return
        if self._index(self.step) < self._index(name):
            raise GateLocked(name, self._missing_for(name))
        raise GateLocked(name, f"the session is already at {STEP_TITLES.get(self.step, self.step)}; go back first to redo it")

    def _missing_for(self, name: str) -> str:
        current = self.step
        if current == "capture":
            return "step 0 has no failing program and error signature yet"
        if current == "repro":
            repro = self.state["steps"].get("repro", {})
            if not repro.get("fails_same"):
                return "step 1 has not proven that the test fails with the same error as the fuzzer"
            return "step 1 has not proven that the test is reported as xfail with the expected-failure marker"
        if current == "fix":
            return "step 2 is not finished: " + "; ".join(self.fix_missing() or ["call finish_fix()"])
        if current == "validate":
            return "step 3 is not finished: " + "; ".join(self.validation_missing() or ["call finish_validation()"])
        if current == "review":
            return "the review (step 4) was not confirmed"
        return f"the session is at {current}"

    def _stop(self, reason: str) -> None:
        self.state["status"] = "stopped"
        self.state["stop_reason"] = reason
        self._log(f"stopped: {reason}")

    def _python_env(self) -> dict[str, str]:
        return dict(self.config.extra_env)

    def info(self) -> FuzzSessionInfo:
        record = self.store.sessions.get(self.id)
        return _info(record) if record else _info_from(self.id, self.step, self.state, "", "")

    # -- step 0 --------------------------------------------------------------------------

    def capture(self) -> AsyncIterator[FuzzEvent]:
        """Step 0: run TorchFuzz for the seed (or the given program) and capture the failure."""
        self._require("capture")
        return self._capture()

    async def _capture(self) -> AsyncIterator[FuzzEvent]:
        source = self.state["source"]
        ev = self._ev("capture")
        ev["attempts"] = ev.get("attempts", 0) + 1
        if source["kind"] == "seed":
            try:
                entry = find_entry_point(self.checkout)
                argv = fuzzer_command(self.config.python, entry, seed=source["seed"], template=source.get("template"))
            except FuzzError as exc:
                ev["error"] = str(exc)
                self._save()
                yield StepResult("capture", False, str(exc), self.step)
                return
            cwd = entry.parent
            yield Phase("capture", f"running TorchFuzz: {' '.join(argv)} (in {cwd})")
        else:
            program = self.session_dir / "program.py"
            program.write_text(source["program"], encoding="utf-8")
            argv, cwd = (self.config.python, str(program)), program.parent
            yield Phase("capture", f"running the given program: {program}")
        result: ProcResult | None = None
        async for event in self.runner.stream(argv, cwd=cwd, env=self._python_env(), timeout_s=self.config.fuzzer_timeout_s):
            if isinstance(event, ProcFinished):
                result = event.result
            yield event
        assert result is not None
        ev["command"] = _proc_json(result)
        ev["exit_code"] = result.exit_code
        if result.error and result.exit_code is None:
            ev["error"] = result.error
            self._save()
            yield StepResult("capture", False, result.error, self.step)
            return

        if source["kind"] == "seed":
            report = parse_fuzzer_output(result.output, exit_code=result.exit_code)
            if not report.failed:
                if result.exit_code == 0:
                    reason = f"seed {source['seed']} does not fail: TorchFuzz's program ran cleanly (exit 0)"
                    ev["verdict"] = "passes"
                    self._stop(reason)
                    self._save()
                    yield StepResult("capture", False, reason, self.step)
                    return
                reason = f"TorchFuzz exited {result.exit_code} without a failing program (see its output)"
                ev["error"] = reason
                self._save()
                yield StepResult("capture", False, reason, self.step)
                return
            program_source, output, code, signature = report.program_source, report.program_output, report.program_exit_code, report.signature
            ev["fuzzer_program_path"] = report.program_path
        else:
            program_source, output, code = source["program"], result.output, result.exit_code
            if code == 0:
                reason = "the program does not fail: it ran cleanly (exit 0)"
                ev["verdict"] = "passes"
                self._stop(reason)
                self._save()
                yield StepResult("capture", False, reason, self.step)
                return
            signature = extract_signature(output, exit_code=code)
        if not program_source:
            reason = "TorchFuzz reported a failure but printed no program source"
            ev["error"] = reason
            self._save()
            yield StepResult("capture", False, reason, self.step)
            return
        if signature is None:
            reason = f"the program failed (exit {code}) but no exception or signal was found in its output"
            ev["error"] = reason
            ev["program_output"] = output[-OUTPUT_TAIL:]
            self._save()
            yield StepResult("capture", False, reason, self.step)
            return
        saved = self.session_dir / "program.py"
        saved.write_text(program_source, encoding="utf-8")
        ev.update(
            verdict="fails",
            error=None,
            program_source=program_source,
            program_path=str(saved),
            program_digest=hashlib.sha256(program_source.encode()).hexdigest()[:16],
            program_output=output[-OUTPUT_TAIL:],
            program_exit_code=code,
            signature=signature.to_json(),
            captured_at=_now(),
        )
        self.step = "repro"
        self._log(f"captured failing program: {signature.describe()}")
        self._save()
        yield Proof("capture", "program fails", True, signature.describe())
        yield StepResult("capture", True, f"failing program captured: {signature.describe()}", self.step)

    # -- step 1 --------------------------------------------------------------------------

    def repro(self) -> AsyncIterator[FuzzEvent]:
        """Step 1: write the test, prove it fails the same way, mark it, prove the xfail."""
        self._require("repro")
        return self._repro()

    def _make_spec(self) -> testgen.TestSpec:
        capture = self.state["steps"]["capture"]
        source = self.state["source"]
        spec = testgen.make_spec(
            style=self.config.test_style,
            issue=self.state.get("issue"),
            seed=source.get("seed"),
            program_digest=capture["program_digest"],
            file=self.config.test_file,
        )
        path = self.checkout / spec.file
        text = path.read_text(encoding="utf-8") if path.exists() else None
        # Never overwrite somebody else's test of the same name: suffix ours instead.
        base_name, n = spec.method_name, 2
        while text is not None and testgen.has_method(text, spec):
            spec = testgen.TestSpec(spec.style, spec.file, spec.class_name, f"{base_name}_{n}", spec.reason)
            n += 1
        return spec

    def _selectors(self, spec: testgen.TestSpec) -> list[str]:
        if spec.style == "device":
            return [spec.file, "-k", spec.method_name]
        return [spec.node_id]

    def _own_outcomes(self, run: PytestRun, spec: testgen.TestSpec):
        return [o for o in run.outcomes if o.name == spec.method_name or o.name.startswith(spec.method_name + "_")]

    async def _pytest(self, step: str, spec_or_selectors, cwd: Path | None = None) -> AsyncIterator[FuzzEvent | PytestRun]:
        selectors = self._selectors(spec_or_selectors) if isinstance(spec_or_selectors, testgen.TestSpec) else list(spec_or_selectors)
        cwd = cwd or self.checkout
        async for item in run_pytest(
            self.runner, python=self.config.python, cwd=cwd, selectors=selectors, env=self._python_env(), timeout_s=self.config.test_timeout_s
        ):
            yield item

    async def _repro(self) -> AsyncIterator[FuzzEvent]:
        ev = self._ev("repro")
        capture = self.state["steps"]["capture"]
        expected = self.signature
        spec = self.spec or self._make_spec()
        path = self.checkout / spec.file
        existed = path.exists()
        if "file_created" not in ev:
            ev["file_created"] = not existed
        source = self.state["source"]
        header = [f"Found by TorchFuzz: {self._fuzz_config_text()}"]
        if source["kind"] == "seed":
            header.append(f"Repro: cd tools/experimental/torchfuzz && python {Path(find_entry_point(self.checkout)).name} --seed {source['seed']}" + (f" --template {source['template']}" if source.get("template") else ""))
        header.append(f"Error: {expected.describe() if expected else '?'}")
        body = testgen.program_body(capture["program_source"])
        method = testgen.method_source(spec, body, header_comment=[h[:200] for h in header])
        text = path.read_text(encoding="utf-8") if existed else None
        torch_testcase = (self.checkout / "torch/testing/_internal/common_utils.py").is_file()
        new_text = testgen.upsert_test(text, spec, method, torch_testcase=torch_testcase)
        path.parent.mkdir(parents=True, exist_ok=True)
        ev.update(test=_spec_json(spec), test_file=str(path), fails_same=False, xfail=False, marker=None)
        ev.pop("run_fail", None)
        ev.pop("run_xfail", None)
        self._save()  # name recorded before writing: a resumed session replaces, not duplicates, it
        path.write_text(new_text, encoding="utf-8")
        yield Phase("repro", f"wrote {spec.class_name}.{spec.method_name} into {spec.file}")

        yield Phase("repro", "running the test without the expected-failure marker: it must fail with the fuzzer's error")
        run = None
        async for item in self._pytest("repro", spec):
            if isinstance(item, PytestRun):
                run = item
            else:
                yield item
        assert run is not None
        own = self._own_outcomes(run, spec)
        failing = tuple(o.name for o in own if o.outcome in ("failed", "error"))
        same = bool(failing) and expected is not None and expected.matches(run.signature)
        ev["run_fail"] = run.to_json()
        ev["fails_same"] = same
        if not same:
            if run.error and not own:
                detail = f"the test did not run: {run.error}"
            elif not failing:
                detail = "the test passes: it does not reproduce the bug"
            else:
                got = run.signature.describe() if run.signature else "no recognisable error"
                detail = f"the test fails with a different error: {got} (expected {expected.describe() if expected else '?'})"
            ev["verdict"] = detail
            self._log(detail)
            self._save()
            yield Proof("repro", "fails with the same error", False, detail)
            yield StepResult("repro", False, detail, self.step)
            return
        self._save()
        yield Proof("repro", "fails with the same error", True, run.signature.describe() if run.signature else "")

        devices = tuple(_device_of(o.name, spec.method_name) for o in own)
        failing_devices = tuple(_device_of(n, spec.method_name) for n in failing)
        marker = testgen.marker_line(spec, failing_devices, devices)
        path.write_text(testgen.add_marker(path.read_text(encoding="utf-8"), spec, marker), encoding="utf-8")
        ev["marker"] = marker.strip()
        self._save()
        yield Phase("repro", f"added {marker.strip()}; running again: it must be reported as xfail")
        run2 = None
        async for item in self._pytest("repro", spec):
            if isinstance(item, PytestRun):
                run2 = item
            else:
                yield item
        assert run2 is not None
        own2 = self._own_outcomes(run2, spec)
        xfailed = [o for o in own2 if o.outcome == "xfailed"]
        xfail_ok = bool(xfailed) and all(o.outcome in ("xfailed", "passed") for o in own2) and run2.exit_code == 0
        if spec.style != "device":
            xfail_ok = xfail_ok and all(o.outcome == "xfailed" for o in own2)
        ev["run_xfail"] = run2.to_json()
        ev["xfail"] = xfail_ok
        if not xfail_ok:
            got = ", ".join(f"{o.name}: {o.outcome}" for o in own2) or (run2.error or "no test ran")
            detail = f"the marked test is not reported as xfail ({got})"
            ev["verdict"] = detail
            self._log(detail)
            self._save()
            yield Proof("repro", "reported as xfail", False, detail)
            yield StepResult("repro", False, detail, self.step)
            return
        ev["verdict"] = "fails with the same error; reported as xfail with the marker"
        ev["proved_at"] = _now()
        self.step = "fix"
        self._log("step 1 proven: fails the same way, then xfail")
        self._save()
        yield Proof("repro", "reported as xfail", True, ", ".join(f"{o.name}: {o.outcome}" for o in own2))
        yield StepResult("repro", True, "the test fails with the same error and is reported as xfail", self.step)

    def _fuzz_config_text(self) -> str:
        source = self.state["source"]
        if source["kind"] == "seed":
            return f"seed {source['seed']}" + (f", template {source['template']}" if source.get("template") else ", default template")
        return f"program {source.get('origin') or 'pasted'}"

    # -- step 2 --------------------------------------------------------------------------

    async def diff(self) -> gitops.DiffView:
        """The live working-tree diff against the session's base commit (step 2 onwards)."""
        if self._index(self.step) < self._index("fix"):
            raise GateLocked("fix", self._missing_for("fix"))
        return await gitops.working_diff(self.checkout, self.base)

    def check_fix(self) -> AsyncIterator[FuzzEvent]:
        """Step 2: remove the marker, run the test (must pass) and the related tests."""
        self._require("fix")
        return self._check_fix()

    def _unmark(self, spec: testgen.TestSpec, root: Path | None = None) -> bool:
        path = (root or self.checkout) / spec.file
        text = path.read_text(encoding="utf-8")
        if not testgen.has_marker(text, spec):
            return False
        path.write_text(testgen.remove_marker(text, spec), encoding="utf-8")
        return True

    async def _check_fix(self) -> AsyncIterator[FuzzEvent]:
        spec = self.spec
        assert spec is not None
        ev = self._ev("fix")
        ev["check"] = {"ok": False, "started_at": _now()}
        self._save()
        if self._unmark(spec):
            yield Phase("fix", "removed the expected-failure marker")
        yield Phase("fix", "running the test: it must pass now")
        run = None
        async for item in self._pytest("fix", spec):
            if isinstance(item, PytestRun):
                run = item
            else:
                yield item
        assert run is not None
        own = self._own_outcomes(run, spec)
        passes = bool(own) and all(o.outcome == "passed" for o in own)
        related_sel = list(self.config.related) or [spec.file]
        yield Phase("fix", f"running the related tests: {' '.join(related_sel)}")
        related = None
        async for item in self._pytest("fix", related_sel):
            if isinstance(item, PytestRun):
                related = item
            else:
                yield item
        assert related is not None
        related_ok = related.exit_code == 0 and bool(related.outcomes)
        diff = await gitops.working_diff(self.checkout, self.base)
        ev["check"] = {
            "ok": passes and related_ok,
            "test_passes": passes,
            "related_pass": related_ok,
            "test_run": run.to_json(),
            "related_run": related.to_json(),
            "diff": _diff_json(diff),
            "digest": diff.digest,
            "checked_at": _now(),
        }
        self._save()
        yield Proof("fix", "the test passes", passes, ", ".join(f"{o.name}: {o.outcome}" for o in own) or (run.error or "no test ran"))
        yield Proof("fix", "related tests pass", related_ok, json.dumps(related.counts()) if related.outcomes else (related.error or ""))
        if passes and related_ok:
            yield StepResult("fix", True, "the test passes with the change, and so do the related tests", self.step)
        else:
            why = "the test still fails" if not passes else "related tests fail"
            yield StepResult("fix", False, why, self.step)

    def record_quality(self, rows: Mapping[str, Mapping[str, Any]]) -> None:
        """The quality table: per row ``{"ok": bool, "note": str}`` (rows: QUALITY_ROWS)."""
        self._require("fix")
        unknown = set(rows) - set(QUALITY_ROWS)
        if unknown:
            raise FuzzError(f"unknown quality rows: {', '.join(sorted(unknown))}")
        table = self._ev("fix").setdefault("quality", {})
        for key, row in rows.items():
            table[key] = {"ok": bool(row.get("ok")), "note": str(row.get("note", "")).strip()}
        self._save()

    def record_summary(self, answers: Mapping[str, str]) -> None:
        """The six summary questions (keys: SUMMARY_QUESTIONS)."""
        self._require("fix")
        unknown = set(answers) - set(SUMMARY_QUESTIONS)
        if unknown:
            raise FuzzError(f"unknown summary questions: {', '.join(sorted(unknown))}")
        form = self._ev("fix").setdefault("summary", {})
        form.update({k: str(v).strip() for k, v in answers.items()})
        self._save()

    def fix_missing(self) -> list[str]:
        """What step 2 still lacks (empty when it can be finished)."""
        ev = self.state["steps"].get("fix", {})
        missing = []
        if not ev.get("check", {}).get("ok"):
            missing.append("the fix check has not passed (test and related tests)")
        quality = ev.get("quality", {})
        rows = [k for k in QUALITY_ROWS if not (quality.get(k, {}).get("ok") and quality.get(k, {}).get("note"))]
        if rows:
            missing.append("quality checklist rows not ticked with a note: " + ", ".join(rows))
        summary = ev.get("summary", {})
        unanswered = [k for k in SUMMARY_QUESTIONS if not summary.get(k)]
        if unanswered:
            missing.append("summary questions unanswered: " + ", ".join(unanswered))
        return missing

    async def finish_fix(self) -> None:
        """Close step 2 (opens step 3) once the check, the checklist and the form are complete."""
        self._require("fix")
        missing = self.fix_missing()
        if missing:
            raise GateLocked("validate", "step 2 is not finished: " + "; ".join(missing))
        diff = await gitops.working_diff(self.checkout, self.base)
        if diff.digest != self.state["steps"]["fix"]["check"]["digest"]:
            raise GateLocked("validate", "the working tree changed since the fix check; run the check again")
        self.step = "validate"
        self._log("step 2 finished")
        self._save()

    # -- step 3 --------------------------------------------------------------------------

    def validate(self) -> AsyncIterator[FuzzEvent]:
        """Step 3: lintrunner -a, pass with the change, fail without it (scratch worktree)."""
        self._require("validate")
        return self._validate()

    async def _lint(self, step: str, paths: list[str]) -> AsyncIterator[FuzzEvent | dict]:
        before = snapshot(self.checkout, paths)
        argv = (self.config.lintrunner, *lint_command(paths)[1:])
        yield Phase(step, f"running {' '.join(argv[:4])} on {len(paths)} file(s)")
        result = None
        async for event in self.runner.stream(argv, cwd=self.checkout, env=self._python_env(), timeout_s=self.config.lint_timeout_s):
            if isinstance(event, ProcFinished):
                result = event.result
            yield event
        assert result is not None
        after = snapshot(self.checkout, paths)
        parsed = parse_lint_output(result.stdout)
        changes = changes_between(before, after)
        remaining = [m for m in parsed.messages if not m.has_replacement and m.severity.lower() in ("error", "warning", "advice", "")]
        if result.exit_code is None:
            ok, reason = False, result.error or "lintrunner did not finish"
        elif result.exit_code != 0:
            ok = False
            reason = f"lintrunner exited {result.exit_code}" + (f" with {len(remaining)} unfixed message(s)" if remaining else "") + (
                f"; {len(parsed.unparsed)} line(s) of unrecognised output" if parsed.unparsed else ""
            )
        else:
            ok = True
            reason = f"clean ({len(changes)} file(s) changed by its fixes)" + (
                f"; {len(parsed.unparsed)} line(s) of unrecognised output ignored" if parsed.unparsed else ""
            )
        yield {
            "ok": ok,
            "reason": reason,
            "command": _proc_json(result),
            "messages": [
                {"path": m.path, "line": m.line, "code": m.code, "severity": m.severity, "name": m.name, "description": m.description, "fixed": m.has_replacement}
                for m in parsed.messages
            ],
            "unparsed": list(parsed.unparsed[:50]),
            "changes": changes,
        }

    def _session_paths(self, diff: gitops.DiffView) -> list[str]:
        spec = self.spec
        assert spec is not None
        paths = [f.path for f in diff.files if f.status != "deleted"]
        if spec.file not in paths:
            paths.append(spec.file)
        return paths

    async def _validate(self) -> AsyncIterator[FuzzEvent]:
        spec = self.spec
        assert spec is not None
        ev = self._ev("validate")
        for key in ("lint", "pass_with", "fail_without", "digest"):
            ev.pop(key, None)
        self._save()
        diff = await gitops.working_diff(self.checkout, self.base)
        paths = self._session_paths(diff)

        lint: dict = {}
        async for item in self._lint("validate", paths):
            if isinstance(item, dict):
                lint = item
            else:
                yield item
        ev["lint"] = lint
        self._save()
        lint_ok = lint["ok"] or not self.config.require_lint
        yield Proof("validate", "lintrunner -a", lint["ok"], lint["reason"])

        self._unmark(spec)
        yield Phase("validate", "running the test with the change: it must pass")
        run = None
        async for item in self._pytest("validate", spec):
            if isinstance(item, PytestRun):
                run = item
            else:
                yield item
        assert run is not None
        own = self._own_outcomes(run, spec)
        pass_ok = bool(own) and all(o.outcome == "passed" for o in own)
        ev["pass_with"] = {"ok": pass_ok, "run": run.to_json()}
        self._save()
        yield Proof("validate", "passes with the change", pass_ok, ", ".join(f"{o.name}: {o.outcome}" for o in own) or (run.error or "no test ran"))

        test_text = (self.checkout / spec.file).read_text(encoding="utf-8")
        yield Phase("validate", f"running the test without the change: a scratch worktree at {self.base[:12]} with only the test applied")
        run2 = None
        try:
            async with gitops.scratch_worktree(self.checkout, self.base, {spec.file: test_text}, self.config.worktree_links) as tree:
                async for item in self._pytest("validate", spec, cwd=tree):
                    if isinstance(item, PytestRun):
                        run2 = item
                    else:
                        yield item
        except FuzzError as exc:
            ev["fail_without"] = {"ok": False, "reason": str(exc)}
            self._save()
            yield Proof("validate", "fails without the change", False, str(exc))
            yield StepResult("validate", False, str(exc), self.step)
            return
        assert run2 is not None
        own2 = self._own_outcomes(run2, spec)
        failed = [o for o in own2 if o.outcome in ("failed", "error")]
        expected = self.signature
        same = bool(failed) and expected is not None and expected.matches(run2.signature)
        if same:
            reason = f"fails without the change: {run2.signature.describe() if run2.signature else ''}"
        elif not failed:
            reason = "the test passes without the change too: the change does not fix what the test checks"
        else:
            reason = f"without the change the test fails for another reason: {run2.signature.describe() if run2.signature else 'unknown'}" + (
                " (a worktree has no build outputs; see [fuzz] worktree_links)" if run2.signature and run2.signature.exc_type in ("ImportError", "ModuleNotFoundError") else ""
            )
        ev["fail_without"] = {"ok": same, "reason": reason, "run": run2.to_json()}
        diff_after = await gitops.working_diff(self.checkout, self.base)
        ev["digest"] = diff_after.digest
        ev["diff"] = _diff_json(diff_after)
        ev["comment_hints"] = comment_hints(diff_after.text)
        if not ev.get("pr"):
            ev["pr"] = self.generate_pr_text()
        ev["validated_at"] = _now()
        self._save()
        yield Proof("validate", "fails without the change", same, reason)
        ok = lint_ok and pass_ok and same
        if ok:
            yield StepResult("validate", True, "validated: lint clean, passes with the change, fails without it", self.step)
        else:
            failing = [n for n, good in (("lint", lint_ok), ("pass with the change", pass_ok), ("fail without it", same)) if not good]
            yield StepResult("validate", False, "validation failed: " + ", ".join(failing), self.step)

    def record_comment_review(self, ok: bool, note: str = "") -> None:
        """The comment-length review checklist item of step 3."""
        self._require("validate")
        self._ev("validate")["comment_review"] = {"ok": bool(ok), "note": note.strip()}
        self._save()

    def set_pr_text(self, title: str, summary: str) -> None:
        """Override the generated PR title and summary (steps 3 and 4)."""
        if self.step not in ("validate", "review"):
            raise GateLocked(self.step, "the PR text is edited in steps 3 and 4")
        if not title.strip():
            raise FuzzError("the PR title cannot be empty")
        self._ev("validate")["pr"] = {"title": title.strip().splitlines()[0][:200], "summary": summary.strip()}
        self._save()

    def generate_pr_text(self) -> dict[str, str]:
        """PR title and summary from the step-2 form, the signature and the TorchFuzz config."""
        form = self.state["steps"].get("fix", {}).get("summary", {})
        sig = self.signature
        spec = self.spec
        files = [f["path"] for f in self.state["steps"].get("fix", {}).get("check", {}).get("diff", {}).get("files", []) if spec and f["path"] != spec.file]
        where = f" in {files[0]}" if files else ""
        title = f"Fix {sig.exc_type if sig and sig.exc_type else 'crash'}{where} found by TorchFuzz"
        issue = self.state.get("issue")
        parts = []
        if issue:
            parts.append(f"Fixes #{issue}")
        for key, heading in (
            ("root_cause", "Root cause"),
            ("why_correct", "Why the fix is correct"),
            ("complexity", "Runtime complexity"),
            ("edge_cases", "Edge cases"),
            ("refactoring", "Refactoring"),
            ("similar_ops", "Similar operations"),
        ):
            if form.get(key):
                parts.append(f"## {heading}\n{form[key]}")
        test = f"`{spec.node_id}`" if spec else "the new test"
        parts.append(
            f"## Test\n{test} reproduces the failure ({sig.describe() if sig else 'see the test'}), found by TorchFuzz ({self._fuzz_config_text()})."
        )
        return {"title": title, "summary": "\n\n".join(parts)}

    def validation_missing(self) -> list[str]:
        ev = self.state["steps"].get("validate", {})
        missing = []
        lint = ev.get("lint")
        if not lint:
            missing.append("validation has not run")
            return missing
        if self.config.require_lint and not lint.get("ok"):
            missing.append(f"lintrunner is not clean ({lint.get('reason')})")
        if not ev.get("pass_with", {}).get("ok"):
            missing.append("the test does not pass with the change")
        if not ev.get("fail_without", {}).get("ok"):
            missing.append("the test was not proven to fail without the change")
        if not ev.get("comment_review", {}).get("ok"):
            missing.append("the comment review is not ticked")
        if not ev.get("pr", {}).get("title"):
            missing.append("no PR title")
        return missing

    async def finish_validation(self) -> None:
        """Close step 3 (opens the review) once every proof holds for the current tree."""
        self._require("validate")
        missing = self.validation_missing()
        if missing:
            raise GateLocked("review", "step 3 is not finished: " + "; ".join(missing))
        diff = await gitops.working_diff(self.checkout, self.base)
        if diff.digest != self.state["steps"]["validate"]["digest"]:
            raise GateLocked("review", "the working tree changed since validation; validate again")
        self.step = "review"
        self._log("step 3 finished")
        self._save()

    # -- step 4 --------------------------------------------------------------------------

    def review(self) -> dict[str, Any]:
        """Everything the maintainer reviews: signature, test, runs, diff, checklist, form, PR text."""
        if self._index(self.step) < self._index("review"):
            raise GateLocked("review", self._missing_for("review"))
        steps = self.state["steps"]
        return {
            "session": self.id,
            "signature": self.signature.describe() if self.signature else None,
            "fuzz_config": self._fuzz_config_text(),
            "test": _spec_json(self.spec) if self.spec else None,
            "repro": {k: steps["repro"].get(k) for k in ("fails_same", "xfail", "marker", "verdict")},
            "fix": {"quality": steps["fix"].get("quality"), "summary": steps["fix"].get("summary")},
            "validate": {k: steps["validate"].get(k) for k in ("lint", "pass_with", "fail_without", "comment_review", "comment_hints", "pr", "diff")},
        }

    def confirm_review(self) -> None:
        """The maintainer is satisfied (step 4): publishing opens."""
        self._require("review")
        self._ev("review")["confirmed_at"] = _now()
        self.step = "publish"
        self._log("review confirmed")
        self._save()

    def go_back(self, to: Literal["fix", "validate"]) -> None:
        """Return to step 2 or 3 (e.g. from the review); later evidence is dropped."""
        if to not in ("fix", "validate"):
            raise FuzzError("a session can go back to 'fix' or 'validate' only")
        if self.status != "active":
            raise GateLocked(to, f"the session is {self.status}")
        if self._index(self.step) <= self._index(to):
            raise GateLocked(to, f"the session is at {self.step}, not past {to}")
        if self.state["steps"].get("publish", {}).get("commits"):
            raise GateLocked(to, "the commits are already made; start a new session to change them")
        for name in STEPS[STEPS.index(to) + 1 :]:
            self.state["steps"].pop(name, None)
        self.step = to
        self._log(f"went back to {to}")
        self._save()

    # -- step 5 --------------------------------------------------------------------------

    def commit(self) -> AsyncIterator[FuzzEvent]:
        """Step 5: a new branch with two commits (test+marker, then fix), lintrunner -a before each."""
        self._require("publish")
        if len(self.state["steps"].get("publish", {}).get("commits", [])) >= 2:
            raise GateLocked("publish", "the two commits already exist")
        return self._commit()

    def _commit_messages(self) -> tuple[str, str]:
        spec = self.spec
        sig = self.signature
        pr = self.state["steps"]["validate"]["pr"]
        form = self.state["steps"]["fix"].get("summary", {})
        fuzz = self._fuzz_config_text()
        command = self.state["steps"]["capture"].get("command", {}).get("argv")
        config_line = f"TorchFuzz configuration: {fuzz}" + (f" (command: {' '.join(command)})" if command and self.state["source"]["kind"] == "seed" else "")
        issue = self.state.get("issue")
        ref = f"\n\nIssue #{issue}" if issue else ""
        first = (
            f"[TorchFuzz] Add expected-failure repro test for {sig.exc_type if sig else 'a fuzz failure'}\n\n"
            f"{spec.node_id if spec else ''} reproduces a failure found by TorchFuzz and is marked as an\n"
            f"expected failure until the fix lands.\n\nError: {sig.describe() if sig else '?'}\n{config_line}{ref}\n"
        )
        fix_summary = "\n".join(f"- {SUMMARY_QUESTIONS[k]} {form[k]}" for k in SUMMARY_QUESTIONS if form.get(k))
        second = f"{pr['title']}\n\n{pr['summary']}\n\nFix summary:\n{fix_summary}\n\n{config_line}{ref}\n"
        return first, second

    async def _commit(self) -> AsyncIterator[FuzzEvent]:
        spec = self.spec
        assert spec is not None
        ev = self._ev("publish")
        commits: list[str] = ev.setdefault("commits", [])
        diff = await gitops.working_diff(self.checkout, self.base)
        if not commits and diff.digest != self.state["steps"]["validate"]["digest"]:
            yield StepResult("publish", False, "the working tree changed since validation; go back to step 3", self.step)
            return
        head = gitops.head_commit(self.checkout)
        if not commits and head != self.base and not ev.get("branch"):
            yield StepResult("publish", False, f"HEAD moved from the session's base {self.base[:12]} to {head[:12]}; the commits would not match the validated diff", self.step)
            return
        test_path = self.checkout / spec.file
        fix_copy = self.session_dir / "test_file_fix_version.py"
        if not ev.get("paths"):
            ev["paths"] = self._session_paths(diff)
            fix_copy.write_text(test_path.read_text(encoding="utf-8"), encoding="utf-8")
            ev["messages"] = list(self._commit_messages())
            self._save()
        paths: list[str] = ev["paths"]
        messages: list[str] = ev["messages"]
        if not ev.get("branch"):
            branch = self._branch_name()
            gitops.create_branch(self.checkout, branch)
            ev["branch"] = branch
            self._save()
            yield Phase("publish", f"created branch {branch}")
        fix_text = fix_copy.read_text(encoding="utf-8")
        if not commits:
            marker = self.state["steps"]["repro"]["marker"] + "\n"
            indent_marker = "".join("    " + line.strip() + "\n" for line in marker.strip().splitlines())
            base_text = gitops.file_at(self.checkout, self.base, spec.file)
            method = _extract_method(fix_text, spec)
            torch_testcase = (self.checkout / "torch/testing/_internal/common_utils.py").is_file()
            first_text = testgen.add_marker(testgen.upsert_test(base_text, spec, method, torch_testcase=torch_testcase), spec, indent_marker)
            test_path.write_text(first_text, encoding="utf-8")
            yield Phase("publish", "commit 1: the test with the expected-failure marker")
            lint: dict = {}
            async for item in self._lint("publish", [spec.file]):
                if isinstance(item, dict):
                    lint = item
                else:
                    yield item
            ev["lint_commit1"] = lint
            if self.config.require_lint and not lint["ok"]:
                test_path.write_text(fix_text, encoding="utf-8")
                self._save()
                yield StepResult("publish", False, f"lintrunner before commit 1: {lint['reason']}", self.step)
                return
            sha = gitops.commit_paths(self.checkout, [spec.file], messages[0])
            commits.append(sha)
            self._save()
            yield Proof("publish", "commit 1", True, sha)
        test_path.write_text(fix_text, encoding="utf-8")
        yield Phase("publish", "commit 2: the fix, marker removed")
        lint = {}
        async for item in self._lint("publish", paths):
            if isinstance(item, dict):
                lint = item
            else:
                yield item
        ev["lint_commit2"] = lint
        if self.config.require_lint and not lint["ok"]:
            self._save()
            yield StepResult("publish", False, f"lintrunner before commit 2: {lint['reason']}", self.step)
            return
        sha2 = gitops.commit_paths(self.checkout, paths, messages[1])
        commits.append(sha2)
        ev["committed_at"] = _now()
        self._log(f"committed {commits[0][:12]} and {sha2[:12]} on {ev['branch']}")
        self._save()
        yield Proof("publish", "commit 2", True, sha2)
        yield StepResult("publish", True, f"two commits on {ev['branch']}: {commits[0][:12]}, {sha2[:12]}", self.step)

    def _branch_name(self) -> str:
        source = self.state["source"]
        tag = f"issue-{self.state['issue']}" if self.state.get("issue") else (f"seed-{source['seed']}" if source.get("seed") is not None else "program")
        name = f"{self.config.branch_prefix}{tag}-{self.id[:6]}"
        n = 2
        candidate = name
        while gitops.branch_exists(self.checkout, candidate):
            candidate = f"{name}-{n}"
            n += 1
        return candidate

    def plan_push(self) -> PushPlan:
        """The push this session would run, for the confirmation dialog."""
        self._require("publish")
        ev = self.state["steps"].get("publish", {})
        commits = ev.get("commits", [])
        if len(commits) < 2:
            raise GateLocked("publish", "make the two commits before pushing")
        titles = tuple(m.splitlines()[0] for m in ev.get("messages", []))
        return PushPlan((self.config.ghstack, "submit"), str(self.checkout), ev["branch"], tuple(commits), titles, self.config.env)

    def push(self, confirmation: PushConfirmation | None) -> AsyncIterator[FuzzEvent]:
        """Run ghstack for the planned commits; refuses without a matching confirmation or config."""
        plan = self.plan_push()
        if not isinstance(confirmation, PushConfirmation):
            raise PushRefused("the push needs a confirmation of the exact command and commits")
        if confirmation.plan_digest != plan.digest:
            raise PushRefused("the confirmation is for another push (command or commits changed); confirm again")
        head = gitops.head_commit(self.checkout)
        if head != plan.commits[-1]:
            raise PushRefused(f"HEAD is {head[:12]}, not the fix commit {plan.commits[-1][:12]}; check out {plan.branch}")
        rc = Path(os.path.expanduser(self.config.ghstackrc))
        problems = ghstackrc_problems(rc)
        if problems:
            raise PushRefused("ghstack is not configured (it would prompt and hang): " + "; ".join(problems) + ".\n" + GHSTACK_INSTRUCTIONS)
        return self._push(plan, confirmation)

    async def _push(self, plan: PushPlan, confirmation: PushConfirmation) -> AsyncIterator[FuzzEvent]:
        ev = self._ev("publish")
        yield Phase("publish", f"pushing with {' '.join(plan.command)}")
        result = None
        async for event in self.runner.stream(plan.command, cwd=plan.cwd, timeout_s=self.config.push_timeout_s):
            if isinstance(event, ProcFinished):
                result = event.result
            yield event
        assert result is not None
        urls = parse_pr_urls(result.output)
        attempt = {"command": _proc_json(result), "urls": list(urls), "confirmed_via": confirmation.via, "plan_digest": plan.digest, "at": _now()}
        ev.setdefault("push_attempts", []).append(attempt)
        if result.ok:
            ev["pr_urls"] = list(urls)
            self.step = "publish"
            self.state["status"] = "done"
            self._log("pushed: " + (", ".join(urls) or "no PR URL printed"))
            self._save()
            yield Proof("publish", "ghstack push", True, ", ".join(urls) or "ghstack printed no PR URL")
            yield StepResult("publish", True, "pushed" + (": " + ", ".join(urls) if urls else " (no PR URL in ghstack's output)"), self.step)
            return
        reason = result.error or f"ghstack exited {result.exit_code}"
        self._save()
        yield Proof("publish", "ghstack push", False, reason)
        yield StepResult("publish", False, reason, self.step)


# -- helpers -----------------------------------------------------------------------------


def _spec_json(spec: testgen.TestSpec) -> dict:
    return {"style": spec.style, "file": spec.file, "class_name": spec.class_name, "method_name": spec.method_name, "reason": spec.reason}


def _device_of(test_name: str, method: str) -> str:
    rest = test_name[len(method) :].lstrip("_")
    return rest or "default"


def _extract_method(text: str, spec: testgen.TestSpec) -> str:
    """The session's test method (decorators other than the marker included) as text."""
    unmarked = testgen.remove_marker(text, spec)
    tree = ast.parse(unmarked)
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == spec.class_name)
    method = next(n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == spec.method_name)
    start = min([method.lineno] + [d.lineno for d in method.decorator_list]) - 1
    lines = unmarked.splitlines(keepends=True)[start : method.end_lineno]
    out = "".join(lines)
    return out if out.endswith("\n") else out + "\n"


def comment_hints(diff_text: str) -> list[str]:
    """Added comments that look too long or too short, for the comment review."""
    hints = []
    for line in diff_text.splitlines():
        match = _COMMENT_RE.match(line)
        if not match or line.startswith("+++"):
            continue
        body = match.group(1).strip()
        if len(body) > _LONG_COMMENT:
            hints.append(f"long comment ({len(body)} chars): {body[:80]}…")
        elif body and len(body.split()) < 2 and not body.startswith(("noqa", "type:", "pyre", "TODO", "Owner")):
            hints.append(f"very short comment: {body}")
    return hints


def _info_from(session_id: str, step: str, state: dict, created: str, updated: str) -> FuzzSessionInfo:
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


def _info(record: SessionRecord) -> FuzzSessionInfo:
    return _info_from(record.id, record.step, record.state, format_timestamp(record.created_at) or "", format_timestamp(record.updated_at) or "")


# -- the workflow (sessions of a store) --------------------------------------------------


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
        return [_info(r) for r in self.store.sessions.list(kind=KIND)]


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
