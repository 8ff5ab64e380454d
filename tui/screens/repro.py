"""The repro pane: the chosen repro, its findings, the security gate, and live runs.

``ReproScreen(thread)`` analyses the thread (``core.issue.report.analyze_issue``), shows
the chosen repro with flagged lines highlighted, the other candidates, the reported error,
the author's trust and the target environment. A run happens in an async worker that
only posts messages: output arrives in batches of about one frame and is written with
``Log.write_lines``; the Log keeps the last ``max_lines`` lines, the full output goes to a
log file (``L`` opens it). Nothing runs before the gate allows it: a repro with findings,
or by an author not known to be a collaborator, waits for an explicit ``y``/``e``/``s``.
"""

from __future__ import annotations

import asyncio
import collections
import os
import shlex
import subprocess
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Log, Static, TextArea

from core.errors import ConfigError, TriagedeckError
from core.issue.report import IssueAnalysis, analyze_issue
from core.issue.select import Candidate
from core.models import ErrorSignature, IssueThread, Trust
from core.run import (
    FlakinessReport,
    OutputLine,
    RunEnvironment,
    RunHandle,
    RunResult,
    RunSpec,
    RunStarted,
    Verdict,
    collect,
    conda_env,
    discover_conda_envs,
    judge_result,
    local_env,
    parse_environment,
    probe_environment,
    runner_for,
    sandbox_status,
)
from core.run.flaky import RunOutcome
from core.run.spec import DEFAULT_TIMEOUT_S, SandboxMode
from core.safety.rules import Finding
from core.safety.scanner import ScanReport, scan_python, scan_shell
from core.safety.trust import (
    AuthorTrust,
    GateDecision,
    ReviewChoice,
    ReviewRecord,
    assess_trust,
    code_digest,
    gate_decision,
    may_run,
    record_choice,
)
from core.text import one_line

from ..widgets.repro import (
    CodeView,
    GatePanel,
    ReproChecks,
    TextLine,
    analysis_text,
    bindings,
    candidates_text,
    display_line,
    findings_text,
    gate_text,
    reported_text,
    results_table,
    review_text,
    status_badge,
    targets_text,
    trust_text,
    verdict_text,
)

# About one frame at 30 Hz: output is gathered this long, then written in one call
# (each write repaints the log; at 60 Hz the repaints alone take most of a core).
FRAME_S = 1 / 30
DEFAULT_MAX_LINES = 5000
DEFAULT_REPEAT = 5
# Lines each run keeps in memory for the verdict (the log file holds all of them).
KEEP_LINES = 2000

RunnerFactory = Callable[[RunEnvironment], object]
CollaboratorCheck = Callable[[str], Awaitable[Trust]]


class _Tap:
    """A runner wrapper that keeps the ``RunHandle`` so the pane can cancel it."""

    def __init__(self, runner) -> None:
        self.runner = runner
        self.handle: RunHandle | None = None
        self.cancelled = False

    def run(self, spec: RunSpec) -> RunHandle:
        self.handle = self.runner.run(spec)
        if self.cancelled:
            self.handle.cancel()
        return self.handle

    def cancel(self) -> None:
        self.cancelled = True
        if self.handle is not None:
            self.handle.cancel()


# Messages the run worker posts (private) --------------------------------------------------


class _Analyzed(Message):
    def __init__(self, analysis: IssueAnalysis | None, trusts: dict[str, Trust | None], error: str | None) -> None:
        self.analysis, self.trusts, self.error = analysis, trusts, error
        super().__init__()


class _Targets(Message):
    def __init__(self, envs: list[RunEnvironment], note: str) -> None:
        self.envs, self.note = envs, note
        super().__init__()


class _Probed(Message):
    def __init__(self, key: str, text: str) -> None:
        self.key, self.text = key, text
        super().__init__()


class _SandboxChecked(Message):
    def __init__(self, usable: bool, reason: str) -> None:
        self.usable, self.reason = usable, reason
        super().__init__()


