"""Steps 4 and 5: the review (confirm or go back), the two commits on a new branch
(test with the marker, then the fix; ``lintrunner -a`` before each), and the ghstack push
after a confirmation of the exact plan."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, AsyncIterator, Literal

from . import gitops, testgen
from .errors import FuzzError, GateLocked, PushRefused
from .events import FuzzEvent, Phase, Proof, StepResult
from .gates import GatedSession
from .proc import ProcFinished
from .push import PushConfirmation, PushPlan
from .state import STEPS, SUMMARY_QUESTIONS, proc_json, spec_json, timestamp
from .tools import GHSTACK_INSTRUCTIONS, ghstackrc_problems, parse_pr_urls


class PublishStep(GatedSession):
    """Steps 4 and 5 of :class:`~core.fuzz.session.FuzzSession`."""

    def review(self) -> dict[str, Any]:
        """Everything the maintainer reviews: signature, test, runs, diff, checklist, form, PR text."""
        if self._index(self.step) < self._index("review"):
            raise GateLocked("review", self._missing_for("review"))
        steps = self.state["steps"]
        return {
            "session": self.id,
            "signature": self.signature.describe() if self.signature else None,
            "fuzz_config": self._fuzz_config_text(),
            "test": spec_json(self.spec) if self.spec else None,
            "repro": {k: steps["repro"].get(k) for k in ("fails_same", "xfail", "marker", "verdict")},
            "fix": {"quality": steps["fix"].get("quality"), "summary": steps["fix"].get("summary")},
            "validate": {k: steps["validate"].get(k) for k in ("lint", "pass_with", "fail_without", "comment_review", "comment_hints", "pr", "diff")},
        }

    def confirm_review(self) -> None:
        """The maintainer is satisfied (step 4): publishing opens."""
        self._require("review")
        self._ev("review")["confirmed_at"] = timestamp()
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
        first = self._test_commit_message()
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
            method = testgen.extract_method(fix_text, spec)
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
        ev["committed_at"] = timestamp()
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
        return PushPlan((self.config.ghstack, "submit"), str(self.checkout), ev["branch"], tuple(commits), titles, self.config.local_env)

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
        attempt = {"command": proc_json(result), "urls": list(urls), "confirmed_via": confirmation.via, "plan_digest": plan.digest, "at": timestamp()}
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
