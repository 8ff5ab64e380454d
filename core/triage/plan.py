"""Turn a triage proposal into a write plan, enforcing the workflow's constraints.

Whatever the proposal or the reviewer's toggles say, the plan:

- only adds labels (never removes one, never closes, never assigns);
- only adds allow-listed labels, and none the issue already carries;
- adds at most one sub-oncall, and none when the issue already has one;
- adds ``triaged`` only for a confident, complete outcome that the accepted labels still
  justify, and never together with ``triage review`` or ``needs reproduction``;
- never adds the marker or ``triaged`` for a high-priority proposal;
- posts a comment only when it is one of the templates, its label is accepted (or
  already present), and no equivalent comment (any wording) is on the thread yet.

Acceptance rule (reviewer toggles): ``triaged`` stays justified only if, after the
toggles, the issue will carry what made the outcome complete: for ``classified`` a
sub-oncall and at least one module label, for ``routed`` a sub-oncall; ``already_classified``
rests on labels already present. Otherwise ``triaged`` is dropped and a note says why.
"""

from __future__ import annotations

from typing import Iterable

from ..gate.plan import AddLabels, PostComment, WriteAction, WritePlan
from ..models import IssueThread
from .dedupe import find_duplicate
from .model import CONFIDENT_OUTCOMES, TriageProposal
from .ruleset import Rules


def build_plan(
    proposal: TriageProposal,
    thread: IssueThread,
    rules: Rules,
    accepted_labels: Iterable[str] | None = None,
    *,
    include_comment: bool = True,
) -> WritePlan:
    """The write plan for ``proposal`` (optionally narrowed to ``accepted_labels``)."""
    issue = thread.issue
    L = rules.labels
    have = {l.lower() for l in issue.labels}
    notes: list[str] = []
    proposed = list(dict.fromkeys(proposal.labels_to_add))
    proposed_low = {p.lower() for p in proposed}

    if accepted_labels is not None:
        accepted = list(accepted_labels)
        acc_low = {a.lower() for a in accepted}
        extra = [a for a in accepted if a.lower() not in proposed_low]
        if extra:
            notes.append("not proposed, so not added: " + ", ".join(extra))
        rejected = [p for p in proposed if p.lower() not in acc_low]
        if rejected:
            notes.append("rejected by the reviewer: " + ", ".join(rejected))
        chosen = [p for p in proposed if p.lower() in acc_low]
    else:
        chosen = proposed

    out: list[str] = []
    for lab in chosen:
        low = lab.lower()
        if not rules.is_allowed(lab):
            notes.append(f"not in the allow-list, not added: {lab}")
        elif low in have:
            notes.append(f"already on the issue: {lab}")
        elif low not in {o.lower() for o in out}:
            out.append(lab)

    # Exactly one sub-oncall.
    sub_low = {s.lower() for s in rules.sub_oncall_labels.values()}
    has_sub = any(h in sub_low for h in have)
    subs = [l for l in out if l.lower() in sub_low]
    for extra_sub in subs[(0 if has_sub else 1):]:
        out.remove(extra_sub)
        notes.append(f"the issue keeps one sub-oncall, not added: {extra_sub}")

    review, repro, triaged, marker = L.review.lower(), L.needs_reproduction.lower(), L.triaged.lower(), L.marker.lower()
    low_out = {l.lower() for l in out}

    if proposal.outcome == "high_priority":
        for lab in [l for l in out if l.lower() in (marker, triaged)]:
            out.remove(lab)
            notes.append(f"high priority goes to a human: not added: {lab}")

    if triaged in {l.lower() for l in out}:
        reason = _triaged_unjustified(proposal, rules, have, {l.lower() for l in out})
        if reason:
            out = [l for l in out if l.lower() != triaged]
            notes.append(f"'{L.triaged}' not added: {reason}")
    low_out = {l.lower() for l in out}

    actions: list[WriteAction] = []
    if out:
        actions.append(AddLabels(tuple(out)))

    if proposal.comment and include_comment:
        body = _checked_comment(proposal, thread, rules, have | low_out, notes)
        if body:
            actions.append(PostComment(body))
    elif proposal.comment:
        notes.append("comment left out by the reviewer")

    plan = WritePlan(
        repo=issue.repo,
        number=issue.number,
        actions=tuple(actions),
        title=issue.title,
        origin="triage",
        notes=tuple(notes),
    )
    # The invariant the gate relies on: triage only ever adds labels and comments.
    assert all(isinstance(a, (AddLabels, PostComment)) for a in plan.actions)
    return plan


def _triaged_unjustified(proposal: TriageProposal, rules: Rules, have: set[str], adding: set[str]) -> str | None:
    L = rules.labels
    if proposal.outcome not in CONFIDENT_OUTCOMES:
        return f"outcome {proposal.outcome} is not a confident classification"
    if L.review.lower() in adding or L.needs_reproduction.lower() in adding:
        return "never together with triage review or needs reproduction"
    final = have | adding
    sub_low = {s.lower() for s in rules.sub_oncall_labels.values()}
    has_sub = bool(final & sub_low)
    modules = {m.lower() for m in rules.module_labels}
    if proposal.outcome == "already_classified":
        return None if (has_sub and final & modules) else "the human classification is no longer complete"
    if proposal.outcome == "routed":
        return None if has_sub else "the sub-oncall routing was rejected"
    if not has_sub:
        return "the sub-oncall was rejected"
    if not (final & modules):
        return "every module label was rejected"
    return None


def _checked_comment(proposal: TriageProposal, thread: IssueThread, rules: Rules, final: set[str], notes: list[str]) -> str | None:
    name = proposal.comment_template
    template = rules.templates.get(name) if name else None
    if template is None or proposal.comment != template.comment:
        notes.append("comment dropped: only the workflow's templates may be posted")
        return None
    label = getattr(rules.labels, template.label) if template.label else None
    if label and label.lower() not in final:
        notes.append(f"comment dropped: its label '{label}' was rejected")
        return None
    dup = find_duplicate(template, [c.body or "" for c in thread.comments])
    if dup is not None:
        notes.append(f"comment dropped: an equivalent comment is already on the issue (comment {dup + 1})")
        return None
    return template.comment
