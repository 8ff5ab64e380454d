"""The queue's issue table: a VirtualTable whose rows come from a QueueModel."""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from rich.style import Style

from core.models import Issue
from core.text import one_line

from ..table import ColumnSpec, VirtualTable
from .model import QueueModel, age

ISSUE_COLUMNS = (
    ColumnSpec("number", "#", width=7, justify="right"),
    ColumnSpec("title", "Title", flex=3.0, min_width=16),
    ColumnSpec("labels", "Labels", flex=1.2, min_width=8, max_width=44),
    ColumnSpec("author", "Author", width=16),
    ColumnSpec("age", "Age", width=4, justify="right"),
    ColumnSpec("comments", "Cmts", width=4, justify="right"),
)


class IssueTable(VirtualTable):
    """Shows ``model.visible``; call :meth:`reload` after changing the model."""

    COMPONENT_CLASSES = VirtualTable.COMPONENT_CLASSES | {
        "issue-table--number",
        "issue-table--labels",
        "issue-table--muted",
        "issue-table--closed",
    }

    def __init__(self, model: QueueModel, clock: Callable[[], datetime], **kwargs) -> None:
        self.model = model
        self.clock = clock
        self._drawn_issues = model.issues
        super().__init__(ISSUE_COLUMNS, self.cells, row_count=len(model), empty_text="No issues.", **kwargs)

    def cells(self, row: int) -> list[tuple[str, Style | None]]:
        issue = self.model.issue_at(row)
        if issue is None:
            return []
        return issue_cells(issue, self.clock(), self.get_component_rich_style)

    def row_identity(self, row: int) -> int:
        # The issue's index in the model: a filter keystroke reuses every drawn row that
        # stays visible instead of drawing the screenful again.
        visible = self.model.visible
        return visible[row] if 0 <= row < len(visible) else -1

    def reload(self, *, keep_number: int | None = None) -> None:
        """Redraw after the model's rows changed, keeping the cursor on ``keep_number``."""
        row = self.model.row_of(keep_number) if keep_number is not None else None
        same_issues = self.model.issues is self._drawn_issues
        self._drawn_issues = self.model.issues
        self.set_rows(len(self.model), cursor=row or 0, keep_cache=same_issues)

    @property
    def current_issue(self) -> Issue | None:
        return self.model.issue_at(self.cursor_row)


def issue_cells(issue: Issue, now: datetime, style_of: Callable) -> list[tuple[str, Style | None]]:
    """The cells of one row; every issue string goes through ``one_line`` (plain text, no markup)."""
    closed = issue.state == "closed"
    title = one_line(issue.title)
    if issue.locked:
        title = "🔒 " + title
    return [
        (f"#{issue.number}", style_of("issue-table--closed" if closed else "issue-table--number")),
        (title, style_of("issue-table--muted") if closed else None),
        (", ".join(one_line(label, max_chars=60) for label in issue.labels), style_of("issue-table--labels")),
        (one_line(issue.author, max_chars=60), None),
        (age(issue.created_at, now), style_of("issue-table--muted")),
        (str(issue.comments_count), None),
    ]
