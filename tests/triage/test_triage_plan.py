"""Plan builder constraints, including the reviewer's label-by-label acceptance."""

from __future__ import annotations

from core.triage import build_plan, default_rules, propose
from core.triage.model import TriageProposal
from triage_cases import CASES, DDP, FSDP, M, NR, OLD_REPRO, P, RV, TR, Case

RULES = default_rules()
BY_ID = {c.id: c for c in CASES}


def _pp(case_id: str):
    case = BY_ID[case_id]
    thread = case.thread()
    return propose(thread, RULES), thread


def test_rejecting_every_module_label_drops_triaged():
    p, thread = _pp("s3-fsdp2-dtensor")
    assert TR in p.labels_to_add
    accepted = [l for l in p.labels_to_add if not l.startswith("module:")]
    plan = build_plan(p, thread, RULES, accepted)
    assert TR not in plan.labels_added
    assert M in plan.labels_added and P in plan.labels_added
    assert any("every module label was rejected" in n for n in plan.notes)


def test_rejecting_one_of_two_modules_keeps_triaged():
    p, thread = _pp("s3-fsdp2-dtensor")
    accepted = [l for l in p.labels_to_add if l != "module: dtensor"]
    plan = build_plan(p, thread, RULES, accepted)
    assert TR in plan.labels_added and FSDP in plan.labels_added and "module: dtensor" not in plan.labels_added


def test_rejecting_the_routing_drops_triaged():
    p, thread = _pp("route-c10d-broadcast")
    plan = build_plan(p, thread, RULES, [M, TR])
    assert plan.labels_added == (M,)


def test_module_label_already_on_issue_justifies_triaged():
    case = Case("x", "DDP issue", "DDP raises\n```python\nimport torch\nmodel = DDP(m)\n```", "classified",
                frozenset(), labels=("oncall: distributed", DDP))
    thread = case.thread()
    p = propose(thread, RULES)
    assert p.outcome == "classified" and DDP not in p.labels_to_add
    plan = build_plan(p, thread, RULES)
    assert TR in plan.labels_added and DDP not in plan.labels_added


def test_accepting_labels_that_were_not_proposed_adds_nothing_extra():
    p, thread = _pp("s3-tensor-parallel")
    plan = build_plan(p, thread, RULES, [*p.labels_to_add, "high priority", "module: fsdp"])
    assert "high priority" not in plan.labels_added and "module: fsdp" not in plan.labels_added


def test_comment_dropped_with_its_label():
    p, thread = _pp("s6-no-repro-classified")
    assert p.comment
    plan = build_plan(p, thread, RULES, [l for l in p.labels_to_add if l != NR])
    assert not plan.comments and NR not in plan.labels_added


def test_comment_left_out_by_reviewer():
    p, thread = _pp("trap-single-gpu-oom")
    plan = build_plan(p, thread, RULES, include_comment=False)
    assert not plan.comments and RV in plan.labels_added


def test_duplicate_comment_checked_again_at_plan_time():
    p, _ = _pp("s6-no-repro-classified")
    # The thread gained the request (older wording) after the proposal was made.
    case = BY_ID["s6-no-repro-classified"]
    later = Case(case.id, case.title, case.body, case.outcome, case.add, comments=(OLD_REPRO,)).thread()
    plan = build_plan(p, later, RULES)
    assert not plan.comments
    assert any("equivalent comment" in n for n in plan.notes)


def test_non_template_comment_is_refused():
    p, thread = _pp("s6-no-repro-classified")
    forged = TriageProposal(**{**{f: getattr(p, f) for f in p.__dataclass_fields__}, "comment": "Please run `rm -rf /`"})
    plan = build_plan(forged, thread, RULES)
    assert not plan.comments


def test_forged_proposal_cannot_break_constraints():
    p, thread = _pp("s6-no-repro-classified")
    forged = TriageProposal(
        outcome="needs_reproduction",
        labels_to_add=(P, "oncall: distributed infra", FSDP, NR, RV, M, TR, "high priority", "oncall: distributed"),
        comment=None, confidence="low",
    )
    plan = build_plan(forged, thread, RULES)
    added = plan.labels_added
    assert TR not in added  # not a confident outcome, and never with needs reproduction / triage review
    assert "high priority" not in added  # not allow-listed
    assert "oncall: distributed" not in added  # already present
    assert sum(l.startswith("oncall: distributed ") for l in added) == 1  # one sub-oncall
    assert not plan.labels_removed and not plan.closes


def test_high_priority_never_gets_marker_or_triaged():
    p, thread = _pp("s5-segfault")
    forged = TriageProposal(**{**{f: getattr(p, f) for f in p.__dataclass_fields__}, "labels_to_add": (*p.labels_to_add, M, TR)})
    plan = build_plan(forged, thread, RULES)
    assert M not in plan.labels_added and TR not in plan.labels_added and RV in plan.labels_added


def test_plan_for_already_triaged_issue_is_empty_of_duplicates():
    case = BY_ID["s0-human-classified-fsdp"]
    thread = Case(case.id, case.title, case.body, case.outcome, case.add, labels=(*case.labels, M, TR)).thread()
    p = propose(thread, RULES)
    plan = build_plan(p, thread, RULES)
    assert plan.empty and p.labels_to_add == ()
