"""The issue side of the review: title, labels, body and comments as literal text with
the evidence spots highlighted, and a jump to one spot.

Spots come from the core (``Evidence.document``/``start``/``end`` index the original
title, body or comment text). Each stretch of untrusted text passes through
``core.text.inert`` on its own, so cleaning a stretch never shifts another's highlight.
Markdown is not rendered here: a highlight must land on the exact characters.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.widgets.replace import replace_children

from core.models import IssueThread
from core.text import inert
from core.triage import Evidence

from ..issue.view import BODY_CAP, comment_header, header_text, label_chips

SPOT = "on #5f5f00"  # every evidence spot
CURRENT = "bold black on yellow"  # the spots of the selected label


def highlighted(text: str, spots: Iterable[tuple[int, int]], current: Iterable[tuple[int, int]] = (), cap: int = BODY_CAP) -> Text:
    """``text`` (cut at ``cap``) as literal Rich text with the spans highlighted."""
    text = text[:cap]
    marks: dict[int, str] = {}
    cur = set(current)
    for start, end in sorted(set(spots) | cur):
        style = CURRENT if (start, end) in cur else SPOT
        for i in range(max(0, start), min(end, len(text))):
            if marks.get(i) != CURRENT:
                marks[i] = style
    out = Text()
    i = 0
    n = len(text)
    while i < n:
        style = marks.get(i)
        j = i + 1
        while j < n and marks.get(j) == style:
            j += 1
        out.append(inert(text[i:j]), style=style or "")
        i = j
    return out


def _documents(thread: IssueThread) -> list[tuple[str, str]]:
    """(document name, text) in the names the engine uses: body, comment N (1-based)."""
    docs = [("body", thread.issue.body or "")]
    docs += [(f"comment {i}", c.body or "") for i, c in enumerate(thread.comments, start=1)]
    return docs


class EvidenceThread(VerticalScroll):
    """The thread with spots; :meth:`show` renders, :meth:`select` moves the bright spots
    and scrolls the first of them into view."""

    def __init__(self, now: datetime, **kwargs) -> None:
        super().__init__(**kwargs)
        self.now = now
        self.thread: IssueThread | None = None
        self.evidence: tuple[Evidence, ...] = ()
        self.current: tuple[Evidence, ...] = ()

    async def show(self, thread: IssueThread, evidence: Iterable[Evidence]) -> None:
        self.thread = thread
        self.evidence = tuple(e for e in evidence if e.end > e.start)
        self.current = ()
        issue = thread.issue
        widgets = [
            Static(header_text(issue, self.now), classes="issue-header", id="ev-header"),
            Static(label_chips(issue.labels), classes="issue-labels"),
            Static(id="ev-title", classes="ev-doc"),
        ]
        for index, (name, _text) in enumerate(_documents(thread)):
            if index:
                widgets.append(Static(comment_header(thread.comments[index - 1], self.now), classes="comment-header"))
            widgets.append(Static(id=f"ev-doc-{index}", classes="ev-doc ev-body" if index == 0 else "ev-doc ev-comment"))
        await replace_children(self, widgets)
        self._paint()
        self.scroll_home(animate=False)

    async def clear(self) -> None:
        self.thread = None
        self.evidence = self.current = ()
        await self.remove_children()

    def _spans(self, name: str, pool: Iterable[Evidence]) -> list[tuple[int, int]]:
        return [(e.start, e.end) for e in pool if e.document == name]

    def _paint(self) -> None:
        if self.thread is None or not self.query("#ev-title"):
            return  # not mounted yet (a focus change can arrive mid-render); show() paints
        title = self.thread.issue.title or ""
        t = Text("Title: ", style="bold")
        t.append_text(highlighted(title, self._spans("title", self.evidence), self._spans("title", self.current)))
        self.query_one("#ev-title", Static).update(t)
        for index, (name, text) in enumerate(_documents(self.thread)):
            found = self.query(f"#ev-doc-{index}")
            if not found:
                return
            widget = found.first(Static)
            if not text.strip():
                widget.update(Text("No description provided.", style="dim italic"))
                continue
            widget.update(highlighted(text, self._spans(name, self.evidence), self._spans(name, self.current)))

    def select(self, evidence: Iterable[Evidence], spot: int = 0) -> Evidence | None:
        """Brighten ``evidence`` and scroll to its ``spot``-th located entry (None: none)."""
        self.current = tuple(e for e in evidence if e.end > e.start)
        self._paint()
        located = [e for e in self.current if e.document != "labels"]
        if not located:
            return None
        target = located[spot % len(located)]
        self.call_after_refresh(self._jump_to_spot, target)
        return target

    def _jump_to_spot(self, ev: Evidence) -> None:
        if self.thread is None:
            return
        if ev.document == "title":
            found = self.query("#ev-title")
            if not found:
                return
            widget = found.first(Static)
            line = 0
        else:
            names = [name for name, _ in _documents(self.thread)]
            if ev.document not in names:
                return
            index = names.index(ev.document)
            found = self.query(f"#ev-doc-{index}")
            if not found:
                return  # re-rendered meanwhile
            widget = found.first(Static)
            text = _documents(self.thread)[index][1]
            # The visual line of the spot: wrap the text before it at the widget's width.
            width = max(1, widget.content_region.width or self.content_region.width or 80)
            before = highlighted(text[: ev.start], ())
            line = max(0, len(before.wrap(self.app.console, width)) - 1) if ev.start else 0
        y = widget.virtual_region.y + line
        self.scroll_to(y=max(0, y - 2), animate=False)
