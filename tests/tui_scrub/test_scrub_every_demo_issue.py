"""Every repro-bearing demo issue scrubbed from the queue with the keyboard only.

The real app over the demo dataset on the loopback GitHub server (real HTTP): ``/`` + the
number + Enter in the queue, Enter to open the issue, ``S`` for the scrub screen. Each gate
is answered the way a maintainer would (run a benign repro at the safety gate, skip a
hostile one, stop when packages are missing, skip the minimizer, report a different error
as is, decline a trivial fix), until the workflow either finishes with the drafted report
or stops where the seed says so, with the reason on screen. Then ``p`` shows the
confirmation dialog, ``y`` sends the plan, and the loopback server must have received
exactly that plan.

The target is this interpreter: with torch installed the CPU-torch repros really run;
without it they stop at the missing-package gate, as the app does. Repros whose outcome
cannot be checked here (``reproduces`` is None: the distributed ones, three confirmation
runs of a different error, and the torch.compile ones, an Inductor build per run) take
10-60 s each; the maintainer skips running them at the safety gate unless
``TRIAGEDECK_RUN_ALL_DEMO=1`` is set (then they run, marked slow).
"""

from __future__ import annotations

import importlib.util
import os
from urllib.parse import unquote

import pytest

from core.demo import DEMO_EXPECTATIONS
from core.run.probe import clear_probe_cache
from tests.conftest import make_workbench
from tests.scrub.conftest import rest_writes
from tui.screens.confirm import ConfirmDialog
from tui.widgets.scrub import GateBar
from tui.widgets.scrub.steps import STEP_TITLES

from .scrub_support import (
    demo_queue_config,
    queue_app,
    scrub_from_queue,
    settle,
    statuses,
)

HAS_TORCH = importlib.util.find_spec("torch") is not None
SIZE = (140, 45)
REPRO_BEARING = sorted(
    n for n, facts in DEMO_EXPECTATIONS.items() if facts.get("repro_author") or facts.get("screenshot_only")
)
HARDWARE = ("cuda", "multi_gpu", "multi_node")
# Benign CPU-torch repros whose outcome cannot be checked here (``reproduces`` is None).
UNCHECKABLE = {n for n in REPRO_BEARING if DEMO_EXPECTATIONS[n].get("reproduces") is None
               and DEMO_EXPECTATIONS[n].get("repro_env") == "cpu_torch" and not DEMO_EXPECTATIONS[n].get("security")
               and not DEMO_EXPECTATIONS[n].get("missing_imports")}
RUN_ALL = os.environ.get("TRIAGEDECK_RUN_ALL_DEMO") == "1"


def skips_run(number: int) -> bool:
    """Whether the maintainer skips running this repro at the safety gate."""
    return bool(DEMO_EXPECTATIONS[number].get("security")) or (number in UNCHECKABLE and not RUN_ALL)


@pytest.fixture(autouse=True)
def _fresh_probes():
    """Overrides the per-test cache reset of tests/scrub: as in one app scrubbing many issues,
    the environment probe (an ``import torch``) is cached; see the module-wide reset below."""
    yield


@pytest.fixture(scope="module", autouse=True)
def _probes_once():
    clear_probe_cache()
    yield
    clear_probe_cache()


@pytest.fixture
async def queue_wb(demo_server, tmp_path):
    wb = make_workbench(demo_server, tmp_path / "data", **demo_queue_config(tmp_path))
    for section in wb.config.queue_sections:
        await wb.sync_section(section, full=True)
    try:
        yield wb
    finally:
        await wb.aclose()


def answer(gate, number: int) -> str:
    """The key a maintainer presses at ``gate`` for this issue."""
    facts = DEMO_EXPECTATIONS[number]
    return {
        "safety": "s" if skips_run(number) else "y",  # hostile (or not checkable here): skip; else run it
        "missing_packages": "x",  # stop: nothing is installed for you
        "minimize": "s",  # skip (keeps the test quick)
        "duplicate": "d" if facts.get("duplicate_of") else "n",
        "close_stale": "k",
        "recent_verification": "v",  # re-verify
        "different_error": "t",  # report as is
        "timeout": "x",
        "judge_pass": "x",  # exits 0 with nothing to look for: no conclusion here
        "trivial_fix": "n",
        "accept_minimized": "n",
    }[gate.id]


def expected_requests(number: int, plan) -> list[tuple]:
    base = f"/repos/pytorch/pytorch/issues/{number}"
    out = []
    for a in plan.actions:
        if a.kind == "add_labels":
            out.append(("POST", f"{base}/labels", {"labels": list(a.labels)}))
        elif a.kind == "remove_label":
            out.append(("DELETE", f"{base}/labels/{a.label}", None))
        elif a.kind == "comment":
            out.append(("POST", f"{base}/comments", {"body": a.body}))
        else:
            out.append(("PATCH", base, {"state": "closed", "state_reason": a.reason}))
    return out


def received(server) -> list[tuple]:
    out = []
    for method, path, body in rest_writes(server):
        if method == "PATCH" and isinstance(body, dict):
            body = {k: body.get(k) for k in ("state", "state_reason")}
        out.append((method, unquote(path), body))
    return out


