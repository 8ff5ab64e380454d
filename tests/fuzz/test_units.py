"""Parsing, test generation, the runner and the tool helpers, without a checkout."""

from __future__ import annotations

import ast
import os
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.fuzz import FuzzConfig, FuzzError, LocalRunner, ProcLine, extract_signature, parse_failed_seeds, parse_fuzzer_output
from core.fuzz import testgen
from core.fuzz.proc import ProcFinished, run_collect
from core.fuzz.pytest_run import parse_junit
from core.fuzz.tools import ghstackrc_problems, parse_lint_output, parse_pr_urls

FUZZER_OUTPUT = """\
Running single fuzz_and_execute with seed=7
Running: /tmp/torchfuzz/fuzz_0123456789abcdef.py
=== Program Output (Failure) ===
Eager Success! ✅

Traceback (most recent call last):
  File "/tmp/torchfuzz/fuzz_0123456789abcdef.py", line 12, in <module>
    out = compiled(arg_0, sentinel)
torch._dynamo.exc.BackendCompilerFailed: backend='inductor' raised:
RuntimeError: shape mismatch at 0x7f00deadbeef in /tmp/torchinductor_u/ab/cab.py:41

Set TORCHDYNAMO_VERBOSE=1 for the internal stack trace.

===============================
=== Program Source ===
import torch

def fuzzed_program(arg_0, sentinel):
    return arg_0 * sentinel

arg_0 = torch.ones(3)
======================
Program exited with code: 1
"""

PYTEST_TEXT = """\
test/test_x.py:40: in test_fuzzer_issue_7
    out = compiled(arg_0, sentinel)
E   torch._dynamo.exc.BackendCompilerFailed: backend='inductor' raised:
E   RuntimeError: shape mismatch at 0x7f11aaaa0000 in /tmp/torchinductor_v/zz/q.py:90
E
E   Set TORCHDYNAMO_VERBOSE=1 for the internal stack trace.
"""


def test_fuzzer_output_is_parsed_and_signatures_survive_volatile_parts():
    report = parse_fuzzer_output(FUZZER_OUTPUT, exit_code=1)
    assert report.failed and report.program_exit_code == 1
    assert report.program_path == "/tmp/torchfuzz/fuzz_0123456789abcdef.py"
    assert report.program_source.startswith("import torch\n") and "arg_0 = torch.ones(3)" in report.program_source
    assert "======" not in report.program_source and "Traceback" not in report.program_source
    sig = report.signature
    assert sig.exc_type == "BackendCompilerFailed" and "shape mismatch" in sig.message
    assert "0x7f" not in sig.message and "/tmp" not in sig.message
    from_pytest = extract_signature(PYTEST_TEXT)
    assert from_pytest.matches(sig) and sig.matches(from_pytest)
    other = extract_signature("Traceback (most recent call last):\n  File x\nRuntimeError: shape mismatch elsewhere\n")
    assert not other.matches(sig)


def test_passing_run_and_multi_seed_summary():
    assert not parse_fuzzer_output("=== Program Output ===\nok\n", exit_code=0).failed
    assert parse_failed_seeds("seed 1 ok\nFailed seeds: [3, 17, 42]\n") == (3, 17, 42)
    assert parse_failed_seeds("Failed seeds: []") == ()
    assert parse_failed_seeds("nothing") == ()


def test_signal_signature():
    sig = extract_signature("Fatal Python error: Segmentation fault", exit_code=-11)
    assert sig.signal == 11 and "SIGSEGV" in sig.describe()
    assert extract_signature("", exit_code=139).signal == 11
    assert not sig.matches(extract_signature("IndexError: boom"))


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_hostile_output_never_breaks_parsing(text):
    report = parse_fuzzer_output(text, exit_code=1)
    sig = extract_signature(text, exit_code=1)
    if sig is not None:
        assert sig.matches(sig)
        assert "\n" not in sig.message
    assert report.failed == ("=== Program Output (Failure) ===" in text.replace("\r\n", "\n").split("\n"))


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60).filter(lambda s: "\n" not in s and "\r" not in s))
def test_message_round_trip_through_pytest_format(message):
    raw = extract_signature(f"Traceback (most recent call last):\n  File \"a.py\"\nValueError: {message}\n")
    via_pytest = extract_signature(f"E   ValueError: {message}\n")
    if raw is not None and via_pytest is not None:
        assert raw.matches(via_pytest)


PROGRAM = '''\
from __future__ import annotations
import torch


def fuzzed_program(arg_0, sentinel):
    return arg_0 * sentinel


if __name__ == "__main__":
    out = fuzzed_program(torch.ones(2), 1.0)
'''


