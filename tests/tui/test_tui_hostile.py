"""Hostile issue text (Rich markup, ANSI, control chars, RTL, emoji, huge) renders inert.

Pure renderers (table rows, header, chips, dialog summary, status bar) get many
Hypothesis examples; the widgets (Markdown issue view, confirmation dialog) run in a real
app with fewer examples plus a fixed list of the nastiest cases, a 1 MB body included.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.app import App
from textual.widgets import Markdown, Static

from core.gate.plan import AddLabels, PostComment, RemoveLabel, WritePlan
from core.models import Comment, Issue, IssueThread
from core.text import one_line
from tui.screens.confirm import ConfirmDialog, plan_summary
from tui.widgets.issue import IssueView, extract_links, header_text, label_chips, prepare_markdown
from tui.widgets.issue.view import BODY_CAP
from tui.widgets.queue.table import ISSUE_COLUMNS, issue_cells
from tui.widgets.table import layout_columns
from tui.widgets.table.virtual_table import render_row

from tui_support import NOW, REPO

MARKUP = ["[bold]", "[/bold]", "[link=https://evil.example]", "[/link]", "[red on white]", "[/]", "[@click=app.quit]x[/]", "\\[", ":skull:"]
ANSI = ["\x1b[31m", "\x1b[0m", "\x1b]8;;https://evil.example\x1b\\", "\x1b]0;title\x07", "\x1b[2J", "\x9b1m", "\x1bc"]
CONTROL = ["\x00", "\x07", "\x08", "\r", "\n", "\t", "\x7f", "\u202e", "\u2066", "\ufeff", "\u200b"]
SCRIPTS = ["שלום עולם", "مرحبا", "🔥", "👩‍👩‍👧‍👦", "🏳️‍🌈", "e\u0301", "漢字テスト", "𝕋𝕖𝕟𝕤𝕠𝕣"]

hostile = st.lists(
    st.one_of(st.sampled_from(MARKUP + ANSI + CONTROL + SCRIPTS), st.text(max_size=20)),
    max_size=12,
).map("".join)

CONSOLE = Console(width=120, color_system="truecolor", force_terminal=True, legacy_windows=False)


def plain(renderable) -> str:
    with CONSOLE.capture() as capture:
        CONSOLE.print(renderable, soft_wrap=True)
    return capture.get()


def make_issue(title: str, labels: tuple[str, ...] = (), author: str = "alice", body: str | None = "") -> Issue:
    return Issue(
        repo=REPO,
        number=4242,
        title=title,
        state="open",
        author=author,
        author_association="NONE",
        created_at=NOW - timedelta(days=3),
        updated_at=NOW - timedelta(hours=1),
        labels=labels,
        body=body,
        comments_count=1,
    )


def assert_inert(output: str) -> None:
    """No escape sequence or control character reached the terminal beyond the renderer's own."""
    # The console's own styling uses CSI ... m; a hostile string could only add others.
    import re

    stripped = re.sub(r"\x1b\[[0-9;]*m", "", output)
    assert "\x1b" not in stripped
    assert "\x9b" not in stripped
    assert not any(ch in stripped for ch in "\x00\x07\x08\x7f\u202e\u2066")


@settings(max_examples=200, deadline=None, derandomize=True)
@given(title=hostile, label=hostile, author=hostile)
def test_table_row_is_inert_and_literal(title, label, author):
    issue = make_issue(title, (label,), author)
    cells = issue_cells(issue, NOW, lambda name: Style())
    widths = layout_columns(ISSUE_COLUMNS, 200)
    strip = render_row(ISSUE_COLUMNS, widths, cells, 200, Style(), CONSOLE)
    text = "".join(segment.text for segment in strip)
    assert strip.cell_length == 200
    assert_inert(text)
    # Cells hold exactly the sanitised text: markup is shown, not applied.
    assert cells[1][0] == one_line(title)
    shown = one_line(title)
    if cell_len(shown) < widths[1]:
        assert shown in text
    if cell_len(cells[2][0]) < widths[2]:
        assert one_line(label, max_chars=60) in text


