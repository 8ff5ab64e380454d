"""Is the issue worth reproducing? (scrub seed, step 2)

Pure functions over an ``IssueThread``: the issue's kind (bug, feature, question, docs,
refactor, tracker) with the evidence for it, and the seed's stops — closed, locked,
resolved in the comments, duplicate, not a bug, tracker, stale, unavailable hardware —
each with its reasons and the labels the seed proposes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from core.issue.analysis import ReproAnalysis, analyze_repro
from core.issue.markdown import parse_thread
from core.issue.select import select_repro
from core.issue.signature import reported_error
from core.models import IssueThread, utcnow

from .similar import ExplicitDuplicate, SimilarIssue, explicit_duplicates

Kind = Literal["bug", "feature", "question", "docs", "refactor", "tracker"]
KINDS: tuple[str, ...] = ("bug", "feature", "question", "docs", "refactor", "tracker")
# The label the seed adds for each non-bug kind (questions and docs get none).
KIND_LABELS = {"feature": "feature", "refactor": "better-engineering", "tracker": "tracker"}
MAINTAINER_ASSOCIATIONS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})
STALE_AGE = timedelta(days=365)
QUIET_FOR = timedelta(days=183)


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts), re.IGNORECASE)


# (pattern, points, evidence text); title/body/label rules per kind.
_TITLE = {
    "feature": [(_rx(r"^\s*\[(?:feature(?: request)?|rfc|proposal)\]"), 3, "title is tagged as a feature request/RFC")],
    "docs": [(_rx(r"^\s*\[(?:docs?|documentation)\]|^\s*docs?:"), 3, "title is tagged [docs]")],
    "question": [(_rx(r"\?\s*$"), 2, "the title is a question"),
                 (_rx(r"^\s*(?:how|what|why|is there|can i|should i|should|is it possible)\b"), 1, "the title asks how/what/why")],
    "refactor": [(_rx(r"^\s*\[be\]|\brefactor|\bconsolidate\b|\bclean ?up\b|\bdeduplicate\b"), 2, "the title names a refactor/cleanup")],
    "tracker": [(_rx(r"^\s*\[(?:tracker|tracking|meta|umbrella)\]|\btracking issue\b|\bburn-?down\b"), 3, "the title marks a tracker")],
}
_HEADERS = {
    "bug": (_rx(r"^#+\s*🐛\s*describe the bug"), 3, "bug-report template header (🐛 Describe the bug)"),
    "feature": (_rx(r"^#+\s*🚀\s*the feature"), 3, "feature-request template header (🚀 The feature, motivation and pitch)"),
    "docs": (_rx(r"^#+\s*📚\s*the doc"), 3, "documentation template header (📚 The doc issue)"),
}
_WORDING = {
    "feature": ([_rx(r"\bfeature request\b"), _rx(r"^\s*proposal\b", r"\bwe propose\b"), _rx(r"\bit would be (?:nice|great|helpful)\b"),
                 _rx(r"\bplease add (?:support|an? \w+ (?:option|argument))")], 2),
    "docs": ([_rx(r"\bdocstring\b"), _rx(r"\bdocumentation\b(?! (?:says|states))"), _rx(r"\bthe docs? (?:page|example)\b")], 2),
    "question": ([_rx(r"\bnot sure if (?:this is|it'?s) a bug\b"), _rx(r"\bwhat is the (?:recommended|right|correct|best) way\b"),
                  _rx(r"\bhow (?:do|can|should) i\b"), _rx(r"\bis this (?:expected|intended)(?: behaviou?r)?\?")], 3),
    "refactor": ([_rx(r"\bcode[- ]health\b"), _rx(r"\bno (?:user-visible|functional) (?:bug|change)\b"),
                  _rx(r"\bno behaviou?r change\b"), _rx(r"\brefactor(?:ing)?\b"), _rx(r"\bclean ?up\b"),
                  _rx(r"\bnear-identical copies\b|\bduplicated (?:code|logic|helpers)\b")], 3),
    "tracker": ([_rx(r"\bthis (?:issue )?tracks\b"), _rx(r"\bplease link (?:new|related) issues\b"), _rx(r"\btracking issue\b")], 2),
}
_LABELS = {
    "feature": ({"feature", "enhancement", "module: feature request"}, 2),
    "docs": ({"module: docs"}, 2),
    "question": ({"question"}, 2),
    "refactor": ({"better-engineering"}, 2),
    "tracker": ({"tracker", "meta"}, 2),
}
_CHECKLIST_REF = re.compile(r"^\s*[-*]\s*\[[ xX]\]\s.*#\d+", re.M)
_RESOLVED = _rx(
    r"\b(?:was|been|is|got|now|already)\s+fixed\b",
    r"\bfixed\s+(?:by|in|via|with|on)\b",
    r"\b(?:has\s+been|was|is)\s+resolved\b",
    r"\bresolved\s+(?:by|in|via)\b",
    r"\b(?:landed|merged)\s+in\s+(?:#|https://github\.com/\S+/pull/)\d+",
    r"\bfix\s+(?:has\s+)?landed\b",
    r"\bclosing\s+as\s+(?:fixed|resolved|completed|a\s+duplicate)\b",
)
_NEGATION = _rx(r"\bnot\s*$", r"n't\s*$", r"\bnever\s*$", r"\bno longer\s*$")
_PR_REF = re.compile(r"(?:#|/pull/)(\d{3,})")
_TPU = _rx(r"\btorch_xla\b", r"\bxla_device\(", r"\bTPU\b")
_ARCH = _rx(r"\bsm_(\d{2,3})\b", r"get_device_capability\(\)\s*(?:\[0\])?\s*(?:>=|==)\s*\(?\s*(\d+)",
            r"\b(H100|H200|A100|B200|MI300X?|Hopper|Blackwell)\b")


@dataclass(frozen=True, slots=True)
class KindVerdict:
    kind: str
    scores: dict[str, int]
    evidence: tuple[str, ...]


def classify_kind(thread: IssueThread, *, has_reported_error: bool | None = None) -> KindVerdict:
    """The issue's kind from template headers, title, labels and wording, with the evidence."""
    issue = thread.issue
    body = issue.body or ""
    title = issue.title or ""
    labels = {label.lower() for label in issue.labels}
    scores = {k: 0 for k in KINDS}
    evidence: dict[str, list[str]] = {k: [] for k in KINDS}

    def credit(kind: str, points: int, why: str) -> None:
        scores[kind] += points
        evidence[kind].append(why)

    for kind, (rx, points, why) in _HEADERS.items():
        if any(rx.match(line.strip()) for line in body.splitlines()):
            credit(kind, points, why)
    for kind, rules in _TITLE.items():
        for rx, points, why in rules:
            if rx.search(title):
                credit(kind, points, why)
    for kind, (names, points) in _LABELS.items():
        hit = sorted(labels & names)
        if hit:
            credit(kind, points, f"label {hit[0]!r}")
    for kind, (patterns, cap) in _WORDING.items():
        hits = [m.group(0) for rx in patterns for m in [rx.search(body)] if m]
        for text in hits[:cap]:
            credit(kind, 1, f"wording: {text.strip()!r}")
    refs = len(_CHECKLIST_REF.findall(body))
    if refs >= 3:
        credit("tracker", 2, f"{refs} checklist items linking issues")
    if has_reported_error is None:
        has_reported_error = reported_error(parse_thread(thread)) is not None
    if has_reported_error:
        credit("bug", 2, "an error message is reported")
    best = max((k for k in KINDS if k != "bug"), key=lambda k: (scores[k], -KINDS.index(k)))
    kind = best if scores[best] >= 3 and scores[best] > scores["bug"] else "bug"
    return KindVerdict(kind, scores, tuple(evidence[kind]))


