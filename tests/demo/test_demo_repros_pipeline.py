"""Every runnable demo repro, end to end through the app's own pipeline.

Issue thread -> analysis (chosen block, reported signature, missing imports probed in the
target interpreter) -> the local runner (in bubblewrap when it is usable, as the app runs
it) -> the verdict. The expectation ``reproduces`` says which verdict is right. Pure-Python
repros always run; CPU-torch ones need torch in the test interpreter and skip without it.
"""

from __future__ import annotations

import importlib.util
import sys
from datetime import datetime, timezone

import pytest

from core.demo import DEMO_EXPECTATIONS, demo_dataset
from core.issue.report import analyze_issue
from core.issuefile import thread_from_json
from core.run import RunSpec, VerdictKind, collect, judge_result, local_env, runner_for, sandbox_status
from core.run.launch import launcher_from_analysis

HAS_TORCH = importlib.util.find_spec("torch") is not None


def _runnable() -> list:
    out = []
    for number, facts in sorted(DEMO_EXPECTATIONS.items()):
        if facts.get("reproduces") not in (True, False) or facts.get("repro_env") not in ("python", "cpu_torch"):
            continue
        marks = []
        if facts["repro_env"] == "cpu_torch":
            marks = [pytest.mark.slow, pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed here")]
        out.append(pytest.param(number, marks=marks, id=f"{number}-{facts['key']}"))
    return out


def _thread(number: int):
    data = demo_dataset(datetime(2026, 5, 1, tzinfo=timezone.utc))
    raw = next(i for i in data["issues"] if i["number"] == number)
    payload = {**raw, "user": {"login": raw["user"]},
               "comments": [{**c, "user": {"login": c["user"]}} for c in raw["comments"]]}
    return thread_from_json(payload, default_repo="pytorch/pytorch")


def test_there_is_something_to_run_without_torch_too():
    envs = {DEMO_EXPECTATIONS[p.values[0]]["repro_env"] for p in _runnable()}
    assert envs == {"python", "cpu_torch"}


@pytest.mark.parametrize("number", _runnable())
async def test_demo_repro_runs_with_the_expected_verdict(number, tmp_path):
    facts = DEMO_EXPECTATIONS[number]
    analysis = await analyze_issue(_thread(number), python=sys.executable)
    chosen = analysis.selection.selected
    assert chosen is not None, analysis.selection.stop
    assert analysis.reported is not None, "no reported error signature"
    assert not analysis.missing_imports, analysis.missing_imports
    assert not analysis.scan.findings, [f.reason for f in analysis.scan.findings]

    script = tmp_path / "repro.py"
    script.write_text(chosen.code, encoding="utf-8")
    env = local_env(sys.executable)
    sandbox = "auto" if sandbox_status().usable else "off"
    launcher = launcher_from_analysis(analysis.analysis.launcher)  # torchrun repros run under torchrun
    spec = RunSpec(script, env=env, timeout_s=300, sandbox=sandbox, launcher=launcher)
    result = await collect(runner_for(env), spec, log_dir=tmp_path)
    verdict = judge_result(result, analysis.reported.signature)

    want = VerdictKind.REPRODUCES if facts["reproduces"] else VerdictKind.PASSES
    tail = "\n".join(line.text for line in result.tail[-15:])
    assert verdict.kind is want, (facts["key"], verdict.kind, verdict.summary, tail)
    if want is VerdictKind.REPRODUCES:
        assert verdict.evidence, "a reproducing verdict carries the matched lines"
