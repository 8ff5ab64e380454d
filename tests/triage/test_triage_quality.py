"""Agreement on the labelled sets (synthetic cases + the demo data). Run as a script to print:

    .venv/bin/python tests/triage/test_triage_quality.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from core.triage import default_rules  # noqa: E402
from core.triage.quality import LabelledIssue, demo_items, measure  # noqa: E402
from triage_cases import CASES  # noqa: E402

RULES = default_rules()


def synthetic_items() -> list[LabelledIssue]:
    return [LabelledIssue(c.id, c.thread(), c.sub, c.modules, c.trap, c.outcome) for c in CASES]


def test_synthetic_agreement():
    report = measure(synthetic_items(), RULES)
    print(report.format("synthetic"))
    assert report.sub_oncall_accuracy == 1.0, report.misses
    assert report.module_precision == 1.0 and report.module_recall == 1.0, report.misses
    assert report.trap_detection_rate == 1.0 and report.false_traps == 0, report.misses


def test_demo_agreement():
    items = demo_items(RULES)
    if not items:
        import pytest

        pytest.skip("core.demo has no distributed expectations")
    report = measure(items, RULES)
    print(report.format("demo"))
    assert report.sub_oncall_accuracy >= 0.9, report.misses
    assert report.module_precision >= 0.9 and report.module_recall >= 0.9, report.misses
    assert report.trap_detection_rate >= 0.75 and report.false_traps == 0, report.misses


if __name__ == "__main__":
    print(measure(synthetic_items(), RULES).format("synthetic cases"))
    print()
    print(measure(demo_items(RULES), RULES).format("demo data (core.demo)"))
    print()
    print(measure(synthetic_items() + demo_items(RULES), RULES).format("combined"))
