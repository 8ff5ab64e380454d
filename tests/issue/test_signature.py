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


# --- NCCL errors: the source location and the NCCL version are volatile -----------------------

NCCL_SYSTEM = (
    "torch.distributed.DistBackendError: NCCL error in: /pytorch/torch/csrc/distributed/c10d/NCCLUtils.cpp:77, "
    "unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.21.5\n"
    "ncclSystemError: System call (e.g. socket, malloc) or external library call failed or device error.\n"
    "Last error:\n"
    "Error while creating shared memory segment /dev/shm/nccl-Xk2fQ1 (size 9637888)\n"
)
# The same failure from another build: another file and line, a relative build path, rank
# prefixes, another NCCL version and another "Last error" detail.
NCCL_SYSTEM_RERUN = """[rank0]: Traceback (most recent call last):
[rank0]:   File "/home/maint/scratch/repro.py", line 6, in <module>
[rank0]:     dist.init_process_group("nccl", device_id=torch.device("cuda", local_rank))
[rank0]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:2113, unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.27.3
[rank0]: ncclSystemError: System call (e.g. socket, malloc) or external library call failed or device error.
[rank0]: Last error:
[rank0]: Error while creating shared memory segment /dev/shm/nccl-7PqR2c (size 4194304)
"""
NCCL_USAGE_RERUN = NCCL_SYSTEM_RERUN.replace(
    "unhandled system error (run with NCCL_DEBUG=INFO", "invalid usage (run with NCCL_DEBUG=WARN")


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (NCCL_SYSTEM.split("\n")[0].split(": ", 1)[1], "unhandled system error (run with NCCL_DEBUG=INFO for details)"),
        (("NCCL error in: /opt/conda/lib/python3.12/site-packages/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:3512, "
         "invalid usage (run with NCCL_DEBUG=WARN for details), NCCL version 2.27.5"),
         "invalid usage (run with NCCL_DEBUG=WARN for details)"),
        # Older builds: a relative build path and no hint after the reason.
        (("NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1269, unhandled system error, "
         "NCCL version 2.14.3"), "unhandled system error"),
        # A source path without a leading slash is no message word either.
        ("NCCL error in: torch/csrc/distributed/c10d/NCCLUtils.cpp:77, unhandled cuda error, NCCL version 2.21.5",
         "unhandled cuda error"),
    ],
)
def test_nccl_error_signature_is_the_reason_not_the_source_location(message, expected):
    assert distinctive_substring(message) == expected


def test_nccl_reported_error_matches_a_rerun_from_another_build(thread_factory):
    rep = reported_error(_thread(thread_factory, f"It fails:\n\n```\n{NCCL_SYSTEM}```\n"))
    assert rep.signature == ErrorSignature("torch.distributed.DistBackendError",
                                           "unhandled system error (run with NCCL_DEBUG=INFO for details)")
    m = matches(rep.signature, NCCL_SYSTEM_RERUN)
    assert m is not None and any("unhandled system error" in line for line in m.lines)
    # Another NCCL failure of the same class is not the reported one.
    assert matches(rep.signature, NCCL_USAGE_RERUN) is None


def test_versions_and_absolute_paths_are_volatile_but_urls_and_words_are_not():
    assert normalise("NCCL version 2.21.5 and torch 2.13.0+cu128") == normalise("NCCL version 2.27.3 and torch 2.6.0a0+git1")
    assert normalise("/home/a/venv/lib/libtorch_cuda.so: undefined symbol: f") == normalise("/usr/lib/libtorch_cuda.so: undefined symbol: f")
    assert distinctive_substring("/home/bnowak/venv/lib/python3.12/site-packages/torch/lib/libtorch_cuda.so: "
                                 "undefined symbol: ncclCommWindowRegister") == "undefined symbol: ncclCommWindowRegister"
    kept = "see https://github.com/pytorch/pytorch/issues/1234 for input/output details, at version 1"
    assert normalise(kept) == kept


# --- tensor sizes: volatile under minimisation, but the words after them can be the message ---

CONV = ("Given groups=1, weight of size [16, 3, 3, 3], expected input[8, 1, 28, 28] to have 3 channels, "
        "but got 1 channels instead")
# Real torch output for smaller repros (a maintainer's minimisation) and for another conv error.
CONV_SMALLER = ("RuntimeError: Given groups=1, weight of size [1, 3, 3, 3], expected input[1, 1, 4, 4] "
                "to have 3 channels, but got 1 channels instead\n")
CONV_BIAS = ("RuntimeError: Given weight of size [4, 3, 3, 3], expected bias to be 1-dimensional with 4 elements, "
             "but got bias of size [5] instead\n")


