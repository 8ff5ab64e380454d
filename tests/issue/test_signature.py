from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.issue.markdown import parse_thread
from core.issue.signature import distinctive_substring, matches, normalise, reported_error, signature_json
from core.models import ErrorSignature


def test_normalise_replaces_volatile_parts():
    text = "object at 0x7f3a2b1c0d00 in /tmp/torchinductor_u/ab/cd.py line 42 (pid=4242) took 1.25s"
    norm = normalise(text)
    for volatile in ("0x7f3a", "/tmp/torch", "42", "4242", "1.25"):
        assert volatile not in norm
    assert "object at" in norm


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("expected scalar type Float but found Half", "expected scalar type Float but found Half"),
        ("Attempted to call function marked as skipped at 0x7f00aa in /tmp/x.py", "Attempted to call function marked as skipped"),
        ("The size of tensor a (4) must match the size of tensor b (5) at non-singleton dimension 1",
         "The size of tensor a"),
        ("Expected size 4 but got 5", "Expected size 4 but got 5"),
        ("x" * 300, "x" * 120),
    ],
)
def test_distinctive_substring(message, expected):
    assert distinctive_substring(message) == expected


def test_only_volatile_message_gives_none():
    assert distinctive_substring("0x7fff12") is None


def _thread(thread_factory, body, comments=()):
    return parse_thread(thread_factory(body, comments))


def test_reported_error_prefers_traceback_in_body(thread_factory):
    body = (
        "Fails with RuntimeError: not this one\n\n```\nTraceback (most recent call last):\n"
        '  File "r.py", line 3, in <module>\n    f()\n'
        "torch._dynamo.exc.Unsupported: generator functions are not supported (pid 99)\n```\n"
    )
    rep = reported_error(_thread(thread_factory, body, [("someone", "```\nValueError: other error here\n```")]))
    assert rep is not None and rep.post.label == "body"
    assert rep.signature == ErrorSignature("torch._dynamo.exc.Unsupported", "generator functions are not supported")
    assert signature_json(rep.signature) == {
        "exception_class": "torch._dynamo.exc.Unsupported",
        "message_substring": "generator functions are not supported",
    }


def test_reported_error_in_prose_and_signals(thread_factory):
    rep = reported_error(_thread(thread_factory, "Running it gives:\nSegmentation fault (core dumped)\n"))
    assert rep is not None and rep.signature == ErrorSignature(signal=11)
    assert signature_json(rep.signature)["signal"] == 11
    rep = reported_error(_thread(thread_factory, "nothing here", [("reporter", "```\nKilled\n```")]))
    assert rep is not None and rep.signature.signal == 9 and rep.post.label == "comment 1"


def test_cuda_and_cpp_signatures(thread_factory):
    rep = reported_error(_thread(thread_factory, "```\nCUDA error: an illegal memory access was encountered\n```"))
    assert rep.signature.message_substring == "CUDA error: an illegal memory access was encountered"
    rep = reported_error(_thread(thread_factory, "```\nterminate called after throwing an instance of 'c10::Error'\n"
                                 "  what():  Expected all tensors to be on the same device\n```"))
    assert rep.signature.exception_class == "c10::Error"
    assert rep.signature.message_substring == "Expected all tensors to be on the same device"


def test_bare_assert_uses_the_failing_line(thread_factory):
    body = '```\nTraceback (most recent call last):\n  File "r.py", line 9, in <module>\n    assert torch.allclose(out, ref)\nAssertionError\n```'
    sig = reported_error(_thread(thread_factory, body)).signature
    assert sig.exception_class == "AssertionError" and sig.message_substring == "assert torch.allclose(out, ref)"


