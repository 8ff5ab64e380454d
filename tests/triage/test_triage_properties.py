"""Property tests: whatever the labels and the text, the plan keeps the constraints."""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import HealthCheck, given, settings, strategies as st

from core.gate.plan import AddLabels, PostComment
from core.models import Comment, Issue, IssueThread
from core.triage import build_plan, default_rules, propose

RULES = default_rules()
T0 = datetime(2025, 1, 1, tzinfo=timezone.utc)
L = RULES.labels
PHRASES = [
    "FSDP", "fully_shard(model)", "DistributedDataParallel", "nn.DataParallel", "DTensor", "Shard(0)", "c10d",
    "NCCL timeout", "Watchdog caught collective operation timeout", "torchrun", "address already in use",
    "dcp.save", "StateDictType", "torch.save(model.state_dict())", "activation checkpointing", "DeviceMesh",
    "segfault", "silently wrong results", "worked in 2.4", "4 nodes", "deadlock", "INTERNAL ASSERT FAILED",
    "CUDA out of memory", "undefined symbol: ncclCommSplit", "torch.compile", "torchvision", "feature request",
    "falls back to a slower path", "faster", "no DDP", "```python\nimport torch\n```", "Steps to reproduce:\n1. run",
    '  File "/x/torch/distributed/fsdp/a.py", line 1, in f\nRuntimeError: boom', "#SBATCH --nodes=2",
    RULES.templates["not_distributed"].comment, RULES.templates["needs_distributed_reproduction"].comment,
]
LABEL_POOL = list(RULES.allow_list) + ["oncall: distributed", "oncall: pt2", "high priority", "module: nn", "triaged"]

texts = st.lists(st.one_of(st.sampled_from(PHRASES), st.text(max_size=40)), max_size=8).map("\n".join)


@st.composite
def threads(draw):
    labels = tuple(draw(st.lists(st.sampled_from(LABEL_POOL), max_size=6, unique=True)))
    comments = tuple(Comment(i, "u", "NONE", body, T0) for i, body in enumerate(draw(st.lists(texts, max_size=3))))
    issue = Issue("o/r", 1, draw(texts), "open", "u", "NONE", T0, T0, labels, draw(st.one_of(st.none(), texts)))
    return IssueThread(issue, comments)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(threads(), st.data())
def test_plan_invariants(thread, data):
    p = propose(thread, RULES)
    assert p.outcome in ("already_classified", "not_distributed", "routed", "classified", "low_confidence", "high_priority", "needs_reproduction")
    accepted = None
    if data.draw(st.booleans()):
        accepted = data.draw(st.lists(st.sampled_from(list(p.labels_to_add) + LABEL_POOL), max_size=8))
    plan = build_plan(p, thread, RULES, accepted, include_comment=data.draw(st.booleans()))
    assert all(isinstance(a, (AddLabels, PostComment)) for a in plan.actions)  # never remove, close, assign
    added = [l.lower() for l in plan.labels_added]
    have = {l.lower() for l in thread.issue.labels}
    assert len(added) == len(set(added)) and not set(added) & have
    assert all(RULES.is_allowed(l) for l in plan.labels_added)
    if L.triaged.lower() in added:
        assert L.review.lower() not in added and L.needs_reproduction.lower() not in added
        assert p.outcome in ("already_classified", "routed", "classified")
    if p.outcome == "high_priority":
        assert L.marker.lower() not in added and L.triaged.lower() not in added
    subs = {s.lower() for s in RULES.sub_oncall_labels.values()}
    assert len(set(added) & subs) <= (0 if have & subs else 1)
    assert len(plan.comments) <= 1
    for body in plan.comments:
        assert body in {t.comment for t in RULES.templates.values()}
        assert all(c.body != body for c in thread.comments)