def test_program_becomes_a_method_and_markers_round_trip():
    spec = testgen.make_spec(style="repros", issue=12, seed=3, program_digest="abc")
    body = testgen.program_body(PROGRAM)
    assert "__future__" not in body and "__name__" not in body and "out = fuzzed_program" in body
    method = testgen.method_source(spec, body, header_comment=["seed 3"])
    text = testgen.upsert_test(None, spec, method, torch_testcase=False)
    tree = ast.parse(text)
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef))
    assert cls.name == "TestFuzzerCompileIssues" and cls.body[0].name == "test_fuzzer_issue_12"
    marked = testgen.add_marker(text, spec, testgen.marker_line(spec))
    assert '@pytest.mark.xfail(reason="Issue #12")' in marked and "import pytest" in marked
    assert testgen.has_marker(marked, spec)
    assert not testgen.has_marker(testgen.remove_marker(marked, spec), spec)
    # Replacing the method keeps one copy; a second marker replaces the first.
    again = testgen.upsert_test(marked, spec, method, torch_testcase=False)
    assert again.count("def test_fuzzer_issue_12(") == 1
    twice = testgen.add_marker(testgen.add_marker(text, spec, testgen.marker_line(spec)), spec, testgen.marker_line(spec))
    assert twice.count("@pytest.mark.xfail") == 1
    compile(twice, "t.py", "exec")


def test_class_is_added_before_the_main_guard_and_other_tests_are_untouched():
    existing = textwrap.dedent(
        '''\
        import unittest


        class Other(unittest.TestCase):
            @unittest.skip("x")
            def test_a(self):
                pass


        if __name__ == "__main__":
            unittest.main()
        '''
    )
    spec = testgen.make_spec(style="unittest", issue=None, seed=9, program_digest="d")
    out = testgen.upsert_test(existing, spec, testgen.method_source(spec, "x = 1", header_comment=[]), torch_testcase=False)
    out = testgen.add_marker(out, spec, testgen.marker_line(spec))
    assert out.index("class TestFuzzerCompileIssues") < out.index('if __name__ == "__main__":')
    assert '@unittest.skip("x")' in out and "@unittest.expectedFailure" in out
    assert testgen.remove_marker(out, spec).count("@unittest.skip(") == 1


def test_device_style_marks_only_the_failing_device():
    spec = testgen.make_spec(style="device", issue=5, seed=None, program_digest="d")
    assert testgen.marker_line(spec, ("cuda",), ("cpu", "cuda")).strip() == "@expectedFailureCUDA"
    assert testgen.marker_line(spec, ("cpu", "cuda"), ("cpu", "cuda")).strip() == "@unittest.expectedFailure"
    text = testgen.upsert_test(None, spec, testgen.method_source(spec, "pass", header_comment=[]), torch_testcase=True)
    assert "def test_fuzzer_issue_5(self, device):" in text
    assert "instantiate_device_type_tests(TestFuzzerDeviceIssues, globals())" in text
    marked = testgen.add_marker(text, spec, testgen.marker_line(spec, ("cpu",), ("cpu", "cuda")))
    assert "from torch.testing._internal.common_device_type import expectedFailureCPU" in marked
    assert "@expectedFailureCPU" in marked


def test_bad_programs_are_refused():
    with pytest.raises(FuzzError, match="not valid Python"):
        testgen.program_body("def (:\n")
    with pytest.raises(FuzzError, match="import"):
        testgen.program_body("from torch import *\n")


def test_junit_outcomes():
    xml = """<testsuites><testsuite>
      <testcase classname="t.C" name="test_a"/>
      <testcase classname="t.C" name="test_b"><failure message="IndexError: boom">tb</failure></testcase>
      <testcase classname="t.C" name="test_c"><skipped type="pytest.xfail" message="Issue #1"/></testcase>
      <testcase classname="t.C" name="test_d"><failure message="[XPASS(strict)] Issue #2"/></testcase>
      <testcase classname="t.C" name="test_e"><skipped type="pytest.skip" message="no cuda"/></testcase>
    </testsuite></testsuites>"""
    assert [o.outcome for o in parse_junit(xml)] == ["passed", "failed", "xfailed", "xpassed", "skipped"]
    assert parse_junit("<not xml") == ()


async def test_runner_streams_lines_and_scrubs_credentials(monkeypatch, tmp_path):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret")
    monkeypatch.setenv("MY_PASSWORD", "pw")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "a")
    monkeypatch.setenv("SSH_AUTH_SOCK", "/tmp/agent")
    monkeypatch.setenv("HARMLESS", "kept")
    code = "import os; print('\\n'.join(sorted(os.environ)))"
    lines = []
    async for event in LocalRunner().stream([sys.executable, "-c", code], cwd=tmp_path, timeout_s=30):
        if isinstance(event, ProcLine):
            lines.append(event.text)
        elif isinstance(event, ProcFinished):
            assert event.result.ok
    assert "HARMLESS" in lines
    assert not {"GITHUB_TOKEN", "MY_PASSWORD", "AWS_ACCESS_KEY_ID", "SSH_AUTH_SOCK"} & set(lines)


