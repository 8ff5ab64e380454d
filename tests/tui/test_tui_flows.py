"""Pilot flows against a real Workbench and the loopback GitHub server."""

from __future__ import annotations

from textual.widgets import Input, TextArea

from core.models import AuditEntry
from tui.screens.audit import AuditScreen
from tui.screens.compose import CommentComposer
from tui.screens.confirm import ConfirmDialog
from tui.screens.help import HelpScreen
from tui.screens.issue import IssueScreen
from tui.screens.queue import QueueScreen
from tui.widgets.queue import IssueTable

from tui_support import REPO, Opened, make_app, settle, writes


def numbers(app) -> list[int]:
    model = app.screen.query_one(IssueTable).model
    return [model.issue_at(row).number for row in range(len(model))]


def comment_posts(server, number: int) -> list:
    return [r for r in writes(server) if r.method == "POST" and r.path.endswith(f"/issues/{number}/comments")]


async def open_issue(pilot, number: int) -> None:
    app = pilot.app
    table = app.screen.query_one(IssueTable)
    row = table.model.row_of(number)
    if row is None:  # not untriaged: look in the "All open" tab
        await pilot.press("right_square_bracket")
        await settle(pilot)
        row = table.model.row_of(number)
    assert row is not None, f"#{number} not in the queue"
    table.cursor_row = row
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, IssueScreen)
    assert app.screen.number == number


async def write_comment(pilot, body: str) -> None:
    await pilot.press("c")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CommentComposer)
    pilot.app.screen.query_one(TextArea).text = body
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConfirmDialog)


async def test_queue_lists_the_section(wb, server):
    app = make_app(wb)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        shown = numbers(app)
        untriaged = {i.number for i in wb.section_issues("Untriaged")}
        assert set(shown) == untriaged and untriaged
        # Most recently updated first.
        updated = [wb.store.issues.get(REPO, n).updated_at for n in shown]
        assert updated == sorted(updated, reverse=True)


async def test_comment_cancel_sends_nothing_then_confirm_sends_exactly_one(wb, server):
    app = make_app(wb)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_issue(pilot, 1001)
        server.clear_requests()

        await write_comment(pilot, "Thanks, **confirmed** on 2.6.")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, IssueScreen)
        assert writes(server) == []

        # Enter and the key that opened the flow must not confirm.
        await write_comment(pilot, "Thanks, **confirmed** on 2.6.")
        await pilot.press("enter", "c", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert writes(server) == []
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, IssueScreen)
        posts = comment_posts(server, 1001)
        assert len(posts) == 1
        assert posts[0].json_body == {"body": "Thanks, **confirmed** on 2.6."}
        thread = server.state.issues[1001] if hasattr(server.state, "issues") else None
        audit = wb.audit_entries()
        assert any(e.issue == 1001 and e.result == "sent" for e in audit)


async def test_n_cancels_the_dialog(wb, server):
    app = make_app(wb)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_issue(pilot, 1001)
        server.clear_requests()
        await write_comment(pilot, "never sent")
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, IssueScreen)
        assert writes(server) == []


async def test_labels_plan_adds_and_removes(wb, server):
    app = make_app(wb)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_issue(pilot, 1004)  # has "triaged"
        server.clear_requests()
        await pilot.press("l")
        await settle(pilot)
        app.screen.query_one(Input).value = "needs reproduction, -triaged"
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert dialog.plan.labels_added == ("needs reproduction",)
        assert dialog.plan.labels_removed == ("triaged",)
        await pilot.press("y")
        await settle(pilot)
        sent = writes(server)
        assert any(r.method == "POST" and r.path.endswith("/issues/1004/labels") for r in sent)
        assert any(r.method == "DELETE" and "/issues/1004/labels/" in r.path for r in sent)


async def test_locked_issue_greys_out_writes(wb, server):
    app = make_app(wb)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_issue(pilot, 1002)
        assert app.screen.check_action("plan_comment", ()) is None
        server.clear_requests()
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, IssueScreen)
        assert writes(server) == []


