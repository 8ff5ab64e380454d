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

import os
import shlex
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Log, Static

from core.issue.report import IssueAnalysis
from core.issue.select import Candidate
from core.models import ErrorSignature, IssueThread, Trust
from core.run import (
    FlakinessReport,
    RunEnvironment,
    RunResult,
    Verdict,
    local_env,
    runner_for,
)
from core.run.flaky import RunOutcome
from core.run.spec import DEFAULT_TIMEOUT_S, SandboxMode
from core.safety.scanner import ScanReport
from core.safety.trust import ReviewRecord
from core.text import one_line

from ...widgets.footer import QuietFooter
from ...widgets.repro import (
    CodeView,
    GatePanel,
    ReproChecks,
    TextLine,
    analysis_text,
    bindings,
    candidates_text,
    findings_text,
    reported_text,
    review_text,
    status_badge,
    targets_text,
    trust_text,
)
from .gate import ReproEditor, ReproGate
from .lookups import CollaboratorCheck, ReproLookups
from .run import ReproRun, _Tap

DEFAULT_MAX_LINES = 5000
DEFAULT_REPEAT = 5

RunnerFactory = Callable[[RunEnvironment], object]


class ReproScreen(ReproGate, ReproLookups, ReproRun, ReproChecks, Screen):
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
        self.trust_checking = False  # the first analysis is shown before the collaborator check lands
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
                yield ReproEditor.deferred_code_editor("", language="python", id="repro-editor")
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
        yield QuietFooter()

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
        self.query_one("#repro-trust", Static).update(trust_text(self.trust(), self.trust_checking))
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

    # Candidates -------------------------------------------------------------------------

    def _switch(self, step: int) -> None:
        if not self.candidates:
            return
        self.index = (self.index + step) % len(self.candidates)
        self._refresh_all()

    def action_next_candidate(self) -> None:
        self._switch(1)

    def action_prev_candidate(self) -> None:
        self._switch(-1)

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

    def on_unmount(self) -> None:
        self._stop_run()
