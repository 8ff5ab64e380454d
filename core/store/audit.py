"""The audit log: one row per GitHub write the write gate executed (or refused)."""

from __future__ import annotations

from ..models import AuditEntry, format_timestamp, parse_timestamp, utcnow
from .database import Database


class AuditLog:
    def __init__(self, db: Database):
        self.db = db

    def append(
        self,
        *,
        repo: str,
        issue: int,
        action: str,
        payload_digest: str,
        result: str,
        error: str | None = None,
        detail: str = "",
    ) -> int:
        with self.db.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO audit_log (time, repo, issue, action, payload_digest, result, error, detail) "
                "VALUES (?,?,?,?,?,?,?,?)",
                (format_timestamp(utcnow()), repo, issue, action, payload_digest, result, error, detail),
            )
            return int(cur.lastrowid or 0)

    def entries(self, *, repo: str | None = None, issue: int | None = None, limit: int = 1000) -> list[AuditEntry]:
        """Newest first."""
        where, params = [], []
        if repo is not None:
            where.append("repo=?")
            params.append(repo)
        if issue is not None:
            where.append("issue=?")
            params.append(issue)
        sql = "SELECT * FROM audit_log"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        return [
            AuditEntry(
                id=r["id"],
                time=parse_timestamp(r["time"]),  # type: ignore[arg-type]
                repo=r["repo"],
                issue=r["issue"],
                action=r["action"],
                payload_digest=r["payload_digest"],
                result=r["result"],
                error=r["error"],
                detail=r["detail"],
            )
            for r in self.db.query(sql, tuple(params))
        ]
