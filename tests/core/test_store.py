import json
import multiprocessing
import os
import signal
from datetime import datetime, timedelta, timezone

from core.models import Comment, Issue, IssueThread
from core.store import SCHEMA_VERSION, Store

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def make_issue(number: int, **kw) -> Issue:
    base = dict(
        repo="o/r",
        number=number,
        title=f"issue {number}",
        state="open",
        author="alice",
        author_association="NONE",
        created_at=T0,
        updated_at=T0 + timedelta(hours=number),
        labels=("bug",),
    )
    base.update(kw)
    return Issue(**base)


def test_schema_is_versioned(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    assert store.db.version == SCHEMA_VERSION
    store.close()
    store = Store(tmp_path / "s.sqlite3")  # reopening runs no migration twice
    assert store.db.version == SCHEMA_VERSION
    mode = store.db.query("PRAGMA journal_mode")[0][0]
    assert mode == "wal"


def test_issue_roundtrip_and_body_preserved_by_sync_rows(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    store.issues.upsert_issues([make_issue(1, body="full body", labels=("a", "b"))])
    # A sync row has no body: it must not erase the fetched one.
    store.issues.upsert_issues([make_issue(1, body=None, title="renamed")])
    got = store.issues.get("o/r", 1)
    assert got.title == "renamed" and got.body == "full body" and got.labels == ("bug",)


def test_sections_and_cursor(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    store.issues.upsert_issues([make_issue(n) for n in range(1, 6)])
    store.issues.set_section_members("o/r", "S", [1, 2, 3], replace=True)
    assert [i.number for i in store.issues.section_issues("o/r", "S")] == [3, 2, 1]
    store.issues.remove_section_members("o/r", "S", [2])
    assert [i.number for i in store.issues.section_issues("o/r", "S")] == [3, 1]
    assert store.issues.cursor("o/r", "S", "q") is None
    store.issues.set_cursor("o/r", "S", "q", T0)
    assert store.issues.cursor("o/r", "S", "q") == T0
    assert store.issues.cursor("o/r", "S", "other query") is None  # a new query restarts


def test_thread_and_comments(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    thread = IssueThread(
        make_issue(7, body="b"),
        (Comment(1, "bob", "MEMBER", "hi", T0), Comment(2, "eve", "NONE", "[bold]x", T0 + timedelta(1))),
    )
    store.issues.save_thread(thread)
    got = store.issues.thread("o/r", 7)
    assert got.comments == thread.comments


def test_audit_and_sessions(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    store.audit.append(repo="o/r", issue=1, action="comment", payload_digest="abc", result="sent")
    store.audit.append(repo="o/r", issue=2, action="close", payload_digest="def", result="failed", error="HTTP 500")
    entries = store.audit.entries(repo="o/r")
    assert [e.issue for e in entries] == [2, 1]
    assert entries[0].error == "HTTP 500"
    rec = store.sessions.create(kind="scrub", repo="o/r", issue=1, step="fetch", state={"a": 1})
    store.sessions.save(rec.id, step="analyze", state={"a": 2})
    got = store.sessions.latest(kind="scrub", repo="o/r", issue=1)
    assert got.step == "analyze" and got.state == {"a": 2}


def _write_then_die(path, ready):
    store = Store(path)
    rec = store.sessions.create(kind="fuzz", repo="o/r", issue=None, step="step1", state={"proof": "fail"})
    store.audit.append(repo="o/r", issue=3, action="comment", payload_digest="x", result="sent")
    ready.send(rec.id)  # Pipe.send is synchronous (a Queue's feeder thread would die first)
    os.kill(os.getpid(), signal.SIGKILL)  # no close, no atexit


def test_killed_process_loses_nothing_committed(tmp_path):
    path = tmp_path / "s.sqlite3"
    Store(path).close()
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_write_then_die, args=(path, child))
    proc.start()
    assert parent.poll(30)
    session_id = parent.recv()
    proc.join(30)
    assert proc.exitcode == -signal.SIGKILL
    store = Store(path)
    assert store.sessions.get(session_id).state == {"proof": "fail"}
    assert store.audit.entries()[0].issue == 3
