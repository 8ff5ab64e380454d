from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.issue.classify import BlockKind, ErrorKind, classify_block, find_errors, from_prompt

TRACEBACK = """Traceback (most recent call last):
  File "/home/u/repro.py", line 12, in <module>
    out = f(x)
          ^^^^
  File "/site-packages/torch/_dynamo/eval_frame.py", line 451, in _fn
    return fn(*args, **kwargs)
torch._dynamo.exc.Unsupported: call_function BuiltinVariable(setattr) [TensorVariable()] {}

from user code:
   File "repro.py", line 5, in f
"""


@pytest.mark.parametrize(
    ("code", "lang", "kind"),
    [
        ("import torch\nx = torch.ones(2)\nprint(x)\n", "python", BlockKind.PYTHON),
        ("import torch\nx = torch.ones(2)\n", "", BlockKind.PYTHON),
        ("def f(x):\n    return x\n", "", BlockKind.PYTHON),
        (TRACEBACK, "python", BlockKind.TRACEBACK),
        (TRACEBACK, "", BlockKind.TRACEBACK),
        (TRACEBACK, "pytb", BlockKind.TRACEBACK),
        ("$ python repro.py\nhello\n", "bash", BlockKind.SHELL),
        ("torchrun --nproc_per_node=2 repro.py\n", "", BlockKind.SHELL),
        ("pip install torch\n", "", BlockKind.SHELL),
        ("RuntimeError: CUDA error: an illegal memory access was encountered\n", "", BlockKind.OUTPUT),
        ("Segmentation fault (core dumped)\n", "", BlockKind.OUTPUT),
        ("tensor([1., 2.])\n", "", BlockKind.OUTPUT),
        ("PyTorch version: 2.5.0\nIs debug build: False\n", "", BlockKind.OUTPUT),
        ("some words here\n", "", BlockKind.OTHER),
        (">>> import torch\n>>> torch.ones(2)\ntensor([1., 1.])\n", "python", BlockKind.PYTHON),
        ("import torch\nx = torch.ones(2\n", "python", BlockKind.PYTHON),  # broken, but still the script
    ],
)
def test_classify_block(code, lang, kind):
    assert classify_block(code, lang) is kind


def test_traceback_final_exception_is_qualified_with_message():
    errs = find_errors(TRACEBACK)
    assert len(errs) == 1
    e = errs[0]
    assert e.in_traceback and e.exception_class == "torch._dynamo.exc.Unsupported"
    assert e.message.startswith("call_function BuiltinVariable(setattr)")


def test_chained_tracebacks_report_each_exception():
    text = TRACEBACK.split("\nfrom user code")[0] + (
        "\n\nThe above exception was the direct cause of the following exception:\n\n"
        "Traceback (most recent call last):\n  File \"x.py\", line 1, in <module>\n"
        "torch._dynamo.exc.BackendCompilerFailed: backend='inductor' raised:\n"
        "RuntimeError: Triton Error [CUDA]: invalid argument\n"
    )
    errs = find_errors(text)
    in_tb = [e.exception_class for e in errs if e.in_traceback]
    assert in_tb == ["torch._dynamo.exc.Unsupported", "torch._dynamo.exc.BackendCompilerFailed"]
    # A weak "raised:" message is completed with the next line.
    assert "RuntimeError: Triton Error [CUDA]: invalid argument" in [e for e in errs if e.in_traceback][-1].message


@pytest.mark.parametrize(
    ("text", "kind", "cls", "signal"),
    [
        ("RuntimeError: expected scalar type Float but found Half", ErrorKind.EXCEPTION, "RuntimeError", None),
        ("[rank0]: ValueError: bad value", ErrorKind.EXCEPTION, "ValueError", None),
        ("terminate called after throwing an instance of 'c10::Error'\n  what():  CUDA driver error",
         ErrorKind.CPP, "c10::Error", 6),
        ("CUDA error: an illegal memory access was encountered", ErrorKind.CUDA, None, None),
        ("Segmentation fault (core dumped)", ErrorKind.SIGNAL, None, 11),
        ("Aborted (core dumped)", ErrorKind.SIGNAL, None, 6),
        ("Killed", ErrorKind.SIGNAL, None, 9),
        ("exitcode  : -11 (pid: 1234)", ErrorKind.SIGNAL, None, 11),
        ("AssertionError: Tensor-likes are not close!", ErrorKind.ASSERTION, "AssertionError", None),
    ],
)
def test_error_lines_outside_tracebacks(text, kind, cls, signal):
    errs = find_errors(text)
    assert errs, text
    e = errs[0]
    assert e.kind is kind and e.exception_class == cls and e.signal == signal


def test_cpp_what_message():
    e = find_errors("terminate called after throwing an instance of 'c10::Error'\n  what():  CUDA driver error: invalid")[0]
    assert e.message == "CUDA driver error: invalid"


def test_prose_without_errors_has_none():
    assert find_errors("This works fine on 2.3 but not on 2.4.\nAny ideas? Warning: none") == ()
    assert find_errors("UserWarning: this is deprecated") == ()


def test_bare_assertion_in_traceback_keeps_source_line():
    tb = 'Traceback (most recent call last):\n  File "r.py", line 3, in <module>\n    assert torch.allclose(a, b)\nAssertionError\n'
    e = find_errors(tb)[0]
    assert e.kind is ErrorKind.ASSERTION and e.source_line == "assert torch.allclose(a, b)"


def test_from_prompt():
    assert from_prompt(">>> a = 1\n>>> if a:\n...     print(a)\n1\n") == "a = 1\nif a:\n    print(a)\n"
    assert from_prompt("a = 1\n") is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("Traceback (most recent call last):\n  File Error: x.y\t'what()^-[rank0]")), max_size=400))
def test_find_errors_never_crashes_on_tracebackish_text(text):
    for e in find_errors(text):
        assert e.line >= 0
    classify_block(text, "")
    classify_block(text, "python")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_find_errors_never_crashes_on_any_text(text):
    find_errors(text)
