"""Scrub steps 4-5 (seed): a recent confirmation in the comments, then the runs (confirm
"passes"/different errors, flaky handling) and the verdict with its gates."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any, AsyncIterator

from core.models import ErrorSignature
from core.run import (
    RunSpec,
    SeedOptions,
    collect,
    judge_result,
    runner_for,
)
from core.run.verdict import Verdict, VerdictKind
from core.safety.trust import code_digest
from core.workflow import StepStatus

from .base import SessionBase
from .events import Note, RunOutput, ScrubEvent
from .options import _sig_from_json, _verdict_json
from .verification import recent_verification

_COMPILE_CALL = re.compile(r"\btorch\.compile\(|@torch\.compile\b")


class VerifySteps(SessionBase):
    """Steps 4-5: recent verification and the reproduction runs."""

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
            launcher = self._launcher()
            if launcher.is_torchrun:
                yield Note(step, f"runs as: {launcher.label}" + (f" ({launcher.note})" if launcher.note else ""))
            outcomes: list[dict] = []
            verdicts: list[Verdict] = []
            planned = 1
            index = 0
            while index < planned:
                seeded = index > 0
                spec = RunSpec(code, env=self.options.env, timeout_s=self.options.timeout_s,
                               sandbox=self.options.sandbox, allow_unsandboxed=self.options.allow_unsandboxed,  # type: ignore[arg-type]
                               seed=SeedOptions(hash_seed=0 if seeded else None), script_name=f"repro_{self.number}.py",
                               launcher=launcher)
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
                "launcher": launcher.to_json(),
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
        if kind is VerdictKind.PASSES and not flaky and (expected is None or expected.empty):
            # Nothing to look for: a wrong value, a warning or slowness also exits 0, so a clean
            # exit alone never says "fixed". The maintainer reads the output and decides.
            answer = self._answer("judge_pass")
            if answer is None:
                self.wf.ask(step, "judge_pass",
                            f"The repro exits 0 in {len(kinds)} run(s), and the report names no error to look for "
                            "(a wrong value, a warning, slowness?). Read the output: is the bug still there?",
                            ("still_buggy", "fixed", "stop"), {"verdict": verdict})
                return
            if answer["choice"] == "still_buggy":
                self.wf.put("outcome", "reproduces")
                self.wf.done(step, "exits 0, and the maintainer judged the output: the bug is still there")
                return
            if answer["choice"] == "stop":
                yield self._stop_with_plan(step, "exits 0; no reported error to compare with, so no conclusion")
                return
            self.wf.put("outcome", "fixed")
            self.wf.done(step, f"passes in {len(kinds)} run(s), and the maintainer judged the output fixed")
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

