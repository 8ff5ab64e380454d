"""Pilot tests of the triage review against a real Workbench on the loopback server with
the demo data: what the server receives is exactly the core's plan, after one dialog."""

from __future__ import annotations

from triage_support import (
    CLASSIFIED,
    NOT_DISTRIBUTED,
    RULES,
    TWO_MODULES,
    TriageHost,
    comments_sent,
    expected_plan,
    issue_writes,
    labels_sent,
    review,
    settle,
)

from core.gate.plan import AddLabels, PostComment
from tui.screens.confirm import ConfirmDialog
from tui.widgets.triage import EvidenceThread, LabelToggle, ProposalPanel

L = RULES.labels


async def test_accept_all_is_two_keys_and_sends_exactly_the_plan(server, wb):
    plan, _proposal = await expected_plan(wb, NOT_DISTRIBUTED)
    assert plan.comments and plan.labels_added  # labels and the not_distributed comment
    server.clear_requests()
    app = TriageHost(wb, numbers=[NOT_DISTRIBUTED, CLASSIFIED])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = review(app)
        assert screen.current.proposal.outcome == "not_distributed"
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.plan.actions == plan.actions  # the dialog shows exactly what is sent
        await pilot.press("y")
        await settle(pilot)
        assert labels_sent(server, NOT_DISTRIBUTED) == list(plan.labels_added)
        assert comments_sent(server, NOT_DISTRIBUTED) == list(plan.comments)
        # Nothing else was written: no removal, no close, no assignment.
        kinds = {(r.method, r.path.rsplit("/", 1)[-1]) for r in issue_writes(server)}
        assert kinds == {("POST", "labels"), ("POST", "comments")}
        assert screen.numbers[screen.position] == CLASSIFIED  # moved on to the next issue
        assert (screen.tally.accepted, screen.tally.sent, screen.tally.failed) == (1, 1, 0)


async def test_toggling_the_module_off_drops_it_and_triaged_follows_the_plan_builder(server, wb):
    full, proposal = await expected_plan(wb, CLASSIFIED)
    module = "module: ddp"
    assert module in full.labels_added and L.triaged in full.labels_added
    accepted = [label for label in proposal.labels_to_add if label != module]
    narrowed, _ = await expected_plan(wb, CLASSIFIED, accepted=accepted)
    assert L.triaged not in narrowed.labels_added  # every module label rejected: not a complete classification
    server.clear_requests()
    app = TriageHost(wb, numbers=[CLASSIFIED])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = review(app)
        index = list(screen.current.proposal.labels_to_add).index(module) + 1
        await pilot.press(str(index))
        toggle = screen.query_one(ProposalPanel).toggles[index - 1]
        assert not toggle.accepted and app.screen.focused is toggle
        await pilot.press("a")
        await settle(pilot)
        assert app.screen.plan.labels_added == narrowed.labels_added
        await pilot.press("y")
        await settle(pilot)
        assert labels_sent(server, CLASSIFIED) == list(narrowed.labels_added)
        assert module not in labels_sent(server, CLASSIFIED)
        assert (screen.tally.accepted, screen.tally.edited, screen.tally.sent) == (0, 1, 1)


async def test_space_toggles_the_focused_label_and_undo_restores_it(wb):
    app = TriageHost(wb, numbers=[TWO_MODULES])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = review(app)
        await pilot.press("j")  # second label
        toggle = app.screen.focused
        assert isinstance(toggle, LabelToggle) and toggle is screen.query_one(ProposalPanel).toggles[1]
        await pilot.press("space")
        assert not toggle.accepted and not screen.current.accepted[toggle.label]
        await pilot.press("u")
        assert toggle.accepted and screen.current.accepted[toggle.label]


async def test_cancel_sends_nothing(server, wb):
    server.clear_requests()
    app = TriageHost(wb, numbers=[CLASSIFIED, NOT_DISTRIBUTED])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = review(app)
        for cancel_key in ("n", "escape"):
            await pilot.press("a")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            await pilot.press(cancel_key)
            await settle(pilot)
            assert app.screen is screen and screen.position == 0
        assert issue_writes(server) == []
        assert (screen.tally.sent, screen.tally.skipped) == (0, 0)


async def test_skip_then_undo_brings_the_issue_back_with_its_toggles(server, wb):
    server.clear_requests()
    app = TriageHost(wb, numbers=[TWO_MODULES, CLASSIFIED])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = review(app)
        await pilot.press("1")  # reject the sub-oncall
        rejected = screen.current.proposal.labels_to_add[0]
        await pilot.press("s")
        await settle(pilot)
        assert screen.numbers[screen.position] == CLASSIFIED and screen.tally.skipped == 1
        await pilot.press("u")
        await settle(pilot)
        assert screen.numbers[screen.position] == TWO_MODULES and screen.tally.skipped == 0
        assert screen.current.accepted[rejected] is False
        assert not screen.query_one(ProposalPanel).toggles[0].accepted
        await pilot.press("u")  # then the toggle itself
        assert screen.current.accepted[rejected] is True
        assert issue_writes(server) == []


async def test_a_sent_plan_is_not_undone(server, wb):
    app = TriageHost(wb, numbers=[CLASSIFIED, TWO_MODULES])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = review(app)
        await pilot.press("a", "y")
        await settle(pilot)
        before = len(issue_writes(server))
        assert screen.position == 1
        await pilot.press("u")
        await settle(pilot)
        assert screen.position == 1 and screen.tally.sent == 1
        assert len(issue_writes(server)) == before
        assert any("can't be undone" in n.message for n in app._notifications)


async def test_selecting_a_label_highlights_and_jumps_to_its_evidence(wb):
    app = TriageHost(wb, numbers=[TWO_MODULES])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = review(app)
        panel = screen.query_one(ProposalPanel)
        target = next(t for t in panel.toggles if t.label == "module: dtensor")
        target.focus()
        await settle(pilot)
        thread = screen.query_one(EvidenceThread)
        assert thread.current and all(e.label == "module: dtensor" for e in thread.current)
        located = [e for e in thread.current if e.document != "labels"]
        assert located and all(e.text == (thread.thread.issue.title if e.document == "title" else None) or e.text for e in located)
        await pilot.press("e")
        await settle(pilot)
        assert screen._spot == 1  # the next e goes to the next spot


async def test_plan_actions_are_only_label_adds_and_comments(wb):
    plan, _ = await expected_plan(wb, NOT_DISTRIBUTED)
    assert all(isinstance(a, (AddLabels, PostComment)) for a in plan.actions)
