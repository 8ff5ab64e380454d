"""The scrub screen's minimize step: live progress in the log, the accepted changes in the
diff pane's step viewer, and the minimized repro in the posted comment."""

from __future__ import annotations

from tests.scrub.test_scrub_minimize import REPRO, TRACEBACK
from tui.screens.minimize_steps import MinimizeStepsScreen

from .scrub_support import SIZE, ScrubHost, local_options, scrub_screen, settle, statuses

NUMBER = 990001


def add_long_repro_issue(server) -> None:
    body = (f"### 🐛 Describe the bug\n\nWithdrawing from a funded account fails.\n\n```python\n{REPRO}```\n\n"
            f"```\n{TRACEBACK}```\n")
    server.state.add_issue({
        "number": NUMBER, "title": "Ledger withdraw raises for a funded account", "body": body, "state": "open",
        "user": "reporter", "author_association": "NONE", "labels": [], "assignees": [], "locked": False,
        "created_at": "2026-10-30T00:00:00Z", "updated_at": "2026-10-31T00:00:00Z", "comments": [],
    })


async def test_minimize_step_shows_progress_and_steps_then_reports_the_minimized_repro(demo_server, demo_wb, tmp_path):
    add_long_repro_issue(demo_server)
    app = ScrubHost(demo_wb, NUMBER, local_options(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = scrub_screen(app)
        assert screen.session.gate.id == "safety"
        await pilot.press("y")  # run the repro
        await settle(pilot)
        assert screen.session.gate.id == "minimize"
        assert (tmp_path / "repros" / f"repro_{NUMBER}_original.py").read_text() == REPRO
        await pilot.press("y")  # minimize
        await settle(pilot)
        assert screen.session.gate.id == "accept_minimized"
        log = "\n".join(screen.query_one("#scrub-log").lines)
        assert "minimize · round" in log and "oracle runs" in log  # live progress reached the log
        await pilot.press("M")
        await settle(pilot)
        steps = app.screen
        assert isinstance(steps, MinimizeStepsScreen) and len(steps.steps) >= 1
        await pilot.press("a")  # use the minimized repro
        await settle(pilot)
        assert app.screen is screen
        assert statuses(screen)["minimize"] == "done"
        comment = screen.session.plan.comments[0]
        assert "Minimized repro:" in comment and "insufficient funds" in comment