async def test_runner_timeout_kills_the_process_group(tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    # The child starts a grandchild that would outlive a plain kill of the child.
    code = (
        "import subprocess, sys, time;"
        f"p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']);"
        f"open({str(pid_file)!r}, 'w').write(str(p.pid));"
        "print('started', flush=True); time.sleep(60)"
    )
    result = await run_collect(LocalRunner(), [sys.executable, "-c", code], cwd=tmp_path, timeout_s=2)
    assert result.timed_out and result.exit_code is None and "started" in result.output
    grandchild = int(pid_file.read_text())
    for _ in range(50):
        try:
            os.kill(grandchild, 0)
        except ProcessLookupError:
            break
        import asyncio

        await asyncio.sleep(0.1)
    else:
        pytest.fail("the grandchild survived the timeout")


async def test_runner_reports_a_missing_executable_and_closes_stdin(tmp_path):
    missing = await run_collect(LocalRunner(), ["no-such-tool-xyz"], cwd=tmp_path, timeout_s=5)
    assert missing.exit_code is None and "cannot start" in missing.error
    prompt = await run_collect(LocalRunner(), [sys.executable, "-c", "input('user: ')"], cwd=tmp_path, timeout_s=10)
    assert prompt.exit_code == 1 and "EOFError" in prompt.output


def test_lint_output_parsing_tolerates_garbage():
    out = parse_lint_output(
        '{"path": "a.py", "line": 3, "code": "RUFF", "severity": "error", "name": "F401", "description": "unused", "original": "x", "replacement": "y"}\n'
        "garbage line \x1b[31m\n[1, 2]\n\n"
        '{"path": null, "line": "x", "code": "C", "severity": "advice", "name": "n", "description": null}\n'
    )
    assert [m.code for m in out.messages] == ["RUFF", "C"]
    assert out.messages[0].has_replacement and not out.messages[1].has_replacement
    assert out.messages[1].line is None
    assert len(out.unparsed) == 2


def test_ghstackrc_check_and_pr_urls(tmp_path):
    rc = tmp_path / "rc"
    assert "does not exist" in ghstackrc_problems(rc)[0]
    rc.write_text("[ghstack]\ngithub_url = github.com\n")
    assert any("github_oauth" in p for p in ghstackrc_problems(rc))
    rc.write_text("[ghstack]\ngithub_url = github.com\ngithub_username = me\ngithub_oauth = t\n")
    assert ghstackrc_problems(rc) == []
    rc.write_text("not an ini [[[")
    assert ghstackrc_problems(rc)
    text = " - https://github.com/pytorch/pytorch/pull/1 (created)\nhttps://github.com/pytorch/pytorch/pull/1.\n see https://github.com/pytorch/pytorch/pull/22)"
    assert parse_pr_urls(text) == ("https://github.com/pytorch/pytorch/pull/1", "https://github.com/pytorch/pytorch/pull/22")


def test_config_validation():
    cfg = FuzzConfig.from_mapping({"test_style": "device", "related": "test/test_a.py", "test_timeout_s": 5, "env": "conda:torch"})
    assert cfg.related == ("test/test_a.py",) and cfg.test_timeout_s == 5.0
    assert cfg.runner().prefix[:2] == ("conda", "run")
    assert FuzzConfig.from_json(cfg.to_json()) == cfg
    for bad in ({"test_style": "nope"}, {"env": "ssh:host"}, {"unknown": 1}, {"require_lint": "yes"}, {"test_file": "../x.py"}):
        with pytest.raises(FuzzError):
            FuzzConfig.from_mapping(bad)


def test_signatures_follow_core_issue_rules_across_checkout_paths():
    from core.fuzz.signature import FuzzSignature
    from core.issue.signature import matches

    # The same failure seen from the checkout and from a scratch worktree elsewhere.
    here = extract_signature("E   RuntimeError: bad stride in /home/me/pytorch/torch/_inductor/ir.py:812 for buf0\n")
    there = extract_signature("Traceback (most recent call last):\n  File \"x\"\nRuntimeError: bad stride in /var/tmp/wt-1/torch/_inductor/ir.py:99 for buf0\n")
    assert here.matches(there) and there.matches(here)
    # Qualified and short class names are the same class (core.issue.same_class).
    qualified = FuzzSignature("Unsupported", "call_function in skip_files", "torch._dynamo.exc.Unsupported")
    assert qualified.matches(FuzzSignature("Unsupported", "call_function in skip_files", "Unsupported"))
    # The project-wide shape matches the output the signature came from.
    sig = extract_signature(FUZZER_OUTPUT.split("=== Program Output (Failure) ===")[1])
    assert matches(sig.as_error_signature(), FUZZER_OUTPUT) is not None
    # Sessions saved with the old placeholders still match fresh signatures.
    legacy = FuzzSignature.from_json({"exc_type": "IndexError", "message": "bad index at line <N>", "qualname": "IndexError"})
    assert legacy.matches(extract_signature("IndexError: bad index at line 12\n"))
