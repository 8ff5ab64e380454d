"""Step 1's optional test-only PR: one commit (the marked test alone) on a branch from the
base, made without touching the maintainer's tree, pushed only with a confirmation."""

from __future__ import annotations

import git
import pytest

from core.fuzz import GateLocked, PushConfirmation, PushRefused, drain

from .conftest import FAILING_SEED
from .fakecheckout import apply_fix, tool_calls


def _tree_state(checkout):
    repo = git.Repo(checkout)
    files = {p.relative_to(checkout).as_posix(): p.read_bytes() for p in checkout.rglob("*") if p.is_file() and ".git" not in p.parts and "__pycache__" not in p.parts}
    return repo.head.commit.hexsha, repo.active_branch.name, repo.git.diff("--cached"), repo.git.status("--porcelain"), files


async def test_test_only_push_after_both_proofs(workflow, checkout, tools, ghstackrc):
    session = workflow.start(checkout, seed=FAILING_SEED, issue=4321)
    assert (await drain(session.capture())).ok
    with pytest.raises(GateLocked, match="step 1 has not proven"):
        session.prepare_test_commit()
    with pytest.raises(GateLocked):
        session.plan_test_push()
    assert (await drain(session.repro())).ok
    assert session.step == "fix"
    apply_fix(checkout)  # the maintainer is already fixing: their edits must survive untouched
    before = _tree_state(checkout)

    made = await drain(session.prepare_test_commit())
    assert made.ok, made.reason
    assert _tree_state(checkout) == before
    ev = session.test_pr
    repo = git.Repo(checkout)
    commit = repo.commit(ev["commit"])
    assert [p.hexsha for p in commit.parents] == [session.base]
    assert sorted(commit.stats.files) == ["test/test_torchfuzz_repros.py"]
    test_text = commit.tree["test/test_torchfuzz_repros.py"].data_stream.read().decode()
    assert '@pytest.mark.xfail(reason="Issue #4321")\n    def test_fuzzer_issue_4321(self):' in test_text
    assert "Issue #4321" in commit.message and "TorchFuzz configuration: seed 1" in commit.message
    assert repo.heads[ev["branch"]].commit.hexsha == ev["commit"]
    lint_calls = [c for c in tool_calls(tools) if c["tool"] == "lintrunner"]
    assert lint_calls and lint_calls[-1]["head"] == session.base and lint_calls[-1]["cwd"] != str(checkout)

    plan = session.plan_test_push()
    assert plan.commits == (ev["commit"],)
    with pytest.raises(PushRefused, match="confirmation"):
        session.push_test(None)
    other = PushConfirmation("0" * 16, "dialog")
    with pytest.raises(PushRefused, match="another push"):
        session.push_test(other)
    assert [c for c in tool_calls(tools) if c["tool"] == "ghstack"] == []

    result = await drain(session.push_test(PushConfirmation.for_plan(plan, "cli --yes")))
    assert result.ok, result.reason
    calls = [c for c in tool_calls(tools) if c["tool"] == "ghstack"]
    assert len(calls) == 1
    assert calls[0]["argv"] == ["submit"] and calls[0]["head"] == ev["commit"] and calls[0]["cwd"] == plan.cwd
    assert session.test_pr["pr_urls"] == ["https://github.com/pytorch/pytorch/pull/4242", "https://github.com/pytorch/pytorch/pull/4243"]
    assert session.evidence["repro"]["test_pr"]["push_attempts"][0]["confirmed_via"] == "cli --yes"
    assert _tree_state(checkout) == before
    assert not (session.session_dir / "test-pr" / "tree").exists()
    assert len(repo.git.worktree("list").splitlines()) == 1
    # Optional: it neither gated nor moved the session.
    assert session.step == "fix"
    with pytest.raises(GateLocked, match="already pushed"):
        session.plan_test_push()
