"""Runs of the repro pane: the gated start, the run worker (output in batches of about one
frame), the handlers that apply its messages, and cancelling."""

from __future__ import annotations

import asyncio
import collections
import gc
import tempfile
import uuid
from pathlib import Path

from rich.text import Text
from textual import work
from textual.widgets import Log, Static

from core.errors import TriagedeckError
from core.issue.analysis import analyze_repro
from core.models import ErrorSignature
from core.run import (
    FlakinessReport,
    OutputLine,
    RunHandle,
    RunLauncher,
    RunSpec,
    RunStarted,
    collect,
    judge_result,
    launcher_from_analysis,
)
from core.run.flaky import RunOutcome

from ...widgets.repro import display_line, results_table, verdict_text
from .messages import _Batch, _Failed, _Finished, _Started

# About one frame at 30 Hz: output is gathered this long, then written in one call
# (each write repaints the log; at 60 Hz the repaints alone take most of a core).
FRAME_S = 1 / 30
# The most lines drawn per frame. A flood outruns any reader; drawing all of it would
# starve the keyboard. Skipped lines are counted on screen and all are in the log file.
FRAME_LINES = 400
# Lines each run keeps in memory for the verdict (the log file holds all of them).
KEEP_LINES = 2000


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


class ReproRun:
    """Mixed into :class:`ReproScreen`: starting, streaming and cancelling runs."""

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

    def run_launcher(self) -> RunLauncher:
        """How the repro starts: the analysis' launcher for the chosen block, else worked out
        from the code shown (another candidate)."""
        a = self.analysis
        if a is not None and a.analysis is not None and self.candidate is a.selection.selected:
            return launcher_from_analysis(a.analysis.launcher)
        return launcher_from_analysis(analyze_repro(self.current_code).launcher)

    def _spec(self) -> RunSpec:
        return RunSpec(
            self.current_code,
            env=self.target,
            timeout_s=self.timeout_s,
            sandbox=self.sandbox,
            allow_unsandboxed=self.allow_unsandboxed,
            script_name=f"repro_{self.number}.py",
            launcher=self.run_launcher(),
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
        # A flood allocates millions of short-lived objects: keep the collector's full passes
        # away from the screens built since start-up (see TriagedeckApp.on_mount).
        gc.collect()
        gc.freeze()
        self._run_worker(self._run_id, self._spec(), names, self.expected)
        self._refresh_badge()
        self.refresh_bindings()

    @work(exclusive=True, group="repro-run")
    async def _run_worker(self, run_id: int, spec: RunSpec, logs: list[Path], expected: ErrorSignature | None) -> None:
        runner = self.runner_factory(spec.env)
        pending: collections.deque[str] = collections.deque(maxlen=min(self.max_lines, FRAME_LINES))
        count = 0
        skipped = 0
        post = self.post_message

        def flush() -> None:
            nonlocal skipped
            if pending:
                batch = [display_line(text) for text in pending]
                if skipped:
                    batch.insert(0, f"… {skipped:,} lines not drawn here (output too fast to read; all are in the full log: L)")
                    skipped = 0
                pending.clear()
                post(_Batch(run_id, batch, count))

        index = 0

        def on_event(event) -> None:
            nonlocal count, skipped
            if type(event) is OutputLine:
                if len(pending) == pending.maxlen:
                    skipped += 1
                pending.append(event.text)
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

    def _stop_run(self) -> None:
        if self._tap is not None:
            self._tap.cancel()
        self.workers.cancel_group(self, "repro-run")
