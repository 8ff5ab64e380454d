"""The issue thread: header, label chips, body and comments as Markdown, links.

Every string from GitHub passes through ``core.text.inert``/``one_line`` and is placed in
``rich.text.Text`` objects or handed to the Markdown widget (which never reads Rich
markup). Bodies are capped so a 1 MB body cannot stall the screen.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Iterable

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.widgets.replace import replace_children

from core.models import Comment, Issue, IssueThread
from core.text import inert, one_line

from ..markdown import FenceCachingMarkdown
from ..queue.model import age

# Textual's Markdown widget takes about a second per 100 KB; bodies beyond this are cut.
BODY_CAP = 64_000
MAX_LINKS = 60

_URL_RE = re.compile(r"https?://[^\s<>\"'`()\[\]{}|\\^]+", re.IGNORECASE)


def prepare_markdown(text: str | None, cap: int = BODY_CAP) -> str:
    """Inert Markdown source, cut at ``cap`` characters with a visible note."""
    if not text or not text.strip():
        return "*No description provided.*"
    if len(text) <= cap:
        return inert(text)
    return inert(text[:cap]) + f"\n\n---\n\n*Truncated: {len(text) - cap:,} more characters not shown (open in the browser to read all).*"


def extract_links(texts: Iterable[str | None], limit: int = MAX_LINKS) -> list[str]:
    """URLs found in the texts, in order of first appearance, without trailing punctuation."""
    seen: dict[str, None] = {}
    for text in texts:
        if not text:
            continue
        for match in _URL_RE.finditer(text):
            url = match.group(0).rstrip(".,;:!?*_~")
            if url not in seen:
                seen[url] = None
                if len(seen) >= limit:
                    return list(seen)
    return list(seen)


def state_text(issue: Issue) -> Text:
    if issue.state == "open":
        text = Text(" OPEN ", style="bold reverse green")
    else:
        reason = (issue.state_reason or "").replace("_", " ")
        label = f" CLOSED ({one_line(reason, max_chars=30)}) " if reason else " CLOSED "
        text = Text(label, style="bold reverse magenta")
    if issue.locked:
        text.append("  🔒 locked", style="bold yellow")
    return text


def header_text(issue: Issue, now: datetime) -> Text:
    """Title, state, author and dates."""
    text = Text()
    text.append(f"#{issue.number} ", style="bold")
    text.append(one_line(issue.title, max_chars=500), style="bold")
    text.append("\n")
    text.append_text(state_text(issue))
    text.append("  ")
    text.append(one_line(issue.author, max_chars=60), style="bold")
    association = one_line(issue.author_association, max_chars=40)
    if association and association != "NONE":
        text.append(f" ({association.lower().replace('_', ' ')})")
    text.append(f" opened {age(issue.created_at, now)} ago · updated {age(issue.updated_at, now)} ago")
    text.append(f" · {issue.comments_count} comment{'' if issue.comments_count == 1 else 's'}")
    return text


def label_chips(labels: Iterable[str]) -> Text:
    """Labels as chips; names are literal text, so ``[bold]`` shows as typed."""
    text = Text()
    for index, label in enumerate(labels):
        if index:
            text.append(" ")
        text.append(f" {one_line(label, max_chars=80)} ", style="reverse")
    if not text:
        text.append("no labels", style="dim italic")
    return text


def comment_header(comment: Comment, now: datetime) -> Text:
    text = Text()
    text.append(one_line(comment.author, max_chars=60), style="bold")
    association = one_line(comment.author_association, max_chars=40)
    if association and association != "NONE":
        text.append(f" ({association.lower().replace('_', ' ')})")
    text.append(f" commented {age(comment.created_at, now)} ago", style="dim")
    return text


def links_text(urls: list[str]) -> Text:
    text = Text()
    for index, url in enumerate(urls, start=1):
        text.append(f"{index:>2}. ", style="dim")
        text.append(one_line(url, max_chars=300))
        text.append("\n")
    text.rstrip()
    return text


class IssueView(VerticalScroll):
    """One issue thread; :meth:`show` replaces what is shown."""

    def __init__(self, now: datetime, **kwargs) -> None:
        super().__init__(**kwargs)
        self.now = now
        self.thread: IssueThread | None = None
        self._headers: list[Static] = []  # the issue's header, then each comment's

    async def show(self, thread: IssueThread, now: datetime | None = None) -> None:
        shown_now = self.now
        if now is not None:
            self.now = now
        if thread == self.thread and self._headers:
            if self.now == shown_now:
                return
            # The fetch after the cached copy usually brings the same thread: only the ages
            # can move. Rebuilding would re-parse and re-mount every Markdown block.
            self._headers[0].update(header_text(thread.issue, self.now))
            for static, comment in zip(self._headers[1:], thread.comments):
                static.update(comment_header(comment, self.now))
            return
        self.thread = thread
        issue = thread.issue
        header = Static(header_text(issue, self.now), classes="issue-header")
        widgets = [header, Static(label_chips(issue.labels), classes="issue-labels")]
        self._headers = [header]
        if issue.body is None:
            widgets.append(Static(Text("Loading the body…", style="italic"), classes="issue-note"))
        else:
            widgets.append(FenceCachingMarkdown(prepare_markdown(issue.body), open_links=False, classes="issue-body"))
        for comment in thread.comments:
            self._headers.append(Static(comment_header(comment, self.now), classes="comment-header"))
            widgets.append(self._headers[-1])
            widgets.append(FenceCachingMarkdown(prepare_markdown(comment.body), open_links=False, classes="comment-body"))
        urls = extract_links([issue.body, *(c.body for c in thread.comments)])
        widgets.append(Static(Text(f"Links ({len(urls)})", style="bold"), classes="links-title"))
        widgets.append(Static(links_text(urls) if urls else Text("none", style="dim"), classes="issue-links"))
        await replace_children(self, widgets)