def test_conv_channels_signature_keeps_the_words_after_the_sizes():
    sub = distinctive_substring(CONV)
    assert sub == "to have 3 channels, but got 1 channels instead"
    sig = ErrorSignature("RuntimeError", sub)
    assert matches(sig, CONV_SMALLER) is not None
    # The template's lead-in "Given groups=1, weight of size" would have matched this one too.
    assert matches(sig, CONV_BIAS) is None
    assert distinctive_substring(CONV_BIAS.split(": ", 1)[1]) == "expected bias to be 1-dimensional"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("mat1 and mat2 shapes cannot be multiplied (4x64 and 66x8)", "mat1 and mat2 shapes cannot be multiplied"),
        (("Error(s) in loading state_dict for Sequential: size mismatch for 1.weight: copying a param with shape "
         "torch.Size([100, 20]) from checkpoint"), ("Error(s) in loading state_dict for Sequential: size mismatch for "
         "1.weight: copying a param with shape torch.Size")),
        # The lead-in before a size wins when it says more than what follows the size.
        (("one of the variables needed for gradient computation has been modified by an inplace operation: "
         "[torch.FloatTensor [8, 4]], which is output 0 of SigmoidBackward0, is at version 1"),
         ("one of the variables needed for gradient computation has been modified by an inplace operation: "
         "[torch.FloatTensor")),
        # An index is not a size.
        ("module must have its parameters and buffers on device cuda:0 (device_ids[0]) but found one of them",
         "module must have its parameters and buffers on device cuda:0 (device_ids[0]) but found one of them"),
    ],
)
def test_sizes_are_cut_out_of_the_substring(message, expected):
    assert distinctive_substring(message) == expected


def test_real_conv_error_rerun_with_other_sizes_matches(tmp_path):
    """The signature from the reported message matches torch's own output for other sizes."""
    import subprocess
    import sys

    script = tmp_path / "conv.py"
    script.write_text(
        "try:\n"
        "    import torch\n"
        "except ImportError:\n"
        "    raise SystemExit(77)\n"
        "for cout, dims in ((2, (1, 1, 5, 5)), (7, (4, 1, 9, 9))):\n"
        "    try:\n"
        "        torch.nn.Conv2d(3, cout, 3)(torch.rand(*dims))\n"
        "    except RuntimeError as e:\n"
        "        print(f'RuntimeError: {e}', flush=True)\n"
    )
    proc = subprocess.run([sys.executable, str(script)], check=False, capture_output=True, text=True, timeout=300)
    if proc.returncode == 77:
        pytest.skip("torch is not installed")
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RuntimeError:")]
    assert len(lines) == 2, proc.stdout + proc.stderr
    sig = ErrorSignature("RuntimeError", distinctive_substring(CONV))
    for line in lines:
        assert "[16, 3, 3, 3]" not in line and matches(sig, line + "\n") is not None, line


# --- properties --------------------------------------------------------------------------------

_dims = st.lists(st.integers(1, 4096), min_size=2, max_size=5)
_version = st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40)).map(lambda v: ".".join(map(str, v)))
_segment = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=10)
_src_path = st.tuples(st.sampled_from(["/", "../", "/opt/conda/lib/python3.12/site-packages/"]),
                      st.lists(_segment, min_size=1, max_size=4),
                      st.sampled_from(["NCCLUtils.cpp", "ProcessGroupNCCL.cpp", "NCCLUtils.hpp"])).map(
    lambda t: t[0] + "/".join([*t[1], t[2]]))
_REASONS = ("unhandled system error (run with NCCL_DEBUG=INFO for details)",
            "invalid usage (run with NCCL_DEBUG=WARN for details)", "unhandled cuda error", "remote process exited or there was a network error")


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(_REASONS), _src_path, _src_path, st.integers(1, 9999), st.integers(1, 9999), _version, _version)
def test_nccl_location_and_version_never_change_the_signature(reason, p1, p2, l1, l2, v1, v2):
    template = "NCCL error in: {path}:{line}, {reason}, NCCL version {version}"
    m1 = template.format(path=p1, line=l1, reason=reason, version=v1)
    m2 = template.format(path=p2, line=l2, reason=reason, version=v2)
    assert distinctive_substring(m1) == distinctive_substring(m2) == reason
    sig = ErrorSignature("torch.distributed.DistBackendError", distinctive_substring(m1))
    assert matches(sig, f"[rank1]: torch.distributed.DistBackendError: {m2}\n") is not None
    other = next(r for r in _REASONS if r != reason)
    assert matches(sig, f"torch.distributed.DistBackendError: {m2.replace(reason, other)}\n") is None


@settings(max_examples=150, deadline=None)
@given(_dims, _dims, _dims, _dims)
def test_tensor_sizes_never_change_the_signature(w1, i1, w2, i2):
    template = "Given groups=1, weight of size {w}, expected input{i} to have 3 channels, but got 1 channels instead"
    m1, m2 = (template.format(w=list(w), i=list(i)) for w, i in ((w1, i1), (w2, i2)))
    assert normalise(m1) == normalise(m2)
    assert distinctive_substring(m1) == distinctive_substring(m2) == "to have 3 channels, but got 1 channels instead"
    assert matches(ErrorSignature("RuntimeError", distinctive_substring(m1)), f"RuntimeError: {m2}\n") is not None


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["expected", "tensor", "shape", "got", "but", "mismatch", "weight", "input"]),
                min_size=1, max_size=6), _dims, _dims, st.lists(st.sampled_from(["size", "of", "to", "have", "rows"]),
                                                            min_size=0, max_size=6))
def test_any_size_list_is_interchangeable(head, d1, d2, tail):
    m1 = " ".join([*head, str(list(d1)), *tail])
    m2 = " ".join([*head, str(tuple(d2)) if len(d2) > 1 else str(list(d2)), *tail])
    assert normalise(m1) == normalise(m2)
    assert distinctive_substring(m1) == distinctive_substring(m2)
