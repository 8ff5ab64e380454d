"""The optional test-only PR from the session screen: ``t`` makes the commit and opens
the push dialog; ``n`` sends nothing, ``y`` sends exactly once."""

from __future__ import annotations

import git

from core.fuzz import drain
from fuzz.conftest import FAILING_SEED
from fuzz.fakecheckout import tool_calls
from tui.screens.fuzz import FuzzSessionScreen, PushDialog

from .support import SIZE, FuzzHostApp, screen_text, wait_until


def _ghstack(tools) -> list[dict]:
    return [c for c in tool_calls(tools) if c["tool"] == "ghstack"]


async def test_push_the_failing_test_alone_from_the_session_screen(workflow, checkout, tools, ghstackrc):
    session = workflow.start(checkout, seed=FAILING_SEED, issue=4321)
    assert (await drain(session.capture())).ok
    assert (await drain(session.repro())).ok
    head_before = git.Repo(checkout).head.commit.hexsha
    app = FuzzHostApp(workflow, session_id=session.id, session_options={"poll_s": None})
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, FuzzSessionScreen) and screen.check_action("push_test", ()) is True
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, PushDialog), "the push dialog after the test commit")
        dialog = app.screen
        commit = screen.session.test_pr["commit"]
        assert dialog.plan.commits == (commit,) and dialog.plan.command[-1] == "submit"
        assert commit in screen_text(dialog, "#fuzz-push-plan")
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is screen, "the dialog closed")
        await pilot.press("enter", "p")
        assert _ghstack(tools) == [] and screen.test_pushes_started == 0

        await pilot.press("t")  # the commit exists: straight to the dialog
        await wait_until(pilot, lambda: isinstance(app.screen, PushDialog), "the push dialog again")
        await pilot.press("y")
        await wait_until(pilot, lambda: app.screen is screen and screen.running is None and screen.session.test_pr.get("pr_urls"), "the push finished")
        assert screen.test_pushes_started == 1 and len(_ghstack(tools)) == 1
        assert _ghstack(tools)[0]["head"] == commit
        assert screen.session.step == "fix"  # optional: step 2 is where it was
        assert screen.check_action("push_test", ()) is None or screen.check_action("push_test", ()) is False
        await pilot.press("t", "y")
        await pilot.pause()
        assert len(_ghstack(tools)) == 1
    assert git.Repo(checkout).head.commit.hexsha == head_before
