"""Gates that cannot be skipped, and proofs that catch what they should catch."""

from __future__ import annotations

import pytest

from core.fuzz import GateLocked, ProcStarted, drain

from .conftest import FAILING_SEED, OTHER_FAILING_SEED, PASSING_SEED
from .test_session_flow import QUALITY, SUMMARY, reopen


async def test_every_later_step_is_locked_at_step_0(workflow, checkout):
    session = workflow.start(checkout, seed=FAILING_SEED)
    for call in (session.repro, session.check_fix, session.validate, session.commit, session.plan_push):
        with pytest.raises(GateLocked) as info:
            call()
        assert "step 0" in str(info.value)
    with pytest.raises(GateLocked):
        await session.diff()
    with pytest.raises(GateLocked):
        session.record_quality(QUALITY)
    with pytest.raises(GateLocked):
        session.confirm_review()
    with pytest.raises(GateLocked):
        await session.finish_fix()
    assert session.step == "capture"


async def test_a_seed_that_passes_stops_the_session(workflow, checkout):
    session = workflow.start(checkout, seed=PASSING_SEED)
    result = await drain(session.capture())
    assert not result.ok and "does not fail" in result.reason
    assert session.status == "stopped"
    with pytest.raises(GateLocked, match="stopped"):
        session.repro()
    assert workflow.sessions()[0].stop_reason == result.reason
    # Nothing was written into the checkout.
    assert "test_fuzzer_seed" not in (checkout / "test/test_torchfuzz_repros.py").read_text()


async def test_killed_mid_step_resumes_then_proofs_catch_a_non_fix_and_a_weakened_test(workflow, checkout, tmp_path):
    session = workflow.start(checkout, seed=OTHER_FAILING_SEED)
    assert (await drain(session.capture())).ok
    sid = session.id

    # Kill step 1 while its first pytest run is going: the run is stopped, the state kept.
    events = session.repro()
    async for event in events:
        if isinstance(event, ProcStarted) and "pytest" in event.argv:
            break
    await events.aclose()
    workflow.store.close()

    store, session = reopen(tmp_path, sid)
    assert session.step == "repro"
    with pytest.raises(GateLocked, match="fails with the same error"):
        session.check_fix()
    assert (await drain(session.repro())).ok
    test_file = checkout / "test/test_torchfuzz_repros.py"
    assert test_file.read_text().count(f"def test_fuzzer_seed_{OTHER_FAILING_SEED}(") == 1

    # A change that does not fix the bug: the test still fails, step 2 cannot finish.
    ops = checkout / "minitorch/ops.py"
    ops.write_text(ops.read_text().replace("def _reduce(x, dim):", "def _reduce(x, dim):  # touched"))
    result = await drain(session.check_fix())
    assert not result.ok and "still fails" in result.reason
    session.record_quality(QUALITY)
    session.record_summary(SUMMARY)
    with pytest.raises(GateLocked, match="fix check"):
        await session.finish_fix()

    # A "fix" that only weakens the test passes step 2 but not the fail-without proof.
    text = test_file.read_text()
    weakened = text.replace("out_compiled = compiled_program(arg_0, arg_1, sentinel)", "out_compiled = fuzzed_program(arg_0, arg_1, sentinel)")
    assert weakened != text
    test_file.write_text(weakened)
    assert (await drain(session.check_fix())).ok
    await session.finish_fix()
    result = await drain(session.validate())
    assert not result.ok
    proof = session.evidence["validate"]["fail_without"]
    assert not proof["ok"] and "passes without the change" in proof["reason"]
    assert proof["run"]["outcomes"][0]["outcome"] == "passed"
    session.record_comment_review(True)
    with pytest.raises(GateLocked, match="fail without"):
        await session.finish_validation()
    with pytest.raises(GateLocked):
        session.commit()
    store.close()

