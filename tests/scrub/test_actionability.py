"""Step 2 (actionability), duplicates (BM25), recent verification, and the drafted report,
checked against the demo issues' expected facts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings, strategies as st

from core.demo import DEMO_CASES, DEMO_EXPECTATIONS, demo_dataset
from core.gate.plan import AddLabels, CloseIssue, PostComment, RemoveLabel
from core.issue.analysis import analyze_repro
from core.issuefile import thread_from_json
from core.models import ErrorSignature, Issue, IssueThread
from core.scrub import assess, classify_kind, rank_similar
from core.scrub import report as R
from core.scrub.actionability import unavailable_hardware
from core.scrub.similar import explicit_duplicates
from core.scrub.verification import recent_verification

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)
_DATA = demo_dataset(NOW)


def _thread(raw: dict) -> IssueThread:
    raw = dict(raw, user={"login": raw["user"]},
               comments=[dict(c, user={"login": c["user"]}) for c in raw["comments"]],
               assignees=[{"login": a} for a in raw["assignees"]])
    return thread_from_json(raw, default_repo="pytorch/pytorch")


THREADS = {raw["number"]: _thread(raw) for raw in _DATA["issues"]}


def demo(key: str) -> IssueThread:
    return THREADS[DEMO_CASES[key]]


@pytest.mark.parametrize("number", sorted(n for n, e in DEMO_EXPECTATIONS.items() if "kind" in e))
def test_demo_kind_and_stop_match_the_expected_facts(number):
    expected = DEMO_EXPECTATIONS[number]
    verdict = assess(THREADS[number], now=NOW)
    assert verdict.kind == expected["kind"], verdict.evidence
    if "actionable" in expected:
        assert verdict.actionable == expected["actionable"], verdict.reasons
    if "stop_reason" in expected:
        assert verdict.stop_reason == expected["stop_reason"]
    if "propose_labels" in expected:
        assert list(verdict.propose_labels) == expected["propose_labels"]
    if "duplicate_of" in expected:
        assert verdict.duplicate_of == expected["duplicate_of"]
    if "resolved_by_pr" in expected:
        assert verdict.resolved_by_pr == expected["resolved_by_pr"]
    assert verdict.suggest_close == bool(expected.get("suggest_close_stale"))
    doc = verdict.to_json()
    assert set(doc) >= {"kind", "actionable", "reasons"} and doc["reasons"]


def test_kind_evidence_names_the_template_header():
    feature = classify_kind(demo("feature_request"))
    assert feature.kind == "feature" and any("🚀" in e for e in feature.evidence)
    docs = classify_kind(demo("docs"))
    assert docs.kind == "docs" and any("📚" in e for e in docs.evidence)


def test_existing_label_is_not_proposed_again():
    thread = demo("feature_request")
    labelled = IssueThread(Issue(**{**{f: getattr(thread.issue, f) for f in thread.issue.__slots__},
                                    "labels": (*thread.issue.labels, "feature")}), thread.comments)
    verdict = assess(labelled, now=NOW)
    assert verdict.kind == "feature" and verdict.propose_labels == ()


def test_stale_issue_gets_a_drafted_close_comment_ending_with_the_signature():
    verdict = assess(demo("stale_underspecified"), now=NOW, signature="Checked by a tool.")
    assert verdict.suggest_close and verdict.close_comment.rstrip().endswith("Checked by a tool.")
    assert "not planned" in verdict.close_comment


def test_unavailable_hardware():
    multi = analyze_repro("import os\nos.environ['MASTER_ADDR'] = '10.1.2.3'\nimport torch\n")
    assert "several nodes" in unavailable_hardware(multi, "", env_gpus=8)
    cuda = analyze_repro("import torch\nx = torch.ones(2, device='cuda:1')\n")
    assert "2 CUDA GPU(s)" in unavailable_hardware(cuda, "", env_gpus=1)
    assert unavailable_hardware(cuda, "", env_gpus=None) is None  # unknown env: no guess
    arch = analyze_repro("import torch\nassert torch.cuda.get_device_capability() >= (9, 0)\nx = torch.ones(1).cuda()\n")
    code = "torch.cuda.get_device_capability() >= (9, 0)"
    assert "architecture" in unavailable_hardware(arch, code, env_gpus=1, env_gpu_name="NVIDIA A10G")
    tpu = analyze_repro("import torch_xla.core.xla_model as xm\n")
    assert "TPU" in unavailable_hardware(tpu, "import torch_xla", env_gpus=1)


def test_cuda_repro_on_a_cpu_environment_stops_for_hardware():
    verdict = assess(demo("cuda_only"), now=NOW, env_gpus=0)
    assert not verdict.actionable and verdict.stop_reason == "hardware" and "no GPU" in verdict.reasons[0]


def test_bm25_ranks_the_explicit_duplicates_target_first():
    thread = demo("explicit_duplicate")
    [explicit] = explicit_duplicates(thread)
    corpus = [t.issue for t in THREADS.values()]
    ranked = rank_similar(thread, corpus)
    assert ranked[0].number == explicit.number == DEMO_CASES["duplicate_original"]
    assert ranked[0].score > ranked[1].score > 0
    assert all(r.number != thread.issue.number for r in ranked)


def test_bm25_uses_only_the_title_when_the_cache_has_no_bodies():
    thread = demo("explicit_duplicate")
    corpus = [Issue(**{**{f: getattr(t.issue, f) for f in t.issue.__slots__}, "body": None}) for t in THREADS.values()]
    assert rank_similar(thread, corpus)  # still ranks, without crashing on missing bodies


def test_recent_verification_finds_the_maintainers_comment():
    thread = demo("recent_verification")
    expected = DEMO_EXPECTATIONS[thread.issue.number]
    sig = ErrorSignature(expected["error_class"], expected["error_match"])
    found = recent_verification(thread, sig, now=NOW)
    assert found is not None and found.comment_index == expected["recent_comment"] and found.error_matches
    # Six months later the same comment no longer counts.
    assert recent_verification(thread, sig, now=NOW + timedelta(days=200)) is None
    assert recent_verification(demo("cpu_repro_traceback"), sig, now=NOW) is None


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400), st.text(max_size=120), st.lists(st.text(max_size=30), max_size=4))
def test_hostile_text_never_breaks_the_assessment(body, title, labels):
    base = demo("feature_request").issue
    issue = Issue(**{**{f: getattr(base, f) for f in base.__slots__}, "body": body, "title": title, "labels": tuple(labels)})
    verdict = assess(IssueThread(issue), now=NOW)
    assert verdict.kind in ("bug", "feature", "question", "docs", "refactor", "tracker")


# -- the drafted report and plans ------------------------------------------------------------

def test_still_reproduces_is_short_and_signed():
    body = R.draft_comment(R.ReportFacts("reproduces", torch_version="2.13.0"), "Analysis done with triagedeck.")
    assert body == "This issue still reproduces on PyTorch 2.13.0.\n\nAnalysis done with triagedeck.\n"
    assert "Claude" not in body and "Fixed by" not in body


def test_fixed_report_names_the_pr_and_flaky_ratio_and_changed_repro_only():
    facts = R.ReportFacts("fixed", torch_version="2.9.0", fixed_by_pr=12345, flaky_ratio="2/5",
                          changed_repro="import torch\nprint(1)\n")
    body = R.draft_comment(facts, "sig.")
    assert body.startswith("This issue no longer reproduces on PyTorch 2.9.0.")
    assert "Fixed by #12345." in body and "failed in 2 of 5 runs" in body
    assert "```python\nimport torch\nprint(1)\n```" in body and body.rstrip().endswith("sig.")
    reproducing = R.draft_comment(R.ReportFacts("reproduces", fixed_by_pr=12345), "sig.")
    assert "Fixed by" not in reproducing  # only when fixed


def test_fixed_plan_is_one_plan_with_labels_batched_then_comment_close():
    plan = R.report_plan("o/r", 5, "t", ("needs reproduction", "x"), comment="c", add=["a", "b"],
                         remove=["needs reproduction"], close_version="2.4")
    assert plan.actions == (RemoveLabel("needs reproduction"), AddLabels(("a", "b")), PostComment("c"),
                            PostComment("Closing as this was fixed in PyTorch 2.4."), CloseIssue("completed"))


def test_triaged_refresh_is_two_calls_or_one_add():
    assert R.triaged_refresh(("triaged", "x")) == [RemoveLabel("triaged"), AddLabels(("triaged",))]
    assert R.triaged_refresh(("x",)) == [AddLabels(("triaged",))]
    closed = R.stop_plan("o/r", 1, "t", ("triaged",), add=["feature"], remove=[], closed=True, note="n")
    assert closed.empty
