"""A fuzz session walked at the keyboard: seed → failing test → xfail → fix → validation →
commits → the push dialog; cancel sends nothing, ``y`` sends exactly one ghstack push.

Real git, real pytest runs of the generated test, the fake fuzzer, stand-in
lintrunner/ghstack recording their argv (tests/fuzz/fakecheckout.py).
"""

from __future__ import annotations

import git

from core.fuzz import QUALITY_ROWS, SUMMARY_QUESTIONS
from fuzz.conftest import FAILING_SEED
from fuzz.fakecheckout import apply_fix, tool_calls
from tui.screens.fuzz import FixForm, FuzzSessionScreen, NewSessionForm, PushDialog

from .support import SIZE, FuzzHostApp, screen_text, wait_until


def ghstack_calls(tools) -> list[dict]:
    return [c for c in tool_calls(tools) if c["tool"] == "ghstack"]


async def run_step(pilot, screen: FuzzSessionScreen, expect_step: str) -> None:
    await pilot.press("r")
    await wait_until(pilot, lambda: screen.running is None, f"the {screen.session.step} operation")
    assert screen.session.step == expect_step, (screen.last_result, screen_text(screen))


async def test_walk_from_seed_to_a_confirmed_push(workflow, checkout, tools, ghstackrc):
    edits = []

    def editor(paths):
        edits.append([str(p) for p in paths])
        apply_fix(checkout)

    app = FuzzHostApp(workflow, session_options={"editor": editor, "poll_s": None}, default_checkout=str(checkout))
    async with app.run_test(size=SIZE) as pilot:
        # The new-session form (the checkout is pre-filled; focus is on the seed).
        await pilot.press("n")
        assert isinstance(app.screen, NewSessionForm)
        await pilot.press(*str(FAILING_SEED), "tab", "tab", "tab", "tab", *"4321")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, FuzzSessionScreen), "the session screen")
        screen = app.screen
        session = screen.session
        assert session.step == "capture" and session.state["issue"] == 4321

        # Step 0: TorchFuzz runs, its output streams into the log.
        await run_step(pilot, screen, "repro")
        assert "IndexError" in screen_text(screen)

        # Step 1 gate: nothing of step 2 is reachable before both proofs.
        for action in ("edit_fix", "fix_form", "finish_step", "next_view", "push"):
            assert screen.check_action(action, ()) is None, action
        await pilot.press("e", "c", "right_square_bracket")
        assert edits == [] and screen.viewing == "repro" and isinstance(app.screen, FuzzSessionScreen)
        assert "step 1 has not proven that the test fails with the same error" in screen_text(screen)

        await run_step(pilot, screen, "fix")
        assert screen.viewing == "fix"  # the view follows the session to step 2
        text = screen_text(screen, "#fuzz-steps")
        assert "✔ 1 reproduce the bug" in text and "proven" in text

        # Step 2: the editor, the live diff, the form, the check.
        await pilot.press("e")
        assert edits and any(p.endswith("test/test_torchfuzz_repros.py") for p in edits[0])
        await wait_until(pilot, lambda: screen._diff is not None and any(f.path == "minitorch/ops.py" for f in screen._diff.files), "the diff")
        assert {f.path for f in screen.query_one("#fuzz-diff").patch.files} == {"minitorch/ops.py", "test/test_torchfuzz_repros.py"}
        assert screen.check_action("finish_step", ()) is None
        await pilot.press("c")
        assert isinstance(app.screen, FixForm)
        await pilot.press(*[k for _ in QUALITY_ROWS for k in ("space", "tab", "k", "tab")], *[k for _ in SUMMARY_QUESTIONS for k in ("a", "tab")], "ctrl+s")
        assert isinstance(app.screen, FuzzSessionScreen)
        assert all(r["ok"] and r["note"] == "k" for r in session.state["steps"]["fix"]["quality"].values())
        assert session.fix_missing() == ["the fix check has not passed (test and related tests)"]
        await run_step(pilot, screen, "fix")
        assert screen.check_action("finish_step", ()) is True

        # Step 5 is locked until validation is done.
        await pilot.press("f")
        await wait_until(pilot, lambda: session.step == "validate", "step 3")
        assert screen.check_action("push", ()) is None and screen.check_action("finish_step", ()) is None
        assert "step 5 (publish) is locked: step 3 is not finished" in screen_text(screen)

        # Step 3: validation, the comment review, finish.
        await run_step(pilot, screen, "validate")
        text = screen_text(screen)
        assert "✔ passes with the change" in text and "✔ fails without the change" in text
        assert "Fix IndexError in minitorch/ops.py found by TorchFuzz" in text
        await pilot.press("m", "f")
        await wait_until(pilot, lambda: session.step == "review", "step 4")

        # Step 4: confirm the review; step 5: the two commits.
        assert "Satisfied?" in screen_text(screen)
        await pilot.press("p", "f")  # p is still locked here: nothing opens
        await wait_until(pilot, lambda: session.step == "publish", "step 5")
        assert ghstack_calls(tools) == []
        await run_step(pilot, screen, "publish")
        commits = session.state["steps"]["publish"]["commits"]
        assert len(commits) == 2

        # The push dialog: exact command and commits; cancel sends nothing, Enter neither.
        await pilot.press("p")
        assert isinstance(app.screen, PushDialog)
        dialog_text = screen_text(app.screen, "#fuzz-push-plan")
        assert "ghstack submit" in dialog_text and str(checkout) in dialog_text
        assert commits[0] in dialog_text and commits[1] in dialog_text
        await pilot.press("n", "p", "enter", "p", "escape")
        assert isinstance(app.screen, FuzzSessionScreen)
        assert ghstack_calls(tools) == [] and screen.pushes_started == 0

        await pilot.press("p", "y")
        await wait_until(pilot, lambda: screen.running is None and session.status == "done", "the push")
        calls = ghstack_calls(tools)
        assert len(calls) == 1 and calls[0]["argv"] == ["submit"] and calls[0]["head"] == commits[1]
        text = screen_text(screen)
        assert "https://github.com/pytorch/pytorch/pull/4242" in text and "https://github.com/pytorch/pytorch/pull/4243" in text
        assert screen.check_action("push", ()) is None

    repo = git.Repo(checkout)
    assert repo.head.commit.hexsha == commits[1]
    assert len(ghstack_calls(tools)) == 1
