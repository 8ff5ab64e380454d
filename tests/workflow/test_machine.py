"""The generic step machine: order, gates that cannot be skipped, persistence and resume."""

from __future__ import annotations

import pytest

from core.store import Store
from core.workflow import GateError, StepStatus, Workflow, WorkflowError


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "s.sqlite3")
    yield s
    s.close()


def make(store) -> Workflow:
    return Workflow.create(store.sessions, kind="test", repo="o/r", issue=7, steps=["a", "b", "c"])


def test_steps_run_in_order(store):
    wf = make(store)
    with pytest.raises(WorkflowError):
        wf.start("b")
    wf.start("a")
    with pytest.raises(WorkflowError):
        wf.done("b")
    wf.done("a", "fine")
    assert wf.current == "b" and wf.step("a").reason == "fine"
    with pytest.raises(WorkflowError):
        wf.done("a")  # already settled


def test_gate_cannot_be_skipped(store):
    wf = make(store)
    wf.start("a")
    wf.ask("a", "g", "run it?", ("run", "skip"))
    for attempt in (lambda: wf.done("a"), lambda: wf.skip("a", "x"), lambda: wf.stop("a", "x"),
                    lambda: wf.reset("a"), lambda: wf.ask("a", "other", "q", ("y",))):
        with pytest.raises(GateError):
            attempt()
    with pytest.raises(GateError):
        wf.choose("g", "maybe")  # not an option
    with pytest.raises(GateError):
        wf.choose("other", "run")  # not the open gate
    assert wf.status("a") is StepStatus.RUNNING and wf.gate is not None
    entry = wf.choose("g", "run", note="ok")
    assert entry["choice"] == "run" and entry["note"] == "ok" and wf.gate is None
    assert wf.chosen("g")["choice"] == "run"
    with pytest.raises(GateError):
        wf.choose("g", "run")  # answered once; nothing is open now
    wf.done("a")
    assert wf.current == "b"


def test_stop_skips_the_rest(store):
    wf = make(store)
    wf.start("a")
    wf.stop("a", "no repro")
    assert wf.finished and wf.stopped_at.name == "a"
    assert [s.status for s in wf.steps] == [StepStatus.STOPPED, StepStatus.SKIPPED, StepStatus.SKIPPED]
    assert "stopped at a" in wf.step("c").reason


def test_every_change_is_persisted_and_resumes(store):
    wf = make(store)
    wf.start("a")
    wf.put("finding", {"x": [1, 2]})
    wf.ask("a", "g", "q?", ("yes", "no"), {"detail": 1})
    again = Workflow.load(store.sessions, wf.id)
    # A step waiting at its gate stays waiting; the gate and the data survive.
    assert again.gate is not None and again.gate.id == "g" and again.gate.detail == {"detail": 1}
    assert again.status("a") is StepStatus.RUNNING and again.data["finding"] == {"x": [1, 2]}
    again.choose("g", "no")
    again.done("a")
    again.start("b")  # the app dies while b runs
    resumed = Workflow.latest(store.sessions, kind="test", repo="o/r", issue=7)
    assert resumed is not None and resumed.id == wf.id
    assert resumed.status("a") is StepStatus.DONE and resumed.chosen("g")["choice"] == "no"
    assert resumed.status("b") is StepStatus.PENDING and "interrupted" in resumed.step("b").reason
    assert resumed.current == "b"
    assert store.sessions.get(wf.id).step == "b"


def test_reset_reruns_later_steps(store):
    wf = make(store)
    for name in ("a", "b"):
        wf.start(name)
        wf.done(name)
    wf.start("c")
    wf.reset("b", "edited")
    assert [s.status for s in wf.steps] == [StepStatus.DONE, StepStatus.PENDING, StepStatus.PENDING]
    assert wf.current == "b"


def test_bad_definitions(store):
    with pytest.raises(WorkflowError):
        Workflow.create(store.sessions, kind="t", repo="o/r", issue=1, steps=["a", "a"])
    wf = make(store)
    with pytest.raises(WorkflowError):
        wf.ask("a", "g", "q", ("x",))  # a gate needs a running step
    with pytest.raises(WorkflowError):
        Workflow.load(store.sessions, "nope")
