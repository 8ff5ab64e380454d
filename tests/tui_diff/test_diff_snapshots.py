"""SVG snapshots (120x40) of the diff pane and the minimizer step viewer.

Update with ``pytest tests/tui_diff --snapshot-update``.
"""

from __future__ import annotations

from diff_support import (
    HOSTILE,
    MULTI_FILE_PATCH,
    NEW_PY,
    OLD_PY,
    Host,
    minimizer_steps,
    settle,
)

from tui.screens.minimize_steps import MinimizeStepsScreen
from tui.widgets.diff import DiffPane, DiffView, Patch, diff_texts, parse_patch

SIZE = (120, 40)


def python_pane(**kwargs) -> DiffPane:
    return DiffPane(diff_texts(OLD_PY, NEW_PY, old_name="repro.py", new_name="repro.py"), title="repro.py", **kwargs)


async def focus_view(pilot) -> None:
    pilot.app.screen.query_one(DiffView).focus()
    await settle(pilot)


def test_unified(snap_compare):
    assert snap_compare(Host(python_pane(decisions=True)), terminal_size=SIZE, run_before=focus_view)


def test_side_by_side(snap_compare):
    async def run_before(pilot):
        await focus_view(pilot)
        await pilot.press("v", "right_square_bracket")
        await settle(pilot)

    assert snap_compare(Host(python_pane()), terminal_size=SIZE, run_before=run_before)


def test_multi_file_patch(snap_compare):
    async def run_before(pilot):
        await focus_view(pilot)
        await pilot.press("right_curly_bracket", "right_curly_bracket")
        await settle(pilot)

    assert snap_compare(Host(DiffPane(parse_patch(MULTI_FILE_PATCH), title="PR #123")), terminal_size=SIZE, run_before=run_before)


def test_empty_diff(snap_compare):
    assert snap_compare(Host(DiffPane(Patch(), title="nothing changed")), terminal_size=SIZE, run_before=focus_view)


def test_hostile_text(snap_compare):
    old = f"x = 1\nname = '{HOSTILE}'\n\x1b]0;title\x07print('\u202eevil')\n"
    new = f"x = 2\nname = '{HOSTILE}!'\nprint('\u202eevil')\n"
    pane = DiffPane(diff_texts(old, new, old_name="[red]f[/red].py", new_name="[red]f[/red].py"), title="[bold]t[/bold]")

    async def run_before(pilot):
        await focus_view(pilot)
        await pilot.press("v")
        await settle(pilot)

    assert snap_compare(Host(pane), terminal_size=SIZE, run_before=run_before)


def test_minimize_steps_screen(snap_compare):
    steps, original, final = minimizer_steps()

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("j", "j")
        await settle(pilot)

    assert snap_compare(Host(screen=MinimizeStepsScreen(steps, original=original, final=final)), terminal_size=SIZE, run_before=run_before)
