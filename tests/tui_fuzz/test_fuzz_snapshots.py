"""SVG snapshots at 120x40: the sessions list, a step-1 panel with its proofs, the step-2
diff panel, the push dialog. Deterministic: sessions written with fixed ids and times, a
checkout at a fixed path with fixed git dates, no spinners, no diff polling.
Update with ``pytest tests/tui_fuzz --snapshot-update``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.fuzz import FuzzWorkflow
from core.store import Store
from fuzz.conftest import make_config
from fuzz.fakecheckout import apply_fix, build_fake_checkout

from .states import GIT_DATES, SPEC, TEST_METHOD, head, put, state_at
from .support import SIZE, FuzzHostApp

ROOT = Path("/tmp/triagedeck-fuzz-snapshots")


@pytest.fixture
def snap(tmp_path, monkeypatch, request):
    """A store, and a fake checkout at a fixed path (it shows in the screens)."""
    for key, value in GIT_DATES.items():
        monkeypatch.setenv(key, value)
    root = ROOT / request.node.name
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    checkout = build_fake_checkout(root)
    store = Store(tmp_path / "data" / "triagedeck.sqlite3")
    config = make_config(Path("/work"))
    workflow = FuzzWorkflow(store, tmp_path / "data", config=config)
    yield workflow, checkout, config
    store.close()
    shutil.rmtree(root, ignore_errors=True)


def _with_test(checkout: Path) -> None:
    """The generated test, marked, inside the checkout's repro file."""
    path = checkout / SPEC["file"]
    text = path.read_text()
    text = text.replace("    def test_fuzzer_issue_1000(self):", TEST_METHOD + "    def test_fuzzer_issue_1000(self):")
    path.write_text(text)


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.pause()


def test_sessions_screen(snap_compare, snap):
    workflow, checkout, config = snap
    store = workflow.store
    base = head(checkout)
    put(store, "aaaa11112222", "repro", state_at("repro", checkout=str(checkout), base=base, config=config), updated="2026-03-01T12:05:00Z")
    done = state_at("publish", checkout=str(checkout), base=base, config=config)
    done["status"] = "done"
    put(store, "bbbb11112222", "publish", done, updated="2026-02-27T09:30:00Z")
    stopped = state_at("capture", checkout="/home/me/pytorch", base=base, config=config)
    stopped["steps"] = {}
    stopped.update(status="stopped", stop_reason="seed 7 does not fail: TorchFuzz's program ran cleanly (exit 0)", issue=None)
    stopped["source"] = {"kind": "seed", "seed": 7, "template": "unbacked"}
    put(store, "cccc11112222", "capture", stopped, updated="2026-02-20T18:00:00Z", issue=None)
    assert snap_compare(FuzzHostApp(workflow), terminal_size=SIZE, run_before=settle)


def test_step_1_panel_with_proofs(snap_compare, snap):
    workflow, checkout, config = snap
    _with_test(checkout)
    sid = put(workflow.store, "dddd11112222", "fix", state_at("fix", checkout=str(checkout), base=head(checkout), config=config))

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)

    assert snap_compare(FuzzHostApp(workflow, session_id=sid, session_options={"poll_s": None}), terminal_size=SIZE, run_before=run_before)


def test_diff_panel(snap_compare, snap):
    workflow, checkout, config = snap
    base = head(checkout)
    _with_test(checkout)
    apply_fix(checkout)
    state = state_at("fix", checkout=str(checkout), base=base, config=config)
    state["steps"]["fix"] = {"quality": {"dry": {"ok": True, "note": "one helper, no copy"}}}
    sid = put(workflow.store, "eeee11112222", "fix", state)

    async def run_before(pilot):
        screen = pilot.app.screen
        for _ in range(200):
            await pilot.pause()
            if screen._diff is not None:
                break
        await settle(pilot)

    assert snap_compare(FuzzHostApp(workflow, session_id=sid, session_options={"poll_s": None}), terminal_size=SIZE, run_before=run_before)


def test_push_dialog(snap_compare, snap):
    workflow, checkout, config = snap
    sid = put(workflow.store, "ffff11112222", "publish", state_at("publish", checkout=str(checkout), base=head(checkout), config=config))

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)

    assert snap_compare(FuzzHostApp(workflow, session_id=sid, session_options={"poll_s": None}), terminal_size=SIZE, run_before=run_before)
