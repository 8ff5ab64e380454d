"""SVG snapshots at 120x40 of the scrub screen: the step list at a gate, the reproduce
panel after a run, the bisect timeline, and the report panel.

Deterministic: a fixed clock (app and session), a fixed-name interpreter, no spinners
(plain status marks), run durations pinned, the run's scratch dir shown as
<scratch>, workers awaited before the screenshot. Update with ``--snapshot-update``.
"""

from __future__ import annotations

import dataclasses

import pytest

from core.demo import DEMO_CASES
from tests.conftest import make_workbench
from tests.scrub.conftest import make_fake_conda

from .scrub_support import SIZE, ScrubHost, conda_options, local_options, scrub_screen, settle


@pytest.fixture
def snap_wb(demo_server, tmp_path):
    # Not connected yet: the app's own event loop (snapshots run it in a fresh one) owns the connections.
    wb = make_workbench(demo_server, tmp_path / "data")
    yield wb
    wb.store.close()


def _app(wb, tmp_path, case="pure_python_math_domain", options=None):
    return ScrubHost(wb, DEMO_CASES[case], options or local_options(tmp_path))


async def _run(pilot) -> None:
    await settle(pilot)
    await pilot.press("y")  # answer the security gate: run it
    await settle(pilot)


def test_step_list_at_the_safety_gate(snap_compare, snap_wb, tmp_path):
    assert snap_compare(_app(snap_wb, tmp_path), terminal_size=SIZE, run_before=settle)


def test_reproduce_panel_after_a_run(snap_compare, snap_wb, tmp_path):
    async def run_before(pilot):
        await _run(pilot)
        # A run's wall time is the one measured value on this panel (it grows under load):
        # pinned like the clock, then the panel is drawn again.
        screen = scrub_screen(pilot.app)
        for run in screen.session.data["run"]["runs"]:
            run["duration_s"] = 0.25
        screen._run_shown = None
        screen.refresh_view()
        await pilot.press("2")
        await settle(pilot)

    assert snap_compare(_app(snap_wb, tmp_path), terminal_size=SIZE, run_before=run_before)


def test_bisect_timeline(snap_compare, snap_wb, tmp_path):
    exe = make_fake_conda(tmp_path / "conda", [f"2.{m}" for m in range(10)], broken=("2.4",))

    async def run_before(pilot):
        await _run(pilot)
        await pilot.press("3")
        await settle(pilot)

    # One probe per round: parallel probes that land together make which one is cancelled as moot
    # a race, so the picture would depend on timing (parallel rounds: tests/bisect/test_scheduling.py).
    options = dataclasses.replace(conda_options(tmp_path, exe, None), bisect_k=1)
    app = _app(snap_wb, tmp_path, "already_fixed", options)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_report_panel(snap_compare, snap_wb, tmp_path):
    assert snap_compare(_app(snap_wb, tmp_path), terminal_size=SIZE, run_before=_run)
