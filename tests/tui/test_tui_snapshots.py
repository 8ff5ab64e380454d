"""SVG snapshots at 120x40 of the queue, issue, confirmation dialog, help and audit screens.

Deterministic: a fixed clock, no animations, workers awaited before the screenshot, audit
rows written with fixed times. Update with ``pytest tests/tui --snapshot-update``.
"""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import TextArea

from tui_support import NOW, REPO, make_app, settle, synced_workbench

SIZE = (120, 40)


@pytest.fixture
def snap_wb(server, tmp_path):
    wb = synced_workbench(server, tmp_path / "data")
    yield wb
    wb.store.close()


def test_queue_screen(snap_compare, snap_wb):
    assert snap_compare(make_app(snap_wb), terminal_size=SIZE, run_before=settle)


def test_queue_filtered_and_sorted(snap_compare, snap_wb):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("right_square_bracket", "s", "slash", *"module")
        await pilot.press("enter")  # back to the table
        await settle(pilot)

    assert snap_compare(make_app(snap_wb), terminal_size=SIZE, run_before=run_before)


async def _open(pilot, number: int) -> None:
    await settle(pilot)
    table = pilot.app.screen.query_one("#issues")
    if table.model.row_of(number) is None:
        await pilot.press("right_square_bracket")
        await settle(pilot)
    table.cursor_row = table.model.row_of(number)
    await pilot.press("enter")
    await settle(pilot)


def test_issue_screen(snap_compare, snap_wb):
    async def run_before(pilot):
        await _open(pilot, 1001)

    assert snap_compare(make_app(snap_wb), terminal_size=SIZE, run_before=run_before)


def test_issue_screen_hostile_title(snap_compare, snap_wb):
    async def run_before(pilot):
        await _open(pilot, 1005)

    assert snap_compare(make_app(snap_wb), terminal_size=SIZE, run_before=run_before)


def test_confirmation_dialog(snap_compare, snap_wb):
    async def run_before(pilot):
        await _open(pilot, 1001)
        await pilot.press("c")
        await settle(pilot)
        pilot.app.screen.query_one(TextArea).text = (
            "Thanks for the report. I can reproduce this on **2.6** with:\n\n"
            "```python\nimport torch\ntorch.linalg.svd(torch.zeros(0, 3))\n```\n\n"
            "- [ ] bisect\n- [x] minimal repro\n\n[bold]literal[/bold]"
        )
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(make_app(snap_wb), terminal_size=SIZE, run_before=run_before)


def test_confirmation_dialog_labels_and_close(snap_compare, snap_wb):
    from core.gate.plan import AddLabels, CloseIssue, RemoveLabel, WritePlan
    from tui.screens.confirm import ConfirmDialog

    plan = WritePlan(
        REPO,
        1004,
        (AddLabels(("needs reproduction", "[red]odd[/red]")), RemoveLabel("triaged"), CloseIssue("not_planned")),
        title="Docs: typo in torch.optim.Adam (4)",
    )

    async def run_before(pilot):
        await settle(pilot)
        pilot.app.push_screen(ConfirmDialog(plan))
        await settle(pilot)

    assert snap_compare(make_app(snap_wb), terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare, snap_wb):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(make_app(snap_wb), terminal_size=SIZE, run_before=run_before)


def test_audit_screen(snap_compare, snap_wb):
    rows = [
        (1001, "comment", "a1b2c3d4e5f60718", "sent", None),
        (1004, "add_labels", "0f1e2d3c4b5a6978", "sent", None),
        (1004, "remove_label", "1234abcd5678ef90", "failed", "HTTP 422: [bold]Label does not exist[/bold]"),
        (1002, "comment", "ffeeddccbbaa9988", "refused", "issue is locked"),
    ]
    with snap_wb.store.db.transaction() as conn:
        for minute, (issue, action, digest, result, error) in enumerate(rows):
            conn.execute(
                "INSERT INTO audit_log (time, repo, issue, action, payload_digest, result, error, detail) "
                "VALUES (?,?,?,?,?,?,?,?)",
                (f"2026-03-01T11:{minute:02d}:00Z", REPO, issue, action, digest, result, error, ""),
            )

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)

    assert snap_compare(make_app(snap_wb), terminal_size=SIZE, run_before=run_before)