@dataclass(frozen=True, slots=True)
class Resolution:
    where: str
    author: str
    text: str
    pr: int | None


def resolved_in_comments(thread: IssueThread) -> Resolution | None:
    """A maintainer's comment saying the bug was fixed/resolved (with the PR when named)."""
    for index in range(len(thread.comments) - 1, -1, -1):
        c = thread.comments[index]
        if c.author_association.upper() not in MAINTAINER_ASSOCIATIONS:
            continue
        for m in _RESOLVED.finditer(c.body):
            if _NEGATION.search(c.body[max(0, m.start() - 12):m.start()]):
                continue
            pr = _PR_REF.search(c.body, m.start()) or _PR_REF.search(c.body)
            line = next((ln for ln in c.body.splitlines() if m.group(0) in ln), m.group(0))
            return Resolution(f"comment {index + 1}", c.author, line.strip(), int(pr.group(1)) if pr else None)
    return None


def _last_activity(thread: IssueThread) -> datetime:
    times = [thread.issue.created_at, *(c.created_at for c in thread.comments)]
    return max(times)


def unavailable_hardware(analysis: ReproAnalysis | None, code: str, *, env_gpus: int | None,
                         env_gpu_name: str | None = None) -> str | None:
    """Why the repro cannot run on the chosen environment, or None.

    ``env_gpus`` None means unknown: only needs that no single host meets (several nodes,
    a TPU) stop then.
    """
    if analysis is None:
        return None
    if analysis.multi_node:
        return "the repro needs several nodes (multi-node launch); there is no single-host path"
    if _TPU.search(code):
        return "the repro needs a TPU (torch_xla)"
    if env_gpus is None:
        return None
    if analysis.needs_cuda and analysis.gpus > env_gpus:
        have = "no GPU" if env_gpus == 0 else f"{env_gpus} GPU(s)"
        return f"the repro needs {analysis.gpus} CUDA GPU(s); the chosen environment has {have}"
    arch = _ARCH.search(code) if analysis.needs_cuda else None
    if arch:
        wanted = next(g for g in arch.groups() if g)
        if not (env_gpu_name and wanted.lower() in env_gpu_name.lower()):
            return f"the repro targets a specific GPU architecture ({wanted}); the environment has {env_gpu_name or 'another GPU'}"
    return None


