"""The demo's distributed repros start the way the analysis says: torchrun ones under
``<python> -m torch.distributed.run --standalone``, mp.spawn ones as ``python FILE``.

Issue thread -> analysis -> launcher -> the local runner (sandboxed when bubblewrap is usable)
-> the verdict. Before the launcher existed these runs all ended in "Error initializing
torch.distributed using env://"; now each must really run, and the verdict must rest on the
worker's output, never on torchrun's ChildFailedError wrapper. Where the expectation says
``reproduces`` True/False, the verdict must agree.
"""

from __future__ import annotations

import importlib.util
import sys
from datetime import datetime, timezone

import pytest

from core.demo import DEMO_EXPECTATIONS, demo_dataset
from core.issue.report import analyze_issue
from core.issuefile import thread_from_json
from core.run import RunSpec, VerdictKind, collect, judge_result, launcher_from_analysis, local_env, runner_for, sandbox_status
from core.run.verdict import is_launcher_wrapper

HAS_TORCH = importlib.util.find_spec("torch") is not None


def _thread(number: int):
    data = demo_dataset(datetime(2026, 5, 1, tzinfo=timezone.utc))
    raw = next(i for i in data["issues"] if i["number"] == number)
    payload = {**raw, "user": {"login": raw["user"]},
               "comments": [{**c, "user": {"login": c["user"]}} for c in raw["comments"]]}
    return thread_from_json(payload, default_repo="pytorch/pytorch")


def _numbers(launcher: str, env: str | None = None) -> list[int]:
    return sorted(n for n, f in DEMO_EXPECTATIONS.items()
                  if f.get("launcher") == launcher and (env is None or f.get("repro_env") == env)
                  and f.get("repro_author"))


TORCHRUN_CPU = _numbers("torchrun", "cpu_torch")


def test_there_are_cpu_torchrun_repros():
    assert len(TORCHRUN_CPU) >= 5


@pytest.mark.parametrize("number", _numbers("torchrun") + _numbers("mp.spawn"))
async def test_the_analysis_picks_the_launcher(number):
    facts = DEMO_EXPECTATIONS[number]
    analysis = await analyze_issue(_thread(number), python=None)
    assert analysis.analysis is not None
    launcher = launcher_from_analysis(analysis.analysis.launcher)
    want = "torchrun" if facts["launcher"] == "torchrun" else "python"
    assert launcher.kind == want, (facts["key"], analysis.analysis.launcher)


@pytest.mark.slow
@pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed here: torchrun needs the real torch")
@pytest.mark.parametrize("number", [pytest.param(n, id=f"{n}-{DEMO_EXPECTATIONS[n]['key']}") for n in TORCHRUN_CPU])
async def test_demo_torchrun_repro_runs_under_torchrun(number, tmp_path):
    facts = DEMO_EXPECTATIONS[number]
    analysis = await analyze_issue(_thread(number), python=sys.executable)
    assert analysis.selection.selected is not None and analysis.analysis is not None
    launcher = launcher_from_analysis(analysis.analysis.launcher)
    env = local_env(sys.executable)
    spec = RunSpec(analysis.selection.selected.code, env=env, timeout_s=240,
                   sandbox="auto" if sandbox_status().usable else "off", launcher=launcher,
                   script_name=f"repro_{number}.py")
    result = await collect(runner_for(env), spec, log_dir=tmp_path)
    assert list(result.started.command[:4]) == [sys.executable, "-m", "torch.distributed.run", "--standalone"]
    text = result.text()
    tail = "\n".join(text.splitlines()[-20:])
    assert "Error initializing torch.distributed" not in text, tail
    assert not result.timed_out, tail
    expected = analysis.reported.signature if analysis.reported else None
    verdict = judge_result(result, expected)
    if verdict.kind is not VerdictKind.PASSES:
        assert verdict.observed is not None and not is_launcher_wrapper(verdict.observed), (verdict, tail)
    if facts.get("reproduces") in (True, False):
        want = VerdictKind.REPRODUCES if facts["reproduces"] else VerdictKind.PASSES
        assert verdict.kind is want, (facts["key"], verdict.summary, tail)


async def test_the_repro_pane_says_how_it_runs():
    from tui.widgets.repro.panels import analysis_text

    torchrun = await analyze_issue(_thread(TORCHRUN_CPU[0]), python=None)
    shown = analysis_text(torchrun.analysis).plain
    assert "runs as: torchrun --standalone --nproc_per_node=1" in shown
    assert torchrun.analysis.launcher.note[:40] in shown
    spawn = await analyze_issue(_thread(_numbers("mp.spawn")[0]), python=None)
    assert "runs as: python (spawns its own worker processes" in analysis_text(spawn.analysis).plain


@pytest.mark.slow
@pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed here: torchrun needs the real torch")
async def test_the_repro_pane_runs_a_torchrun_repro_under_torchrun(tmp_path):
    from textual.widgets import Log

    from tests.tui_repro.repro_support import ReproHost, pane, wait_for

    number = next(n for n in TORCHRUN_CPU if DEMO_EXPECTATIONS[n]["key"] == "dist_torchrun_ddp_training")
    screen = pane(_thread(number), tmp_path, sandbox="auto" if sandbox_status().usable else "off")
    app = ReproHost(lambda: screen)
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_for(pilot, lambda: screen.analysis is not None or screen.analysis_error is not None)
        assert "runs as: torchrun --standalone --nproc_per_node=1" in screen.query_one("#repro-needs").content.plain
        await pilot.press("r")
        await pilot.pause()
        if screen.state == "gated":
            await pilot.press("y")
        await wait_for(pilot, lambda: screen.state not in ("idle", "gated", "running"), timeout=240)
        tail = "\n".join(list(screen.query_one(Log).lines)[-15:])
        assert screen.state == "finished", (screen.state, screen.run_error, tail)
        assert list(screen.last_result.started.command[1:4]) == ["-m", "torch.distributed.run", "--standalone"]
        assert screen.last_verdict.kind is VerdictKind.REPRODUCES, (screen.last_verdict.summary, tail)
