"""Step 3: ``lintrunner -a``, the test passes with the change and fails without it (in a
scratch worktree at the base commit, never by stashing), the comment review, the PR text."""

from __future__ import annotations

import re
from typing import AsyncIterator

from . import gitops
from .errors import FuzzError, GateLocked
from .events import FuzzEvent, Phase, Proof, StepResult
from .gates import GatedSession
from .pytest_run import PytestRun
from .state import diff_json, timestamp

_LONG_COMMENT = 100
_COMMENT_RE = re.compile(r"^\+\s*#\s?(.*)$")


class ValidateStep(GatedSession):
    """Step 3 of :class:`~core.fuzz.session.FuzzSession`."""

    def validate(self) -> AsyncIterator[FuzzEvent]:
        """Step 3: lintrunner -a, pass with the change, fail without it (scratch worktree)."""
        self._require("validate")
        return self._validate()

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
        import_error = bool(run2.signature and run2.signature.exc_type in ("ImportError", "ModuleNotFoundError"))
        hint = " (a worktree has no build outputs; see [fuzz] worktree_links)" if import_error else ""
        if same:
            reason = f"fails without the change: {run2.signature.describe() if run2.signature else ''}"
        elif not own2:
            # Nothing of ours ran (e.g. the module failed to import at collection): not a pass.
            why = run2.signature.describe() if run2.signature else (run2.error or f"pytest exit code {run2.exit_code}")
            reason = f"without the change the test did not run: {why}{hint}"
        elif not failed:
            reason = "the test passes without the change too: the change does not fix what the test checks"
        else:
            reason = f"without the change the test fails for another reason: {run2.signature.describe() if run2.signature else 'unknown'}{hint}"
        ev["fail_without"] = {"ok": same, "reason": reason, "run": run2.to_json()}
        diff_after = await gitops.working_diff(self.checkout, self.base)
        ev["digest"] = diff_after.digest
        ev["diff"] = diff_json(diff_after)
        ev["comment_hints"] = comment_hints(diff_after.text)
        if not ev.get("pr"):
            ev["pr"] = self.generate_pr_text()
        ev["validated_at"] = timestamp()
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
