"""The audit log: every write the gate executed or refused, newest first."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from core.models import AuditEntry
from core.text import one_line

from .. import actions
from ..widgets.footer import QuietFooter
from ..widgets.status import StatusBar
from ..widgets.table import ColumnSpec, VirtualTable

AUDIT_COLUMNS = (
    ColumnSpec("time", "Time (UTC)", width=19),
    ColumnSpec("issue", "Issue", width=8, justify="right"),
    ColumnSpec("action", "Action", width=14),
    ColumnSpec("result", "Result", width=18),
    ColumnSpec("digest", "Payload", width=16),
    ColumnSpec("error", "Error / detail", flex=1.0, min_width=10),
)

_RED = Style(color="red")
_DIM = Style(dim=True)
_RESULT_STYLES = {
    "sent": Style(color="green"),
    "failed": Style(color="red", bold=True),
    "refused": Style(color="red", bold=True),
    "dry_run": Style(color="cyan"),
}


def audit_cells(entry: AuditEntry) -> list[tuple[str, Style | None]]:
    result = one_line(entry.result, max_chars=40)
    detail = one_line(entry.error or entry.detail or "", max_chars=500)
    return [
        (entry.time.strftime("%Y-%m-%d %H:%M:%S"), None),
        (f"#{entry.issue}", None),
        (one_line(entry.action, max_chars=40), None),
        (result, _RESULT_STYLES.get(result)),
        (one_line(entry.payload_digest, max_chars=20), _DIM),
        (detail, _RED if entry.error else None),
    ]


class AuditScreen(Screen):
    SCOPE = "audit"
    BINDINGS = actions.bindings("audit")

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[AuditEntry] = []

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield Static(Text("Audit log — every write sent (or refused) through the write gate", style="bold"), id="audit-title")
        yield VirtualTable(AUDIT_COLUMNS, self._cells, empty_text="No writes yet.", id="audit")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.entries = self.app.workbench.audit_entries(limit=500)
        table = self.query_one(VirtualTable)
        table.set_rows(len(self.entries))
        table.focus()

    def _cells(self, row: int) -> list[tuple[str, Style | None]]:
        return audit_cells(self.entries[row])

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        from .issue import IssueScreen

        self.app.push_screen(IssueScreen(self.entries[event.row].issue))

    def action_back(self) -> None:
        self.app.pop_screen()
