"""SVG snapshots at 120x40: a classified proposal, a not-distributed proposal with its
comment preview, the batch tally, and the confirmation dialog.

Deterministic: a fixed clock, no animations, workers awaited, notifications cleared.
Update with ``pytest tests/tui_triage --snapshot-update``.
"""

from __future__ import annotations

import pytest
from triage_support import (
    CLASSIFIED,
    NOT_DISTRIBUTED,
    TriageHost,
    make_workbench,
    settle,
)

SIZE = (120, 40)


@pytest.fixture
def snap_wb(server, tmp_path):
    wb = make_workbench(server, tmp_path / "data")
    yield wb
    wb.store.close()


async def _quiet(pilot) -> None:
    await settle(pilot)
    pilot.app.clear_notifications()
    await settle(pilot)


def test_classified_proposal(snap_compare, snap_wb):
    assert snap_compare(TriageHost(snap_wb, numbers=[CLASSIFIED]), terminal_size=SIZE, run_before=_quiet)


def test_not_distributed_with_comment_preview(snap_compare, snap_wb):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.screen.query_one("#tr-proposal").scroll_end(animate=False)
        await _quiet(pilot)

    assert snap_compare(TriageHost(snap_wb, numbers=[NOT_DISTRIBUTED]), terminal_size=SIZE, run_before=run_before)


def test_batch_tally(snap_compare, snap_wb):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("1", "a")  # edited: first label rejected
        await settle(pilot)
        await pilot.press("y")
        await _quiet(pilot)

    assert snap_compare(TriageHost(snap_wb), terminal_size=SIZE, run_before=run_before)


def test_confirmation_dialog(snap_compare, snap_wb):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("a")
        await _quiet(pilot)

    assert snap_compare(TriageHost(snap_wb, numbers=[NOT_DISTRIBUTED]), terminal_size=SIZE, run_before=run_before)
