"""The synthetic labelled issues: every rule, edge case and trap, with the expected proposal and plan."""

from __future__ import annotations

import pytest

from core.gate.plan import AddLabels, PostComment
from core.triage import build_plan, default_rules, propose
from triage_cases import CASES, M, NR, RV, TR

RULES = default_rules()


def test_enough_cases_cover_every_step():
    assert len(CASES) >= 60
    tags = {t for c in CASES for t in c.tags}
    for needed in ("step0", "trap", "routing", "edge", "confusion", "step3", "step4", "step5", "step6", "pt2", "dedupe"):
        assert needed in tags, needed
    assert {c.outcome for c in CASES} == {
        "already_classified", "not_distributed", "routed", "classified", "low_confidence", "high_priority", "needs_reproduction",
    }


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_proposal(case):
    thread = case.thread()
    p = propose(thread, RULES)
    assert p.outcome == case.outcome, p.reasoning
    assert set(p.labels_to_add) == case.add, p.reasoning
    assert bool(p.comment) == case.comment, p.reasoning
    if case.sub is not None and case.outcome != "not_distributed":
        assert p.sub_oncall == case.sub
    # Every proposed label carries evidence; located evidence points at its text.
    docs = {"title": thread.issue.title, "body": thread.issue.body or ""}
    docs.update({f"comment {i + 1}": c.body for i, c in enumerate(thread.comments)})
    for label in p.labels_to_add:
        assert p.evidence_for(label), f"no evidence for {label}"
    for ev in p.evidence:
        if ev.text and ev.document in docs:
            assert docs[ev.document][ev.start : ev.end] == ev.text
    data = p.to_json()
    assert set(data) >= {"outcome", "labels_to_add", "comment", "confidence", "evidence"}
    assert all(set(e) >= {"label", "rule", "source", "text"} for e in data["evidence"])


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_plan_constraints(case):
    thread = case.thread()
    p = propose(thread, RULES)
    plan = build_plan(p, thread, RULES)
    assert all(isinstance(a, (AddLabels, PostComment)) for a in plan.actions)
    assert not plan.labels_removed and not plan.closes
    added = set(plan.labels_added)
    assert added == set(p.labels_to_add)
    assert not added & {l for l in thread.issue.labels}
    assert all(RULES.is_allowed(l) for l in added)
    if TR in added:
        assert not added & {RV, NR}
    if p.outcome == "high_priority":
        assert M not in added and TR not in added
    assert len(plan.comments) == (1 if case.comment else 0)
    subs = set(RULES.sub_oncall_labels.values())
    assert len((added | set(thread.issue.labels)) & subs) == 1 or p.outcome == "not_distributed"
