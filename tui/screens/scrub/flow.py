"""Driving the scrub session from the screen: the worker, gate answers, edits and writes.

The session runs in one exclusive async worker that only posts messages; a gate ends the
worker, and only a key on the gate bar (or an edit submitted with ctrl+s) answers it and
starts the next one. Writes go through the confirmation dialog and the write gate.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import time
from pathlib import Path

from textual import work
from textual.widgets import Log, Markdown

from core.bisect import ProbeCancelled, ProbeResult, RoundStarted
from core.errors import TriagedeckError
from core.gate.plan import Confirmation
from core.run.events import OutputLine, RunStarted
from core.scrub import (
    BisectProgress,
    Finished,
    GateOpened,
    MinimizeProgress,
    Note,
    PlanDrafted,
    RunOutput,
    ScrubSession,
    StepChanged,
)
from core.text import inert, one_line

from ...widgets.repro import display_line
from ...widgets.scrub import BisectTimeline, GateBar
from ..confirm import ConfirmDialog
from ..issue import result_summary
from .editors import ReportEditor, ReproEditor
from .messages import DriveDone, EditorReturned, PlanSent, RunLines, SessionEvent

BATCH_S = 0.05  # about a frame: output is written in batches, never line by line


class ScrubFlow:
    """Mixin for :class:`ScrubScreen` (it provides the widgets and ``refresh_view``)."""

    # Opening ------------------------------------------------------------------------

    def _hooks(self) -> dict:
        wb = self.workbench
        repo = wb.config.repo
        number = self.number

        async def fetch():
            return await wb.thread(number)

        async def search(query: str):
            return await wb.reader.search_issues(query, limit=20)

        async def pulls(number: int):
            # The fixing/culprit-PR candidates' titles (reads only), shown in the bisect tab.
            return await wb.reader.get_pull(number)

        return dict(fetch=fetch, collaborator=wb.collaborator, search=search, corpus=lambda: wb.store.issues.all(repo),
                    pulls=pulls)

    def open_session(self, *, fresh: bool = False) -> None:
        """Resume the latest saved session of this issue (or start one) and go on."""
        sessions = self.workbench.store.sessions
        repo = self.workbench.config.repo
        session = None if fresh else ScrubSession.resume(sessions, repo, self.number, self.options, **self._hooks())
        if session is None:
            session = ScrubSession.start(sessions, repo, self.number, self.options, **self._hooks())
        self.session = session
        self.selected = None
        self._thread_shown = False
        self.refresh_view()
        self.call_later(self.show_thread)
        if session.gate is not None:
            self._bring_up_gate()
        elif not session.finished:
            self.start_drive()
        else:
            self._settled_view()

    def start_drive(self) -> None:
        self.running = True
        self.error = None
        self.refresh_view()
        self.drive()

    # The worker ---------------------------------------------------------------------

    @work(exclusive=True, group="scrub-drive")
    async def drive(self) -> None:
        session = self.session
        buffer: list[str] = []
        run_index = 0
        last = time.monotonic()

        def flush(started=None) -> None:
            nonlocal buffer, last
            if buffer or started is not None:
                self.post_message(RunLines(run_index, buffer, started))
            buffer, last = [], time.monotonic()

        try:
            async for event in session.advance():
                if isinstance(event, RunOutput):
                    inner = event.event
                    if isinstance(inner, RunStarted):
                        flush()
                        run_index = event.run
                        flush(inner)
                    elif isinstance(inner, OutputLine):
                        buffer.append(inner.text)
                        if time.monotonic() - last >= BATCH_S:
                            flush()
                    continue
                flush()
                self.post_message(SessionEvent(event))
            flush()
        except Exception as exc:  # noqa: BLE001 - shown on the screen; ctrl+r retries the step
            flush()
            self.post_message(DriveDone(f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(DriveDone(None))

    def on_run_lines(self, message: RunLines) -> None:
        log = self.query_one("#scrub-log", Log)
        if message.started is not None:
            started: RunStarted = message.started  # type: ignore[assignment]
            self._scratch = started.cwd
            if message.run == 0:
                log.clear()
            log.write_line(f"── run {message.run + 1} · {one_line(started.env_name, max_chars=60)}"
                           f"{' · sandboxed' if started.sandboxed else ''} ──")
        scratch = getattr(self, "_scratch", None)
        lines = []
        for line in message.lines:
            # The scratch directory is noise (and differs per run): shown as <scratch>.
            if scratch:
                line = line.replace(scratch, "<scratch>")
            lines.append(display_line(line))
        if lines:
            log.write_lines(lines)

    async def on_session_event(self, message: SessionEvent) -> None:
        event = message.event
        if isinstance(event, StepChanged):
            if event.status == "running" and event.step == "reproduce":
                self.show_tab("repro")
            if event.status == "running" and event.step == "bisect":
                self.query_one(BisectTimeline).clear()
            if event.step == "fetch":
                await self.show_thread()
        elif isinstance(event, BisectProgress):
            self.show_tab("bisect")
            timeline = self.query_one(BisectTimeline)
            inner = event.event
            if isinstance(inner, RoundStarted):
                if not timeline.versions:
                    timeline.set_versions(self.session.data.get("bisect_versions") or [])
                timeline.round_started(inner.round, inner.versions)
            elif isinstance(inner, ProbeResult):
                timeline.probe(inner.version, inner.outcome.value, inner.detail, inner.round)
            elif isinstance(inner, ProbeCancelled):
                timeline.cancelled(inner.version)
        elif isinstance(event, MinimizeProgress):
            self._minimize_progress(event.event)
        elif isinstance(event, Note):
            self.notes.append(event.text)
        elif isinstance(event, (GateOpened, PlanDrafted, Finished)):
            pass
        self.refresh_view()

    def _minimize_progress(self, inner) -> None:
        """Live minimizer progress, as lines in the run log (size, best, oracle runs)."""
        from core.minimize.engine import Finished as MinFinished
        from core.minimize.engine import Progress, StepAccepted

        log = self.query_one("#scrub-log", Log)
        if isinstance(inner, Progress):
            self.show_tab("repro")
            line = (f"minimize · round {inner.round} · {inner.pass_name}: {inner.size.lines} lines / "
                    f"{inner.size.nodes} nodes (best {inner.best.nodes}) · {inner.runs} runs · {inner.elapsed:.1f} s")
            if line != getattr(self, "_last_min_line", None):
                self._last_min_line = line
                log.write_line(line)
        elif isinstance(inner, StepAccepted):
            size = inner.step.size_after
            log.write_line(f"minimize · accepted {inner.step.pass_name} → {size.lines} lines / {size.nodes} nodes")
        elif isinstance(inner, MinFinished):
            stats = inner.result.stats
            log.write_line(f"minimize · done in {stats.oracle_runs} oracle runs, {stats.wall_time:.1f} s")

    def _minimize_log(self) -> list[dict]:
        s = self.session
        doc = (s.data.get("minimize") or {}) if s is not None else {}
        return list((doc.get("result") or {}).get("log") or [])

    def has_minimize_steps(self) -> bool:
        return bool(self._minimize_log()) and not self.running

    def action_minimize_steps(self) -> None:
        """Step through the minimizer's accepted changes; accept or reject from there."""
        from types import SimpleNamespace

        from ..minimize_steps import MinimizeStepsScreen

        s = self.session
        log = self._minimize_log()
        if s is None or not log:
            return
        doc = s.data.get("minimize") or {}
        steps = [SimpleNamespace(pass_name=e["pass_name"], diff=e["diff"], size_after=SimpleNamespace(**e["size_after"]))
                 for e in log]
        original = s.data.get("original_code") or s.code or ""
        final = (doc.get("result") or {}).get("minimized", "")

        def decided(accept: bool | None) -> None:
            gate = self.session.gate if self.session is not None else None
            if accept is None or gate is None or gate.id != "accept_minimized":
                return
            self.post_message(GateBar.Chosen("accept_minimized", "accept" if accept else "reject"))

        self.app.push_screen(MinimizeStepsScreen(steps, original=original, final=final), decided)

    def on_drive_done(self, message: DriveDone) -> None:
        self.running = False
        self.error = message.error
        if message.error:
            self.notify(one_line(message.error), title="Scrub stopped", severity="error", markup=False)
        self.refresh_view()
        if self.session.gate is not None:
            self._bring_up_gate()
        elif self.session.finished:
            self._settled_view()

    def _bring_up_gate(self) -> None:
        from .screen import GATE_TABS

        gate = self.session.gate
        self.show_tab(GATE_TABS.get(gate.id, "issue"))
        self.query_one(GateBar).focus()

    def _settled_view(self) -> None:
        report = self.session.data.get("report") or {}
        if report.get("comment") is not None:
            self.show_tab("report")
        self.focus_steps()

    def can_retry(self) -> bool:
        s = self.session
        return s is not None and not self.running and s.gate is None and not s.finished and not self.editing

    def action_retry(self) -> None:
        if self.can_retry():
            self.start_drive()

    def can_restart(self) -> bool:
        return self.session is not None and not self.running and not self.sending and not self.editing

    def action_new_session(self) -> None:
        if self.can_restart():
            self.notes = []
            self._report_loaded = None
            self.open_session(fresh=True)

    # Gates --------------------------------------------------------------------------

    def on_gate_bar_chosen(self, message: GateBar.Chosen) -> None:
        s = self.session
        if s is None or self.running or s.gate is None or s.gate.id != message.gate_id:
            return
        if message.option == "edit":
            self._start_edit()
            return
        s.choose(message.gate_id, message.option, via="tui")
        self.selected = None
        self.start_drive()

    def _start_edit(self) -> None:
        s = self.session
        code = s.gate.detail.get("code") or s.code or ""
        self.editing = True
        self.show_tab("repro")
        editor = self.query_one(ReproEditor)
        editor.load_text(code)
        editor.display = True
        self.query_one("#scrub-code").display = False
        editor.focus()
        self.refresh_view()

    def _end_edit(self) -> None:
        self.editing = False
        self.query_one(ReproEditor).display = False
        self.query_one("#scrub-code").display = True

    def submit_edit(self) -> None:
        s = self.session
        text = self.query_one(ReproEditor).text
        if s is None or s.gate is None or not text.strip():
            self.notify("The edited repro is empty: nothing to run.", severity="warning", markup=False)
            return
        s.choose(s.gate.id, "edit", code=text, via="tui")
        self._end_edit()
        self.start_drive()

    def cancel_edit(self) -> None:
        self._end_edit()
        self.refresh_view()
        self.query_one(GateBar).focus()

    def external_editor(self) -> None:
        """Open the repro in ``$EDITOR`` (the app is suspended meanwhile), then load it back."""
        text = self.query_one(ReproEditor).text
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        fd, name = tempfile.mkstemp(prefix=f"repro_{self.number}_", suffix=".py")
        path = Path(name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            with self.app.suspend():
                # An argv list, never a shell string; the file name is ours.
                subprocess.run([*shlex.split(editor), str(path)], check=False)
            self.post_message(EditorReturned(path.read_text(encoding="utf-8"), None))
        except Exception as exc:  # noqa: BLE001 - no terminal to suspend, editor missing...
            self.post_message(EditorReturned(None, str(exc)))
        finally:
            path.unlink(missing_ok=True)

    def on_editor_returned(self, message: EditorReturned) -> None:
        if message.error:
            self.notify(f"$EDITOR: {one_line(message.error)}", severity="warning", markup=False)
        elif message.text is not None:
            self.query_one(ReproEditor).load_text(message.text)

    # The report and writes ----------------------------------------------------------

    def save_report(self) -> None:
        s = self.session
        editor = self.query_one(ReportEditor)
        if s is None or editor.read_only or s.plan is None:
            return
        if editor.text != (s.data.get("report") or {}).get("comment"):
            s.edit_report(editor.text)
            self._report_loaded = editor.text
        self.query_one("#scrub-preview", Markdown).update(inert(editor.text))
        self.refresh_view()

    def can_post(self) -> bool:
        s = self.session
        if s is None or self.running or self.sending or self.editing or s.gate is not None:
            return False
        plan = s.plan
        settled = s.finished or s.wf.stopped_at is not None
        done = s.sent is not None and s.sent.get("ok")
        return settled and plan is not None and not plan.empty and not self.locked() and not done

    def action_post_plan(self) -> None:
        if not self.can_post():
            return
        self.save_report()
        plan = self.session.plan

        def decided(confirmed: bool | None) -> None:
            if confirmed:
                self.send(plan)
            else:
                self.notify("Cancelled: nothing was sent.", markup=False)

        self.app.push_screen(ConfirmDialog(plan), decided)

    @work(exclusive=True, group="scrub-write")
    async def send(self, plan) -> None:
        self.sending = True
        self.refresh_bindings()
        try:
            result = await self.workbench.execute(plan, Confirmation.for_plan(plan, "dialog"))
        except TriagedeckError as exc:
            self.post_message(PlanSent(None, str(exc)))
        else:
            self.post_message(PlanSent(result, None))

    def on_plan_sent(self, message: PlanSent) -> None:
        self.sending = False
        if message.error is not None:
            self.notify(one_line(message.error), title="Not sent", severity="error", markup=False)
        else:
            self.session.record_sent(message.result.to_json())
            text, severity = result_summary(message.result)
            self.notify(text, title=f"#{self.number}", severity=severity, markup=False)
        self.refresh_view()