@dataclass(frozen=True, slots=True)
class Actionability:
    kind: str
    actionable: bool
    stop_reason: str | None = None  # closed, locked, resolved_in_comments, duplicate, not_bug, tracker, stale, hardware
    reasons: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    propose_labels: tuple[str, ...] = ()
    duplicate_of: int | None = None
    resolved_by_pr: int | None = None
    suggest_close: bool = False
    close_comment: str | None = None
    similar: tuple[SimilarIssue, ...] = field(default_factory=tuple)
    explicit: tuple[ExplicitDuplicate, ...] = field(default_factory=tuple)
    runs_repro: bool = False  # a non-bug whose repro still runs (security gate first)

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "actionable": self.actionable,
            "reasons": list(self.reasons),
            "stop_reason": self.stop_reason,
            "evidence": list(self.evidence),
            "propose_labels": list(self.propose_labels),
            "duplicate_of": self.duplicate_of,
            "resolved_by_pr": self.resolved_by_pr,
            "suggest_close": self.suggest_close,
            "close_comment": self.close_comment,
            "similar": [s.to_json() for s in self.similar],
            "explicit_duplicates": [{"number": e.number, "author": e.author, "by_maintainer": e.by_maintainer,
                                     "where": e.where} for e in self.explicit],
            "runs_repro": self.runs_repro,
        }


def stale_close_comment(thread: IssueThread, signature: str, now: datetime) -> str:
    months = max(1, int((now - _last_activity(thread)).days / 30))
    return (
        "Closing as not planned: this issue is more than a year old, has had no activity for about "
        f"{months} months, and does not include enough detail to act on (no runnable reproduction "
        "or error output). If it still affects you on a current PyTorch release, please open a new "
        "issue with a self-contained repro script and the full error message.\n\n"
        f"{signature}"
    )


