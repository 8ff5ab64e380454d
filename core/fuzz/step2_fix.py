"""Step 2: the live diff against the base commit, the fix check (marker removed, the test
and the related tests pass), the quality checklist and the summary form."""

from __future__ import annotations

import json
from typing import Any, AsyncIterator, Mapping

from . import gitops
from .errors import FuzzError, GateLocked
from .events import FuzzEvent, Phase, Proof, StepResult
from .gates import GatedSession
from .pytest_run import PytestRun
from .state import QUALITY_ROWS, SUMMARY_QUESTIONS, diff_json, timestamp


class FixStep(GatedSession):
    """Step 2 of :class:`~core.fuzz.session.FuzzSession`."""

    async def diff(self) -> gitops.DiffView:
        """The live working-tree diff against the session's base commit (step 2 onwards)."""
        if self._index(self.step) < self._index("fix"):
            raise GateLocked("fix", self._missing_for("fix"))
        return await gitops.working_diff(self.checkout, self.base)

    def check_fix(self) -> AsyncIterator[FuzzEvent]:
        """Step 2: remove the marker, run the test (must pass) and the related tests."""
        self._require("fix")
        return self._check_fix()

    async def _check_fix(self) -> AsyncIterator[FuzzEvent]:
        spec = self.spec
        assert spec is not None
        ev = self._ev("fix")
        ev["check"] = {"ok": False, "started_at": timestamp()}
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
            "diff": diff_json(diff),
            "digest": diff.digest,
            "checked_at": timestamp(),
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
