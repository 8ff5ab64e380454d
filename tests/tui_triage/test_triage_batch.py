"""Batch mode over "oncall: distributed without the marker", and comment dedupe."""

from __future__ import annotations

from conftest import start
from triage_support import (
    NOT_DISTRIBUTED,
    RULES,
    TriageHost,
    comments_sent,
    issue_writes,
    labels_sent,
    make_workbench,
    review,
    settle,
)

from core.demo import demo_dataset
from core.triage import build_plan, propose
from tui.screens.confirm import ConfirmDialog
from tui.screens.triage import DISTRIBUTED_SECTION_TITLE

L = RULES.labels


async def test_batch_walks_the_whole_distributed_section_from_the_keyboard(server, wb):
    app = TriageHost(wb)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = review(app)
        assert screen.title_text == DISTRIBUTED_SECTION_TITLE
        total = len(screen.numbers)
        assert total >= 30  # the demo's open oncall: distributed issues without the marker
        # Every sixth issue is accepted and sent (a, y), the others skipped (s): sending
        # is what costs time (the gate's subscription bracket, the refetch).
        expected_sent, expected_skipped = 0, 0
        while screen.position < total:
            item = screen.current
            assert item is not None
            plan = build_plan(item.proposal, item.thread, RULES)
            if screen.position % 6 != 1 or plan.empty:
                await pilot.press("s")
                expected_skipped += 1
            else:
                await pilot.press("a")
                await settle(pilot)
                assert isinstance(app.screen, ConfirmDialog)
                await pilot.press("y")
                expected_sent += 1
            await settle(pilot)
        t = screen.tally
        assert (t.accepted, t.edited, t.skipped, t.sent, t.failed) == (expected_sent, 0, expected_skipped, expected_sent, 0)
        # Add-only: label POSTs and comments, never a removal, a close or an assignment.
        for r in issue_writes(server):
            assert r.method == "POST" and r.path.rsplit("/", 1)[-1] in ("labels", "comments"), (r.method, r.path)
        # The marker went on every sent issue except high-priority ones (those go to a human).
        sent_numbers = {int(r.path.split("/")[-2]) for r in issue_writes(server)}
        assert len(sent_numbers) == expected_sent
        for number in sent_numbers:
            proposal = screen.items[number].proposal
            assert (L.marker in labels_sent(server, number)) == (proposal.outcome != "high_priority")
            if L.triaged in labels_sent(server, number):
                assert L.review not in labels_sent(server, number) and L.needs_reproduction not in labels_sent(server, number)


async def test_a_template_comment_already_on_the_thread_is_not_posted_again(tmp_path):
    data = demo_dataset()
    issue = next(i for i in data["issues"] if i["number"] == NOT_DISTRIBUTED)
    older = RULES.templates["not_distributed"].older_wordings[0]
    issue["comments"] = [*issue.get("comments", []), {
        "user": "pytorch-bot", "author_association": "NONE", "body": older, "created_at": "2026-02-01T00:00:00Z",
    }]
    server = start(data)
    wb = make_workbench(server, tmp_path / "data")
    try:
        thread = await wb.fetch_thread(NOT_DISTRIBUTED)
        proposal = propose(thread, RULES)
        assert proposal.outcome == "not_distributed" and proposal.comment is None
        server.clear_requests()
        app = TriageHost(wb, numbers=[NOT_DISTRIBUTED])
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("a")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog) and not app.screen.plan.comments
            await pilot.press("y")
            await settle(pilot)
        assert comments_sent(server, NOT_DISTRIBUTED) == []
        assert labels_sent(server, NOT_DISTRIBUTED) == [L.review, L.marker]
    finally:
        await wb.aclose()
        server.stop()
