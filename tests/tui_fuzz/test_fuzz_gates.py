"""Gates in the UI: what the core refuses is greyed out, does nothing when pressed, and says why."""

from __future__ import annotations

from pathlib import Path

from core.fuzz import drain
from fuzz.conftest import FAILING_SEED, make_config
from fuzz.fakecheckout import tool_calls
from tui.screens.fuzz import FixForm, FuzzSessionScreen, PushDialog

from .states import head, put, state_at
from .support import SIZE, FuzzHostApp, screen_text

STEP2_ACTIONS = ("edit_fix", "fix_form", "finish_step", "next_view", "push", "go_back")


async def test_step_2_cannot_open_before_the_xfail_proof(workflow, checkout, store):
    edits = []
    session = workflow.start(checkout, seed=FAILING_SEED)
    assert (await drain(session.capture())).ok
    app = FuzzHostApp(workflow, session_id=session.id, session_options={"editor": edits.append, "poll_s": None})
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, FuzzSessionScreen) and screen.viewing == "repro"
        for action in STEP2_ACTIONS:
            assert screen.check_action(action, ()) is None, action
        assert screen.check_action("run_step", ()) is True
        await pilot.press("e", "c", "f", "right_square_bracket", "b", "p")
        assert edits == [] and app.screen is screen and screen.viewing == "repro"
        text = screen_text(screen)
        assert "step 2 (fix) is locked: step 1 has not proven that the test fails with the same error as the fuzzer" in text
        assert "· 2 fix the bug" in text and "locked" in text

        # The first proof alone does not open step 2 either.
        state = screen.session.state
        state["steps"]["repro"] = {**state_at("fix", checkout=str(checkout), base=session.base, config=session.config)["steps"]["repro"], "xfail": False}
        store.sessions.save(session.id, step="repro", state=state)
        screen.refresh_all()
        await pilot.pause()
        for action in STEP2_ACTIONS:
            assert screen.check_action(action, ()) is None, action
        assert "has not proven that the test is reported as xfail" in screen_text(screen)
        await pilot.press("e", "c")
        assert edits == [] and not isinstance(app.screen, FixForm)


async def test_step_5_cannot_run_before_validation(workflow, checkout, store, tools, tmp_path: Path):
    state = state_at("validate", checkout=str(checkout), base=head(checkout), config=make_config(tmp_path))
    sid = put(store, "gate5session", "validate", state)
    app = FuzzHostApp(workflow, session_id=sid, session_options={"poll_s": None})
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert screen.session.step == "validate"
        for action in ("push", "finish_step", "toggle_comments"):
            assert screen.check_action(action, ()) is None, action
        await pilot.press("p", "f", "m", "right_square_bracket", "right_square_bracket")
        assert app.screen is screen and not isinstance(app.screen, PushDialog)
        assert screen.session.step == "validate" and screen.viewing == "validate"
        text = screen_text(screen)
        assert "step 5 (publish) is locked: step 3 is not finished: validation has not run" in text
        assert "finish is locked: validation has not run" in text
    assert [c for c in tool_calls(tools) if c["tool"] in ("ghstack", "lintrunner")] == []
