"""One issue: the thread (cached at once, then fresh from GitHub) and the write flows.

``c``/``l``/``x`` collect input in a small modal, build a ``WritePlan``, show the
confirmation dialog, and only on ``y`` hand the plan to the workbench's write gate.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from core.errors import TriagedeckError
from core.gate.plan import CloseIssue, Confirmation, PostComment, WritePlan
from core.models import Issue, IssueThread
from core.text import one_line

from .. import actions
from ..widgets.footer import QuietFooter
from ..widgets.issue import IssueView
from ..widgets.status import StatusBar
from .base import RegistryChecks
from .compose import CloseReasonPrompt, CommentComposer, LabelsPrompt, label_actions
from .confirm import ConfirmDialog


class ThreadLoaded(Message):
    def __init__(self, thread: IssueThread | None, error: str | None) -> None:
        self.thread = thread
        self.error = error
        super().__init__()


class PlanDone(Message):
    def __init__(self, result, error: str | None) -> None:
        self.result = result
        self.error = error
        super().__init__()


def result_summary(result) -> tuple[str, str]:
    """(message, severity) for a PlanResult."""
    if result.refused:
        return f"Refused, nothing sent: {one_line(result.refused)}", "error"
    parts = []
    for outcome in result.outcomes:
        line = f"{outcome.action.describe()}: {outcome.status.replace('_', ' ')}"
        if outcome.error:
            line += f" ({outcome.error})"
        parts.append(one_line(line, max_chars=200))
    severity = "information" if result.ok else "error"
    return "\n".join(parts) or "Nothing to send.", severity


class IssueScreen(RegistryChecks, Screen):
    SCOPE = "issue"
    BINDINGS = actions.bindings("issue")

    def __init__(self, number: int, preview: Issue | None = None) -> None:
        super().__init__()
        self.number = number
        self.preview = preview
        self.thread: IssueThread | None = None
        self.fetching = True  # on_mount starts the fetch
        self.sending = False

    @property
    def workbench(self):
        return self.app.workbench

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield Static(id="issue-note")
        yield IssueView(self.app.clock(), id="thread")
        yield QuietFooter()

    async def on_mount(self) -> None:
        cached = self.workbench.cached_thread(self.number)
        if cached is None and self.preview is not None:
            cached = IssueThread(self.preview)
        if cached is not None:
            await self._show(cached)
        self.query_one(IssueView).focus()
        self.action_reload()

    async def _show(self, thread: IssueThread) -> None:
        self.thread = thread
        await self.query_one(IssueView).show(thread, self.app.clock())
        self.refresh_bindings()

    def _note(self, text: str, style: str = "italic") -> None:
        self.query_one("#issue-note", Static).update(Text(text, style=style))

    # Loading ------------------------------------------------------------------------

    def can_reload(self) -> bool:
        return not self.fetching

    def action_reload(self) -> None:
        self.fetching = True
        self._note(f"Fetching #{self.number} from GitHub…")
        self.refresh_bindings()
        self.fetch()

    @work(exclusive=True, group="fetch")
    async def fetch(self) -> None:
        try:
            thread = await self.workbench.fetch_thread(self.number)
        except TriagedeckError as exc:
            self.post_message(ThreadLoaded(None, str(exc)))
        else:
            self.post_message(ThreadLoaded(thread, None))

    async def on_thread_loaded(self, message: ThreadLoaded) -> None:
        self.fetching = False
        self.query_one(StatusBar).refresh()  # the fetch moved the API budget: show it now, not at the next tick
        if message.thread is not None:
            self._note("")
            await self._show(message.thread)
        else:
            stale = " (showing the cached copy)" if self.thread else ""
            self._note(f"Could not fetch #{self.number}{stale}: {one_line(message.error)}", "bold red")
            self.notify(one_line(message.error), title=f"#{self.number}", severity="error", markup=False)
        self.refresh_bindings()

    # Writes -------------------------------------------------------------------------

    def can_write(self) -> bool:
        return self.thread is not None and not self.thread.issue.locked and not self.sending

    def can_close(self) -> bool:
        return self.can_write() and self.thread is not None and self.thread.issue.state == "open"

    @property
    def _target(self) -> str:
        title = self.thread.issue.title if self.thread else ""
        return f"{self.workbench.config.repo}#{self.number} {title}"

    def _plan(self, *plan_actions) -> WritePlan:
        title = self.thread.issue.title if self.thread else ""
        return WritePlan(self.workbench.config.repo, self.number, tuple(plan_actions), title=title, origin="manual")

    def action_plan_comment(self) -> None:
        def written(body: str | None) -> None:
            if body:
                self.confirm_plan(self._plan(PostComment(body)))

        self.app.push_screen(CommentComposer(self._target), written)

    def action_plan_labels(self) -> None:
        def given(value: str | None) -> None:
            if value:
                self.confirm_plan(self._plan(*label_actions(value)))

        self.app.push_screen(LabelsPrompt(self._target), given)

    def action_plan_close(self) -> None:
        def chosen(reason: str | None) -> None:
            if reason in ("completed", "not_planned"):
                self.confirm_plan(self._plan(CloseIssue(reason)))

        self.app.push_screen(CloseReasonPrompt(self._target), chosen)

    def confirm_plan(self, plan: WritePlan) -> None:
        """Show the dialog; only a ``y`` there sends the plan."""

        def decided(confirmed: bool | None) -> None:
            if confirmed:
                self.send(plan)
            else:
                self.notify("Cancelled: nothing was sent.", markup=False)

        self.app.push_screen(ConfirmDialog(plan), decided)

    @work(exclusive=True, group="write")
    async def send(self, plan: WritePlan) -> None:
        self.sending = True
        self.refresh_bindings()
        self._note("Sending…")
        try:
            result = await self.workbench.execute(plan, Confirmation.for_plan(plan, "dialog"))
        except TriagedeckError as exc:
            self.post_message(PlanDone(None, str(exc)))
        else:
            self.post_message(PlanDone(result, None))

    def on_plan_done(self, message: PlanDone) -> None:
        self.sending = False
        self._note("")
        if message.error is not None:
            self.notify(one_line(message.error), title="Not sent", severity="error", markup=False)
        else:
            text, severity = result_summary(message.result)
            self.notify(text, title=f"#{self.number}", severity=severity, markup=False)
            for warning in message.result.warnings:
                self.notify(one_line(warning), title="Warning", severity="warning", markup=False)
        self.refresh_bindings()
        self.action_reload()

    # Navigation ---------------------------------------------------------------------

    def has_body(self) -> bool:
        return self.thread is not None and self.thread.issue.body is not None

    def action_open_repro(self) -> None:
        """The repro pane: chosen repro, security findings, live runs."""
        from .repro import ReproScreen  # imported on use: it pulls in the runners

        if self.thread is not None:
            self.app.push_screen(ReproScreen(self.thread))

    def is_distributed(self) -> bool:
        return self.thread is not None and self.thread.issue.has_label("oncall: distributed")

    def action_open_scrub(self) -> None:
        """The scrub workflow for this issue (resumes a saved session)."""
        from .scrub import ScrubScreen

        self.app.push_screen(ScrubScreen(self.workbench, self.number))

    def action_open_triage(self) -> None:
        """Distributed-triage proposal for this issue."""
        from .triage import TriageReviewScreen

        self.app.push_screen(TriageReviewScreen(self.workbench, numbers=[self.number]))

    def action_open_in_browser(self) -> None:
        self.app.open_in_browser(self.workbench.issue_url(self.number))

    def action_back(self) -> None:
        self.app.pop_screen()
