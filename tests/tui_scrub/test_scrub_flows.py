"""The scrub screen end to end: the real app over the demo data on the loopback GitHub
server (real HTTP), real runs, fake version environments behind a conda stand-in, and a
temporary tagged git checkout (builders reused from tests/scrub)."""

from __future__ import annotations

import pytest
from textual.widgets import TabbedContent

from core.demo import DEMO_CASES
from tests.conftest import writes
from tests.scrub.conftest import make_checkout, make_fake_conda, rest_writes
from tui.screens.confirm import ConfirmDialog
from tui.screens.scrub.editors import ReproEditor
from tui.widgets.scrub import BisectTimeline, GateBar

from .scrub_support import (
    SIZE,
    ScrubHost,
    conda_options,
    local_options,
    scrub_screen,
    settle,
    statuses,
)

REPO = "/repos/pytorch/pytorch/issues"


def panel_text(screen) -> str:
    return str(screen.query_one("#scrub-panel").render())


async def confirm_plan(pilot) -> ConfirmDialog:
    await pilot.press("p")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ConfirmDialog)
    return dialog


async def test_reproducing_bug_walks_the_gate_and_posts_the_reviewed_comment(demo_server, demo_wb, tmp_path):
    n = DEMO_CASES["pure_python_math_domain"]
    app = ScrubHost(demo_wb, n, local_options(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = scrub_screen(app)
        # The security gate waits: nothing has run, and neither `p` nor Enter gets past it.
        assert screen.session.gate.id == "safety" and statuses(screen)["reproduce"] == "pending"
        assert app.focused is screen.query_one(GateBar) and not screen.can_post()
        await pilot.press("p", "enter")
        await settle(pilot)
        assert screen.session.gate.id == "safety" and screen.session.data.get("run") is None
        await pilot.press("y")
        await settle(pilot)
        assert statuses(screen)["reproduce"] == "done" and screen.session.finished
        assert screen.session.data["run"]["verdict"]["kind"] == "reproduces"
        assert "ValueError" in "\n".join(screen.query_one("#scrub-log").lines)  # the live output reached the Log
        assert screen.query_one(TabbedContent).active == "tab-report"
        drafted = screen.session.plan.comments[0]
        assert drafted.startswith("This issue still reproduces") and drafted.rstrip().endswith("Analysis done with triagedeck.")
        # Cancel at the dialog (escape, then n): nothing is sent.
        for cancel in ("escape", "n"):
            dialog = await confirm_plan(pilot)
            assert dialog.plan.comments == (drafted,)
            await pilot.press(cancel)
            await settle(pilot)
            assert app.screen is screen and screen.can_post()
        assert writes(demo_server) == []
        # The draft is edited in place (ctrl+s saves it into the session and the plan).
        edited = drafted.replace("This issue still reproduces", "Confirmed: this issue still reproduces")
        editor = screen.query_one("#scrub-report-editor")
        editor.focus()
        editor.load_text(edited)
        await pilot.press("ctrl+s", "escape")
        await settle(pilot)
        assert screen.session.plan.comments == (edited,)
        dialog = await confirm_plan(pilot)
        assert dialog.plan.comments == (edited,)
        await pilot.press("y")
        await settle(pilot)
        assert not screen.can_post()  # sent once; the session remembers it
    assert rest_writes(demo_server) == [("POST", f"{REPO}/{n}/comments", {"body": edited})]


async def test_edit_at_the_gate_reviews_the_edited_repro_again_then_runs_it(demo_server, demo_wb, tmp_path):
    n = DEMO_CASES["pure_python_math_domain"]
    app = ScrubHost(demo_wb, n, local_options(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = scrub_screen(app)
        await pilot.press("e")
        await settle(pilot)
        editor = screen.query_one(ReproEditor)
        assert editor.display and app.focused is editor and editor.language in ("python", None)
        edited = "import math\nprint('edited')\nmath.log(0.0)\n"
        editor.load_text(edited)
        await pilot.press("ctrl+s")
        await settle(pilot)
        # The edited code is the maintainer's own, but it is reviewed again before it runs.
        assert screen.session.code == edited and screen.session.gate.id == "safety"
        await pilot.press("y")
        await settle(pilot)
        assert "edited" in "\n".join(screen.query_one("#scrub-log").lines)
        assert screen.session.finished
    assert writes(demo_server) == []


@pytest.fixture
def fake_envs(tmp_path):
    root = tmp_path / "conda"
    return root, make_fake_conda(root, [f"2.{m}" for m in range(10)], broken=("2.2",))


async def test_fixed_bug_is_bisected_the_fixing_pr_found_then_commented_and_closed(demo_server, demo_wb, tmp_path, fake_envs):
    n = DEMO_CASES["already_fixed"]
    checkout = make_checkout(tmp_path / "pytorch", n)
    app = ScrubHost(demo_wb, n, conda_options(tmp_path, fake_envs[1], checkout))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = scrub_screen(app)
        assert screen.session.gate.id == "safety"
        await pilot.press("y")
        await settle(pilot)
        # The stale expectedFailure is proposed in the diff pane; declining leaves the file alone.
        assert screen.session.gate.id == "trivial_fix"
        assert screen.query_one(TabbedContent).active == "tab-diff"
        assert screen.query_one("#scrub-diff").patch.files
        timeline = screen.query_one(BisectTimeline)
        outcomes = {v: o[0] for v, o in timeline.outcomes.items()}
        assert outcomes["2.3"] == "bug" and outcomes["2.4"] == "fixed" and outcomes.get("2.2") in (None, "broken")
        assert "#12345" in str(screen.query_one("#scrub-candidates").render())
        await pilot.press("n")
        await settle(pilot)
        assert "expectedFailure" in (checkout / "test/test_linalg.py").read_text()
        plan = screen.session.plan
        assert [a.kind for a in plan.actions] == ["comment", "comment", "close"]
        assert "Fixed by #12345." in plan.comments[0]
        dialog = await confirm_plan(pilot)
        summary = str(dialog.query_one("#confirm-summary").render())
        assert "Close as" in summary and "completed" in summary
        await pilot.press("escape")  # every close is confirmed: cancelling sends nothing
        await settle(pilot)
        assert writes(demo_server) == []
        await confirm_plan(pilot)
        await pilot.press("y")
        await settle(pilot)
    sent = rest_writes(demo_server)
    assert [(m, p.rsplit("/", 1)[-1]) for m, p, _ in sent] == [("POST", "comments"), ("POST", "comments"), ("PATCH", str(n))]
    assert sent[1][2] == {"body": "Closing as this was fixed in PyTorch 2.4."}
    assert sent[2][2]["state"] == "closed" and sent[2][2]["state_reason"] == "completed"


async def test_screenshot_only_issue_stops_with_its_reason_and_offers_needs_reproduction(demo_server, demo_wb, tmp_path):
    n = DEMO_CASES["screenshot_only"]
    app = ScrubHost(demo_wb, n, local_options(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = scrub_screen(app)
        status = statuses(screen)
        assert status["actionable"] == "stopped" and status["reproduce"] == "skipped"
        assert "image" in panel_text(screen) and "needs reproduction" in panel_text(screen)
        dialog = await confirm_plan(pilot)
        assert dialog.plan.labels_added == ("needs reproduction",)
        await pilot.press("y")
        await settle(pilot)
    assert rest_writes(demo_server) == [("POST", f"{REPO}/{n}/labels", {"labels": ["needs reproduction"]})]


async def test_feature_request_gets_feature_proposed(demo_server, demo_wb, tmp_path):
    n = DEMO_CASES["feature_request"]
    app = ScrubHost(demo_wb, n, local_options(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = scrub_screen(app)
        assert screen.session.data["actionability"]["kind"] == "feature"
        await confirm_plan(pilot)
        await pilot.press("y")
        await settle(pilot)
    assert rest_writes(demo_server) == [("POST", f"{REPO}/{n}/labels", {"labels": ["feature"]})]


async def test_not_actionable_issue_gets_the_two_call_triaged_refresh(demo_server, demo_wb, tmp_path):
    n = DEMO_CASES["docs"]
    app = ScrubHost(demo_wb, n, local_options(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await confirm_plan(pilot)
        await pilot.press("y")
        await settle(pilot)
    assert rest_writes(demo_server) == [("DELETE", f"{REPO}/{n}/labels/triaged", None),
                                        ("POST", f"{REPO}/{n}/labels", {"labels": ["triaged"]})]


async def test_locked_issue_refuses_writes(demo_server, demo_wb, tmp_path):
    n = DEMO_CASES["locked"]
    app = ScrubHost(demo_wb, n, local_options(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = scrub_screen(app)
        assert screen.session.plan is not None and not screen.session.plan.empty
        assert "locked" in panel_text(screen) and not screen.can_post()
        await pilot.press("p")
        await settle(pilot)
        assert app.screen is screen  # no dialog: nothing can be sent
    assert writes(demo_server) == []


async def test_resume_after_restart_shows_the_same_step(demo_server, demo_wb, tmp_path):
    n = DEMO_CASES["pure_python_math_domain"]
    first = ScrubHost(demo_wb, n, local_options(tmp_path))
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = scrub_screen(first)
        session_id, steps = before.session.id, statuses(before)
        assert before.session.gate.id == "safety"
    again = ScrubHost(demo_wb, n, local_options(tmp_path))
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = scrub_screen(again)
        assert screen.session.id == session_id and statuses(screen) == steps
        assert screen.session.gate.id == "safety" and again.focused is screen.query_one(GateBar)
        assert [c["gate"] for c in screen.session.wf.choices] == []  # nothing was answered for the maintainer
        assert "Safety review" in str(screen.query_one("#scrub-panel").render())
    assert writes(demo_server) == []