class _Started(Message):
    def __init__(self, run_id: int, index: int, event: RunStarted) -> None:
        self.run_id, self.index, self.event = run_id, index, event
        super().__init__()


class _Batch(Message):
    def __init__(self, run_id: int, lines: list[str], count: int) -> None:
        self.run_id, self.lines, self.count = run_id, lines, count
        super().__init__()


class _Finished(Message):
    def __init__(self, run_id: int, index: int, result: RunResult, verdict: Verdict, elapsed: float, last: bool) -> None:
        self.run_id, self.index, self.result, self.verdict, self.elapsed, self.last = run_id, index, result, verdict, elapsed, last
        super().__init__()


class _Failed(Message):
    def __init__(self, run_id: int, error: str) -> None:
        self.run_id, self.error = run_id, error
        super().__init__()


class ReproEditor(TextArea):
    """The repro editor; its done key has priority over the editor's own keys."""

    SCOPE = "repro_edit"
    BINDINGS = bindings("repro_edit")

    def action_done_editing(self) -> None:
        screen = self.screen
        if isinstance(screen, ReproScreen):
            screen.finish_editing()


class ReproScreen(ReproChecks, Screen):
    """The repro pane for one issue thread.

    Public results for the scrub workflow: :attr:`review` (the last gate choice, a
    ``ReviewRecord``) with the :class:`ReviewRecorded` message, :attr:`last_verdict` /
    :attr:`last_result` with :class:`RunJudged`, :attr:`report` with :class:`SeriesJudged`.
    """

    SCOPE = "repro"
    BINDINGS = bindings("repro")

    class ReviewRecorded(Message):
        """The maintainer chose run / edit / skip for exactly ``code`` (see ``record.code_digest``)."""

        def __init__(self, record: ReviewRecord, code: str, candidate: Candidate | None, number: int) -> None:
            self.record, self.code, self.candidate, self.number = record, code, candidate, number
            super().__init__()

    class RunJudged(Message):
        def __init__(self, result: RunResult, verdict: Verdict, index: int, code: str, env: RunEnvironment) -> None:
            self.result, self.verdict, self.index, self.code, self.env = result, verdict, index, code, env
            super().__init__()

    class SeriesJudged(Message):
        def __init__(self, report: FlakinessReport, code: str, env: RunEnvironment) -> None:
            self.report, self.code, self.env = report, code, env
            super().__init__()

    def __init__(
        self,
        thread: IssueThread,
        *,
        runner_factory: RunnerFactory | None = None,
        environments: Sequence[RunEnvironment] | None = None,
        collaborator_check: CollaboratorCheck | None = None,
        sandbox: SandboxMode = "auto",
        timeout_s: float | None = DEFAULT_TIMEOUT_S,
        repeat_runs: int = DEFAULT_REPEAT,
        max_lines: int = DEFAULT_MAX_LINES,
        log_dir: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
        probe: bool = True,
        open_log: Callable[[Path], object] | None = None,
    ) -> None:
        super().__init__()
        self.thread = thread
        self.number = thread.issue.number
        self.runner_factory: RunnerFactory = runner_factory or runner_for
        self._fixed_envs = list(environments) if environments is not None else None
        self._collaborator_check = collaborator_check
        self.sandbox: SandboxMode = sandbox
        self.timeout_s = timeout_s
        self.repeat_runs = max(1, repeat_runs)
        self.max_lines = max_lines
        self.clock = clock
        self.probe = probe
        self._open_log = open_log
        self._log_dir = log_dir
        # Analysis and the code shown.
        self.analysis: IssueAnalysis | None = None
        self.analysis_error: str | None = None
        self.candidates: tuple[Candidate, ...] = ()
        self.index = 0
        self._edited: dict[int, str] = {}
        self._trusts: dict[str, Trust | None] = {}
        self._scans: dict[tuple[str, str], ScanReport] = {}
        self.editing = False
        # Gate.
        self.review: ReviewRecord | None = None
        self.reviews: list[ReviewRecord] = []
        self._pending_runs = 0
        self.gate_open = False
        self.sandbox_usable: bool | None = None if sandbox != "off" else False
        self.sandbox_reason = ""
        self.allow_unsandboxed = False
        # Targets.
        self.envs: list[RunEnvironment] = list(environments) if environments else [local_env()]
        self.env_index = 0
        self._targets_note = "" if environments is not None else "looking for conda envs…"
        self._probes: dict[str, str] = {}
        # Runs.
        self.state = "idle"
        self._run_id = 0
        self._seq = 0
        self._tap: _Tap | None = None
        self._run_started: float | None = None
        self._elapsed: float | None = None
        self._planned = 1
        self._run_index = 0
        self.exit_code: int | None = None
        self.signal: int | None = None
        self.line_count = 0
        self.run_error: str | None = None
        self.last_result: RunResult | None = None
        self.last_verdict: Verdict | None = None
        self.log_path: Path | None = None
        self.outcomes: list[RunOutcome] = []
        self._durations: list[float] = []
        self.report: FlakinessReport | None = None
        self._run_code = ""
        self._run_env: RunEnvironment | None = None
        self._sandboxed: bool | None = None

    # Layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(self._title_text(), id="repro-title")
        with Horizontal(id="repro-main"):
            with Vertical(id="repro-left"):
                yield Static(id="repro-code-title")
                yield CodeView(id="repro-code")
                yield ReproEditor.code_editor("", language="python", id="repro-editor")
            with VerticalScroll(id="repro-side"):
                yield Static(id="repro-reported", classes="repro-panel")
                yield Static(id="repro-trust", classes="repro-panel")
                yield Static(id="repro-target", classes="repro-panel")
                yield Static(id="repro-needs", classes="repro-panel")
                yield Static(id="repro-findings", classes="repro-panel")
                yield Static(id="repro-candidates", classes="repro-panel")
        yield GatePanel(id="repro-gate")
        yield TextLine(id="repro-badge")
        yield Static(id="repro-verdict")
        with Horizontal(id="repro-run"):
            yield Log(max_lines=self.max_lines, id="repro-log")
            yield Static(id="repro-results")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#repro-editor").display = False
        self.query_one(GatePanel).hide()
        self.query_one("#repro-results").display = False
        self.query_one("#repro-code-title", Static).update(Text("Analysing the thread…", style="italic"))
        self._refresh_all()
        self.set_interval(0.1, self._tick)
        self.analyse()
        if self._fixed_envs is None:
            self.find_targets()
        if self.sandbox != "off":
            self.check_sandbox()
        if self.probe:
            self.probe_target(self.target)
        self.query_one("#repro-code").focus()

    def _title_text(self) -> Text:
        text = Text()
        text.append(f"#{self.number} ", style="bold")
        text.append(one_line(self.thread.issue.title, max_chars=200), style="bold")
        text.append(" · repro", style="dim")
        return text

    # Derived state ----------------------------------------------------------------------

    @property
    def candidate(self) -> Candidate | None:
        return self.candidates[self.index] if self.candidates else None

    @property
    def current_code(self) -> str:
        c = self.candidate
        if c is None:
            return ""
        return self._edited.get(self.index, c.code)

    @property
    def target(self) -> RunEnvironment:
        return self.envs[self.env_index]

    @property
    def expected(self) -> ErrorSignature | None:
        reported = self.analysis.reported if self.analysis else None
        return reported.signature if reported else None

    def _lang(self) -> str:
        c = self.candidate
        return "shell" if c is not None and c.lang == "shell" else "python"

    def scan_report(self) -> ScanReport | None:
        """The scan of the code now shown (edited code is scanned again)."""
        if self.candidate is None:
            return None
        key = (self._lang(), self.current_code)
        if key not in self._scans:
            self._scans[key] = scan_shell(key[1]) if key[0] == "shell" else scan_python(key[1])
        return self._scans[key]

    def step_findings(self) -> tuple[Finding, ...]:
        """Findings of shell steps posted with the chosen repro (``pip install`` first...)."""
        a = self.analysis
        if a is None or self.candidate is None or self.candidate is not a.selection.selected:
            return ()
        return tuple(f for s in a.shell_steps for f in s.findings)

    def trust(self) -> AuthorTrust | None:
        c = self.candidate
        if c is None:
            return None
        return assess_trust(c.author, c.post.author_association, self._trusts.get(c.author))

    def gate(self) -> GateDecision | None:
        scan = self.scan_report()
        trust = self.trust()
        if scan is None or trust is None:
            return None
        combined = ScanReport(scan.findings + self.step_findings(), scan.parsed, scan.syntax_error)
        return gate_decision(combined, trust)

    def _review_for(self, code: str) -> ReviewRecord | None:
        digest = code_digest(code)
        return next((r for r in reversed(self.reviews) if r.code_digest == digest), None)

    def _sandbox_note(self) -> str | None:
        """Why this run would not be sandboxed, when that needs the maintainer's consent."""
        if self.allow_unsandboxed or self.sandbox == "off":
            return None
        if self.target.kind == "ssh":
            return f"{self.target.name} runs on a remote host without the local sandbox"
        if self.sandbox == "auto" and self.sandbox_usable is False:
            return f"not sandboxed: {self.sandbox_reason}"
        return None

    # Checks (the footer greys out what cannot run now) ----------------------------------

    def run_in_progress(self) -> bool:
        return self.state == "running"

    def can_run(self) -> bool:
        return (
            self.analysis is not None
            and self.candidate is not None
            and self.candidate.lang != "shell"
            and not self.run_in_progress()
            and not self.editing
            and not self.gate_open
        )

    def can_edit(self) -> bool:
        return self.candidate is not None and not self.run_in_progress() and not self.editing

    def is_edited(self) -> bool:
        return self.index in self._edited and not self.run_in_progress()

    def has_candidates(self) -> bool:
        return len(self.candidates) > 1 and not self.run_in_progress() and not self.editing and not self.gate_open

    def can_pick_target(self) -> bool:
        return len(self.envs) > 1 and not self.run_in_progress()

    def has_log(self) -> bool:
        return self.log_path is not None

    # Rendering --------------------------------------------------------------------------

    def _refresh_all(self) -> None:
        self._refresh_code()
        self._refresh_side()
        self._refresh_badge()
        self.refresh_bindings()

    def _refresh_code(self) -> None:
        title = self.query_one("#repro-code-title", Static)
        view = self.query_one(CodeView)
        c = self.candidate
        if self.analysis is None:
            if self.analysis_error:
                title.update(Text(f"Could not analyse the thread: {one_line(self.analysis_error)}", style="bold red"))
            view.show("")
            return
        stop = self.analysis.selection.stop
        if c is None:
            reason = stop.reason if stop else "No repro found."
            title.update(Text(f"Nothing to run: {one_line(reason, max_chars=300)}", style="bold yellow"))
            view.show("")
            return
        text = Text()
        text.append("Repro ", style="bold")
        text.append(f"{self.index + 1}/{len(self.candidates)}: {one_line(c.source)} by @{one_line(c.author, max_chars=40)}")
        if self.index in self._edited:
            text.append("  (edited — o restores the original)", style="bold yellow")
        if c.lang == "shell":
            text.append("  launch command only: nothing to run here", style="bold yellow")
        record = self._review_for(self.current_code)
        if record is not None:
            text.append("  ")
            text.append_text(review_text(record))
        title.update(text)
        scan = self.scan_report()
        view.show(self.current_code, scan.findings if scan else (), lexer="bash" if c.lang == "shell" else "python")

    def _refresh_side(self) -> None:
        a = self.analysis
        self.query_one("#repro-reported", Static).update(reported_text(a.reported if a else None))
        self.query_one("#repro-trust", Static).update(trust_text(self.trust()))
        note = self._targets_note
        probe = self._probes.get(self.target.key)
        if probe:
            note = f"{probe}\n{note}" if note else probe
        self.query_one("#repro-target", Static).update(targets_text(self.envs, self.env_index, note))
        self.query_one("#repro-needs", Static).update(
            analysis_text(a.analysis if a and self.candidate is a.selection.selected else None)
        )
        scan = self.scan_report()
        findings = (scan.findings if scan else ()) + self.step_findings()
        self.query_one("#repro-findings", Static).update(findings_text(scan, findings))
        self.query_one("#repro-candidates", Static).update(
            candidates_text(a.selection if a else None, self.index, self.candidates)
        )

    def _elapsed_now(self) -> float | None:
        if self.state == "running" and self._run_started is not None:
            return self.clock() - self._run_started
        return self._elapsed

    def _refresh_badge(self) -> None:
        label = f"run {self._run_index + 1}/{self._planned}" if self._planned > 1 and self.state != "idle" else ""
        if self._run_env is not None and self.state not in ("idle", "gated", "skipped"):
            label = (label + " · " if label else "") + one_line(self._run_env.name, max_chars=50)
            if self._sandboxed is not None:
                label += " · sandboxed" if self._sandboxed else " · NOT sandboxed"
        if self.log_path is not None and self.state != "running":
            label += f" · log {self.log_path.name} (L)"
        badge = status_badge(
            self.state,
            elapsed_s=self._elapsed_now(),
            exit_code=self.exit_code,
            signal=self.signal,
            line_count=self.line_count,
            shown_lines=min(self.line_count, self.max_lines),
            run_label=label,
            error=self.run_error,
        )
        self.query_one("#repro-badge", TextLine).set_text(badge)

    def _tick(self) -> None:
        if self.state == "running":
            self._refresh_badge()

    # Background work (each posts one message; handlers below apply it) ------------------

    def _check(self) -> CollaboratorCheck | None:
        if self._collaborator_check is not None:
            return self._collaborator_check
        workbench = getattr(self.app, "workbench", None)
        return getattr(workbench, "collaborator", None)

    @work(group="repro-analyse")
    async def analyse(self) -> None:
        check = self._check()
        try:
            analysis = await analyze_issue(self.thread, python=None, collaborator_check=check)
        except Exception as exc:  # noqa: BLE001 - a parser bug must not take the pane down
            self.post_message(_Analyzed(None, {}, f"{type(exc).__name__}: {exc}"))
            return
        trusts: dict[str, Trust | None] = {}
        if analysis.trust is not None and analysis.selection.selected is not None:
            trusts[analysis.selection.selected.author] = analysis.trust.trust
        for c in analysis.selection.candidates:
            if c.author in trusts:
                continue
            if check is None:
                trusts[c.author] = None
                continue
            try:
                trusts[c.author] = await check(c.author)
            except Exception:  # noqa: BLE001 - a failed check means "unknown", never "trusted"
                trusts[c.author] = Trust.UNKNOWN
        self.post_message(_Analyzed(analysis, trusts, None))

    @work(group="repro-targets")
    async def find_targets(self) -> None:
        runners = self._runners_config()
        envs: list[RunEnvironment] = []
        notes: list[str] = []
        try:
            envs.append(parse_environment("local", runners))
        except ConfigError as exc:
            notes.append(f"local: {exc}")
            envs.append(local_env())
        try:
            envs += [conda_env(e.name, runners) for e in await discover_conda_envs(runners)]
        except TriagedeckError as exc:
            notes.append(f"conda: {exc}")
        for name in sorted(runners.get("ssh") or {}):
            try:
                envs.append(parse_environment(f"ssh:{name}", runners))
            except ConfigError as exc:
                notes.append(f"ssh {name}: {exc}")
        self.post_message(_Targets(envs, "\n".join(one_line(n, max_chars=200) for n in notes)))

    def _runners_config(self) -> dict:
        workbench = getattr(self.app, "workbench", None)
        config = getattr(workbench, "config", None)
        extra = getattr(config, "extra", None) or {}
        runners = extra.get("runners") if hasattr(extra, "get") else None
        return dict(runners or {})

    @work(thread=True, group="repro-sandbox")
    def check_sandbox(self) -> None:
        status = sandbox_status()  # runs bwrap once (cached): kept off the UI thread
        self.post_message(_SandboxChecked(status.usable, status.reason))

    @work(group="repro-probe", exclusive=True)
    async def probe_target(self, env: RunEnvironment) -> None:
        probe = await probe_environment(env)
        if probe.error:
            text = f"probe failed: {probe.error}"
        else:
            parts = [f"python {probe.python}"]
            parts.append(f"torch {probe.torch}" if probe.torch else "no torch")
            if probe.torch:
                parts.append(f"CUDA {probe.torch_cuda or '-'}; GPU: {probe.gpu or 'none'}")
            text = " · ".join(parts)
        self.post_message(_Probed(env.key, one_line(text, max_chars=200)))

    def on__analyzed(self, message: _Analyzed) -> None:
        self.analysis = message.analysis
        self.analysis_error = message.error
        self._trusts = dict(message.trusts)
        if message.analysis is not None:
            sel = message.analysis.selection
            self.candidates = sel.candidates
            self.index = next((i for i, c in enumerate(sel.candidates) if c is sel.selected), 0)
        self._refresh_all()

    def on__targets(self, message: _Targets) -> None:
        current = self.target.key
        self.envs = message.envs or [local_env()]
        self.env_index = next((i for i, e in enumerate(self.envs) if e.key == current), 0)
        self._targets_note = message.note
        self._refresh_side()
        self.refresh_bindings()

    def on__probed(self, message: _Probed) -> None:
        self._probes[message.key] = message.text
        self._refresh_side()

    def on__sandbox_checked(self, message: _SandboxChecked) -> None:
        self.sandbox_usable = message.usable
        self.sandbox_reason = message.reason

    # Candidates, targets, editing -------------------------------------------------------

    def _switch(self, step: int) -> None:
        if not self.candidates:
            return
        self.index = (self.index + step) % len(self.candidates)
        self._refresh_all()

    def action_next_candidate(self) -> None:
        self._switch(1)

    def action_prev_candidate(self) -> None:
        self._switch(-1)

    def action_next_target(self) -> None:
        self.env_index = (self.env_index + 1) % len(self.envs)
        if self.probe and self.target.key not in self._probes:
            self.probe_target(self.target)
        self._refresh_side()
        self.refresh_bindings()

    def action_edit(self) -> None:
        if self.candidate is None:
            return
        editor = self.query_one(ReproEditor)
        editor.load_text(self.current_code)
        self.editing = True
        self._close_gate()
        self.query_one(CodeView).display = False
        editor.display = True
        editor.focus()
        self.refresh_bindings()

    def finish_editing(self) -> None:
        """Leave the editor: the edited text is what runs next (the original is kept)."""
        if not self.editing:
            return
        editor = self.query_one(ReproEditor)
        text = editor.text
        c = self.candidate
        if c is not None:
            if text == c.code:
                self._edited.pop(self.index, None)
            else:
                self._edited[self.index] = text
        self.editing = False
        editor.display = False
        view = self.query_one(CodeView)
        view.display = True
        view.focus()
        self._refresh_all()

    def action_original(self) -> None:
        self._edited.pop(self.index, None)
        self._refresh_all()

    # The gate ---------------------------------------------------------------------------

    def needs_review(self) -> bool:
        """Whether the code now shown may not run without an explicit choice."""
        decision = self.gate()
        if decision is None:
            return True
        return not may_run(decision, self.current_code, self._review_for(self.current_code)) or self._sandbox_note() is not None

    def _open_gate(self, runs: int) -> None:
        decision = self.gate()
        assert decision is not None
        scan = self.scan_report()
        self._pending_runs = runs
        self.gate_open = True
        self.state = "gated"
        self.query_one(GatePanel).show_gate(gate_text(decision, self._sandbox_note(), scan.findings if scan else ()))
        self._refresh_badge()
        self.refresh_bindings()

    def _close_gate(self) -> None:
        if self.gate_open:
            self.gate_open = False
            self.query_one(GatePanel).hide()
            self.query_one(CodeView).focus()
            if self.state == "gated":
                self.state = "idle"

    def on_gate_panel_chosen(self, message: GatePanel.Chosen) -> None:
        message.stop()
        decision = self.gate()
        if decision is None:
            return
        note = self._sandbox_note()
        reasons = decision.reasons + ((note,) if note else ())
        code = self.current_code
        record = record_choice(GateDecision(True, reasons), message.choice, code)
        self.review = record
        self.reviews.append(record)
        self.post_message(self.ReviewRecorded(record, code, self.candidate, self.number))
        runs = self._pending_runs
        self._close_gate()
        if record.choice is ReviewChoice.RUN:
            if note:
                self.allow_unsandboxed = True
            self._start(runs)
        elif record.choice is ReviewChoice.EDIT:
            self.action_edit()
        else:
            self.state = "skipped"
            self.notify("Skipped: the repro was not run.", markup=False)
        self._refresh_all()

    def on_gate_panel_dismissed(self, message: GatePanel.Dismissed) -> None:
        message.stop()
        self._close_gate()
        self._refresh_all()

    # Running ----------------------------------------------------------------------------

    def action_run(self) -> None:
        self._request(1)

    def action_run_many(self) -> None:
        self._request(self.repeat_runs)

    def _request(self, runs: int) -> None:
        if not self.can_run():
            return
        if self.needs_review():
            self._open_gate(runs)
            return
        self._start(runs)

    def _spec(self) -> RunSpec:
        return RunSpec(
            self.current_code,
            env=self.target,
            timeout_s=self.timeout_s,
            sandbox=self.sandbox,
            allow_unsandboxed=self.allow_unsandboxed,
            script_name=f"repro_{self.number}.py",
        )

    def log_dir(self) -> Path:
        if self._log_dir is None:
            base = Path(tempfile.gettempdir()) / "triagedeck-logs"
            self._log_dir = base / f"repro-{self.number}-{uuid.uuid4().hex[:8]}"
        self._log_dir.mkdir(parents=True, exist_ok=True)
        return self._log_dir

    def _start(self, runs: int) -> None:
        # Checked again here: nothing reaches the runner without the gate's consent.
        if self.needs_review():
            self._open_gate(runs)
            return
        self._run_id += 1
        self._planned = runs
        self._run_index = 0
        self.outcomes = []
        self._durations = []
        self.report = None
        self.last_verdict = None
        self.run_error = None
        self.exit_code = self.signal = None
        self.line_count = 0
        self._elapsed = None
        self._run_started = self.clock()
        self._sandboxed = None
        self._run_code = self.current_code
        self._run_env = self.target
        self.state = "running"
        log = self.query_one(Log)
        log.clear()
        results = self.query_one("#repro-results", Static)
        results.display = runs > 1
        if runs > 1:
            results.update(results_table([], [], runs))
        self.query_one("#repro-verdict", Static).update("")
        names = []
        for _ in range(runs):
            self._seq += 1
            names.append(self.log_dir() / f"issue-{self.number}-run-{self._seq}.log")
        self._run_worker(self._run_id, self._spec(), names, self.expected)
        self._refresh_badge()
        self.refresh_bindings()

    @work(exclusive=True, group="repro-run")
    async def _run_worker(self, run_id: int, spec: RunSpec, logs: list[Path], expected: ErrorSignature | None) -> None:
        runner = self.runner_factory(spec.env)
        pending: collections.deque[str] = collections.deque(maxlen=self.max_lines)
        count = 0
        post = self.post_message

        def flush() -> None:
            if pending:
                batch = list(pending)
                pending.clear()
                post(_Batch(run_id, batch, count))

        index = 0

        def on_event(event) -> None:
            nonlocal count
            if type(event) is OutputLine:
                pending.append(display_line(event.text))
                count += 1
            elif isinstance(event, RunStarted):
                post(_Started(run_id, index, event))

        async def ticker() -> None:
            while True:
                await asyncio.sleep(FRAME_S)
                flush()

        tick = asyncio.get_running_loop().create_task(ticker())
        try:
            for index, log_path in enumerate(logs):
                tap = _Tap(runner)
                self._tap = tap
                count = 0
                started = self.clock()
                try:
                    result = await collect(tap, spec, keep_lines=KEEP_LINES, log_path=log_path, on_event=on_event)
                except (TriagedeckError, OSError) as exc:
                    flush()
                    post(_Failed(run_id, str(exc)))
                    return
                flush()
                verdict = judge_result(result, expected)
                last = index == len(logs) - 1 or result.finished.cancelled or tap.cancelled
                post(_Finished(run_id, index, result, verdict, self.clock() - started, last))
                if last:
                    return
        finally:
            tick.cancel()

    def on__started(self, message: _Started) -> None:
        if message.run_id != self._run_id:
            return
        self._run_index = message.index
        self.line_count = 0
        if message.index:
            self.query_one(Log).write_line(f"──── run {message.index + 1}/{self._planned} ────")
        self._sandboxed = message.event.sandboxed
        self._refresh_badge()

    def on__batch(self, message: _Batch) -> None:
        if message.run_id != self._run_id:
            return
        self.query_one(Log).write_lines(message.lines)
        self.line_count = message.count  # the badge shows it on its next tick

    def on__finished(self, message: _Finished) -> None:
        if message.run_id != self._run_id:
            return
        result, verdict = message.result, message.verdict
        self.last_result = result
        self.last_verdict = verdict
        self.log_path = result.log_path
        self.exit_code = result.exit_code
        self.signal = result.signal
        self.line_count = result.line_count
        outcome = RunOutcome.of(message.index, result, verdict)
        self.outcomes.append(outcome)
        self._durations.append(message.elapsed)
        if message.last:
            self._elapsed = self.clock() - (self._run_started or self.clock())
            if result.finished.cancelled:
                self.state = "cancelled"
            elif result.timed_out:
                self.state = "timeout"
            else:
                self.state = "finished"
        if self._planned > 1:
            self.query_one("#repro-results", Static).update(results_table(self.outcomes, self._durations, self._planned))
        cancelled = result.finished.cancelled
        self.query_one("#repro-verdict", Static).update(
            Text("cancelled: the process tree was killed; no verdict", style="bold magenta") if cancelled
            else verdict_text(verdict)
        )
        if not result.finished.cancelled:
            self.post_message(self.RunJudged(result, verdict, message.index, self._run_code, self._run_env or self.target))
        if message.last and self._planned > 1:
            self.report = FlakinessReport(tuple(self.outcomes))
            self.post_message(self.SeriesJudged(self.report, self._run_code, self._run_env or self.target))
            best = self.report.verdict
            if best is not None and not result.finished.cancelled:
                self.query_one("#repro-verdict", Static).update(verdict_text(best))
        self._refresh_badge()
        self.refresh_bindings()

    def on__failed(self, message: _Failed) -> None:
        if message.run_id != self._run_id:
            return
        self.state = "error"
        self.run_error = message.error
        self._elapsed = self.clock() - (self._run_started or self.clock())
        self._refresh_badge()
        self.refresh_bindings()

    def action_cancel_run(self) -> None:
        if self._tap is not None and self.run_in_progress():
            self._tap.cancel()
            self.notify("Cancelling: killing the process tree…", markup=False)

    # Log, navigation --------------------------------------------------------------------

    def action_open_log(self) -> None:
        path = self.log_path
        if path is None:
            return
        if self._open_log is not None:
            self._open_log(path)
            return
        pager = os.environ.get("PAGER")
        if pager and not self.app.is_headless:
            try:
                with self.app.suspend():
                    subprocess.run([*shlex.split(pager), str(path)], check=False)
                return
            except Exception as exc:  # noqa: BLE001 - fall back to showing the path
                self.notify(f"Could not start $PAGER: {exc}", severity="warning", markup=False)
        self.notify(f"Full log: {path}", title="Log", timeout=15, markup=False)

    def action_back(self) -> None:
        self._stop_run()
        self.app.pop_screen()

    def _stop_run(self) -> None:
        if self._tap is not None:
            self._tap.cancel()
        self.workers.cancel_group(self, "repro-run")

    def on_unmount(self) -> None:
        self._stop_run()
