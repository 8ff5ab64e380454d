"""One call that runs steps 1 and 3 of the scrub seed on a thread, plus its JSON shape.

Used by ``triagedeck analyze`` and by the repro pane. The only I/O is the import probe of
the target interpreter (and whatever collaborator check the caller passes in).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Awaitable, Callable

from core.issue.analysis import ImportProbeError, ReproAnalysis, analyze_repro, probe_imports
from core.issue.classify import BlockKind, classify_block
from core.issue.markdown import ParsedThread, parse_thread
from core.issue.select import Candidate, Selection, select_repro
from core.issue.signature import ReportedError, reported_error, signature_json
from core.models import IssueThread, Trust
from core.safety.rules import Finding
from core.safety.scanner import ScanReport, scan_python, scan_shell
from core.safety.trust import AuthorTrust, GateDecision, assess_trust, gate_decision

CollaboratorCheck = Callable[[str], Awaitable[Trust]]


@dataclass(frozen=True, slots=True)
class IssueAnalysis:
    parsed: ParsedThread
    selection: Selection
    reported: ReportedError | None
    analysis: ReproAnalysis | None
    missing_imports: tuple[str, ...] | None  # None: the probe failed (see probe_error)
    probe_error: str | None
    scan: ScanReport | None
    trust: AuthorTrust | None
    gate: GateDecision | None
    shell_steps: tuple["StepFindings", ...] = ()


@dataclass(frozen=True, slots=True)
class StepFindings:
    """Findings in a shell block posted with the repro; lines are within that post."""

    source: str
    line_start: int
    line_end: int
    findings: tuple[Finding, ...]


async def analyze_issue(
    thread: IssueThread,
    *,
    python: str | None = None,
    collaborator_check: CollaboratorCheck | None = None,
) -> IssueAnalysis:
    """Parse, select, extract the reported error, analyse and scan the chosen repro.

    ``python`` is the target interpreter probed for missing imports (None: no probe).
    A failing ``collaborator_check`` yields ``Trust.UNKNOWN``, never "not collaborator".
    """
    parsed = parse_thread(thread)
    selection = select_repro(parsed)
    reported = reported_error(parsed)
    chosen = selection.selected
    if chosen is None:
        return IssueAnalysis(parsed, selection, reported, None, None, None, None, None, None)
    shell_blocks = [b for b in parsed.blocks if classify_block(b.code, b.lang) is BlockKind.SHELL]
    prose = "\n".join(p.text for p in parsed.prose)  # "launched with `torchrun --nproc_per_node=4`"
    shell = "\n".join(b.code for b in shell_blocks) + "\n" + prose
    is_shell = chosen.lang == "shell"
    analysis = analyze_repro(
        "" if is_shell else chosen.code,
        shell_text=shell,
        description=thread.issue.body or "",
        reported=reported.signature if reported else None,
    )
    missing: tuple[str, ...] | None = None
    probe_error = None
    if python:
        try:
            found = await probe_imports(python, analysis.imports)
            missing = tuple(m for m in analysis.imports if not found.get(m, False))
        except ImportProbeError as exc:
            probe_error = str(exc)
    collaborator: Trust | None = None
    if collaborator_check is not None:
        try:
            collaborator = await collaborator_check(chosen.author)
        except Exception:  # noqa: BLE001 - any failure of the check means "unknown"
            collaborator = Trust.UNKNOWN
    trust = assess_trust(chosen.author, chosen.post.author_association, collaborator)
    report = scan_shell(chosen.code) if is_shell else scan_python(chosen.code)
    # Shell steps posted with the repro ("pip install ... then run") are part of running it.
    steps = tuple(
        StepFindings(b.post.label, b.line_start, b.line_end, scan_shell(b.code).findings)
        for b in shell_blocks
        if b.post is chosen.post and b.order not in chosen.blocks
    )
    steps = tuple(s for s in steps if s.findings)
    combined = ScanReport(report.findings + tuple(f for s in steps for f in s.findings), report.parsed, report.syntax_error)
    return IssueAnalysis(parsed, selection, reported, analysis, missing, probe_error, report, trust,
                         gate_decision(combined, trust), steps)


def _candidate_json(c: Candidate, selected: Candidate | None) -> dict:
    return {
        "lang": c.lang,
        "code": c.code,
        "author": c.author,
        "source": c.source,
        "lines": c.lines,
        "blocks": list(c.blocks),
        "self_contained": c.self_contained,
        "free_names": list(c.free_names),
        "selected": c is selected,
    }


def analysis_json(result: IssueAnalysis) -> dict:
    """The ``triagedeck analyze --json`` document."""
    sel = result.selection
    chosen = sel.selected
    out: dict = {
        "selected": None if chosen is None else {
            "code": chosen.code, "author": chosen.author, "source": chosen.source, "why": sel.why, "lang": chosen.lang,
        },
        "candidates": [_candidate_json(c, chosen) for c in sel.candidates],
        "reported_error": signature_json(result.reported.signature) if result.reported else None,
        "reported_error_evidence": None if result.reported is None else {
            "text": result.reported.evidence, "source": result.reported.post.label, "kind": result.reported.kind.value,
        },
        "analysis": None,
        "security": None,
        "trust": None,
        "gate": None,
        "stop": None if sel.stop is None else {"kind": sel.stop.kind, "reason": sel.stop.reason},
    }
    a = result.analysis
    if a is not None:
        out["analysis"] = {
            "parses": a.parses,
            "syntax_error": None if a.syntax_error is None else {
                "line": a.syntax_error.line, "col": a.syntax_error.col, "message": a.syntax_error.message,
            },
            "imports": list(a.imports),
            "missing_imports": None if result.missing_imports is None else list(result.missing_imports),
            "import_probe_error": result.probe_error,
            "needs_cuda": a.needs_cuda,
            "gpus": a.gpus,
            "multi_node": a.multi_node,
            "external_files": [{"kind": e.kind, "line": e.line, "text": e.text} for e in a.external_files],
            "launcher": None if a.launcher is None else {
                "kind": a.launcher.kind, "command": list(a.launcher.command), "note": a.launcher.note,
            },
            "expected_error_described": a.expected_error_described,
        }
    if result.scan is not None:
        out["security"] = result.scan.as_json()
        out["security"]["shell_steps"] = [
            {"source": s.source, "lines": [s.line_start, s.line_end], "findings": [f.as_json() for f in s.findings]}
            for s in result.shell_steps
        ]
    if result.trust is not None:
        out["trust"] = result.trust.as_json()
    if result.gate is not None:
        out["gate"] = {"must_review": result.gate.must_review, "reasons": list(result.gate.reasons)}
    return out
