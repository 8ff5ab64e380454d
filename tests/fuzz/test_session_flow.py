"""A whole fuzz session against the fake checkout: real git, real pytest, real fix, stand-in tools.

Between steps the store is closed and a new Store/FuzzWorkflow re-opens the session, as a
restarted app would.
"""

from __future__ import annotations

from pathlib import Path

import git
import pytest

from core.fuzz import (
    QUALITY_ROWS,
    FuzzWorkflow,
    GateLocked,
    ProcLine,
    PushConfirmation,
    PushRefused,
    drain,
)
from core.store import Store

from .conftest import FAILING_SEED, make_config
from .fakecheckout import apply_fix, set_mode, tool_calls, write_ghstackrc

QUALITY = {row: {"ok": True, "note": f"checked {row}"} for row in QUALITY_ROWS}
SUMMARY = {
    "root_cause": "the compiled path normalised negative dims with ndim - 1",
    "complexity": "O(1)",
    "refactoring": "none needed",
    "edge_cases": "every negative dim of every rank",
    "why_correct": "dim + ndim maps [-ndim, -1] onto [0, ndim - 1]",
    "similar_ops": "other reductions share _lowered_dim",
}


def reopen(tmp_path: Path, session_id: str, **config):
    """A fresh store object and workflow: what a restarted app has."""
    store = Store(tmp_path / "data" / "triagedeck.sqlite3")
    wf = FuzzWorkflow(store, tmp_path / "data", config=make_config(tmp_path, **config))
    return store, wf.open(session_id)