@settings(max_examples=200, deadline=None, derandomize=True)
@given(title=hostile, label=hostile, author=hostile)
def test_header_and_chips_are_literal(title, label, author):
    issue = make_issue(title, (label, "[bold]x[/bold]"), author)
    header = header_text(issue, NOW)
    chips = label_chips(issue.labels)
    assert one_line(title, max_chars=500) in header.plain
    assert "[bold]x[/bold]" in chips.plain
    assert_inert(plain(header) + plain(chips))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(body=hostile, label=hostile, title=hostile)
def test_dialog_summary_is_literal(body, label, title):
    plan = WritePlan(REPO, 1, (AddLabels((label or "x",)), RemoveLabel(label or "y"), PostComment(body if body.strip() else "b")), title=title)
    summary = plan_summary(plan)
    assert one_line(label or "x", max_chars=80) in summary.plain
    assert_inert(plain(summary))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(body=hostile)
def test_markdown_source_is_inert(body):
    source = prepare_markdown(body)
    assert "\x1b" not in source and "\x00" not in source and "\u202e" not in source
    for url in extract_links([body]):
        assert not any(ch.isspace() for ch in url)


def test_huge_body_is_capped():
    body = "x" * 1_000_000
    source = prepare_markdown(body)
    assert len(source) < BODY_CAP + 500
    assert "Truncated" in source


# -- widgets in a running app --------------------------------------------------------


class Host(App):
    """A bare app hosting one IssueView (what the issue screen mounts)."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = lambda: NOW
        self.keymap_overrides = {}

    def compose(self):
        yield IssueView(NOW, id="view")


def markdown_text(app: App) -> str:
    """The text the Markdown widgets render (block by block)."""
    from textual.widgets._markdown import MarkdownBlock

    parts = []
    for block in app.screen.query(MarkdownBlock):
        content = block._content if hasattr(block, "_content") else None
        parts.append(content.plain if content is not None else "")
    return "\n".join(parts)


async def render_thread(title: str, body: str, label: str, comment: str) -> tuple[str, str]:
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        thread = IssueThread(
            make_issue(title, (label,), "mallory", body),
            (Comment(1, "[bold]eve[/bold]", "NONE", comment, NOW - timedelta(hours=2)),),
        )
        view = app.query_one(IssueView)
        await view.show(thread)
        await pilot.pause()
        statics = "\n".join(str(s.render()) for s in app.screen.query(Static) if not isinstance(s, Markdown))
        md = markdown_text(app)
        plan = WritePlan(REPO, 4242, (AddLabels((label or "l",)), PostComment(comment if comment.strip() else "c")), title=title)
        await app.push_screen(ConfirmDialog(plan))
        await pilot.pause()
        dialog_md = markdown_text(app)
        return statics, md + "\n" + dialog_md


NASTY = [
    ("[bold]t[/bold]", "[bold]B[/bold] [link=https://evil.example]L[/link]", "[red]l[/red]", "[@click=app.quit]c[/]"),
    ("\x1b[31mred\x1b[0m", "\x1b]8;;https://evil.example\x1b\\x\x1b]8;;\x1b\\ body", "\x1b[1mlab", "\x07\x08\x00"),
    ("שלום 🔥 👩‍👩‍👧‍👦", "مرحبا بالعالم\n\n漢字 e\u0301 \u202eevil", "🏳️‍🌈", "\u2066iso\u2069"),
    ("big", "A" * 1_000_000, "x", "y" * 300_000),
]


async def test_nasty_threads_render_literally():
    for title, body, label, comment in NASTY:
        statics, md = await render_thread(title, body, label, comment)
        assert one_line(title) in statics
        assert one_line(label, max_chars=80) in statics
        assert "[bold]eve[/bold]" in statics
        if title == "[bold]t[/bold]":
            assert "[bold]B[/bold]" in md and "[link=https://evil.example]L[/link]" in md
            assert "[@click=app.quit]c[/]" in md
        assert "\x1b" not in md and "\x1b" not in statics


@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(title=hostile, body=hostile, label=hostile, comment=hostile)
def test_hostile_threads_render_in_the_app(title, body, label, comment):
    statics, md = asyncio.run(render_thread(title, body, label, comment))
    assert one_line(title, max_chars=500) in statics
    assert "\x1b" not in md and "\x1b" not in statics
