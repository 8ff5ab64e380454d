"""Step 1's optional extra: a ghstack PR of the failing test alone.

Once both step-1 proofs exist, one commit holding only the test file with the
expected-failure marker is made on a new branch from the base commit, inside a
temporary ``git worktree`` (the maintainer's tree, index and HEAD are never touched,
nothing is stashed), then pushed with ghstack after a :class:`PushConfirmation` of the
exact plan. It never gates step 2. Evidence: ``steps.repro.test_pr``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, AsyncIterator

from . import gitops, testgen
from .errors import GateLocked, PushRefused
from .events import FuzzEvent, Phase, Proof, StepResult
from .gates import GatedSession
from .proc import ProcFinished
from .push import PushConfirmation, PushPlan
from .state import proc_json, timestamp
from .tools import GHSTACK_INSTRUCTIONS, ghstackrc_problems, parse_pr_urls


class PushTestStep(GatedSession):
    """Push the failing test (marked as an expected failure) alone, as its own PR."""

    @property
    def test_pr(self) -> dict[str, Any]:
        """The stored evidence of the test-only PR (a copy; empty before it is prepared)."""
        return dict(self.state["steps"].get("repro", {}).get("test_pr", {}))

    def test_push_missing(self) -> str | None:
        """Why the test-only push is not available now (None when it is)."""
        repro = self.state["steps"].get("repro", {})
        if not (repro.get("fails_same") and repro.get("xfail")):
            return "step 1 has not proven both that the test fails with the same error and that it is reported as xfail"
        if self.status == "stopped":
            return f"the session is stopped ({self.state.get('stop_reason') or ''})"
        if repro.get("test_pr", {}).get("pr_urls"):
            return "the failing test was already pushed: " + ", ".join(repro["test_pr"]["pr_urls"])
        return None

    def _require_test_push(self) -> None:
        missing = self.test_push_missing()
        if missing:
            raise GateLocked("push-test", missing)

    @property
    def _test_tree(self) -> Path:
        return self.session_dir / "test-pr" / "tree"

    def prepare_test_commit(self) -> AsyncIterator[FuzzEvent]:
        """Branch from the base commit with one commit: the test file with the marker
        (``lintrunner -a`` first). A no-op when that commit already exists."""
        self._require_test_push()
        return self._prepare_test_commit()

    def _test_file_text(self) -> str:
        spec = self.spec
        assert spec is not None
        current = (self.checkout / spec.file).read_text(encoding="utf-8")
        method = testgen.extract_method(current, spec)
        base_text = gitops.file_at(self.checkout, self.base, spec.file)
        torch_testcase = (self.checkout / "torch/testing/_internal/common_utils.py").is_file()
        text = testgen.upsert_test(base_text, spec, method, torch_testcase=torch_testcase)
        marker = self.state["steps"]["repro"]["marker"]
        indented = "".join("    " + line.strip() + "\n" for line in marker.strip().splitlines())
        return testgen.add_marker(text, spec, indented)

    async def _prepare_test_commit(self) -> AsyncIterator[FuzzEvent]:
        ev = self._ev("repro").setdefault("test_pr", {})
        if ev.get("commit"):
            yield StepResult("repro", True, f"the test commit {ev['commit'][:12]} already exists on {ev['branch']}", self.step)
            return
        spec = self.spec
        assert spec is not None
        text = self._test_file_text()
        branch = self._test_branch_name()
        tree = self._test_tree
        gitops.remove_worktree(self.checkout, tree)  # a leftover from a crash
        gitops.add_worktree(self.checkout, tree, branch=branch, new_at=self.base)
        try:
            yield Phase("repro", f"branch {branch} from {self.base[:12]} in a temporary worktree")
            (tree / spec.file).parent.mkdir(parents=True, exist_ok=True)
            (tree / spec.file).write_text(text, encoding="utf-8")
            lint: dict = {}
            async for item in self._lint("repro", [spec.file], root=tree):
                if isinstance(item, dict):
                    lint = item
                else:
                    yield item
            ev["lint"] = lint
            if self.config.require_lint and not lint["ok"]:
                gitops.remove_worktree(self.checkout, tree)
                gitops.delete_branch(self.checkout, branch)
                self._save()
                yield StepResult("repro", False, f"lintrunner before the test commit: {lint['reason']}", self.step)
                return
            message = self._test_commit_message()
            sha = gitops.commit_paths(tree, [spec.file], message)
        finally:
            gitops.remove_worktree(self.checkout, tree)
        ev.update(branch=branch, commit=sha, message=message, committed_at=timestamp())
        self._log(f"test-only commit {sha[:12]} on {branch}")
        self._save()
        yield Proof("repro", "test-only commit", True, f"{sha[:12]} on {branch}")
        yield StepResult("repro", True, f"one commit with the test alone: {sha[:12]} on {branch}", self.step)

    def _test_branch_name(self) -> str:
        source = self.state["source"]
        tag = f"issue-{self.state['issue']}" if self.state.get("issue") else (f"seed-{source['seed']}" if source.get("seed") is not None else "program")
        name = f"{self.config.branch_prefix}{tag}-test-{self.id[:6]}"
        candidate, n = name, 2
        while gitops.branch_exists(self.checkout, candidate):
            candidate = f"{name}-{n}"
            n += 1
        return candidate

    def plan_test_push(self) -> PushPlan:
        """The ghstack push of the test-only commit, for the confirmation dialog / ``--yes``."""
        self._require_test_push()
        ev = self.state["steps"]["repro"].get("test_pr", {})
        if not ev.get("commit"):
            raise GateLocked("push-test", "make the test-only commit first")
        title = ev["message"].splitlines()[0]
        return PushPlan((self.config.ghstack, "submit"), str(self._test_tree), ev["branch"], (ev["commit"],), (title,), self.config.local_env)

    def push_test(self, confirmation: PushConfirmation | None) -> AsyncIterator[FuzzEvent]:
        """ghstack for the test-only commit; refuses without a matching confirmation or config."""
        plan = self.plan_test_push()
        if not isinstance(confirmation, PushConfirmation):
            raise PushRefused("the push needs a confirmation of the exact command and commit")
        if confirmation.plan_digest != plan.digest:
            raise PushRefused("the confirmation is for another push (command or commit changed); confirm again")
        if not gitops.branch_exists(self.checkout, plan.branch) or gitops.open_repo(self.checkout).heads[plan.branch].commit.hexsha != plan.commits[0]:
            raise PushRefused(f"branch {plan.branch} no longer points at {plan.commits[0][:12]}")
        parents, files = gitops.commit_parents_and_files(self.checkout, plan.commits[0])
        if parents != (self.base,) or files != (self.spec.file,):  # type: ignore[union-attr]
            raise PushRefused("the test-only commit is not one commit on the base holding only the test file")
        problems = ghstackrc_problems(Path(os.path.expanduser(self.config.ghstackrc)))
        if problems:
            raise PushRefused("ghstack is not configured (it would prompt and hang): " + "; ".join(problems) + ".\n" + GHSTACK_INSTRUCTIONS)
        return self._push_test(plan, confirmation)

    async def _push_test(self, plan: PushPlan, confirmation: PushConfirmation) -> AsyncIterator[FuzzEvent]:
        ev = self._ev("repro").setdefault("test_pr", {})
        tree = Path(plan.cwd)
        gitops.remove_worktree(self.checkout, tree)
        gitops.add_worktree(self.checkout, tree, branch=plan.branch)
        try:
            yield Phase("repro", f"pushing the test alone with {' '.join(plan.command)}")
            result = None
            async for event in self.runner.stream(plan.command, cwd=plan.cwd, timeout_s=self.config.push_timeout_s):
                if isinstance(event, ProcFinished):
                    result = event.result
                yield event
        finally:
            gitops.remove_worktree(self.checkout, tree)
        assert result is not None
        urls = parse_pr_urls(result.output)
        attempt = {"command": proc_json(result), "urls": list(urls), "confirmed_via": confirmation.via, "plan_digest": plan.digest, "at": timestamp()}
        ev.setdefault("push_attempts", []).append(attempt)
        if result.ok:
            ev["pr_urls"] = list(urls)
            self._log("pushed the failing test: " + (", ".join(urls) or "no PR URL printed"))
            self._save()
            yield Proof("repro", "ghstack push (test alone)", True, ", ".join(urls) or "ghstack printed no PR URL")
            yield StepResult("repro", True, "pushed the test" + (": " + ", ".join(urls) if urls else " (no PR URL in ghstack's output)"), self.step)
            return
        reason = result.error or f"ghstack exited {result.exit_code}"
        self._save()
        yield Proof("repro", "ghstack push (test alone)", False, reason)
        yield StepResult("repro", False, reason, self.step)
