"""The issue and comment cache, section membership and sync cursors."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from functools import lru_cache
from typing import Iterable

from ..models import Comment, Issue, IssueThread, format_timestamp, parse_timestamp, utcnow
from .database import Database

_ISSUE_COLUMNS = (
    "repo, number, title, state, state_reason, author, author_association, labels, body, "
    "created_at, updated_at, closed_at, comments_count, locked, assignees, html_url, node_id"
)


def _issue_row(issue: Issue) -> tuple:
    return (
        issue.repo,
        issue.number,
        issue.title,
        issue.state,
        issue.state_reason,
        issue.author,
        issue.author_association,
        json.dumps(list(issue.labels)),
        issue.body,
        format_timestamp(issue.created_at),
        format_timestamp(issue.updated_at),
        format_timestamp(issue.closed_at),
        issue.comments_count,
        int(issue.locked),
        json.dumps(list(issue.assignees)),
        issue.html_url,
        issue.node_id,
    )


@lru_cache(maxsize=8192)
def _names(text: str) -> tuple[str, ...]:
    # Label/assignee sets repeat across thousands of issues: decode each JSON text once.
    return tuple(json.loads(text)) if text != "[]" else ()


def issue_from_row(row: sqlite3.Row) -> Issue:
    body = row["body"] if "body" in row.keys() else None
    return Issue(
        repo=row["repo"],
        number=row["number"],
        title=row["title"],
        state=row["state"],
        state_reason=row["state_reason"],
        author=row["author"],
        author_association=row["author_association"],
        labels=_names(row["labels"]),
        body=body,
        created_at=parse_timestamp(row["created_at"]),  # type: ignore[arg-type]
        updated_at=parse_timestamp(row["updated_at"]),  # type: ignore[arg-type]
        closed_at=parse_timestamp(row["closed_at"]),
        comments_count=row["comments_count"],
        locked=bool(row["locked"]),
        assignees=_names(row["assignees"]),
        html_url=row["html_url"],
        node_id=row["node_id"],
    )


class IssueCache:
    def __init__(self, db: Database):
        self.db = db

    def upsert_issues(self, issues: Iterable[Issue], *, keep_body: bool = True) -> int:
        """Insert or update issues. With ``keep_body``, a None body never erases a cached one."""
        rows = [_issue_row(issue) for issue in issues]
        if not rows:
            return 0
        body_expr = "COALESCE(excluded.body, issues.body)" if keep_body else "excluded.body"
        sql = (
            f"INSERT INTO issues ({_ISSUE_COLUMNS}) VALUES ({', '.join('?' * 17)}) "
            "ON CONFLICT(repo, number) DO UPDATE SET title=excluded.title, state=excluded.state, "
            "state_reason=excluded.state_reason, author=excluded.author, "
            "author_association=excluded.author_association, labels=excluded.labels, "
            f"body={body_expr}, created_at=excluded.created_at, updated_at=excluded.updated_at, "
            "closed_at=excluded.closed_at, comments_count=excluded.comments_count, locked=excluded.locked, "
            "assignees=excluded.assignees, html_url=CASE WHEN excluded.html_url='' THEN issues.html_url ELSE excluded.html_url END, "
            "node_id=CASE WHEN excluded.node_id='' THEN issues.node_id ELSE excluded.node_id END"
        )
        with self.db.transaction() as conn:
            conn.executemany(sql, rows)
        return len(rows)

    def get(self, repo: str, number: int) -> Issue | None:
        rows = self.db.query(f"SELECT {_ISSUE_COLUMNS} FROM issues WHERE repo=? AND number=?", (repo, number))
        return issue_from_row(rows[0]) if rows else None

    def all(self, repo: str) -> list[Issue]:
        rows = self.db.query(f"SELECT {_ISSUE_COLUMNS} FROM issues WHERE repo=? ORDER BY number DESC", (repo,))
        return [issue_from_row(r) for r in rows]

    def count(self, repo: str) -> int:
        return self.db.query("SELECT COUNT(*) FROM issues WHERE repo=?", (repo,))[0][0]

    # Section membership -------------------------------------------------------------

    def set_section_members(self, repo: str, section: str, numbers: Iterable[int], *, replace: bool) -> None:
        with self.db.transaction() as conn:
            if replace:
                conn.execute("DELETE FROM section_members WHERE repo=? AND section=?", (repo, section))
            conn.executemany(
                "INSERT OR IGNORE INTO section_members (repo, section, number) VALUES (?, ?, ?)",
                [(repo, section, n) for n in numbers],
            )

    def remove_section_members(self, repo: str, section: str, numbers: Iterable[int]) -> None:
        with self.db.transaction() as conn:
            conn.executemany(
                "DELETE FROM section_members WHERE repo=? AND section=? AND number=?",
                [(repo, section, n) for n in numbers],
            )

    def section_issues(self, repo: str, section: str, *, with_body: bool = False) -> list[Issue]:
        """Issues of a queue section, most recently updated first.

        Without ``with_body`` the bodies are not read (``body`` is None): a queue of
        20,000 issues needs none of them, and they are most of the bytes.
        """
        cols = ", ".join(
            f"i.{c.strip()}" for c in _ISSUE_COLUMNS.split(",") if with_body or c.strip() != "body"
        )
        rows = self.db.query(
            f"SELECT {cols} FROM issues i JOIN section_members s ON s.repo=i.repo AND s.number=i.number "
            "WHERE s.repo=? AND s.section=? ORDER BY i.updated_at DESC, i.number DESC",
            (repo, section),
        )
        return [issue_from_row(r) for r in rows]

    # Comments -----------------------------------------------------------------------

    def replace_comments(self, repo: str, number: int, comments: Iterable[Comment]) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM comments WHERE repo=? AND issue_number=?", (repo, number))
            conn.executemany(
                "INSERT OR REPLACE INTO comments (repo, issue_number, id, author, author_association, body, "
                "created_at, updated_at, html_url) VALUES (?,?,?,?,?,?,?,?,?)",
                [
                    (
                        repo,
                        number,
                        c.id,
                        c.author,
                        c.author_association,
                        c.body,
                        format_timestamp(c.created_at),
                        format_timestamp(c.updated_at),
                        c.html_url,
                    )
                    for c in comments
                ],
            )
            conn.execute(
                "UPDATE issues SET comments_fetched_at=? WHERE repo=? AND number=?",
                (format_timestamp(utcnow()), repo, number),
            )

    def comments(self, repo: str, number: int) -> list[Comment]:
        rows = self.db.query(
            "SELECT * FROM comments WHERE repo=? AND issue_number=? ORDER BY created_at, id", (repo, number)
        )
        return [
            Comment(
                id=r["id"],
                author=r["author"],
                author_association=r["author_association"],
                body=r["body"],
                created_at=parse_timestamp(r["created_at"]),  # type: ignore[arg-type]
                updated_at=parse_timestamp(r["updated_at"]),
                html_url=r["html_url"],
            )
            for r in rows
        ]

    def thread(self, repo: str, number: int) -> IssueThread | None:
        """The cached issue with its cached comments (None if the issue is not cached)."""
        issue = self.get(repo, number)
        if issue is None:
            return None
        return IssueThread(issue, tuple(self.comments(repo, number)))

    def save_thread(self, thread: IssueThread) -> None:
        self.upsert_issues([thread.issue], keep_body=False)
        self.replace_comments(thread.issue.repo, thread.issue.number, thread.comments)

    # Sync cursors -------------------------------------------------------------------

    def cursor(self, repo: str, section: str, query: str) -> datetime | None:
        """The newest ``updatedAt`` seen by the last sync of this section (None: full sync).

        A changed query invalidates the cursor.
        """
        rows = self.db.query(
            "SELECT query, updated_at_max FROM sync_cursors WHERE repo=? AND section=?", (repo, section)
        )
        if not rows or rows[0]["query"] != query:
            return None
        return parse_timestamp(rows[0]["updated_at_max"])

    def set_cursor(self, repo: str, section: str, query: str, updated_at_max: datetime | None) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO sync_cursors (repo, section, query, updated_at_max, last_sync_at) VALUES (?,?,?,?,?) "
                "ON CONFLICT(repo, section) DO UPDATE SET query=excluded.query, "
                "updated_at_max=excluded.updated_at_max, last_sync_at=excluded.last_sync_at",
                (repo, section, query, format_timestamp(updated_at_max), format_timestamp(utcnow())),
            )
