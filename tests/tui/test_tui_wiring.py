"""Keys that connect screens built by separate features, on the demo data."""

from __future__ import annotations

import pytest

from core.demo import DEMO_CASES, demo_dataset
from core.loopback import LoopbackServer, LoopbackState
from tui_support import make_app, make_workbench


@pytest.fixture
async def demo_wb(tmp_path):
    server = LoopbackServer(LoopbackState.from_dataset(demo_dataset())).start()
    wb = make_workbench(server, tmp_path / "data")
    try:
        yield wb
    finally:
        await wb.aclose()
        server.stop()


async def test_issue_screen_opens_the_repro_pane(demo_wb):
    from tui.screens.issue import IssueScreen
    from tui.screens.repro import ReproScreen

    app = make_app(demo_wb)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(IssueScreen(DEMO_CASES["pure_python_traceback"]))
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.press("p")
        await pilot.pause(0.3)
        assert isinstance(app.screen, ReproScreen)
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert isinstance(app.screen, IssueScreen)


async def test_queue_opens_fuzz_sessions(demo_wb):
    from tui.screens.fuzz import FuzzSessionsScreen

    app = make_app(demo_wb)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        await pilot.press("F")
        await pilot.pause(0.3)
        assert isinstance(app.screen, FuzzSessionsScreen)
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert type(app.screen).__name__ == "QueueScreen"


async def test_issue_screen_opens_scrub_and_triage(demo_wb):
    from tui.screens.issue import IssueScreen
    from tui.screens.scrub import ScrubScreen
    from tui.screens.triage import TriageReviewScreen

    app = make_app(demo_wb)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(IssueScreen(DEMO_CASES["dist_ddp"]))
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.press("t")
        await pilot.pause(0.3)
        assert isinstance(app.screen, TriageReviewScreen)
        await app.workers.wait_for_complete()
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert isinstance(app.screen, IssueScreen)
        await pilot.press("S")
        await pilot.pause(0.3)
        assert isinstance(app.screen, ScrubScreen)


async def test_triage_key_is_greyed_out_off_distributed(demo_wb):
    from tui.screens.issue import IssueScreen

    app = make_app(demo_wb)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(IssueScreen(DEMO_CASES["pure_python_traceback"]))
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.press("t")
        await pilot.pause(0.2)
        assert isinstance(app.screen, IssueScreen)
