"""The scrub session through its Python API: event streaming, gates, edits, resume after
the app was killed with SIGKILL mid-run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from core.demo import DEMO_CASES
from core.models import Comment, Issue, IssueThread
from core.run import conda_env, parse_environment
from core.scrub import GateOpened, RunOutput, ScrubOptions, ScrubSession, StepChanged
from core.store import Store
from core.workflow import GateError

from .conftest import base_python, make_fake_conda

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime.now(timezone.utc)


def thread_with(code: str, error: str, number: int = 4242) -> IssueThread:
    body = f"### 🐛 Describe the bug\n\n```python\n{code}```\n\n```\nTraceback (most recent call last):\n  File \"r.py\", line 3, in <module>\n{error}\n```\n"
    issue = Issue("pytorch/pytorch", number, "Widget counter goes negative", "open", "someone", "NONE",
                  NOW - timedelta(days=3), NOW - timedelta(days=3), body=body)
    return IssueThread(issue)


def options(tmp_path: Path, **kw) -> ScrubOptions:
    return ScrubOptions(env=parse_environment(f"local:{base_python()}"), repro_dir=tmp_path / "repros", **kw)


async def _same(thread):
    return thread


async def drive(session: ScrubSession) -> list:
    return [e async for e in session.advance()]


async def test_events_stream_steps_in_order_and_gates_stop_the_stream(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    thread = thread_with("import math\nmath.log(0.0)\n", "ValueError: math domain error")
    session = ScrubSession.start(store.sessions, "pytorch/pytorch", 4242, options(tmp_path), fetch=lambda: _same(thread))
    events = await drive(session)
    assert isinstance(events[-1], GateOpened) and events[-1].gate.id == "safety"
    with pytest.raises(GateError):
        session.choose("minimize", "run")  # only the open gate can be answered
    with pytest.raises(ValueError):
        session.choose("safety", "edit")  # an edit needs the edited code
    session.choose("safety", "run")
    events = await drive(session)
    started = [e.step for e in events if isinstance(e, StepChanged) and e.status == "running"]
    assert started == ["recent_verification", "reproduce", "bisect", "minimize", "trivial_fix", "report"]
    lines = [e.event.text for e in events if isinstance(e, RunOutput) and getattr(e.event, "text", None)]
    assert any("math domain error" in line for line in lines)
    assert session.finished and session.plan.comments[0].startswith("This issue still reproduces")
    store.close()


async def test_different_error_edit_goes_through_review_again_and_the_report_shows_the_updated_repro(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    old = "raise AttributeError(\"module 'torch' has no attribute 'count_widgets'\")\n"
    thread = thread_with(old, "ValueError: the widget count is negative: -1")
    session = ScrubSession.start(store.sessions, "pytorch/pytorch", 4242, options(tmp_path), fetch=lambda: _same(thread))
    await drive(session)
    session.choose("safety", "run")
    events = await drive(session)
    assert session.gate.id == "different_error" and "renamed or moved" in session.gate.question
    assert len(session.data["run"]["runs"]) == 3  # a different error is confirmed before asking
    new = "count = -1\nif count < 0:\n    raise ValueError(f'the widget count is negative: {count}')\n"
    session.choose("different_error", "edit", code=new)
    events = await drive(session)
    # The edited code is reviewed again before it runs.
    assert session.gate.id == "safety" and session.code == new
    assert session.data["run"]["code_digest"] != session.data["safety"]["code_digest"]
    session.choose("safety", "run")
    await drive(session)
    comment = session.plan.comments[0]
    assert comment.startswith("This issue still reproduces") and "Updated repro:" in comment and new.strip() in comment
    store.close()


async def test_recent_verification_asks_and_skipping_posts_nothing_new(demo_wb, tmp_path):
    n = DEMO_CASES["recent_verification"]
    exe = make_fake_conda(tmp_path / "conda", ["2.13"])  # an env with a torch, so nothing is missing
    opts = ScrubOptions(env=conda_env("pytorch-2.13", {"conda": {"executable": str(exe)}}), repro_dir=tmp_path / "repros")
    session = ScrubSession.start(demo_wb.store.sessions, "pytorch/pytorch", n, opts,
                                 fetch=lambda: demo_wb.thread(n), collaborator=demo_wb.collaborator)
    await drive(session)
    assert session.gate.id == "safety"
    session.choose("safety", "run")
    await drive(session)
    assert session.gate.id == "recent_verification" and session.gate.detail["comment"]["comment"] == 1
    session.choose("recent_verification", "skip_to_minimize")
    await drive(session)
    steps = {s.name: s for s in session.wf.steps}
    assert steps["reproduce"].status.value == "skipped" and "comment 2" in steps["reproduce"].reason
    original = tmp_path / "repros" / f"repro_{n}_original.py"
    assert original.read_text() == session.data["original_code"]  # saved before minimization
    assert session.plan is not None and not session.plan.comments  # nothing new to say on the issue


RESUME_SCRIPT = textwrap.dedent('''
    import asyncio, sys
    from datetime import datetime, timedelta, timezone
    from pathlib import Path
    from core.models import Issue, IssueThread
    from core.run import conda_env, parse_environment
    from core.run.events import RunStarted
    from core.scrub import RunOutput, ScrubOptions, ScrubSession
    from core.store import Store

    store_path, body_path, python, repro_dir = sys.argv[1:5]
    now = datetime.now(timezone.utc)
    issue = Issue("pytorch/pytorch", 4242, "Widget counter", "open", "someone", "NONE", now, now,
                  body=Path(body_path).read_text())

    async def fetch():
        return IssueThread(issue)

    async def main():
        store = Store(store_path)
        opts = ScrubOptions(env=parse_environment("local:" + python), sandbox="off", repro_dir=Path(repro_dir))
        session = ScrubSession.start(store.sessions, "pytorch/pytorch", 4242, opts, fetch=fetch)
        while True:
            async for event in session.advance():
                if isinstance(event, RunOutput) and isinstance(event.event, RunStarted):
                    print("RUN-STARTED " + session.id, flush=True)
            if session.gate is None:
                break
            session.choose(session.gate.id, "run")

    asyncio.run(main())
''')


def test_resume_after_sigkill_mid_run(tmp_path):
    marker = tmp_path / "first-run"
    code = (
        "import os, sys, time\n"
        f"marker = {str(marker)!r}\n"
        "if not os.path.exists(marker):\n"
        "    open(marker, 'w').close()\n"
        "    parent = os.getppid()\n"
        "    deadline = time.time() + 60\n"
        "    while os.getppid() == parent and time.time() < deadline:\n"
        "        time.sleep(0.05)\n"
        "    sys.exit(0)\n"
        "raise ValueError('the widget count is negative: -1')\n"
    )
    thread = thread_with(code, "ValueError: the widget count is negative: -1")
    body = tmp_path / "body.md"
    body.write_text(thread.issue.body)
    store_path = tmp_path / "s.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", RESUME_SCRIPT, str(store_path), str(body), base_python(), str(tmp_path / "repros")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    try:
        line = proc.stdout.readline()
        assert line.startswith("RUN-STARTED "), proc.stderr.read()
        session_id = line.split()[1]
        for _ in range(6000):  # the repro is running once its marker exists
            if marker.exists():
                break
            time.sleep(0.01)
        assert marker.exists()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL

    store = Store(store_path)
    try:
        opts = ScrubOptions(env=parse_environment(f"local:{base_python()}"), sandbox="off", repro_dir=tmp_path / "repros")
        session = ScrubSession.resume(store.sessions, "pytorch/pytorch", 4242, opts)
        assert session is not None and session.id == session_id
        status = {s.name: s.status.value for s in session.wf.steps}
        assert status["safety"] == "done" and status["reproduce"] == "pending"
        assert "interrupted" in session.wf.step("reproduce").reason
        assert [c["choice"] for c in session.wf.choices] == ["run"]  # the choice survived the kill

        import asyncio

        events = asyncio.run(drive(session))
        assert not any(isinstance(e, GateOpened) for e in events)  # nothing asked twice
        assert session.finished and session.data["outcome"] == "reproduces"
        assert session.plan.comments[0].startswith("This issue still reproduces")
    finally:
        store.close()


async def test_a_non_maintainers_duplicate_claim_needs_confirmation(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    base = thread_with("import math\nmath.log(0.0)\n", "ValueError: math domain error")
    claim = Comment(1, "passer-by", "NONE", "I think this is a duplicate of #100", NOW - timedelta(days=1))
    thread = IssueThread(base.issue, (claim,))
    session = ScrubSession.start(store.sessions, "pytorch/pytorch", 4242, options(tmp_path), fetch=lambda: _same(thread))
    await drive(session)
    assert session.gate.id == "duplicate" and session.gate.detail["candidates"][0]["number"] == 100
    session.choose("duplicate", "duplicate")
    await drive(session)
    assert session.wf.stopped_at.name == "actionable" and "#100" in session.wf.stopped_at.reason
    assert [a.describe() for a in session.plan.actions] == ["add labels: triaged"]
    store.close()


async def test_the_drafted_comment_can_be_edited_before_posting(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    thread = thread_with("import math\nmath.log(0.0)\n", "ValueError: math domain error")
    session = ScrubSession.start(store.sessions, "pytorch/pytorch", 4242, options(tmp_path), fetch=lambda: _same(thread))
    await drive(session)
    session.choose("safety", "run")
    await drive(session)
    plan = session.edit_report("Still fails here.\n\nAnalysis done with triagedeck.\n")
    assert plan.comments == ("Still fails here.\n\nAnalysis done with triagedeck.\n",)
    again = ScrubSession.resume(store.sessions, "pytorch/pytorch", 4242, options(tmp_path))
    assert again.plan == plan and again.data["report"]["comment"].startswith("Still fails here.")
    store.close()


def _warning_only_thread(number: int = 4343) -> IssueThread:
    body = ("### 🐛 Describe the bug\n\nThe mean comes out slightly wrong, I expected 2.0 exactly.\n\n"
            "```python\nvalues = [1.0, 2.0, 3.0]\nprint(sum(values) / len(values) + 1e-9)\n```\n")
    issue = Issue("pytorch/pytorch", number, "mean is slightly off", "open", "someone", "NONE",
                  NOW - timedelta(days=3), NOW - timedelta(days=3), body=body)
    return IssueThread(issue)


@pytest.mark.parametrize(("choice", "outcome", "step_status"), [
    ("still_buggy", "reproduces", "done"), ("fixed", "fixed", "done"), ("stop", None, "stopped")])
async def test_a_clean_exit_with_no_reported_error_is_the_maintainers_call(tmp_path, choice, outcome, step_status):
    store = Store(tmp_path / "s.sqlite3")
    thread = _warning_only_thread()
    session = ScrubSession.start(store.sessions, "pytorch/pytorch", 4343, options(tmp_path), fetch=lambda: _same(thread))
    await drive(session)
    assert session.data.get("expected") in (None, {})  # the report names no error
    session.choose("safety", "run")
    await drive(session)
    # exit 0 alone never concludes "fixed": the output is shown and the maintainer judges it
    assert session.gate is not None and session.gate.id == "judge_pass", session.gate
    assert session.data.get("outcome") is None
    session.choose("judge_pass", choice)
    await drive(session)
    assert session.data.get("outcome") == outcome
    assert session.wf.status("reproduce").value == step_status
    if choice == "still_buggy":
        assert session.plan.comments[0].startswith("This issue still reproduces") and not session.plan.closes
    if choice == "fixed":
        assert "no longer reproduces" in session.plan.comments[0]
    store.close()
