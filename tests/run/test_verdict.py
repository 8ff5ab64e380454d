"""Outcome judgement over real-looking outputs."""

from __future__ import annotations

from hypothesis import given, strategies as st

from core.models import ErrorSignature
from core.run.verdict import VerdictKind, find_errors, judge, normalise

TRACEBACK = """\
Traceback (most recent call last):
  File "/tmp/tmpab12cd/repro.py", line 9, in <module>
    out = torch.compile(f)(x)
  File "/opt/torch/_dynamo/eval_frame.py", line 655, in _fn
    raise e
torch._dynamo.exc.Unsupported: Attempted to call function marked as skipped at 0x7f3a2b1c4d50
  Explanation: Dynamo developers have intentionally marked that the function `foo` should not be traced.
""".splitlines()


def test_reproduces_on_class_and_substring_despite_addresses_and_paths():
    expected = ErrorSignature("torch._dynamo.exc.Unsupported", "Attempted to call function marked as skipped at 0x7fdeadbeef00")
    verdict = judge(TRACEBACK, exit_code=1, expected=expected)
    assert verdict.kind is VerdictKind.REPRODUCES
    assert any("Unsupported: Attempted to call function" in line for line in verdict.evidence)


def test_short_class_name_matches_qualified():
    verdict = judge(TRACEBACK, exit_code=1, expected=ErrorSignature("Unsupported", "marked as skipped"))
    assert verdict.kind is VerdictKind.REPRODUCES


def test_same_class_other_message_is_a_different_error():
    verdict = judge(TRACEBACK, exit_code=1, expected=ErrorSignature("Unsupported", "data-dependent branching"))
    assert verdict.kind is VerdictKind.DIFFERENT_ERROR
    assert verdict.observed is not None and verdict.observed.exception_class == "torch._dynamo.exc.Unsupported"
    assert not verdict.setup_problem


def test_passes_on_clean_exit():
    verdict = judge(["tensor([1., 2.])"], exit_code=0, expected=ErrorSignature("RuntimeError", "expected scalar type"))
    assert verdict.kind is VerdictKind.PASSES and "not seen" in verdict.summary


def test_setup_problem_hints():
    cases = {
        "ModuleNotFoundError: No module named 'torch._six'": "torch._six",
        "ImportError: cannot import name 'container_abcs' from 'torch._six' (/x/torch/_six.py)": "renamed or moved",
        "AttributeError: module 'torch.cuda.amp' has no attribute 'autocast_mode'": "renamed or moved",
        "AssertionError: Torch not compiled with CUDA enabled": "needs CUDA",
        "RuntimeError: No CUDA GPUs are available": "needs CUDA",
        "TypeError: foo() got an unexpected keyword argument 'bar'": "API changed",
        "ModuleNotFoundError: No module named 'transformers'": "'transformers'",
    }
    for line, fragment in cases.items():
        verdict = judge(["Traceback (most recent call last):", '  File "x.py", line 1', line], exit_code=1,
                        expected=ErrorSignature("RuntimeError", "expected scalar type Float"))
        assert verdict.kind is VerdictKind.DIFFERENT_ERROR, line
        assert verdict.hint and fragment in verdict.hint, (line, verdict.hint)
        assert verdict.setup_problem and line in verdict.evidence


def test_crashes_are_decoded():
    assert "SIGSEGV" in judge(["Segmentation fault (core dumped)"], exit_code=139).summary
    assert judge([], exit_code=134).kind is VerdictKind.CRASH
    killed = judge([], exit_code=137, signal=9)
    assert killed.kind is VerdictKind.CRASH and "possibly OOM-killed" in killed.summary


def test_expected_signal_reproduces():
    verdict = judge(["Fatal Python error: Segmentation fault"], exit_code=139, signal=11, expected=ErrorSignature(signal=11))
    assert verdict.kind is VerdictKind.REPRODUCES


def test_cpp_terminate_matches_reported_c10_error():
    lines = ["terminate called after throwing an instance of 'c10::Error'", "  what():  index out of range in self"]
    errors = find_errors(lines)
    assert errors[-1].exception_class == "c10::Error" and errors[-1].message == "index out of range in self"
    verdict = judge(lines, exit_code=134, signal=6, expected=ErrorSignature("c10::Error", "index out of range"))
    assert verdict.kind is VerdictKind.REPRODUCES


def test_cuda_oom_is_flagged():
    lines = ["torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 GiB"]
    verdict = judge(lines, exit_code=1, expected=ErrorSignature("RuntimeError", "illegal memory access"))
    assert verdict.kind is VerdictKind.CUDA_OOM and "reduce sizes before concluding" in verdict.summary
    assert verdict.evidence == tuple(lines)
    # ...unless OOM is the reported bug.
    assert judge(lines, exit_code=1, expected=ErrorSignature("OutOfMemoryError", "CUDA out of memory")).kind is VerdictKind.REPRODUCES


def test_timeout_wins():
    verdict = judge(["step 1"], exit_code=137, signal=9, timed_out=True, expected=ErrorSignature(signal=9))
    assert verdict.kind is VerdictKind.TIMEOUT


def test_failure_without_expectation():
    verdict = judge(["ValueError: bad"], exit_code=1)
    assert verdict.kind is VerdictKind.FAILS and verdict.evidence == ("ValueError: bad",)


def test_chained_traceback_uses_last_exception():
    lines = [
        "Traceback (most recent call last):", '  File "a.py", line 1', "KeyError: 'x'", "",
        "During handling of the above exception, another exception occurred:", "",
        "Traceback (most recent call last):", '  File "a.py", line 3', "RuntimeError: outer failure",
    ]
    assert [e.exception_class for e in find_errors(lines)] == ["KeyError", "RuntimeError"]


def test_normalise():
    assert normalise("at 0x7f00AB in /tmp/tmpq1/x.py pid 4242 took 12.5 ms") == normalise("at 0x1 in /tmp/zz pid 7 took 3s")


@given(st.lists(st.text(max_size=200), max_size=30), st.integers(-64, 255), st.booleans())
def test_judge_never_crashes_on_hostile_output(lines, code, timed_out):
    verdict = judge(lines, exit_code=code, timed_out=timed_out, expected=ErrorSignature("RuntimeError", "x"))
    assert isinstance(verdict.kind, VerdictKind)
    assert all(isinstance(line, str) for line in verdict.evidence)


def test_torchrun_rank_prefixed_traceback_is_recognised_like_the_report():
    lines = [
        "[rank0]: Traceback (most recent call last):",
        '[rank0]:   File "/tmp/x/repro.py", line 4, in <module>',
        "[rank0]:     dist.all_reduce(t)",
        "[rank0]: RuntimeError: No backend type associated with device type cpu",
        "E1125 12:00:00.000000 1234 torch/distributed/elastic/multiprocessing/api.py:882] failed (exitcode: 1)",
    ]
    assert [e.exception_class for e in find_errors(lines)] == ["RuntimeError"]
    verdict = judge(lines, exit_code=1, expected=ErrorSignature("RuntimeError", "No backend type associated with device type"))
    assert verdict.kind is VerdictKind.REPRODUCES
