"""The repro pane's security gate and editor: what the gate decides for the code now
shown, the run / edit / skip choice, and editing a repro (the original is kept)."""

from __future__ import annotations

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

from ...widgets.editor import DeferredLanguage
from ...widgets.repro import CodeView, GatePanel, bindings, gate_text


class ReproEditor(DeferredLanguage):
    """The repro editor; its done key has priority over the editor's own keys."""

    SCOPE = "repro_edit"
    BINDINGS = bindings("repro_edit")

    def action_done_editing(self) -> None:
        screen = self.screen
        if isinstance(screen, ReproGate):
            screen.finish_editing()


class ReproGate:
    """Mixed into :class:`ReproScreen`: the gate and the editor."""

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
    # Editing ----------------------------------------------------------------------------

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
