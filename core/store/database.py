"""The sqlite file: connection settings and versioned schema migrations.

WAL journal + ``synchronous=NORMAL``: a committed transaction survives a killed process
(only an OS crash could lose the last commits). Migrations run in order inside one
transaction each and bump ``PRAGMA user_version``.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

MIGRATIONS: tuple[str, ...] = (
    # 1: issue cache, comments, section membership, sync cursors, audit log, sessions.
    """
    CREATE TABLE issues (
        repo TEXT NOT NULL,
        number INTEGER NOT NULL,
        title TEXT NOT NULL,
        state TEXT NOT NULL,
        state_reason TEXT,
        author TEXT NOT NULL,
        author_association TEXT NOT NULL,
        labels TEXT NOT NULL,            -- JSON array of names
        body TEXT,                       -- NULL until the issue was opened/fetched
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        closed_at TEXT,
        comments_count INTEGER NOT NULL DEFAULT 0,
        locked INTEGER NOT NULL DEFAULT 0,
        assignees TEXT NOT NULL DEFAULT '[]',
        html_url TEXT NOT NULL DEFAULT '',
        node_id TEXT NOT NULL DEFAULT '',
        comments_fetched_at TEXT,
        PRIMARY KEY (repo, number)
    );
    CREATE INDEX issues_updated ON issues(repo, updated_at);
    CREATE TABLE comments (
        repo TEXT NOT NULL,
        issue_number INTEGER NOT NULL,
        id INTEGER NOT NULL,
        author TEXT NOT NULL,
        author_association TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT,
        html_url TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (repo, id)
    );
    CREATE INDEX comments_issue ON comments(repo, issue_number, created_at);
    CREATE TABLE section_members (
        repo TEXT NOT NULL,
        section TEXT NOT NULL,
        number INTEGER NOT NULL,
        PRIMARY KEY (repo, section, number)
    );
    CREATE TABLE sync_cursors (
        repo TEXT NOT NULL,
        section TEXT NOT NULL,
        query TEXT NOT NULL,
        updated_at_max TEXT,
        last_sync_at TEXT,
        PRIMARY KEY (repo, section)
    );
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time TEXT NOT NULL,
        repo TEXT NOT NULL,
        issue INTEGER NOT NULL,
        action TEXT NOT NULL,
        payload_digest TEXT NOT NULL,
        result TEXT NOT NULL,
        error TEXT,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        repo TEXT NOT NULL,
        issue INTEGER,
        step TEXT NOT NULL,
        state TEXT NOT NULL,             -- JSON document owned by the workflow
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX sessions_issue ON sessions(kind, repo, issue);
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


class Database:
    """One sqlite connection shared by threads behind a lock."""

    def __init__(self, path: Path | str):
        self.path = Path(path) if path != ":memory:" else path
        if isinstance(self.path, Path):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.execute("PRAGMA busy_timeout=5000")
        self.migrate()

    @property
    def version(self) -> int:
        return self._conn.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        with self._lock:
            current = self.version
            if current > SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path}: store schema v{current} is newer than this triagedeck (v{SCHEMA_VERSION})"
                )
            for index in range(current, SCHEMA_VERSION):
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _split_sql(MIGRATIONS[index]):
                        self._conn.execute(statement)
                    self._conn.execute(f"PRAGMA user_version={index + 1}")
                    self._conn.execute("COMMIT")
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; committed on exit, rolled back on error."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements (no semicolons inside our literals)."""
    statements = []
    for chunk in script.split(";"):
        lines = [line.split("--", 1)[0] for line in chunk.splitlines()]
        text = "\n".join(lines).strip()
        if text:
            statements.append(text)
    return statements
