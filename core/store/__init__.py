"""sqlite store (WAL): issue cache, sync cursors, audit log, workflow sessions."""

from __future__ import annotations

from pathlib import Path

from .audit import AuditLog
from .database import SCHEMA_VERSION, Database
from .issues import IssueCache
from .sessions import SessionRecord, SessionStore

__all__ = ["Store", "Database", "AuditLog", "IssueCache", "SessionStore", "SessionRecord", "SCHEMA_VERSION"]


class Store:
    """The one store of a data dir, with its three areas."""

    def __init__(self, path: Path | str):
        self.db = Database(path)
        self.issues = IssueCache(self.db)
        self.audit = AuditLog(self.db)
        self.sessions = SessionStore(self.db)

    def close(self) -> None:
        self.db.close()
