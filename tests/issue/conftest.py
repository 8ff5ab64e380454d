from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from core.models import Comment, Issue, IssueThread

T0 = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def make_thread(body: str, comments=(), *, author: str = "reporter", association: str = "NONE") -> IssueThread:
    """An issue thread; ``comments`` is a sequence of (author, body) or (author, body, association)."""
    issue = Issue(
        repo="pytorch/pytorch", number=1234, title="bug", state="open", author=author,
        author_association=association, created_at=T0, updated_at=T0, body=body,
    )
    items = []
    for i, c in enumerate(comments):
        who, text = c[0], c[1]
        assoc = c[2] if len(c) > 2 else "NONE"
        items.append(Comment(id=i + 1, author=who, author_association=assoc, body=text,
                             created_at=T0 + timedelta(hours=i + 1)))
    return IssueThread(issue, tuple(items))


@pytest.fixture
def thread_factory():
    return make_thread
