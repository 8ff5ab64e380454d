"""``FuzzSessionScreen(session)``: one fuzz-bug session, steps 0–5, at the keyboard.

The step list shows each step's status (proven / open / running / failed / locked) and,
for the first locked step, the gate's reason. The panel shows the viewed step's evidence;
step 2 adds the live working-tree diff (``DiffPane``), polled by digest every few seconds.
Step operations (``r``) run in the worker of ``operation.StepOperations``. Every action
the gate refuses is greyed out (``check_action``) and the gate bar says why.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import subprocess
from pathlib import Path
from typing import Callable, Sequence

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Log, Static

from core.fuzz import STEPS, FuzzError, FuzzSession, PushConfirmation, StepResult
from core.fuzz.gitops import DiffView as CoreDiff
from core.text import one_line

from ...widgets.diff import DiffPane
from ...widgets.footer import QuietFooter
from ...widgets.fuzz.keys import FuzzChecks, bindings, first_key
from ...widgets.fuzz.panels import PANELS, header_text, step_rows, steps_text
from .dialogs import FixForm, PushDialog
from .operation import OPERATIONS, StepOperations

POLL_S = 3.0
LOG_LINES = 3000
GATE_WIDTH = 110  # one line per refused action; the step list shows the whole reason

Editor = Callable[[Sequence[Path]], object]



class _DiffChanged(Message):
    def __init__(self, diff: CoreDiff) -> None:
        self.diff = diff
        super().__init__()


class _GateDone(Message):
    def __init__(self, what: str, error: str | None) -> None:
        self.what, self.error = what, error
        super().__init__()


class FuzzSessionScreen(StepOperations, FuzzChecks, Screen):
    """One session. ``editor`` replaces ``$EDITOR`` (tests); ``poll_s=None`` stops the diff poll."""

    SCOPE = "fuzz_session"
    BINDINGS = bindings("fuzz_session")

    class StepChanged(Message):
        """The session moved to another step (or finished); ``step`` is the new one."""

        def __init__(self, session: FuzzSession, step: str) -> None:
            self.session, self.step = session, step
            super().__init__()

    def __init__(self, session: FuzzSession, *, editor: Editor | None = None, poll_s: float | None = POLL_S) -> None:
        super().__init__()
        self.session = session
        self.editor = editor
        self.poll_s = poll_s
        self.running: str | None = None
        self.last_result: StepResult | None = None
        self.pushes_started = 0
        self.test_pushes_started = 0
        self._dialog_after_prepare = False
        self._op = 0
        self._digest: str | None = None
        self._diff: CoreDiff | None = None
        self._shown: tuple | None = None
        self._enabled: tuple | None = None
        self.viewing = self._default_view()

    # Layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="fuzz-header")
        with Horizontal(id="fuzz-main"):
            yield Static(id="fuzz-steps")
            with Vertical(id="fuzz-right"):
                with VerticalScroll(id="fuzz-detail"):
                    yield Static(id="fuzz-panel")
                yield DiffPane(title="working tree vs base", id="fuzz-diff")
                yield Log(max_lines=LOG_LINES, id="fuzz-log")
        yield Static(id="fuzz-gate")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.refresh_all()
        self.query_one("#fuzz-detail").focus()
        if self._diff_visible_step():
            self.refresh_diff()
        if self.poll_s:
            self.set_interval(self.poll_s, self._poll)

    def _default_view(self) -> str:
        return self.session.step if self.session.step in STEPS else STEPS[-1]

    def _index(self, name: str) -> int:
        return STEPS.index(name) if name in STEPS else len(STEPS)

    def _diff_visible_step(self) -> bool:
        return self.viewing == "fix" and self._index(self.session.step) >= self._index("fix")

    def refresh_all(self) -> None:
        session = self.session
        # Re-laying out the panel is the expensive part: skip it when nothing it shows changed.
        key = (self.viewing, self.running, session.step, hashlib.sha1(json.dumps(session.state, sort_keys=True, default=str).encode()).hexdigest())
        if key == self._shown:
            self._sync_bindings()
            return
        self._shown = key
        self.query_one("#fuzz-header", Static).update(header_text(session))
        self.query_one("#fuzz-steps", Static).update(steps_text(step_rows(session, self.running), self.viewing))
        self.query_one("#fuzz-panel", Static).update(PANELS[self.viewing](session))
        self.query_one("#fuzz-diff").display = self._diff_visible_step()
        self.query_one("#fuzz-gate", Static).update(self.gate_text())
        self._sync_bindings()

    def _sync_bindings(self) -> None:
        """Refresh the footer only when an action's enabled state changed (it re-composes)."""
        enabled = tuple(self.check_action(b.action, ()) for b in self.BINDINGS)
        if enabled != self._enabled:
            self._enabled = enabled
            self.refresh_bindings()

    # Gate predicates (check_action) ------------------------------------------------------

    @property
    def session_active(self) -> bool:
        return self.session.status == "active"

    def op_running(self) -> bool:
        return self.running is not None

    def _commits(self) -> list[str]:
        return self.session.state["steps"].get("publish", {}).get("commits", [])

    def can_run(self) -> bool:
        step = self.session.step
        if self.running or not self.session_active or step not in OPERATIONS:
            return False
        return step != "publish" or len(self._commits()) < 2

    def can_edit(self) -> bool:
        return not self.running and self.session_active and self.session.step == "fix"

    can_fill_form = can_edit

    def can_review_comments(self) -> bool:
        return not self.running and self.session_active and self.session.step == "validate" and "lint" in self.session.state["steps"].get("validate", {})

    def can_finish(self) -> bool:
        if self.running or not self.session_active:
            return False
        step = self.session.step
        if step == "fix":
            return not self.session.fix_missing()
        if step == "validate":
            return not self.session.validation_missing()
        return step == "review"

    def can_go_back(self) -> bool:
        return not self.running and self.session_active and self.session.step in ("validate", "review", "publish") and not self._commits()

    def can_push(self) -> bool:
        return not self.running and self.session_active and self.session.step == "publish" and len(self._commits()) >= 2

    def can_push_test(self) -> bool:
        # Optional, never a gate: available from both step-1 proofs until it is pushed.
        return not self.running and self.session.test_push_missing() is None

    def has_next_view(self) -> bool:
        return self._index(self.viewing) < min(self._index(self.session.step), len(STEPS) - 1)

    def has_prev_view(self) -> bool:
        return self._index(self.viewing) > 0

    def gate_text(self) -> Text:
        """Why the main actions are greyed out, one line each (empty when nothing is)."""
        session, step = self.session, self.session.step
        lines: list[tuple[str, str]] = []
        if self.running:
            lines.append((first_key("fuzz_session.cancel"), f"running {self.running}; x cancels (the process tree is killed)"))
        elif session.status == "stopped":
            lines.append(("", f"session stopped: {session.state.get('stop_reason') or ''}"))
        elif session.status == "done":
            lines.append(("", "session done: pushed"))
        else:
            if self._index(step) < self._index("fix"):
                lines.append(("e c", "step 2 (fix) is locked: " + (session.locked_reason("fix") or "")))
            if step == "fix" and session.fix_missing():
                lines.append(("f", "finish is locked: " + "; ".join(session.fix_missing())))
            if step == "validate" and session.validation_missing():
                lines.append(("f", "finish is locked: " + "; ".join(session.validation_missing())))
            if self._index(step) < self._index("publish"):
                lines.append(("p", "step 5 (publish) is locked: " + (session.locked_reason("publish") or "")))
            elif len(self._commits()) < 2:
                lines.append(("p", "push is locked: make the two commits first (r)"))
        text = Text(no_wrap=True, overflow="ellipsis")
        for key, reason in lines:
            if text:
                text.append("\n")
            if key:
                text.append(f" {key} ", style="bold reverse")
                text.append(" ")
            reason = one_line(reason, max_chars=2000)
            text.append(reason if len(reason) <= GATE_WIDTH else reason[: GATE_WIDTH - 1] + "…", style="italic")
        return text

    # Viewing ------------------------------------------------------------------------------

    def action_next_view(self) -> None:
        if self.has_next_view():
            self.viewing = STEPS[self._index(self.viewing) + 1]
            self._view_changed()

    def action_prev_view(self) -> None:
        if self.has_prev_view():
            self.viewing = STEPS[self._index(self.viewing) - 1]
            self._view_changed()

    def _view_changed(self) -> None:
        self.refresh_all()
        if self._diff_visible_step():
            self.refresh_diff()

    def action_back(self) -> None:
        self.action_cancel_run()
        self.app.pop_screen()

    def _after_change(self, before: str | None) -> None:
        step = self.session.step
        if before is not None and self.viewing == before and step in STEPS:
            self.viewing = step
        self.refresh_all()
        if self._diff_visible_step():
            self.refresh_diff()
        self.post_message(self.StepChanged(self.session, step))

    # Step 2: editor, live diff, form ---------------------------------------------------------

    async def action_edit_fix(self) -> None:
        if not self.can_edit():
            return
        if self._diff is None:
            # The diff poll may not have run yet (step 2 just opened): the editor should
            # still open the changed files, so read the diff now.
            try:
                self._diff = await self.session.diff()
            except Exception:  # noqa: BLE001 - then the editor opens the checkout itself
                pass
        checkout = self.session.checkout
        paths = [checkout / f.path for f in (self._diff.files if self._diff else ())] or [checkout]
        if self.editor is not None:
            self.editor(paths)
        else:
            command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
            if not command or self.app.is_headless:
                self.notify("Set $EDITOR, or edit in any editor: the diff refreshes on change.", markup=False)
                return
            try:
                with self.app.suspend():
                    subprocess.run([*shlex.split(command), *map(str, paths)], cwd=checkout, check=False)
            except Exception as exc:  # noqa: BLE001 - a broken editor must not crash the app
                self.notify(f"Could not start $EDITOR: {exc}", severity="warning", markup=False)
        self.refresh_diff()

    def _poll(self) -> None:
        if not self.running and self._diff_visible_step():
            self.refresh_diff()

    @work(exclusive=True, group="fuzz-diff")
    async def refresh_diff(self) -> None:
        """Read the working-tree diff; post it when its digest changed (cheap when it did not)."""
        try:
            diff = await self.session.diff()
        except (FuzzError, OSError, ValueError):
            return
        except Exception:  # noqa: BLE001 - git errors while the maintainer rewrites history
            return
        if diff.digest != self._digest:
            self.post_message(_DiffChanged(diff))

    def on__diff_changed(self, message: _DiffChanged) -> None:
        self._digest = message.diff.digest
        self._diff = message.diff
        self.query_one("#fuzz-diff", DiffPane).show_patch_text(message.diff.text, title=f"working tree vs base {self.session.base[:12]}")

    def action_fix_form(self) -> None:
        if not self.can_fill_form():
            return
        ev = self.session.state["steps"].get("fix", {})
        self.app.push_screen(FixForm(ev.get("quality"), ev.get("summary")), self._form_saved)

    def _form_saved(self, values: dict | None) -> None:
        if not values:
            return
        try:
            self.session.record_quality(values["quality"])
            self.session.record_summary(values["summary"])
        except FuzzError as exc:
            self.notify(str(exc), severity="error", markup=False)
        self.refresh_all()

    # Step 3: comment review --------------------------------------------------------------------

    def action_toggle_comments(self) -> None:
        if not self.can_review_comments():
            return
        current = self.session.state["steps"].get("validate", {}).get("comment_review", {}).get("ok", False)
        self.session.record_comment_review(not current, "reviewed in triagedeck" if not current else "")
        self.refresh_all()

    # Finishing, going back ---------------------------------------------------------------------

    def action_finish_step(self) -> None:
        if not self.can_finish():
            return
        self._finish(self.session.step)

    @work(exclusive=True, group="fuzz-finish")
    async def _finish(self, step: str) -> None:
        try:
            if step == "fix":
                await self.session.finish_fix()
            elif step == "validate":
                await self.session.finish_validation()
            elif step == "review":
                self.session.confirm_review()
        except FuzzError as exc:
            self.post_message(_GateDone(step, str(exc)))
            return
        self.post_message(_GateDone(step, None))

    def on__gate_done(self, message: _GateDone) -> None:
        if message.error:
            self.notify(message.error, title="Locked", severity="warning", timeout=12, markup=False)
        self._after_change(message.what)

    def action_go_back(self) -> None:
        if not self.can_go_back():
            return
        before = self.session.step
        target = "fix" if before == "validate" else "validate"
        try:
            self.session.go_back(target)  # type: ignore[arg-type]
        except FuzzError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self.viewing = target
        self._after_change(None)

    # Step 5: push ------------------------------------------------------------------------------

    def action_push(self) -> None:
        if not self.can_push():
            return
        try:
            plan = self.session.plan_push()
        except FuzzError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return

        def answered(confirmed: bool | None) -> None:
            # The confirmation exists only here, from the dialog's "y", for exactly this plan.
            if confirmed is True:
                confirmation = PushConfirmation.for_plan(plan, "dialog")
                self.pushes_started += 1
                self._start("publish", lambda: self.session.push(confirmation))

        self.app.push_screen(PushDialog(plan), answered)

    # Step 1 (optional): the failing test alone as its own PR ------------------------------

    def action_push_test(self) -> None:
        if not self.can_push_test():
            return
        if self.session.test_pr.get("commit"):
            self._open_test_push_dialog()
            return
        # The commit is made first (in a temporary worktree); the dialog then shows its sha.
        self._dialog_after_prepare = True
        self._start("repro", self.session.prepare_test_commit)

    def _open_test_push_dialog(self) -> None:
        try:
            plan = self.session.plan_test_push()
        except FuzzError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return

        def answered(confirmed: bool | None) -> None:
            if confirmed is True:
                confirmation = PushConfirmation.for_plan(plan, "dialog")
                self.test_pushes_started += 1
                self._start("repro", lambda: self.session.push_test(confirmation))

        self.app.push_screen(PushDialog(plan), answered)

    def on_unmount(self) -> None:
        self.workers.cancel_group(self, "fuzz-op")
