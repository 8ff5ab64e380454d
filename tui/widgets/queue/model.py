"""The queue's rows as indexes: filtering and sorting never touch widgets.

A section's issues stay in one list; a sort is a precomputed order of indexes into it
(cached per sort key) and the filter keeps the indexes whose haystack contains every
typed word. Typing one more character filters the previous result, not the whole list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Sequence

from core.models import Issue

SORTS: dict[str, str] = {
    "updated": "recently updated",
    "number": "newest number",
    "comments": "most comments",
    "age": "oldest first",
}
SORT_ORDER = tuple(SORTS)

_SORT_KEYS: dict[str, tuple[Callable[[Issue], object], bool]] = {
    "updated": (lambda i: (i.updated_at, i.number), True),
    "number": (lambda i: i.number, True),
    "comments": (lambda i: (i.comments_count, i.updated_at), True),
    "age": (lambda i: (i.created_at, i.number), False),
}


def haystack(issue: Issue) -> str:
    return f"#{issue.number} {issue.title} {' '.join(issue.labels)} {issue.author}".casefold()


class QueueModel:
    def __init__(self, issues: Sequence[Issue] = (), *, sort: str = "updated") -> None:
        self.sort = sort
        self.filter_text = ""
        self.set_issues(issues)

    def set_issues(self, issues: Sequence[Issue]) -> None:
        self.issues = list(issues)
        self._orders: dict[str, list[int]] = {}
        self._haystacks: list[str] | None = None
        self._recompute()

    def prepare(self) -> "QueueModel":
        """Do the per-issue work up front (meant for a worker thread): haystacks, sort order."""
        self._hay()
        self._order()
        return self

    def __len__(self) -> int:
        return len(self.visible)

    def issue_at(self, row: int) -> Issue | None:
        if 0 <= row < len(self.visible):
            return self.issues[self.visible[row]]
        return None

    def row_of(self, number: int) -> int | None:
        for row, index in enumerate(self.visible):
            if self.issues[index].number == number:
                return row
        return None

    def _order(self) -> list[int]:
        order = self._orders.get(self.sort)
        if order is None:
            key, reverse = _SORT_KEYS[self.sort]
            order = sorted(range(len(self.issues)), key=lambda i: key(self.issues[i]), reverse=reverse)
            self._orders[self.sort] = order
        return order

    def _hay(self) -> list[str]:
        if self._haystacks is None:
            self._haystacks = [haystack(issue) for issue in self.issues]
        return self._haystacks

    def _recompute(self, candidates: list[int] | None = None) -> None:
        words = self.filter_text.casefold().split()
        base = self._order() if candidates is None else candidates
        if not words:
            self.visible = list(base)
            return
        hay = self._hay()
        if len(words) == 1:
            word = words[0]
            self.visible = [i for i in base if word in hay[i]]
        else:
            self.visible = [i for i in base if all(w in hay[i] for w in words)]

    def set_filter(self, text: str) -> None:
        previous = self.filter_text
        self.filter_text = text
        # Extending the text can only narrow the result (every old word is a substring of a
        # new word), so only what is already visible needs checking.
        if previous and text.startswith(previous):
            self._recompute(self.visible)
        else:
            self._recompute()

    def set_sort(self, sort: str) -> None:
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}")
        self.sort = sort
        self._recompute()

    def next_sort(self) -> str:
        index = (SORT_ORDER.index(self.sort) + 1) % len(SORT_ORDER)
        self.set_sort(SORT_ORDER[index])
        return self.sort


def age(created: datetime, now: datetime) -> str:
    """Compact age: 45s, 12m, 5h, 3d, 7w, 4mo, 2y."""
    seconds = max(0, int((now - created).total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 24:
        return f"{hours}h"
    days = hours // 24
    if days < 14:
        return f"{days}d"
    if days < 60:
        return f"{days // 7}w"
    if days < 365:
        return f"{days // 30}mo"
    return f"{days // 365}y"