def panel(screen) -> str:
    return " ".join(str(screen.query_one("#scrub-panel").render()).split())


def expected_stop(number: int, missing: list[str]) -> tuple[str, tuple[str, ...]] | None:
    """(step, words of the reason) where the seed stops this issue, or None when it runs."""
    f = DEMO_EXPECTATIONS[number]
    if f.get("screenshot_only"):
        return "actionable", ("image",)
    if f.get("stop_reason") == "resolved_in_comments":
        return "actionable", ("resolved", f"#{f['resolved_by_pr']}")
    if f.get("stop_reason") == "duplicate":
        return "actionable", ("duplicate", f"#{f['duplicate_of']}")
    if f.get("repro_env") == "multi_node":
        return "actionable", ("several nodes",)
    if f.get("repro_env") in ("cuda", "multi_gpu") or f.get("needs_cuda"):
        return "actionable", ("CUDA GPU",)
    if missing:
        return "analyze", ("missing packages", *missing)
    if skips_run(number):
        return "safety", ("chose not to run",)
    return None


def _cases() -> list:
    out = []
    for n in REPRO_BEARING:
        marks = [pytest.mark.slow] if n in UNCHECKABLE and HAS_TORCH and RUN_ALL else []
        out.append(pytest.param(n, marks=marks, id=f"{n}-{DEMO_EXPECTATIONS[n]['key']}"))
    return out


@pytest.mark.parametrize("number", _cases())
async def test_scrub_from_the_queue_to_a_sent_plan(demo_server, queue_wb, number):
    facts = DEMO_EXPECTATIONS[number]
    app = queue_app(queue_wb)
    answered: list[tuple[str, str]] = []
    async with app.run_test(size=SIZE) as pilot:
        screen = await scrub_from_queue(pilot, number)
        assert screen.number == number
        s = screen.session
        while s.gate is not None:
            gate = s.gate
            bar = screen.query_one(GateBar)
            assert bar.display and app.focused is bar, f"gate {gate.id} is not up"
            key = answer(gate, number)
            assert f" {key} " in str(bar.render()), (gate.id, str(bar.render()))
            if gate.id == "safety":
                assert s.data.get("run") is None  # nothing ran before the choice
            answered.append((gate.id, key))
            await pilot.press(key)
            await settle(pilot)
            assert len(answered) < 10, answered
        assert screen.error is None, screen.error
        steps = statuses(screen)
        shown_steps = str(screen.query_one("#scrub-steps").render())
        assert all(title in shown_steps for title in STEP_TITLES.values())  # every seed step is visible

        imports = ((s.data.get("analysis") or {}).get("analysis") or {}).get("imports") or []
        missing = [m for m in imports if importlib.util.find_spec(m) is None]
        stop = expected_stop(number, missing)
        stopped = s.wf.stopped_at
        if skips_run(number):
            assert s.data.get("run") is None, "a repro skipped at the safety gate ran"
        if stop is not None:
            step, words = stop
            assert stopped is not None and stopped.name == step, (steps, stopped and stopped.reason, answered)
            assert all(w in stopped.reason for w in words), (stopped.reason, words)
            assert stopped.reason[:60] in panel(screen)  # the reason is on screen
            names = list(steps)
            assert steps[step] == "stopped"
            assert all(steps[x] in ("done", "skipped") for x in names[: names.index(step)]), steps
            assert all(steps[x] == "skipped" for x in names[names.index(step) + 1:]), steps
        elif stopped is not None:
            # Cannot be checked here (``reproduces`` is None): the run ended where the seed stops.
            assert facts.get("reproduces") is None, (steps, stopped.reason)
            assert stopped.name == "reproduce" and s.data.get("run") is not None, (stopped.name, stopped.reason)
            assert stopped.reason[:60] in panel(screen)
        else:
            assert s.finished and steps["report"] == "done", steps
            assert all(steps[x] == "done" for x in ("fetch", "actionable", "analyze", "safety", "reproduce")), steps
            assert s.data["run"]["runs"], "the repro did not run"
            kind = s.data["run"]["verdict"]["kind"]
            comment = s.plan.comments[0]
            if facts.get("reproduces") is True:
                assert kind == "reproduces", s.data["run"]["verdict"]
                assert comment.startswith("This issue still reproduces")
            elif facts.get("reproduces") is False:
                assert kind == "passes", s.data["run"]["verdict"]
                assert "no longer reproduces" in comment and s.plan.closes
            assert comment.rstrip().endswith("Analysis done with triagedeck.")
            if facts.get("needs_reproduction_removal"):
                assert "needs reproduction" in s.plan.labels_removed
        # The plan goes out through the confirmation dialog, keys only.
        plan = s.plan
        assert plan is not None and not plan.empty and screen.can_post(), (steps, plan)
        await pilot.press("p")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog) and dialog.plan == plan
        await pilot.press("y")
        await settle(pilot)
        assert s.sent is not None and s.sent.get("ok"), s.sent
        assert not screen.can_post()
    assert received(demo_server) == expected_requests(number, plan)
