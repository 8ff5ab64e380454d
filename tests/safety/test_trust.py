from __future__ import annotations

from core.models import Trust
from core.safety.rules import Category, Finding
from core.safety.scanner import scan_python
from core.safety.trust import ReviewChoice, assess_trust, gate_decision, may_run, record_choice

CLEAN = "import torch\nprint(torch.ones(2))\n"
RISKY = "import os\nos.system('id')\n"


def test_unknown_is_never_shown_as_not_collaborator():
    t = assess_trust("alice", "MEMBER", None)
    assert t.trust is Trust.UNKNOWN and "unknown" in t.label and "not a collaborator" not in t.label
    assert t.as_json()["association_suggests_collaborator"] is True
    assert assess_trust("alice", "none", Trust.UNKNOWN).as_json()["collaborator"] == "unknown"


def test_gate_clean_code_from_collaborator_runs():
    decision = gate_decision(scan_python(CLEAN), assess_trust("a", "MEMBER", Trust.COLLABORATOR))
    assert not decision.must_review and decision.reasons == ()
    assert may_run(decision, CLEAN, None)


def test_gate_requires_review_for_findings_non_collaborators_and_unknown():
    collab = assess_trust("a", "MEMBER", Trust.COLLABORATOR)
    d = gate_decision(scan_python(RISKY), collab)
    assert d.must_review and "shell_execution" in d.reasons[0]
    d = gate_decision(scan_python(CLEAN), assess_trust("b", "NONE", Trust.NOT_COLLABORATOR))
    assert d.must_review and "@b is not a collaborator" in d.reasons
    d = gate_decision(scan_python(CLEAN), Trust.UNKNOWN)
    assert d.must_review and "unknown" in d.reasons[0]
    d = gate_decision(scan_python("def x(:\n"), collab)
    assert d.must_review and "could not be parsed" in d.reasons[0]
    d = gate_decision([Finding(Category.NETWORK, 1, "x", "y")], collab)
    assert d.must_review


def test_choice_is_recorded_and_bound_to_the_code():
    d = gate_decision(scan_python(RISKY), Trust.NOT_COLLABORATOR)
    assert not may_run(d, RISKY, None)
    run = record_choice(d, "run", RISKY)
    assert run.choice is ReviewChoice.RUN and run.reasons == d.reasons
    assert may_run(d, RISKY, run)
    assert not may_run(d, RISKY + "\nprint(1)\n", run)  # edited code needs a new review
    assert not may_run(d, RISKY, record_choice(d, ReviewChoice.SKIP, RISKY))
    assert run.as_json()["choice"] == "run"
