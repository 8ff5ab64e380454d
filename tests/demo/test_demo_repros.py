"""The demo's runnable repros really do what the expectations say.

Pure-Python repros run with the current interpreter. CPU-torch repros run only when torch is
installed, all in one subprocess (``import torch`` is paid once), each in a fresh ``__main__``.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap

import pytest
from markdown_it import MarkdownIt

from core.demo import DEMO_EXPECTATIONS, demo_dataset

_md = MarkdownIt("commonmark")


def chosen_repro(number: int) -> str:
    """The repro the expectations point at: its first python block (two when split)."""
    facts = DEMO_EXPECTATIONS[number]
    issue = next(i for i in demo_dataset()["issues"] if i["number"] == number)
    source = facts["repro_source"]
    text = issue["body"] if source == "body" else issue["comments"][source]["body"]
    blocks = [t.content for t in _md.parse(text) if t.type == "fence" and t.info.strip() in ("python", "py")]
    return "\n".join(blocks[:2]) if facts.get("repro_split") else blocks[0]


def cases(env: str) -> list[int]:
    """Runnable as a plain script (torchrun repros need the launcher: tests/demo/test_demo_launchers.py)."""
    return sorted(
        n for n, f in DEMO_EXPECTATIONS.items()
        if f.get("repro_env") == env and f.get("reproduces") in (True, False) and f.get("launcher") != "torchrun"
    )


def test_there_are_several_runnable_repros():
    assert len(cases("python")) >= 3
    assert len(cases("cpu_torch")) >= 8
    assert any(DEMO_EXPECTATIONS[n]["reproduces"] is False for n in cases("cpu_torch"))


@pytest.mark.parametrize("number", cases("python"))
def test_pure_python_repro_raises_the_reported_error(number, tmp_path):
    facts = DEMO_EXPECTATIONS[number]
    script = tmp_path / "repro.py"
    script.write_text(chosen_repro(number))
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith(facts["error_class"] + ":")
    assert facts["error_match"] in last


def test_split_repro_needs_both_blocks(tmp_path):
    number = next(n for n, f in DEMO_EXPECTATIONS.items() if f.get("repro_split"))
    issue = next(i for i in demo_dataset()["issues"] if i["number"] == number)
    blocks = [t.content for t in _md.parse(issue["body"]) if t.type == "fence" and t.info == "python"]
    for block in blocks[:2]:
        script = tmp_path / "part.py"
        script.write_text(block)
        proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
        assert DEMO_EXPECTATIONS[number]["error_match"] not in proc.stderr


_DRIVER = textwrap.dedent(
    """
    import json, sys, traceback
    import torch

    results = {}
    for number, code in json.load(sys.stdin).items():
        torch._dynamo.reset()
        try:
            exec(compile(code, f"repro_{number}.py", "exec"), {"__name__": "__main__"})
        except BaseException as exc:
            cls = type(exc)
            name = cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
            results[number] = {"raised": name, "message": str(exc)}
        else:
            results[number] = {"raised": None, "message": ""}
    json.dump(results, sys.stdout)
    """
)


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch is not installed")
def test_cpu_torch_repros_behave_as_expected(tmp_path):
    numbers = cases("cpu_torch")
    payload = json.dumps({str(n): chosen_repro(n) for n in numbers})
    proc = subprocess.run(
        [sys.executable, "-c", _DRIVER], input=payload, capture_output=True, text=True,
        timeout=600, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    for n in numbers:
        facts, got = DEMO_EXPECTATIONS[n], results[str(n)]
        if facts["reproduces"]:
            assert got["raised"] == facts["error_class"], (n, facts["key"], got)
            assert facts["error_match"] in got["message"], (n, facts["key"], got)
        else:
            assert got["raised"] is None, (n, facts["key"], got)