def assess(
    thread: IssueThread,
    *,
    now: datetime | None = None,
    env_gpus: int | None = None,
    env_gpu_name: str | None = None,
    similar: tuple[SimilarIssue, ...] = (),
    signature: str = "Analysis done with triagedeck.",
) -> Actionability:
    """The seed's step 2 verdict for ``thread`` (first matching stop wins)."""
    now = now or utcnow()
    issue = thread.issue
    parsed = parse_thread(thread)
    selection = select_repro(parsed)
    reported = reported_error(parsed)
    kind_v = classify_kind(thread, has_reported_error=reported is not None)
    kind = kind_v.kind
    labels = {label.lower() for label in issue.labels}
    explicit = tuple(explicit_duplicates(thread))
    base = dict(kind=kind, evidence=kind_v.evidence, similar=tuple(similar), explicit=explicit)

    if issue.state == "closed":
        why = f"the issue is already closed ({(issue.state_reason or 'completed').replace('_', ' ')})"
        return Actionability(actionable=False, stop_reason="closed",
                             reasons=(why, "no label changes on closed issues"), **base)
    if issue.locked:
        return Actionability(actionable=False, stop_reason="locked", reasons=(
            "the issue is locked: GitHub refuses comments and label changes on it",), **base)
    maint_dup = next((e for e in explicit if e.by_maintainer), None)
    if maint_dup is not None:
        return Actionability(actionable=False, stop_reason="duplicate", duplicate_of=maint_dup.number, reasons=(
            f"@{maint_dup.author} marked it a duplicate of #{maint_dup.number} ({maint_dup.where})",), **base)
    resolution = resolved_in_comments(thread)
    if resolution is not None:
        pr = f" (PR #{resolution.pr})" if resolution.pr else ""
        return Actionability(actionable=False, stop_reason="resolved_in_comments", resolved_by_pr=resolution.pr,
                             reasons=(f"@{resolution.author} says it is resolved{pr} in {resolution.where}: "
                                      f"{resolution.text[:200]}",), **base)

    old = now - issue.created_at > STALE_AGE
    quiet = now - _last_activity(thread) > QUIET_FOR
    underspecified = selection.selected is None and (reported is None or len(issue.body or "") < 400)
    stale = old and quiet and not issue.assignees and underspecified
    stale_bits = dict(suggest_close=True, close_comment=stale_close_comment(thread, signature, now)) if stale else {}

    if kind != "bug":
        label = KIND_LABELS.get(kind)
        propose = (label,) if label and label not in labels else ()
        runs = kind != "tracker" and selection.selected is not None and selection.selected.self_contained
        reasons = [f"not a bug report: this is a {kind if kind != 'refactor' else 'refactoring / better-engineering task'}"]
        if label and not propose:
            reasons.append(f"it already has the {label!r} label")
        if runs:
            reasons.append("it carries a self-contained repro: it is run (after the security review) to verify the behaviour persists")
        if stale:
            reasons.append("old, unassigned, quiet and underspecified: closing as not planned is suggested")
        return Actionability(actionable=False, stop_reason="tracker" if kind == "tracker" else "not_bug",
                             reasons=tuple(reasons), propose_labels=propose, runs_repro=runs, **base, **stale_bits)
    if selection.stop is not None and selection.stop.kind == "screenshot_only":
        propose = () if "needs reproduction" in labels else ("needs reproduction",)
        return Actionability(actionable=False, stop_reason="screenshot_only", reasons=(selection.stop.reason,),
                             propose_labels=propose, **base)
    if stale:
        age = (now - issue.created_at).days
        return Actionability(actionable=False, stop_reason="stale", reasons=(
            f"opened {age} days ago, no assignee, no activity for {(now - _last_activity(thread)).days} days, "
            "and no runnable repro or concrete error: suggest closing as not planned (ask first)",), **base, **stale_bits)
    if selection.selected is not None:
        shell = "\n".join(b.code for b in parsed.blocks if b.lang in ("bash", "sh", "shell", "console"))
        analysis = analyze_repro(selection.selected.code, shell_text=shell, description=issue.body or "",
                                 reported=reported.signature if reported else None)
        hardware = unavailable_hardware(analysis, selection.selected.code, env_gpus=env_gpus, env_gpu_name=env_gpu_name)
        if hardware:
            return Actionability(actionable=False, stop_reason="hardware", reasons=(hardware,), **base)
    return Actionability(actionable=True, reasons=("an open bug report",), **base)
