"""The gates: which step may run now, and what a locked step still lacks (as the reason
shown to the maintainer). A method asked for too early raises :class:`GateLocked`
before it runs anything."""

from __future__ import annotations

from .base import SessionBase
from .errors import GateLocked
from .state import QUALITY_ROWS, STEP_TITLES, STEPS, SUMMARY_QUESTIONS


class GatedSession(SessionBase):
    """Gate checks over the stored evidence."""

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

    def locked_reason(self, name: str) -> str | None:
        """Why step ``name`` is still locked (None for the current step and the ones before it)."""
        if name not in STEPS:
            raise ValueError(f"unknown step {name!r}")
        if self._index(name) <= self._index(self.step):
            return None
        return self._missing_for(name)

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
