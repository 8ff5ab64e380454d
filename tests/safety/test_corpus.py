"""The security corpus: every hostile repro is caught, no benign one is flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.safety.scanner import scan

CORPUS = Path(__file__).parent / "corpus"
HOSTILE = sorted((CORPUS / "hostile").iterdir())
BENIGN = sorted((CORPUS / "benign").iterdir())


def _scan_file(path: Path):
    return scan(path.read_text(), "bash" if path.suffix == ".sh" else "python")


def _expected(path: Path) -> set[str]:
    first = path.read_text().splitlines()[0]
    assert first.startswith("# expect:"), f"{path.name} lacks its '# expect:' header"
    return {c.strip() for c in first.split(":", 1)[1].split(",") if c.strip()}


def test_corpus_detection_and_false_positive_counts():
    detected, missed = 0, []
    for path in HOSTILE:
        report = _scan_file(path)
        found = {f.category.value for f in report.findings}
        if not report.clean and _expected(path) <= found:
            detected += 1
        else:
            missed.append(f"{path.name}: expected {sorted(_expected(path))}, got {sorted(found)}")
    false_positives = []
    for path in BENIGN:
        report = _scan_file(path)
        if not report.clean:
            false_positives.append(f"{path.name}: {[(f.category.value, f.line, f.reason) for f in report.findings]}")
    print(
        f"\nsecurity corpus: detected {detected}/{len(HOSTILE)} hostile "
        f"({100 * detected / len(HOSTILE):.0f}%), false positives {len(false_positives)}/{len(BENIGN)} benign"
    )
    assert len(HOSTILE) >= 40 and len(BENIGN) >= 12
    assert not missed, "\n".join(missed)
    assert not false_positives, "\n".join(false_positives)


@pytest.mark.parametrize("path", HOSTILE, ids=lambda p: p.name)
def test_hostile_findings_name_line_and_reason(path):
    report = _scan_file(path)
    assert report.findings
    lines = path.read_text().split("\n")
    for f in report.findings:
        assert f.reason and 1 <= f.line <= len(lines)
        assert f.code == lines[f.line - 1].strip()[:200]


def test_every_category_is_covered_by_the_corpus():
    from core.safety.rules import Category

    covered = set().union(*(_expected(p) for p in HOSTILE))
    assert covered == {c.value for c in Category}
