"""Sessions written straight into the store at a chosen step, for gate and snapshot tests.

The states have the shape ``core.fuzz`` saves (see core/fuzz/state.py and the step
modules); ids and timestamps are fixed so snapshots do not drift. The walk test proves the
same screens against states the core produced itself.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from core.fuzz import FuzzConfig
from core.store import Store

SPEC = {
    "style": "repros",
    "file": "test/test_torchfuzz_repros.py",
    "class_name": "TestFuzzerCompileIssues",
    "method_name": "test_fuzzer_issue_4321",
    "reason": "Issue #4321",
}
SIGNATURE = {
    "exc_type": "IndexError",
    "message": "Dimension out of range (expected to be in range of [-1, 0], but got -1)",
    "qualname": "IndexError",
    "signal": None,
}
PROGRAM = """import minitorch
import minitorch.testing


def fuzzed_program(arg_0, arg_1, sentinel):
    var_node_1 = minitorch.mul(arg_0, arg_1)
    var_node_0 = minitorch.sum(var_node_1, dim=-1)
    return var_node_0


arg_0 = minitorch.rand([3], seed=1)
arg_1 = minitorch.rand([3], seed=2)
sentinel = 1.0
"""
TEST_METHOD = '''    def test_fuzzer_issue_4321(self):
        # Found by TorchFuzz: seed 1, default template
        # Error: IndexError: Dimension out of range (expected to be in range of [-1, 0], but got -1)
        def fuzzed_program(arg_0, arg_1, sentinel):
            var_node_1 = minitorch.mul(arg_0, arg_1)
            var_node_0 = minitorch.sum(var_node_1, dim=-1)
            return var_node_0

        arg_0 = minitorch.rand([3], seed=1)
        arg_1 = minitorch.rand([3], seed=2)
        compiled_program = minitorch.compile(fuzzed_program, fullgraph=True, dynamic=True)
        compiled_program(arg_0, arg_1, 1.0)

'''
PYTEST_TAIL = (
    "test/test_torchfuzz_repros.py::TestFuzzerCompileIssues::test_fuzzer_issue_4321 FAILED\n"
    "E   IndexError: Dimension out of range (expected to be in range of [-1, 0], but got -1)\n"
    "=========================== short test summary info ============================\n"
    "FAILED test/test_torchfuzz_repros.py::TestFuzzerCompileIssues::test_fuzzer_issue_4321 - IndexError\n"
    "============================== 1 failed in 0.05s ==============================="
)
XFAIL_TAIL = (
    "test/test_torchfuzz_repros.py::TestFuzzerCompileIssues::test_fuzzer_issue_4321 XFAIL (Issue #4321)\n"
    "============================== 1 xfailed in 0.04s =============================="
)
FIXED_TIME = "2026-03-01T12:00:00Z"
GIT_DATES = {"GIT_AUTHOR_DATE": "2026-03-01T12:00:00+0000", "GIT_COMMITTER_DATE": "2026-03-01T12:00:00+0000"}


def head(checkout: Path) -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=checkout, check=True, capture_output=True, text=True).stdout.strip()


def _run(argv: list[str], exit_code: int, outcome: str, tail: str, signature: dict | None) -> dict:
    return {
        "argv": argv,
        "cwd": "/work/pytorch",
        "exit_code": exit_code,
        "timed_out": False,
        "outcomes": [{"name": SPEC["method_name"], "classname": "test.test_torchfuzz_repros.TestFuzzerCompileIssues", "outcome": outcome, "message": ""}],
        "counts": {outcome: 1},
        "signature": signature,
        "output_tail": tail,
        "error": None,
    }


PYTEST_ARGV = ["python", "-m", "pytest", "test/test_torchfuzz_repros.py::TestFuzzerCompileIssues::test_fuzzer_issue_4321", "-p", "no:cacheprovider", "-rA"]


def state_at(step: str, *, checkout: str, base: str, config: FuzzConfig) -> dict:
    """A session's state at the start of ``step`` with every earlier proof in place."""
    steps: dict = {
        "capture": {
            "attempts": 1,
            "command": {"argv": ["python", "fuzzer.py", "--seed", "1"], "cwd": f"{checkout}/tools/experimental/torchfuzz", "exit_code": 1, "timed_out": False, "duration_s": 0.4, "error": None, "output_tail": ""},
            "exit_code": 1,
            "verdict": "fails",
            "error": None,
            "program_source": PROGRAM,
            "program_path": "/data/fuzz/program.py",
            "program_digest": "0123456789abcdef",
            "program_output": "Eager Success! ✅\nTraceback (most recent call last):\n  File \"<PATH>\", line 17, in <module>\nIndexError: Dimension out of range (expected to be in range of [-1, 0], but got -1)",
            "program_exit_code": 1,
            "signature": SIGNATURE,
            "captured_at": 0,
        }
    }
    order = ["capture", "repro", "fix", "validate", "review", "publish"]
    reached = order.index(step)
    if reached >= 2:
        steps["repro"] = {
            "file_created": False,
            "test": SPEC,
            "test_file": f"{checkout}/{SPEC['file']}",
            "fails_same": True,
            "xfail": True,
            "marker": '@pytest.mark.xfail(reason="Issue #4321")',
            "run_fail": _run(PYTEST_ARGV, 1, "failed", PYTEST_TAIL, SIGNATURE),
            "run_xfail": _run(PYTEST_ARGV, 0, "xfailed", XFAIL_TAIL, None),
            "verdict": "fails with the same error; reported as xfail with the marker",
        }
    if reached >= 3:
        steps["fix"] = {
            "check": {"ok": True, "test_passes": True, "related_pass": True, "test_run": _run(PYTEST_ARGV, 0, "passed", "1 passed", None), "related_run": {"counts": {"passed": 2, "xfailed": 1}}, "digest": "d"},
            "quality": {k: {"ok": True, "note": "checked"} for k in ("complexity", "dry", "early_exit", "correctness", "root_cause", "edge_cases")},
            "summary": {k: "answered" for k in ("root_cause", "complexity", "refactoring", "edge_cases", "why_correct", "similar_ops")},
        }
    if reached >= 4:
        lint = {"ok": True, "reason": "clean (0 file(s) changed by its fixes)", "changes": {}, "messages": [], "unparsed": []}
        steps["validate"] = {
            "lint": lint,
            "pass_with": {"ok": True, "run": _run(PYTEST_ARGV, 0, "passed", "1 passed", None)},
            "fail_without": {"ok": True, "reason": "fails without the change: IndexError: Dimension out of range"},
            "comment_review": {"ok": True, "note": "ok"},
            "comment_hints": [],
            "pr": {"title": "Fix IndexError in minitorch/ops.py found by TorchFuzz", "summary": "Fixes #4321\n\n## Root cause\nanswered"},
            "diff": {"files": [{"path": "minitorch/ops.py"}, {"path": SPEC["file"]}]},
            "digest": "d",
        }
    if reached >= 5:
        steps["review"] = {"confirmed_at": 0}
        steps["publish"] = {
            "branch": "fuzz/issue-4321-abc123",
            "commits": ["1f3c5e7a9b2d4f6081a3c5e7f9b1d3f5a7c9e1b3", "2a4c6e8f0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a"],
            "messages": [
                "[TorchFuzz] Add expected-failure repro test for IndexError\n\nbody",
                "Fix IndexError in minitorch/ops.py found by TorchFuzz\n\nbody",
            ],
            "paths": ["minitorch/ops.py", SPEC["file"]],
            "lint_commit1": lint,
            "lint_commit2": lint,
        }
    return {
        "schema": 1,
        "status": "active",
        "stop_reason": None,
        "checkout": checkout,
        "base": base,
        "base_branch": "main",
        "source": {"kind": "seed", "seed": 1, "template": None},
        "issue": 4321,
        "config": config.to_json(),
        "steps": steps,
        "log": [],
    }


def put(store: Store, session_id: str, step: str, state: dict, *, updated: str = FIXED_TIME, issue: int | None = 4321) -> str:
    """Write a fuzz session with a fixed id and fixed timestamps."""
    record = store.sessions.create(kind="fuzz", repo="pytorch/pytorch", issue=issue, step=step, state=state)
    with store.db.transaction() as conn:
        conn.execute("UPDATE sessions SET id=?, created_at=?, updated_at=? WHERE id=?", (session_id, FIXED_TIME, updated, record.id))
    return session_id