def test_aggregate_exception_takes_the_ranks_cause_as_its_message(thread_factory):
    body = ("```\ntorch.distributed.checkpoint.api.CheckpointException: CheckpointException ranks:dict_keys([0, 1])\n"
            "Traceback (most recent call last): (RANK 0)\n"
            "FileNotFoundError: [Errno 2] No such file or directory: '/tmp/ckpt/step_1000/.metadata'\n```")
    rep = reported_error(_thread(thread_factory, body))
    assert rep.signature.exception_class == "torch.distributed.checkpoint.api.CheckpointException"
    assert "No such file or directory" in rep.signature.message_substring
    assert "ranks" not in rep.signature.message_substring and "FileNotFoundError" in rep.evidence
    run_output = body.strip("`\n").replace("/tmp/ckpt", "/tmp/other")
    assert matches(rep.signature, run_output) is not None
    assert matches(rep.signature, "CheckpointException: CheckpointException ranks:dict_keys([0])\nOSError: disk full") is None


def test_a_short_message_of_its_own_is_kept(thread_factory):
    rep = reported_error(_thread(thread_factory, "```\nKeyError: 'w'\nValueError: something else entirely here\n```"))
    assert rep.signature == ErrorSignature("KeyError", "w")


def test_no_error_at_all(thread_factory):
    assert reported_error(_thread(thread_factory, "Please add a feature.")) is None


OUTPUT = """W0102 12:00:00.123 1234 torch/_dynamo/convert_frame.py:100] something
Traceback (most recent call last):
  File "/tmp/scratch_abc/repro.py", line 7, in <module>
    main()
torch._dynamo.exc.Unsupported: Attempted to call function marked as skipped at 0x7fdeadbeef in /tmp/other/x.py line 99
"""


def test_matches_same_class_and_substring():
    sig = ErrorSignature("torch._dynamo.exc.Unsupported", "Attempted to call function marked as skipped")
    m = matches(sig, OUTPUT)
    assert m is not None and m.via == "exception"
    assert any("Attempted to call function" in line for line in m.lines)
    # The unqualified class matches the qualified one.
    assert matches(ErrorSignature("Unsupported", "marked as skipped"), OUTPUT) is not None


def test_matches_rejects_other_class_or_substring():
    assert matches(ErrorSignature("RuntimeError", "Attempted to call function"), OUTPUT) is None
    assert matches(ErrorSignature("torch._dynamo.exc.Unsupported", "generator functions"), OUTPUT) is None
    assert matches(ErrorSignature(), OUTPUT) is None


def test_matches_signal_by_exit_code_or_text():
    sig = ErrorSignature(signal=11)
    assert matches(sig, "", exit_code=-11).via == "signal"
    assert matches(sig, "", exit_code=139) is not None
    assert matches(sig, "Segmentation fault (core dumped)\n") is not None
    assert matches(sig, "all good", exit_code=0) is None
    assert matches(ErrorSignature(signal=9), "", exit_code=-11) is None


_hex = st.integers(min_value=0x1000, max_value=2**48).map(hex)
_pid = st.integers(min_value=1, max_value=4_000_000)
_tmpname = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(_hex, _hex, _pid, _pid, _tmpname, _tmpname, st.integers(1, 9999), st.integers(1, 9999))
def test_signature_is_stable_under_volatile_changes(a1, a2, p1, p2, t1, t2, l1, l2):
    template = "Attempted to call function marked as skipped at {addr} in /tmp/{tmp}/mod.py line {line} (pid={pid})"
    m1 = template.format(addr=a1, tmp=t1, line=l1, pid=p1)
    m2 = template.format(addr=a2, tmp=t2, line=l2, pid=p2)
    assert distinctive_substring(m1) == distinctive_substring(m2) == "Attempted to call function marked as skipped"
    assert normalise(m1) == normalise(m2)
    sig = ErrorSignature("RuntimeError", distinctive_substring(m1))
    assert matches(sig, f"RuntimeError: {m2}\n") is not None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_normaliser_and_matcher_never_crash(text):
    normalise(text)
    distinctive_substring(text)
    matches(ErrorSignature("RuntimeError", "x y z"), text, exit_code=1)
    matches(ErrorSignature(signal=6), text)
