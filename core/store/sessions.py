"""Persisted workflow sessions (scrub, fuzz, triage): a step name and a JSON state."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..models import format_timestamp, parse_timestamp, utcnow
from .database import Database


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: str
    kind: str
    repo: str
    issue: int | None
    step: str
    state: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class SessionStore:
    def __init__(self, db: Database):
        self.db = db

    def create(self, *, kind: str, repo: str, issue: int | None, step: str, state: dict[str, Any]) -> SessionRecord:
        now = utcnow()
        record = SessionRecord(uuid.uuid4().hex[:12], kind, repo, issue, step, state, now, now)
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO sessions (id, kind, repo, issue, step, state, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                (record.id, kind, repo, issue, step, json.dumps(state), format_timestamp(now), format_timestamp(now)),
            )
        return record

    def save(self, session_id: str, *, step: str, state: dict[str, Any]) -> None:
        """Persist a step change atomically (a killed app resumes from the last save)."""
        with self.db.transaction() as conn:
            cur = conn.execute(
                "UPDATE sessions SET step=?, state=?, updated_at=? WHERE id=?",
                (step, json.dumps(state), format_timestamp(utcnow()), session_id),
            )
            if cur.rowcount != 1:
                raise KeyError(session_id)

    def get(self, session_id: str) -> SessionRecord | None:
        rows = self.db.query("SELECT * FROM sessions WHERE id=?", (session_id,))
        return _record(rows[0]) if rows else None

    def latest(self, *, kind: str, repo: str, issue: int | None) -> SessionRecord | None:
        rows = self.db.query(
            "SELECT * FROM sessions WHERE kind=? AND repo=? AND issue IS ? ORDER BY updated_at DESC LIMIT 1",
            (kind, repo, issue),
        )
        return _record(rows[0]) if rows else None

    def list(self, *, kind: str | None = None) -> list[SessionRecord]:
        if kind is None:
            rows = self.db.query("SELECT * FROM sessions ORDER BY updated_at DESC")
        else:
            rows = self.db.query("SELECT * FROM sessions WHERE kind=? ORDER BY updated_at DESC", (kind,))
        return [_record(r) for r in rows]

    def delete(self, session_id: str) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM sessions WHERE id=?", (session_id,))


def _record(row) -> SessionRecord:
    return SessionRecord(
        id=row["id"],
        kind=row["kind"],
        repo=row["repo"],
        issue=row["issue"],
        step=row["step"],
        state=json.loads(row["state"]),
        created_at=parse_timestamp(row["created_at"]),  # type: ignore[arg-type]
        updated_at=parse_timestamp(row["updated_at"]),  # type: ignore[arg-type]
    )
