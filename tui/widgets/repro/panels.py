"""Text builders for the repro pane's side panel and run area.

Everything from the issue (code, logins, error text, output) goes through
``core.text.inert``/``one_line`` into ``rich.text.Text``: it is never read as markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.widget import Widget

from core.issue.analysis import ReproAnalysis
from core.issue.select import Candidate, Selection
from core.issue.signature import ReportedError
from core.models import Trust
from core.run.drive import signal_name
from core.run.environment import RunEnvironment
from core.run.flaky import FlakinessReport, RunOutcome
from core.run.launch import launcher_from_analysis
from core.run.verdict import Verdict, VerdictKind
from core.safety.rules import Finding
from core.safety.scanner import ScanReport
from core.safety.trust import AuthorTrust, GateDecision, ReviewRecord
from core.text import one_line

VERDICT_LABELS: dict[VerdictKind, tuple[str, str]] = {
    VerdictKind.REPRODUCES: ("REPRODUCES", "bold reverse red"),
    VerdictKind.PASSES: ("PASSES", "bold reverse green"),
    VerdictKind.DIFFERENT_ERROR: ("DIFFERENT ERROR", "bold reverse yellow"),
    VerdictKind.FAILS: ("FAILS", "bold reverse red"),
    VerdictKind.CRASH: ("CRASH", "bold reverse magenta"),
    VerdictKind.CUDA_OOM: ("CUDA OOM", "bold reverse yellow"),
    VerdictKind.TIMEOUT: ("TIMEOUT", "bold reverse yellow"),
}


def section(title: str) -> Text:
    text = Text()
    text.append(title, style="bold underline")
    return text


def reported_text(reported: ReportedError | None) -> Text:
    text = section("Reported error")
    text.append("\n")
    if reported is None:
        text.append("none found in the thread", style="dim italic")
        return text
    sig = reported.signature
    if sig.signal is not None:
        text.append(f"signal {sig.signal} ({signal_name(sig.signal) or '?'})", style="bold")
    else:
        text.append(one_line(sig.exception_class or "(no class)", max_chars=120), style="bold")
        if sig.message_substring:
            text.append(": ")
            text.append(one_line(sig.message_substring, max_chars=200))
    text.append(f"\nfrom {one_line(reported.post.label)} by @{one_line(reported.post.author, max_chars=40)}", style="dim")
    return text


def trust_text(trust: AuthorTrust | None, checking: bool = False) -> Text:
    text = section("Author trust")
    text.append("\n")
    if checking:
        login = f"@{one_line(trust.login, max_chars=40)} " if trust is not None else ""
        text.append(f"{login}checking the collaborator status…", style="italic yellow")
        return text
    if trust is None:
        text.append("unknown", style="yellow")
        return text
    words = {
        Trust.COLLABORATOR: ("collaborator", "green"),
        Trust.NOT_COLLABORATOR: ("not a collaborator", "bold red"),
        Trust.UNKNOWN: ("unknown", "bold yellow"),
    }
    word, style = words[trust.trust]
    text.append(f"@{one_line(trust.login, max_chars=40)} ")
    text.append(word, style=style)
    text.append(f" · {one_line(trust.association, max_chars=30).lower().replace('_', ' ')}", style="dim")
    return text


def findings_text(scan: ScanReport | None, findings: Sequence[Finding]) -> Text:
    text = section("Security findings")
    if scan is None:
        text.append("\nnot scanned", style="dim italic")
        return text
    if not scan.parsed:
        text.append(f"\n⚠ could not parse: {one_line(scan.syntax_error, max_chars=160)} (scan incomplete)", style="bold yellow")
    if not findings:
        if scan.parsed:
            text.append("\nnone", style="green")
        return text
    for f in sorted(findings, key=lambda f: (f.line, f.category.value)):
        text.append("\n")
        text.append(f"L{f.line:<4}", style="bold red")
        text.append(f"{f.category.value.replace('_', ' ')}", style="bold")
        text.append(f"  {one_line(f.reason, max_chars=200)}")
        if f.code:
            text.append(f"\n      {one_line(f.code, max_chars=100)}", style="dim")
    return text


def candidates_text(selection: Selection | None, index: int, candidates: Sequence[Candidate]) -> Text:
    text = section(f"Repro candidates ({len(candidates)})")
    if selection is not None and selection.stop is not None:
        text.append(f"\n{one_line(selection.stop.reason, max_chars=300)}", style="bold yellow")
        return text
    for i, c in enumerate(candidates):
        text.append("\n")
        marker = "▶ " if i == index else "  "
        text.append(marker, style="bold")
        text.append(f"{one_line(c.source)} by @{one_line(c.author, max_chars=40)}", style="bold" if i == index else "")
        notes = [f"{c.lines} lines"]
        if c.lang == "shell":
            notes.append("shell")
        if c.merged:
            notes.append(f"merged ×{len(c.blocks)}")
        if not c.parses:
            notes.append("does not parse")
        elif c.free_names:
            notes.append("not self-contained")
        if selection is not None and c is selection.selected:
            notes.append("chosen")
        text.append(f" · {', '.join(notes)}", style="dim")
    if selection is not None and selection.why:
        text.append(f"\nwhy: {one_line(selection.why, max_chars=300)}", style="italic")
    return text


def targets_text(envs: Sequence[RunEnvironment], index: int, note: str = "") -> Text:
    text = section("Target environment")
    for i, env in enumerate(envs):
        text.append("\n")
        text.append("▶ " if i == index else "  ", style="bold")
        text.append(one_line(env.name, max_chars=60), style="bold" if i == index else "")
    if note:
        text.append(f"\n{note}", style="dim italic")
    return text


def analysis_text(analysis: ReproAnalysis | None, missing: Sequence[str] | None = None) -> Text:
    text = section("Needs")
    text.append("\n")
    if analysis is None:
        text.append("-", style="dim")
        return text
    parts = []
    if not analysis.parses and analysis.syntax_error is not None:
        e = analysis.syntax_error
        parts.append(f"syntax error line {e.line}:{e.col} ({one_line(e.message, max_chars=80)})")
    parts.append(f"CUDA, {analysis.gpus} GPU(s)" if analysis.needs_cuda else "CPU")
    if analysis.multi_node:
        parts.append("multi-node")
    runs_as = launcher_from_analysis(analysis.launcher) if analysis.launcher is not None else None
    if analysis.external_files:
        parts.append(f"{len(analysis.external_files)} external file(s)/download(s)")
    if missing:
        parts.append("missing: " + one_line(", ".join(missing), max_chars=80))
    if not analysis.expected_error_described:
        parts.append("no expected error described")
    text.append(" · ".join(parts))
    if runs_as is not None:
        text.append(f"\nruns as: {runs_as.label}", style="bold")
        if runs_as.note:
            text.append(f" ({one_line(runs_as.note, max_chars=160)})", style="dim")
    return text


GATE_FINDINGS = 6


def gate_text(decision: GateDecision, sandbox_note: str | None, findings: Sequence[Finding]) -> Text:
    """What the gate panel says before the maintainer chooses."""
    text = Text()
    text.append("⚠ Review before running", style="bold reverse yellow")
    for reason in decision.reasons:
        text.append("\n • ")
        text.append(one_line(reason, max_chars=300))
    if sandbox_note:
        text.append("\n • ")
        text.append(one_line(sandbox_note, max_chars=300), style="bold")
    ordered = sorted(findings, key=lambda f: (f.line, f.category.value))
    for f in ordered[:GATE_FINDINGS]:
        text.append("\n   ")
        text.append(f"L{f.line:<4}", style="bold red")
        text.append(f"{f.category.value.replace('_', ' '):<18}", style="bold")
        text.append(one_line(f.reason, max_chars=120))
    if len(ordered) > GATE_FINDINGS:
        text.append(f"\n   … {len(ordered) - GATE_FINDINGS} more in the findings list on the right", style="dim")
    if findings:
        text.append("\nFlagged lines are marked ❯ and highlighted in the code.", style="dim")
    return text


def review_text(record: ReviewRecord | None) -> Text:
    if record is None:
        return Text("")
    styles = {"run": "bold green", "edit": "bold yellow", "skip": "bold red"}
    text = Text()
    text.append("review: ", style="dim")
    text.append(f"{record.choice.value}", style=styles.get(record.choice.value, "bold"))
    return text


def status_badge(
    state: str,
    *,
    elapsed_s: float | None = None,
    exit_code: int | None = None,
    signal: int | None = None,
    timed_out: bool = False,
    cancelled: bool = False,
    line_count: int = 0,
    shown_lines: int = 0,
    run_label: str = "",
    error: str | None = None,
) -> Text:
    """The line above the log: state, exit code / signal, elapsed, line counts."""
    styles = {
        "idle": ("NOT RUN", "reverse"),
        "gated": ("AWAITING REVIEW", "bold reverse yellow"),
        "running": ("RUNNING", "bold reverse blue"),
        "finished": ("FINISHED", "bold reverse"),
        "cancelled": ("CANCELLED", "bold reverse magenta"),
        "timeout": ("TIMED OUT", "bold reverse yellow"),
        "skipped": ("SKIPPED", "bold reverse red"),
        "error": ("COULD NOT RUN", "bold reverse red"),
    }
    label, style = styles.get(state, (state.upper(), "reverse"))
    text = Text()
    text.append(f" {label} ", style=style)
    if run_label:
        text.append(f" {run_label}")
    if exit_code is not None or signal is not None:
        if signal is not None:
            text.append(f"  signal {signal} ({signal_name(signal)})", style="bold magenta")
            if exit_code is not None:
                text.append(f" exit {exit_code}", style="dim")
        else:
            text.append(f"  exit {exit_code}", style="bold green" if exit_code == 0 else "bold red")
    if elapsed_s is not None:
        text.append(f"  elapsed {elapsed_s:.1f} s")
    if line_count:
        text.append(f"  {line_count:,} lines")
        if shown_lines < line_count:
            text.append(f" (last {shown_lines:,} shown)", style="dim")
    if error:
        text.append("  ")
        text.append(one_line(error, max_chars=300), style="bold red")
    return text


def verdict_text(verdict: Verdict | None) -> Text:
    if verdict is None:
        return Text("")
    label, style = VERDICT_LABELS.get(verdict.kind, (verdict.kind.value.upper(), "bold reverse"))
    text = Text()
    text.append(f" {label} ", style=style)
    text.append(" ")
    text.append(one_line(verdict.summary, max_chars=300))
    if verdict.hint:
        text.append("\nhint: ", style="bold yellow")
        text.append(one_line(verdict.hint, max_chars=300))
    for line in verdict.evidence[:4]:
        text.append("\n  │ ", style="dim")
        text.append(one_line(line, max_chars=200))
    return text


def results_table(outcomes: Sequence[RunOutcome], durations: Sequence[float], planned: int) -> Table:
    """The run-N-times table: one row per run, a pass/fail ratio in the caption."""
    table = Table(box=None, padding=(0, 1), show_edge=False, expand=False, header_style="bold")
    for name in ("run", "exit", "signal", "time", "verdict"):
        table.add_column(name)
    for outcome, duration in zip(outcomes, durations):
        label, style = VERDICT_LABELS.get(outcome.verdict.kind, (outcome.verdict.kind.value, ""))
        status = "cancelled" if outcome.cancelled else label.lower()
        table.add_row(
            str(outcome.index + 1),
            "-" if outcome.exit_code is None else str(outcome.exit_code),
            signal_name(outcome.signal) or "-",
            f"{duration:.1f} s",
            Text(status, style=style.replace("reverse ", "")),
        )
    report = FlakinessReport(tuple(outcomes))
    caption = f"{len(outcomes)}/{planned} runs · passed {report.passed} · failed {report.failed} (fails {report.ratio})"
    if outcomes:
        caption += " · consistent" if report.consistent else " · FLAKY"
    table.caption = caption
    return table


class TextLine(Widget):
    """A fixed-height line of text that repaints without a layout pass.

    ``Static.update`` asks for a full layout, which re-renders the whole screen (the
    code's Syntax included); the run badge changes ten times a second during a run.
    """

    DEFAULT_CSS = "TextLine { height: 1; width: 1fr; }"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._text = Text()

    @property
    def content(self) -> Text:
        return self._text

    def render(self) -> Text:
        return self._text

    def set_text(self, text: Text) -> None:
        if text != self._text:
            self._text = text
            self.refresh()
