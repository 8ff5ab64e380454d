"""Device-type tests end to end: a test instantiated for two devices that fails on one gets
the device decorator (not the plain marker), and step 2 takes it off again. Also step 3's
worktree with ``[fuzz] worktree_links``."""

from __future__ import annotations

import asyncio
import subprocess

from core.fuzz import FuzzWorkflow, drain
from core.fuzz.proc import LocalRunner
from core.fuzz.pytest_run import PytestRun, run_pytest

from .conftest import FAILING_SEED, make_config
from .fakecheckout import add_build_output, add_device_type_framework, apply_fix
from .test_session_flow import QUALITY, SUMMARY

TEST_FILE = "test/test_torchfuzz_repros.py"


async def _pytest(checkout, *selectors) -> PytestRun:
    run = None
    async for item in run_pytest(
        LocalRunner(), python=make_config(checkout).python, cwd=checkout, selectors=list(selectors),
        env={"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}, timeout_s=60,
    ):
        if isinstance(item, PytestRun):
            run = item
    assert run is not None
    return run


def _outcomes(run: PytestRun, method: str) -> dict[str, str]:
    return {o.name: o.outcome for o in run.outcomes if o.name.startswith(method)}


async def test_one_failing_device_gets_the_device_decorator(tmp_path, checkout, tools, store):
    add_device_type_framework(checkout)
    wf = FuzzWorkflow(store, tmp_path / "data", config=make_config(tmp_path, test_style="device"))
    session = wf.start(checkout, seed=FAILING_SEED, issue=9100)
    assert (await drain(session.capture())).ok
    result = await drain(session.repro())
    assert result.ok, result.reason

    method = "test_fuzzer_issue_9100"
    repro = session.evidence["repro"]
    # Without a marker the test runs on both devices and fails on one, with the fuzzer's error.
    unmarked = {o["name"]: o["outcome"] for o in repro["run_fail"]["outcomes"]}
    assert unmarked == {f"{method}_cpu": "passed", f"{method}_cuda": "failed"}
    assert repro["run_fail"]["signature"]["exc_type"] == "IndexError"
    # So the device decorator is chosen, imported from common_device_type.
    assert repro["marker"] == "@expectedFailureCUDA"
    text = (checkout / TEST_FILE).read_text()
    assert "    @expectedFailureCUDA\n    def test_fuzzer_issue_9100(self, device):" in text
    assert "from torch.testing._internal.common_device_type import expectedFailureCUDA" in text
    # PyTorch's device decorator swallows the CUDA failure and reports a pass; the CPU run passes.
    marked = {o["name"]: o["outcome"] for o in repro["run_xfail"]["outcomes"]}
    assert marked == {f"{method}_cpu": "passed", f"{method}_cuda": "passed"}
    assert repro["expected_failures"] == [f"{method}_cuda"]

    # The plain marker would be wrong: the CPU variant "unexpectedly succeeds", which fails the run.
    plain = checkout / "test/test_plain_marker.py"
    plain.write_text(text.replace("@expectedFailureCUDA", "@unittest.expectedFailure"))
    try:
        run = await _pytest(checkout, "test/test_plain_marker.py", "-k", method)
        assert _outcomes(run, method) == {f"{method}_cpu": "failed", f"{method}_cuda": "xfailed"}
        assert run.exit_code != 0
    finally:
        plain.unlink()

    # The decorator is load-bearing both ways: once fixed, it fails the CUDA run...
    apply_fix(checkout)
    run = await _pytest(checkout, TEST_FILE, "-k", method)
    assert _outcomes(run, method)[f"{method}_cuda"] == "failed"
    assert "expected test to fail, but it passed" in run.output_tail
    # ...so step 2 removes it (and its now unused import); both devices pass.
    result = await drain(session.check_fix())
    assert result.ok, result.reason
    text = (checkout / TEST_FILE).read_text()
    assert "expectedFailureCUDA" not in text and "def test_fuzzer_issue_9100(self, device):" in text
    check = session.evidence["fix"]["check"]
    assert {o["name"]: o["outcome"] for o in check["test_run"]["outcomes"]} == {f"{method}_cpu": "passed", f"{method}_cuda": "passed"}


async def test_the_validation_worktree_gets_the_configured_build_outputs(tmp_path, checkout, tools, store):
    add_build_output(checkout)

    async def to_validation(config):
        wf = FuzzWorkflow(store, tmp_path / "data", config=config)
        session = wf.start(checkout, seed=FAILING_SEED)
        assert (await drain(session.capture())).ok
        assert (await drain(session.repro())).ok
        apply_fix(checkout)
        assert (await drain(session.check_fix())).ok
        session.record_quality(QUALITY)
        session.record_summary(SUMMARY)
        await session.finish_fix()
        return session

    # Without the link the base-commit worktree cannot even import the package.
    session = await to_validation(make_config(tmp_path, require_lint=False))
    result = await drain(session.validate())
    fail_without = session.evidence["validate"]["fail_without"]
    assert not result.ok and not fail_without["ok"]
    assert "worktree_links" in fail_without["reason"], fail_without["reason"]
    assert "_native" in fail_without["reason"]

    # Start over (tracked files back to the base) with the build output linked into the worktree:
    # now the test fails without the fix, for the fuzzer's reason.
    await asyncio.to_thread(subprocess.run, ["git", "checkout", "-q", "--", "."], cwd=checkout, check=True)
    session = await to_validation(make_config(tmp_path, require_lint=False, worktree_links=("minitorch/_native.py",)))
    result = await drain(session.validate())
    fail_without = session.evidence["validate"]["fail_without"]
    assert fail_without["ok"], fail_without["reason"]
    assert fail_without["run"]["signature"]["exc_type"] == "IndexError"
    assert result.ok, result.reason
    # The checkout's build output was linked, not copied, and is still there afterwards.
    assert (checkout / "minitorch/_native.py").read_text() == "BUILT = True\n"
