"""Agreement of the engine with a labelled set: sub-oncall accuracy, module precision and
recall, trap detection rate (and how often a real distributed issue is wrongly flagged)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from ..models import IssueThread
from .engine import propose
from .ruleset import Rules


@dataclass(frozen=True, slots=True)
class LabelledIssue:
    """An issue with what a maintainer would decide. ``sub_oncall`` None: not distributed.
    ``modules`` are compared only where module labels are applied (parallelisms, or labels
    a human already set)."""

    name: str
    thread: IssueThread
    sub_oncall: str | None
    modules: frozenset[str] = frozenset()
    trap: bool = False
    outcome: str | None = None


@dataclass(slots=True)
class QualityReport:
    cases: int = 0
    sub_total: int = 0
    sub_correct: int = 0
    module_tp: int = 0
    module_fp: int = 0
    module_fn: int = 0
    traps: int = 0
    traps_caught: int = 0
    false_traps: int = 0
    outcome_total: int = 0
    outcome_correct: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def sub_oncall_accuracy(self) -> float:
        return self.sub_correct / self.sub_total if self.sub_total else 1.0

    @property
    def module_precision(self) -> float:
        d = self.module_tp + self.module_fp
        return self.module_tp / d if d else 1.0

    @property
    def module_recall(self) -> float:
        d = self.module_tp + self.module_fn
        return self.module_tp / d if d else 1.0

    @property
    def trap_detection_rate(self) -> float:
        return self.traps_caught / self.traps if self.traps else 1.0

    @property
    def outcome_accuracy(self) -> float:
        return self.outcome_correct / self.outcome_total if self.outcome_total else 1.0

    def format(self, title: str = "") -> str:
        lines = [title] if title else []
        lines += [
            f"cases: {self.cases}",
            f"sub-oncall accuracy: {self.sub_oncall_accuracy:.1%} ({self.sub_correct}/{self.sub_total})",
            f"module precision: {self.module_precision:.1%}  recall: {self.module_recall:.1%} "
            f"(tp {self.module_tp}, fp {self.module_fp}, fn {self.module_fn})",
            f"trap detection rate: {self.trap_detection_rate:.1%} ({self.traps_caught}/{self.traps}); "
            f"distributed issues wrongly flagged: {self.false_traps}",
            f"outcome agreement: {self.outcome_accuracy:.1%} ({self.outcome_correct}/{self.outcome_total})",
        ]
        lines += [f"  miss: {m}" for m in self.misses]
        return "\n".join(lines)


def measure(items: Iterable[LabelledIssue], rules: Rules) -> QualityReport:
    report = QualityReport()
    parallelisms = rules.sub_oncall_labels["parallelisms"]
    for item in items:
        report.cases += 1
        p = propose(item.thread, rules)
        flagged = p.outcome == "not_distributed"
        if item.trap:
            report.traps += 1
            report.traps_caught += flagged
            if not flagged:
                report.misses.append(f"{item.name}: trap not detected ({p.outcome})")
        elif item.sub_oncall is not None and flagged:
            report.false_traps += 1
        if item.outcome is not None:
            report.outcome_total += 1
            if p.outcome == item.outcome:
                report.outcome_correct += 1
            else:
                report.misses.append(f"{item.name}: outcome {p.outcome}, expected {item.outcome}")
        if item.sub_oncall is None:
            continue
        report.sub_total += 1
        if (p.sub_oncall or "").lower() == item.sub_oncall.lower():
            report.sub_correct += 1
        else:
            report.misses.append(f"{item.name}: sub-oncall {p.sub_oncall}, expected {item.sub_oncall}")
        present = {l.lower() for l in item.thread.issue.labels}
        human_modules = {m for m in item.modules if m.lower() in present}
        if item.sub_oncall == parallelisms or human_modules:
            want = {m.lower() for m in item.modules}
            got = {m.lower() for m in p.modules}
            report.module_tp += len(want & got)
            report.module_fp += len(got - want)
            report.module_fn += len(want - got)
            if want != got:
                report.misses.append(f"{item.name}: modules {sorted(got)}, expected {sorted(want)}")
    return report


def demo_items(rules: Rules) -> list[LabelledIssue]:
    """The demo dataset's distributed issues as a labelled set (empty if core.demo is absent)."""
    try:
        from ..demo.dataset import DEMO_EXPECTATIONS, demo_dataset
        from ..issuefile import thread_from_json
    except ImportError:
        return []
    data = demo_dataset()
    by_number = {i["number"]: i for i in data["issues"]}
    items = []
    for number, facts in sorted(DEMO_EXPECTATIONS.items()):
        dist = facts.get("dist")
        if not dist or number not in by_number:
            continue
        thread = thread_from_json(by_number[number], default_repo=data["repo"], source=f"demo #{number}")
        items.append(
            LabelledIssue(
                name=f"demo #{number} {facts.get('key', '')}",
                thread=thread,
                sub_oncall=dist.get("sub_oncall"),
                modules=frozenset(dist.get("modules") or ()),
                trap=bool(dist.get("trap")),
                outcome=dist.get("outcome"),
            )
        )
    return items
