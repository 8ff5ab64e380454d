"""Scrub steps 6-7 (seed): save the original, minimize (with the maintainer's accept/reject),
then propose removing stale expected-failure markers."""

from __future__ import annotations

from pathlib import Path
from typing import AsyncIterator

from core.models import ErrorSignature

from .base import SessionBase
from .events import MinimizeProgress, Note, ScrubEvent
from .options import _sig_from_json
from .trivial_fix import TrivialFix, apply_fix, find_trivial_fixes


class MinimizeSteps(SessionBase):
    """Steps 6-7: minimize hand-off and trivial fixes."""

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
            from core.minimize import (
                Expectation,
                MinimizeOptions,
                minimize_events,
                reducible_lines,
            )
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
        if self._launcher().kind == "torchrun":
            self.wf.skip(step, "the repro runs under torchrun, and the minimizer runs plain python: minimize it by hand; "
                         f"original saved to {doc['original_path']}")
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
        # Every accepted change is kept (pass, diff, size) so the diff pane can step through them.
        log = [{"pass_name": st.pass_name, "diff": st.diff, "size_after": st.size_after.as_dict()} for st in result.steps]
        doc = {**doc, "result": {"minimized": result.minimized, "changed": result.minimized.strip() != code.strip(),
                                 "steps": len(result.steps), "log": log, "notes": list(result.notes)}}
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

