"""The queue: one tab per configured section, a filterable, sortable virtual issue table."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.screen import Screen
from textual.widgets import Input, Static, Tab, Tabs

from core.errors import TriagedeckError
from core.models import Issue, SyncStats
from core.text import one_line

from .. import actions
from ..widgets.footer import QuietFooter
from ..widgets.queue import SORTS, IssueTable, QueueModel
from ..widgets.status import StatusBar
from .base import RegistryChecks


class SectionLoaded(Message):
    """A worker read a section's issues from the store and indexed them."""

    def __init__(self, title: str, model: QueueModel, keep_number: int | None) -> None:
        self.title = title
        self.model = model
        self.keep_number = keep_number
        super().__init__()


class SyncFinished(Message):
    def __init__(self, title: str, stats: SyncStats | None, error: str | None) -> None:
        self.title = title
        self.stats = stats
        self.error = error
        super().__init__()


class InfoLine(Widget):
    """Row count and sort; repaints without a relayout (it changes on every keystroke)."""

    text: reactive[Text] = reactive(Text, layout=False)

    def render(self) -> Text:
        return self.text


class QueueScreen(RegistryChecks, Screen):
    SCOPE = "queue"
    BINDINGS = actions.bindings("queue")

    def __init__(self) -> None:
        super().__init__()
        self._models: dict[str, QueueModel] = {}
        self._loading: set[str] = set()
        self.model = QueueModel()

    @property
    def workbench(self):
        return self.app.workbench

    @property
    def sections(self):
        return self.workbench.config.queue_sections

    def compose(self) -> ComposeResult:
        if self.sections:  # the first tab's load starts as soon as the tabs mount
            self._loading.add(self.sections[0].title)
        yield StatusBar(id="status")
        yield Tabs(*(Tab(Content(s.title), id=f"section-{i}") for i, s in enumerate(self.sections)), id="sections")
        with Horizontal(id="queue-bar"):
            yield Input(placeholder="filter: number, title, label, author  (/)", id="filter")
            yield InfoLine(id="queue-info")
        yield IssueTable(self.model, self.app.clock, id="issues")
        yield QuietFooter()

    @property
    def table(self) -> IssueTable:
        return self.query_one(IssueTable)

    @property
    def section_title(self) -> str:
        tabs = self.query_one(Tabs)
        active = tabs.active or "section-0"
        index = int(active.rsplit("-", 1)[1])
        return self.sections[index].title

    def on_mount(self) -> None:
        self.table.focus()
        self._update_info()

    # Loading ------------------------------------------------------------------------

    @on(Tabs.TabActivated, "#sections")
    def _section_changed(self, event: Tabs.TabActivated) -> None:
        title = self.section_title
        model = self._models.get(title)
        if model is None:
            model = QueueModel()
            self._models[title] = model
            self._loading.add(title)
            self.load_section(title)
        self._show_model(model)

    def _show_model(self, model: QueueModel, keep_number: int | None = None) -> None:
        self.model = model
        text = self.query_one("#filter", Input).value
        if model.filter_text != text:
            model.set_filter(text)
        self.table.model = model
        self.table.reload(keep_number=keep_number)
        self._update_info()
        self.refresh_bindings()

    @work(thread=True, group="load")
    def load_section(self, title: str, keep_number: int | None = None) -> None:
        # sqlite reads of a 20,000-issue section take a noticeable fraction of a second:
        # keep them off the event loop so the screen paints first.
        issues = self.workbench.section_issues(title)
        previous = self._models.get(title)
        model = QueueModel(issues, sort=previous.sort if previous else "updated").prepare()
        self.post_message(SectionLoaded(title, model, keep_number))

    def on_section_loaded(self, message: SectionLoaded) -> None:
        self._loading.discard(message.title)
        model = message.model
        self._models[message.title] = model
        if message.title == self.section_title:
            current = self.table.current_issue
            keep = message.keep_number if message.keep_number is not None else (current.number if current else None)
            self._show_model(model, keep)

    def _update_info(self) -> None:
        info = Text()
        if self.section_title in self._loading:
            info.append("loading… ")
        info.append(f"{len(self.model):,} of {len(self.model.issues):,}")
        info.append(f" · sort: {SORTS[self.model.sort]}")
        self.query_one("#queue-info", InfoLine).text = info

    # Filter and sort ----------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        current = self.table.current_issue
        self.model.set_filter(event.value)
        self.table.reload(keep_number=current.number if current else None)
        self._update_info()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.table.focus()

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if box.has_focus:
            self.table.focus()
        elif box.value:
            box.value = ""

    def action_cycle_sort(self) -> None:
        current = self.table.current_issue
        self.model.next_sort()
        self.table.reload(keep_number=current.number if current else None)
        self._update_info()

    def action_next_section(self) -> None:
        self.query_one(Tabs).action_next_tab()

    def action_prev_section(self) -> None:
        self.query_one(Tabs).action_previous_tab()

    # Opening ------------------------------------------------------------------------

    def has_selection(self) -> bool:
        return self.table.current_issue is not None

    @on(IssueTable.RowSelected, "#issues")
    def _open(self, event: IssueTable.RowSelected) -> None:
        issue = self.model.issue_at(event.row)
        if issue is not None:
            from .issue import IssueScreen

            self.app.push_screen(IssueScreen(issue.number, preview=issue))

    def action_open_in_browser(self) -> None:
        issue = self.table.current_issue
        if issue is not None:
            self.app.open_in_browser(self.workbench.issue_url(issue.number))

    def action_show_audit(self) -> None:
        from .audit import AuditScreen

        self.app.push_screen(AuditScreen())

    def action_triage_batch(self) -> None:
        """Walk the 'oncall: distributed without the marker' section, issue by issue."""
        from .triage import TriageReviewScreen

        self.app.push_screen(TriageReviewScreen(self.workbench))

    def action_show_fuzz_sessions(self) -> None:
        """TorchFuzz bug-fixing sessions (seed → failing test → fix → ghstack)."""
        from core.fuzz import FuzzConfig, FuzzWorkflow

        from .fuzz import FuzzSessionsScreen

        wb = self.workbench
        try:
            config = FuzzConfig.from_app_config(wb.config.extra)
        except Exception as exc:  # a bad [fuzz] table is a config problem, shown, not a crash
            self.notify(f"[fuzz] config: {exc}", severity="error", markup=False)
            return
        workflow = FuzzWorkflow(wb.store, wb.config.data_dir, repo=wb.repo, config=config)
        checkout = str(wb.config.pytorch_checkout) if wb.config.pytorch_checkout else None
        self.app.push_screen(FuzzSessionsScreen(workflow, default_checkout=checkout))

    # Refresh ------------------------------------------------------------------------

    def can_refresh(self) -> bool:
        return self.workbench.mode != "offline"

    def action_refresh_section(self) -> None:
        title = self.section_title
        section = next(s for s in self.sections if s.title == title)
        self.sync(section)

    def _set_busy(self, text: str | None) -> None:
        self.app.busy = text
        self.query_one(StatusBar).refresh_status()

    @work(exclusive=True, group="sync")
    async def sync(self, section) -> None:
        self._set_busy(f"syncing {one_line(section.title)}…")
        stats: SyncStats | None = None
        error: str | None = None
        try:
            events = getattr(self.workbench, "sync_section_events", None)
            if events is not None:
                async for event in events(section):
                    if isinstance(event, SyncStats):
                        stats = event
                    else:
                        total = f"/{event.total:,}" if getattr(event, "total", None) else ""
                        self._set_busy(f"syncing {one_line(section.title)}… {event.fetched:,}{total}")
            else:
                stats = await self.workbench.sync_section(section)
        except TriagedeckError as exc:
            error = str(exc)
        self.post_message(SyncFinished(section.title, stats, error))

    def on_sync_finished(self, message: SyncFinished) -> None:
        self._set_busy(None)
        if message.error:
            self.notify(one_line(message.error), title="Sync failed", severity="error", markup=False)
            return
        self.app.last_sync = self.app.clock()
        self.query_one(StatusBar).refresh_status()
        stats = message.stats
        if stats is not None:
            self.notify(
                f"{one_line(message.title)}: {stats.fetched:,} issues updated ({stats.requests} requests)",
                title="Synced",
                markup=False,
            )
        self._models.setdefault(message.title, QueueModel())
        self._loading.add(message.title)
        self.load_section(message.title)
