"""The ``analyze`` verb against a small stand-in for the CLI context (our own contract)."""

from __future__ import annotations

import argparse
import json
import sys

import pytest

from core.cli.verbs import analyze
from core.models import Trust

BODY = """### Describe the bug
```python
import os
import torch
os.environ["LD_PRELOAD"] = "x.so"
import surely_missing_module_xyz
x = torch.ones(2, device="cuda")
```
```
Traceback (most recent call last):
  File "/tmp/r.py", line 5, in <module>
RuntimeError: CUDA error: an illegal memory access was encountered
```
"""


class FakeCtx:
    def __init__(self, thread, collaborator=None):
        self.thread = thread
        self.emitted = []
        self.printed = []
        if collaborator is not None:
            self.collaborator_check = collaborator

    async def load_thread(self, args):
        return self.thread

    def emit_json(self, obj):
        self.emitted.append(json.loads(json.dumps(obj)))

    def print(self, text):
        self.printed.append(text)

    def error(self, text):
        raise AssertionError(text)


def _parser(parents=()):
    top = argparse.ArgumentParser(prog="triagedeck")
    sub = top.add_subparsers(dest="verb")
    analyze.register(sub, list(parents))
    return top


def test_register_and_defaults():
    args = _parser().parse_args(["analyze", "--issue-file", "f.json", "--json"])
    assert args.json and args.issue_file == "f.json" and args.handler is analyze.handler
    args = _parser().parse_args(["analyze", "7"])
    assert args.number == 7 and not args.json and args.python == sys.executable
    assert args.collaborator_check == "auto"


async def test_json_document(thread_factory):
    async def check(login):
        assert login == "reporter"
        return Trust.NOT_COLLABORATOR

    ctx = FakeCtx(thread_factory(BODY), check)
    args = _parser().parse_args(["analyze", "1", "--json"])
    assert await args.handler(args, ctx) == 0
    doc = ctx.emitted[0]
    assert set(doc) >= {"selected", "candidates", "reported_error", "analysis", "security", "trust", "stop"}
    assert doc["selected"]["author"] == "reporter" and doc["selected"]["source"] == "body" and doc["selected"]["why"]
    assert doc["reported_error"] == {"exception_class": "RuntimeError",
                                     "message_substring": "CUDA error: an illegal memory access was encountered"}
    a = doc["analysis"]
    assert a["parses"] and a["needs_cuda"] and a["gpus"] == 1
    # The probe asks the target interpreter: torch is reported missing where it is not
    # installed (CI's fresh venv), the made-up module everywhere.
    import importlib.util

    expected = ["surely_missing_module_xyz"]
    if importlib.util.find_spec("torch") is None:
        expected = ["torch", *expected]
    assert a["missing_imports"] == expected
    assert a["expected_error_described"] is True
    assert [f["category"] for f in doc["security"]["findings"]] == ["environment"]
    assert doc["security"]["findings"][0]["line"] == 3
    assert doc["trust"]["collaborator"] == "not_collaborator"
    assert doc["gate"]["must_review"] and doc["stop"] is None


async def test_failing_collaborator_check_is_unknown(thread_factory):
    async def broken(login):
        raise RuntimeError("API down")

    ctx = FakeCtx(thread_factory(BODY), broken)
    args = _parser().parse_args(["analyze", "1", "--json", "--no-import-probe"])
    await args.handler(args, ctx)
    doc = ctx.emitted[0]
    assert doc["trust"]["collaborator"] == "unknown"
    assert doc["analysis"]["missing_imports"] is None


async def test_stop_for_screenshot_only(thread_factory):
    ctx = FakeCtx(thread_factory("It fails:\n![trace](https://x/y.png)"))
    args = _parser().parse_args(["analyze", "1", "--json"])
    await args.handler(args, ctx)
    doc = ctx.emitted[0]
    assert doc["selected"] is None and doc["stop"]["kind"] == "screenshot_only"
    assert doc["analysis"] is None and doc["security"] is None


async def test_readable_summary_is_inert(thread_factory):
    hostile = "```python\nimport os\nos.system('id')  # \x1b[31mred\x1b]0;title\x07\n```\n"
    ctx = FakeCtx(thread_factory(hostile))
    args = _parser().parse_args(["analyze", "1", "--python", "/nonexistent/python"])
    assert await args.handler(args, ctx) == 0
    text = ctx.printed[0]
    assert "\x1b" not in text and "\x07" not in text
    assert "[shell_execution] line 2" in text and "review required" in text
    assert "import probe failed" in text


@pytest.mark.parametrize("body", ["", "no code", "```python\n\n```"])
async def test_degenerate_threads(thread_factory, body):
    ctx = FakeCtx(thread_factory(body))
    args = _parser().parse_args(["analyze", "1", "--json"])
    await args.handler(args, ctx)
    assert ctx.emitted[0]["stop"]["kind"] == "no_repro"
