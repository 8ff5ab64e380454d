"""Step operations of the fuzz-session screen: one thread worker with its own event loop
(they mix subprocesses with blocking gitpython calls) that only posts messages, output in
batches of about one frame for ``Log.write_lines``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from textual import work
from textual.message import Message
from textual.widgets import Log
from textual.worker import get_current_worker

from core.fuzz import (
    FuzzError,
    Phase,
    ProcFinished,
    ProcLine,
    ProcStarted,
    Proof,
    StepResult,
)

from ...widgets.repro.output import display_line

FRAME_S = 1 / 60
# The operation of each step ("r"); review (4) has none: it is confirmed with "f".
OPERATIONS = {"capture": "capture", "repro": "repro", "fix": "check_fix", "validate": "validate", "publish": "commit"}


class _Lines(Message):
    def __init__(self, op: int, lines: list[str]) -> None:
        self.op, self.lines = op, lines
        super().__init__()


class _Event(Message):
    def __init__(self, op: int, event: Phase | Proof | StepResult) -> None:
        self.op, self.event = op, event
        super().__init__()


class _Done(Message):
    def __init__(self, op: int, error: str | None, cancelled: bool) -> None:
        self.op, self.error, self.cancelled = op, error, cancelled
        super().__init__()


class StepOperations:
    """Mixed into :class:`FuzzSessionScreen`: running, streaming and cancelling a step's operation."""

    def action_run_step(self) -> None:
        if not self.can_run():
            return
        method = getattr(self.session, OPERATIONS[self.session.step])
        self._start(self.session.step, method)

    def _start(self, step: str, make: Callable[[], AsyncIterator]) -> None:
        self._op += 1
        self.running = step
        self.last_result = None
        log = self.query_one("#fuzz-log", Log)
        log.clear()
        self.viewing = step
        self.refresh_all()
        self._operation(self._op, make)

    @work(thread=True, exclusive=True, group="fuzz-op")
    def _operation(self, op: int, make: Callable[[], AsyncIterator]) -> None:
        worker = get_current_worker()
        post = self.post_message
        pending: list[str] = []

        def flush() -> None:
            if pending:
                post(_Lines(op, pending.copy()))
                pending.clear()

        async def drive() -> None:
            events = make()  # raises GateLocked / PushRefused before anything runs
            try:
                async for event in events:
                    if isinstance(event, ProcLine):
                        pending.append(display_line(event.text))
                    elif isinstance(event, ProcStarted):
                        pending.append(display_line("$ " + " ".join(event.argv)))
                    elif isinstance(event, ProcFinished):
                        result = event.result
                        pending.append(f"[exit {result.exit_code}]" if result.error is None else display_line(f"[{result.error}]"))
                    else:
                        flush()
                        post(_Event(op, event))
            finally:
                await events.aclose()

        async def main() -> tuple[str | None, bool]:
            task = asyncio.ensure_future(drive())
            while not task.done():
                await asyncio.wait({task}, timeout=FRAME_S)
                flush()
                if worker.is_cancelled and not task.done():
                    task.cancel()
            try:
                task.result()
            except asyncio.CancelledError:
                return None, True
            except FuzzError as exc:
                return str(exc), False
            except Exception as exc:  # noqa: BLE001 - shown to the maintainer, never a crash
                return f"{type(exc).__name__}: {exc}", False
            return None, False

        error, cancelled = asyncio.run(main())
        flush()
        post(_Done(op, error, cancelled))

    def on__lines(self, message: _Lines) -> None:
        if message.op == self._op:
            self.query_one("#fuzz-log", Log).write_lines(message.lines)

    def on__event(self, message: _Event) -> None:
        if message.op != self._op:
            return
        event = message.event
        log = self.query_one("#fuzz-log", Log)
        if isinstance(event, Phase):
            log.write_line(display_line(f"── {event.text}"))
        elif isinstance(event, Proof):
            log.write_line(display_line(f"{'✔' if event.ok else '✘'} {event.name}: {event.detail}"))
        elif isinstance(event, StepResult):
            self.last_result = event
        self.refresh_all()

    def on__done(self, message: _Done) -> None:
        if message.op != self._op:
            return
        before = self.running
        self.running = None
        result = self.last_result
        if message.cancelled:
            self.notify("Cancelled: the process tree was killed; the session keeps its last saved proof.", markup=False)
        elif message.error:
            self.notify(message.error, title="Refused", severity="error", timeout=15, markup=False)
        elif result is not None:
            self.notify(result.reason, title="Done" if result.ok else "Not proven", severity="information" if result.ok else "warning", markup=False)
        self._after_change(before)
        if self._dialog_after_prepare:
            self._dialog_after_prepare = False
            if result is not None and result.ok and self.session.test_pr.get("commit"):
                self._open_test_push_dialog()

    def action_cancel_run(self) -> None:
        if self.running:
            self.workers.cancel_group(self, "fuzz-op")
