"""The drafted issue comment and the write plans (scrub seed, step 8 and the stops).

The comment follows the seed's template, kept short: what was found and on which version;
"Fixed by #N." only when fixed and found; for a regression, the release it started failing
in (and "Likely introduced by #N." only when a culprit clearly leads); the repro only when
it changed; trigger conditions only when new; the flakiness ratio when flaky. The closing line is the
configured signature. Every write is a :class:`WritePlan` — nothing here sends anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.gate.plan import AddLabels, CloseIssue, PostComment, RemoveLabel, WriteAction, WritePlan

TRIAGED = "triaged"
NEEDS_REPRO = "needs reproduction"


@dataclass(frozen=True, slots=True)
class ReportFacts:
    outcome: str  # "reproduces" | "fixed" | "persists" (a non-bug's behaviour still shows)
    torch_version: str | None = None
    python_version: str | None = None
    fixed_by_pr: int | None = None
    changed_repro: str | None = None  # minimized or modernized; None when unchanged
    changed_how: str = "Minimized"
    conditions: tuple[str, ...] = ()
    flaky_ratio: str | None = None  # "failed/runs" when the repro is flaky
    started_failing_in: str | None = None  # regression: the first failing release found by bisection
    last_worked_in: str | None = None  # regression: the newest release where it still worked
    culprit_pr: int | None = None  # regression: the PR that clearly leads the culprit candidates
    extra: tuple[str, ...] = field(default_factory=tuple)


def version_phrase(torch_version: str | None, python_version: str | None) -> str:
    if torch_version:
        return f"on PyTorch {torch_version}"
    if python_version:
        return f"with Python {python_version} (the repro does not need PyTorch)"
    return "on the current version"


def draft_comment(facts: ReportFacts, signature: str) -> str:
    """The issue comment for ``facts``; ``signature`` is the closing line."""
    where = version_phrase(facts.torch_version, facts.python_version)
    if facts.outcome == "fixed":
        lines = [f"This issue no longer reproduces {where}."]
    elif facts.outcome == "persists":
        lines = [f"The behaviour described here still persists {where}."]
    else:
        lines = [f"This issue still reproduces {where}."]
    if facts.outcome != "fixed" and facts.started_failing_in:
        worked = f" (it worked in {facts.last_worked_in})" if facts.last_worked_in else ""
        lines.append(f"It started failing in PyTorch {facts.started_failing_in}{worked}.")
    if facts.flaky_ratio:
        failed, _, runs = facts.flaky_ratio.partition("/")
        lines.append(f"The repro is flaky: it failed in {failed} of {runs} runs (with `PYTHONHASHSEED=0`).")
    blocks = ["\n".join(lines)]
    if facts.outcome == "fixed" and facts.fixed_by_pr:
        blocks.append(f"Fixed by #{facts.fixed_by_pr}.")
    if facts.outcome != "fixed" and facts.started_failing_in and facts.culprit_pr:
        blocks.append(f"Likely introduced by #{facts.culprit_pr}.")
    if facts.changed_repro:
        code = facts.changed_repro.rstrip("\n")
        fence = "````" if "```" in code else "```"
        blocks.append(f"{facts.changed_how} repro:\n\n{fence}python\n{code}\n{fence}")
    if facts.conditions:
        blocks.append("All of the following are necessary to trigger the bug:\n" + "\n".join(f"- {c}" for c in facts.conditions))
    blocks.extend(facts.extra)
    blocks.append(signature.strip())
    return "\n\n".join(blocks) + "\n"


def closing_comment(version: str) -> str:
    return f"Closing as this was fixed in PyTorch {version}."


def label_actions(labels: tuple[str, ...] | list[str], add: list[str], remove: list[str]) -> list[WriteAction]:
    """Removals (one call each, the API has no batch) then the additions batched in one call."""
    have = {label.lower() for label in labels}
    actions: list[WriteAction] = [RemoveLabel(r) for r in dict.fromkeys(remove) if r.lower() in have]
    adds = tuple(a for a in dict.fromkeys(add) if a.lower() not in have)
    if adds:
        actions.append(AddLabels(adds))
    return actions


def triaged_refresh(labels: tuple[str, ...] | list[str]) -> list[WriteAction]:
    """Refresh the ``triaged`` label's timestamp: remove then add, as two separate calls
    (in one call they cancel out); just add it when absent."""
    if any(label.lower() == TRIAGED for label in labels):
        return [RemoveLabel(TRIAGED), AddLabels((TRIAGED,))]
    return [AddLabels((TRIAGED,))]


def stop_plan(repo: str, number: int, title: str, labels, *, add: list[str], remove: list[str],
              closed: bool, note: str) -> WritePlan:
    """The plan of a not-actionable stop: the proposed label changes, or — when nothing
    visible would change — the ``triaged`` refresh. Closed issues get no label changes."""
    if closed:
        return WritePlan(repo, number, (), title, "scrub", ("closed issue: no label changes", note))
    actions = label_actions(labels, add, remove)
    if not actions:
        actions = triaged_refresh(labels)
        note = note + "; nothing visible changed, so the triaged label is refreshed"
    return WritePlan(repo, number, tuple(actions), title, "scrub", (note,))


def report_plan(repo: str, number: int, title: str, labels, *, comment: str, add: list[str], remove: list[str],
                close_version: str | None) -> WritePlan:
    """Labels (batched), the report comment, and — when fixed — the closing comment and the
    close as completed, all in one plan."""
    actions = label_actions(labels, add, remove)
    actions.append(PostComment(comment))
    notes = ["scrub report"]
    if close_version is not None:
        actions.append(PostComment(closing_comment(close_version)))
        actions.append(CloseIssue("completed"))
        notes.append("fixed bugs are always closed (the dialog still confirms)")
    return WritePlan(repo, number, tuple(actions), title, "scrub", tuple(notes))


def stale_close_plan(repo: str, number: int, title: str, comment: str) -> WritePlan:
    return WritePlan(repo, number, (PostComment(comment), CloseIssue("not_planned")), title, "scrub",
                     ("suggested: close as not planned (needs the maintainer's explicit choice)",))
