"""``FuzzSessionsScreen(workflow)``: every fuzz session of the store, ``n`` starts one, Enter opens one.

Starting a session reads the checkout's HEAD with gitpython (and maybe a program file), so
it runs in a thread worker that only posts the new session (or the refusal) back.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from core.fuzz import STEPS, FuzzError, FuzzSession, FuzzSessionInfo, FuzzWorkflow
from core.text import one_line

from ...widgets.footer import QuietFooter
from ...widgets.fuzz.keys import FuzzChecks, bindings
from .dialogs import NewSessionForm
from .session import FuzzSessionScreen

MAX_PROGRAM_BYTES = 2_000_000
_STATUS_STYLE = {"active": "cyan", "stopped": "bold red", "done": "bold green"}


class _Created(Message):
    def __init__(self, session: FuzzSession | None, error: str | None, values: dict[str, Any]) -> None:
        self.session, self.error, self.values = session, error, values
        super().__init__()


def _what(info: FuzzSessionInfo, program_name: str | None) -> str:
    if info.seed is not None:
        return f"seed {info.seed}" + (f" ({info.template})" if info.template else "")
    return f"program {program_name or ''}".strip()


def _cut(text: str | None, width: int) -> str:
    text = one_line(text or "", max_chars=2000)
    return text if len(text) <= width else text[: width - 1] + "…"


def _updated(stamp: str) -> str:
    """``2026-03-01T12:00:00Z`` as ``2026-03-01 12:00``."""
    return stamp.replace("T", " ")[:16] if stamp else ""


class FuzzSessionsScreen(FuzzChecks, Screen):
    """The sessions list. ``session_options`` go to each :class:`FuzzSessionScreen`;
    ``default_checkout`` pre-fills the new-session form (else the last session's checkout)."""

    SCOPE = "fuzz_sessions"
    BINDINGS = bindings("fuzz_sessions")

    def __init__(self, workflow: FuzzWorkflow, *, session_options: dict[str, Any] | None = None, default_checkout: str | None = None) -> None:
        super().__init__()
        self.workflow = workflow
        self.default_checkout = default_checkout
        self.session_options = dict(session_options or {})
        self.infos: list[FuzzSessionInfo] = []

    def compose(self) -> ComposeResult:
        yield Static(Text("Fuzz sessions", style="bold"), id="fuzz-sessions-title")
        yield DataTable(id="fuzz-sessions", cursor_type="row", zebra_stripes=True)
        yield Static(id="fuzz-sessions-empty")
        yield QuietFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Source", "Issue", "Step", "Status", "Error / why stopped", "Checkout", "Updated")
        self.action_refresh()
        table.focus()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        table = self.query_one(DataTable)
        keep = self.selected_id()
        self.infos = self.workflow.sessions()
        table.clear()
        for info in self.infos:
            number = STEPS.index(info.step) if info.step in STEPS else "-"
            record = self.workflow.store.sessions.get(info.id)
            origin = (record.state.get("source", {}).get("origin") if record else None) or "pasted"
            table.add_row(
                Text(_cut(_what(info, Path(origin).name), 20)),
                Text(f"#{info.issue}" if info.issue else "—"),
                Text(f"{number} {info.step}"),
                Text(info.status, style=_STATUS_STYLE.get(info.status, "")),
                Text(_cut(info.stop_reason if info.status == "stopped" else info.signature or "—", 28)),
                Text(_cut(info.checkout, 22)),
                Text(_updated(info.updated_at)),
                key=info.id,
            )
        if keep is not None:
            ids = [i.id for i in self.infos]
            if keep in ids:
                table.move_cursor(row=ids.index(keep))
        empty = self.query_one("#fuzz-sessions-empty", Static)
        empty.update(Text("No fuzz sessions yet: n starts one from a TorchFuzz seed or a failing program.", style="italic") if not self.infos else "")
        empty.display = not self.infos
        self.refresh_bindings()

    def selected_id(self) -> str | None:
        table = self.query_one(DataTable)
        if not self.infos or table.cursor_row is None or not 0 <= table.cursor_row < len(self.infos):
            return None
        return self.infos[table.cursor_row].id

    def has_selection(self) -> bool:
        return self.selected_id() is not None

    def action_open_session(self) -> None:
        session_id = self.selected_id()
        if session_id is None:
            return
        try:
            session = self.workflow.open(session_id)
        except FuzzError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.app.push_screen(FuzzSessionScreen(session, **self.session_options))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_session()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    # New session -------------------------------------------------------------------------

    def action_new_session(self) -> None:
        last = self.default_checkout or (self.infos[0].checkout if self.infos else "")
        self._open_form(NewSessionForm(checkout=last, env=self.workflow.config.env))

    def _open_form(self, form: NewSessionForm) -> None:
        def submitted(values: dict | None) -> None:
            if values:
                self._create(values)

        self.app.push_screen(form, submitted)

    @work(thread=True, exclusive=True, group="fuzz-new")
    def _create(self, values: dict[str, Any]) -> None:
        try:
            program = None
            origin = None
            if values.get("program"):
                path = Path(values["program"]).expanduser()
                if path.stat().st_size > MAX_PROGRAM_BYTES:
                    raise FuzzError(f"{path} is larger than {MAX_PROGRAM_BYTES:,} bytes")
                program, origin = path.read_text(encoding="utf-8", errors="replace"), str(path)
            config = dataclasses.replace(self.workflow.config, env=values.get("env") or "local")
            session = self.workflow.start(
                values["checkout"],
                seed=values.get("seed"),
                template=values.get("template"),
                program=program,
                program_origin=origin,
                issue=values.get("issue"),
                config=config,
            )
        except (FuzzError, OSError) as exc:
            self.post_message(_Created(None, str(exc), values))
            return
        except Exception as exc:  # noqa: BLE001 - e.g. not a git repository: shown, not raised
            self.post_message(_Created(None, f"{type(exc).__name__}: {exc}", values))
            return
        self.post_message(_Created(session, None, values))

    def on__created(self, message: _Created) -> None:
        if message.session is None:
            self._open_form(NewSessionForm(env=self.workflow.config.env, values=message.values, error=message.error or ""))
            return
        self.action_refresh()
        self.app.push_screen(FuzzSessionScreen(message.session, **self.session_options))