def test_seed_to_ghstack_push_with_restarts(tmp_path, checkout, tools, ghstackrc):
    import asyncio

    async def walk():
        store = Store(tmp_path / "data" / "triagedeck.sqlite3")
        wf = FuzzWorkflow(store, tmp_path / "data", config=make_config(tmp_path, lint_timeout_s=3.0, push_timeout_s=3.0, extra_env=FAST_PYTEST))
        session = wf.start(checkout, seed=FAILING_SEED, issue=4321)
        base = session.base
        sid = session.id

        lines = []
        result = await drain(session.capture(), lambda e: lines.append(e) if isinstance(e, ProcLine) else None)
        assert result.ok, result.reason
        assert any("=== Program Source ===" in e.text for e in lines)  # the fuzzer's output streamed
        assert session.signature.exc_type == "IndexError"
        assert "but got -1" in session.signature.message
        store.close()

        store, session = reopen(tmp_path, sid, extra_env=FAST_PYTEST)
        assert session.step == "repro"
        with pytest.raises(GateLocked, match="xfail|fails with the same"):
            session.check_fix()
        result = await drain(session.repro())
        assert result.ok, result.reason
        test_file = checkout / "test/test_torchfuzz_repros.py"
        text = test_file.read_text()
        assert "def test_fuzzer_issue_4321(self):" in text
        assert '@pytest.mark.xfail(reason="Issue #4321")' in text
        ev = session.evidence["repro"]
        assert ev["fails_same"] and ev["xfail"]
        assert ev["run_fail"]["outcomes"][0]["outcome"] == "failed"
        assert ev["run_xfail"]["outcomes"][0]["outcome"] == "xfailed"
        store.close()

        # Step 2: the maintainer fixes the bug in their editor.
        store, session = reopen(tmp_path, sid, extra_env=FAST_PYTEST)
        assert session.step == "fix"
        with pytest.raises(GateLocked):
            session.validate()
        apply_fix(checkout)
        diff = await session.diff()
        files = {f.path: f for f in diff.files}
        assert set(files) == {"minitorch/ops.py", "test/test_torchfuzz_repros.py"}
        assert "+        dim += ndim\n" in files["minitorch/ops.py"].hunks[0] + "\n"
        result = await drain(session.check_fix())
        assert result.ok, result.reason
        assert "@pytest.mark.xfail(reason=\"Issue #4321\")" not in test_file.read_text()
        with pytest.raises(GateLocked, match="quality"):
            await session.finish_fix()
        session.record_quality(QUALITY)
        session.record_summary(SUMMARY)
        store.close()

        store, session = reopen(tmp_path, sid, extra_env=FAST_PYTEST)
        assert session.evidence["fix"]["quality"]["dry"]["note"] == "checked dry"
        ops = checkout / "minitorch/ops.py"
        checked = ops.read_text()
        ops.write_text(checked + "# an edit after the check\n")
        with pytest.raises(GateLocked, match="changed since the fix check"):
            await session.finish_fix()
        ops.write_text(checked)
        await session.finish_fix()
        assert session.step == "validate"

        # Step 3.
        with pytest.raises(GateLocked):
            session.commit()
        result = await drain(session.validate())
        assert result.ok, result.reason
        ev = session.evidence["validate"]
        assert ev["pass_with"]["ok"] and ev["fail_without"]["ok"]
        assert "IndexError" in ev["fail_without"]["reason"]
        assert ev["lint"]["ok"]
        assert "Fixes #4321" in ev["pr"]["summary"] and "seed 1" in ev["pr"]["summary"]
        with pytest.raises(GateLocked, match="comment review"):
            await session.finish_validation()
        session.record_comment_review(True, "short and clear")
        await session.finish_validation()
        # The worktree is gone and the maintainer's tree still holds the fix.
        assert len(git.Repo(checkout).git.worktree("list").splitlines()) == 1
        assert "dim += ndim\n" in (checkout / "minitorch/ops.py").read_text()
        store.close()

        # Step 4: go back to validation, then forward again.
        store, session = reopen(tmp_path, sid, extra_env=FAST_PYTEST)
        assert session.step == "review"
        bundle = session.review()
        assert bundle["validate"]["fail_without"]["ok"]
        session.go_back("validate")
        assert session.step == "validate" and "review" not in session.evidence
        with pytest.raises(GateLocked):
            session.confirm_review()
        assert (await drain(session.validate())).ok
        session.record_comment_review(True, "ok")
        await session.finish_validation()
        session.confirm_review()
        assert session.step == "publish"

        # Step 5: lintrunner failure modes before commit 1 leave no commit behind.
        set_mode(tools, "lintrunner", "fail")
        result = await drain(session.commit())
        assert not result.ok and "lintrunner exited 1" in result.reason
        set_mode(tools, "lintrunner", "hang")
        result = await drain(session.commit())
        assert not result.ok and "timed out" in result.reason
        repo = git.Repo(checkout)
        assert repo.head.commit.hexsha == base
        assert "dim += ndim\n" in (checkout / "minitorch/ops.py").read_text()
        set_mode(tools, "lintrunner", "garbage")  # exit 0 with unreadable output: tolerated, recorded
        result = await drain(session.commit())
        assert result.ok, result.reason
        commits = session.evidence["publish"]["commits"]
        assert session.evidence["publish"]["lint_commit2"]["unparsed"]
        store.close()

        first, second = repo.commit(commits[0]), repo.commit(commits[1])
        assert second.parents[0] == first and first.parents[0].hexsha == base
        assert set(first.stats.files) == {"test/test_torchfuzz_repros.py"}
        assert set(second.stats.files) == {"test/test_torchfuzz_repros.py", "minitorch/ops.py"}
        committed_test = repo.git.show(f"{commits[0]}:test/test_torchfuzz_repros.py")
        assert '@pytest.mark.xfail(reason="Issue #4321")' in committed_test
        assert '@pytest.mark.xfail(reason="Issue #4321")' not in repo.git.show(f"{commits[1]}:test/test_torchfuzz_repros.py")
        assert "seed 1" in first.message and "seed 1" in second.message
        assert "Root cause" in second.message and "--seed 1" in second.message
        assert repo.active_branch.name.startswith("fuzz/issue-4321")
        # The commit 1 tree really holds an xfail test (strict xfail passes before the fix).
        assert repo.git.show(f"{commits[0]}:minitorch/ops.py").count("dim += ndim - 1") == 1

        # Push: confirmation and config are required; failure and hang modes are survived.
        store, session = reopen(tmp_path, sid, extra_env=FAST_PYTEST, push_timeout_s=3.0)
        plan = session.plan_push()
        assert plan.commits == tuple(commits)
        with pytest.raises(PushRefused):
            session.push(None)
        with pytest.raises(PushRefused, match="another push"):
            session.push(PushConfirmation("0" * 16, "dialog"))
        write_ghstackrc(ghstackrc, complete=False)
        calls_before = len([c for c in tool_calls(tools) if c["tool"] == "ghstack"])
        with pytest.raises(PushRefused, match="github_oauth"):
            session.push(PushConfirmation.for_plan(plan, "dialog"))
        assert len([c for c in tool_calls(tools) if c["tool"] == "ghstack"]) == calls_before
        write_ghstackrc(ghstackrc)
        confirmation = PushConfirmation.for_plan(plan, "dialog")
        for mode, expect in (("prompt", "exited 1"), ("hang", "timed out"), ("fail", "exited 2")):
            set_mode(tools, "ghstack", mode)
            result = await drain(session.push(confirmation))
            assert not result.ok and expect in result.reason, (mode, result.reason)
            assert session.status == "active"
        set_mode(tools, "ghstack", "ok")
        result = await drain(session.push(confirmation))
        assert result.ok, result.reason
        assert session.evidence["publish"]["pr_urls"] == [
            "https://github.com/pytorch/pytorch/pull/4242",
            "https://github.com/pytorch/pytorch/pull/4243",
        ]
        assert session.status == "done"
        ghstack_calls = [c for c in tool_calls(tools) if c["tool"] == "ghstack"]
        assert ghstack_calls[-1]["argv"] == ["submit"] and ghstack_calls[-1]["head"] == commits[1]
        lint_calls = [c for c in tool_calls(tools) if c["tool"] == "lintrunner"]
        assert all(c["argv"][:3] == ["-a", "--output", "json"] for c in lint_calls)
        with pytest.raises(GateLocked):
            session.commit()
        store.close()

        store = Store(tmp_path / "data" / "triagedeck.sqlite3")
        infos = FuzzWorkflow(store, tmp_path / "data").sessions()
        store.close()
        assert infos[0].id == sid and infos[0].status == "done"
        assert all(s.state == "done" for s in infos[0].steps)

    asyncio.run(walk())


FAST_PYTEST = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