async def test_filter_typing_narrows_rows(wb, server):
    app = make_app(wb)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = numbers(app)
        await pilot.press("slash", *"dtensor")
        await pilot.pause()
        after = numbers(app)
        assert after and len(after) < len(before)
        for number in after:
            issue = wb.store.issues.get(REPO, number)
            haystack = f"{issue.title} {' '.join(issue.labels)}".lower()
            assert "dtensor" in haystack
        await pilot.press("escape", "escape")  # leave the box, then clear it
        await pilot.pause()
        assert numbers(app) == before


async def test_sort_cycles(wb, server):
    app = make_app(wb)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")  # updated → number
        await pilot.pause()
        assert numbers(app) == sorted(numbers(app), reverse=True)
        await pilot.press("s")  # → comments
        await pilot.pause()
        counts = [wb.store.issues.get(REPO, n).comments_count for n in numbers(app)]
        assert counts == sorted(counts, reverse=True)


async def test_cursor_keys_and_browser(wb, server):
    opened = Opened()
    app = make_app(wb, opened)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(IssueTable)
        await pilot.press("j", "j", "k")
        assert table.cursor_row == 1
        await pilot.press("end")
        assert table.cursor_row == len(table.model) - 1
        await pilot.press("home", "o")
        await settle(pilot)
        assert opened == [wb.issue_url(table.model.issue_at(0).number)]


async def test_refresh_syncs_from_github(server, tmp_path):
    from tui_support import make_workbench

    workbench = make_workbench(server, tmp_path / "fresh")
    try:
        app = make_app(workbench)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert numbers(app) == []
            await pilot.press("r")
            await settle(pilot)
            assert len(numbers(app)) == len(workbench.section_issues("Untriaged")) > 0
            assert app.last_sync is not None
            assert any(r.path == "/graphql" for r in server.requests)
    finally:
        await workbench.aclose()


async def test_help_and_audit_screens(wb, server):
    app = make_app(wb)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)

        wb.store.audit.append(repo=REPO, issue=1001, action="comment", payload_digest="abc", result="sent")
        wb.store.audit.append(repo=REPO, issue=1002, action="add_labels", payload_digest="def", result="failed", error="HTTP 403")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        rows = [app.screen.query_one("#audit").rendered_row_text(i) for i in range(2)]
        assert "#1002" in rows[0] and "HTTP 403" in rows[0]
        assert "#1001" in rows[1] and "sent" in rows[1]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)


async def test_bad_keymap_is_a_notification_not_a_crash(server, tmp_path):
    from tui_support import make_workbench, sync_all

    workbench = make_workbench(server, tmp_path / "km", keymap={"queue.sort": "ctrl+zz", "no.such": "x", "queue.refresh": "f5"})
    try:
        await sync_all(workbench)
        app = make_app(workbench)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            messages = [n.message for n in app._notifications]
            assert any("no.such" in m for m in messages)
            assert any("queue.sort" in m for m in messages)
            server.clear_requests()
            await pilot.press("f5")  # the override works
            await settle(pilot)
            assert any(r.path == "/graphql" for r in server.requests)
    finally:
        await workbench.aclose()


async def test_filtering_redraws_rows_with_their_own_issue(wb):
    # Drawn rows are cached by issue (not position) across filter keystrokes: after a
    # filter narrows the list, each row must still show its own issue.
    from tui.widgets.queue import IssueTable

    app = make_app(wb)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        table = app.screen.query_one(IssueTable)
        before = [table.rendered_row_text(r) for r in range(min(5, table.row_count))]
        assert before
        await pilot.press("slash", *"2")
        await pilot.pause(0.3)
        for row in range(table.row_count):
            issue = table.model.issue_at(row)
            line = table.render_line(row + 1 - int(table.scroll_y))
            text = "".join(segment.text for segment in line)
            if row < table.scrollable_content_region.height - 1:
                assert f"#{issue.number}" in text or str(issue.number) in text


async def test_an_opened_issue_is_painted_not_covered_by_a_loading_overlay(wb, server):
    """Regression: the screen once set Textual's own ``loading`` reactive as its fetch flag,
    which left the issue screen blank in a real terminal until something forced a repaint."""
    app = make_app(wb)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        number = numbers(app)[0]
        await open_issue(pilot, number)
        from textual.widgets import LoadingIndicator

        assert not app.screen.query(LoadingIndicator)
        painted = app.export_screenshot()
        title = wb.store.issues.get(REPO, number).title
        assert f"#{number}" in painted and title.split()[0] in painted
