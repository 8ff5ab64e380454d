"""The scrub screen: the seed's steps on one screen, deciding at each stop.

``ScrubScreen(workbench, number)`` renders a ``core.scrub.ScrubSession`` (resumed when one
is saved for the issue, else started): the step list with each status and reason, the
selected step's panel, the gate bar when a gate waits for the maintainer, and tabs for
the issue, the repro (code with flagged lines, live output, runs table), the bisect
timeline, a diff (trivial fix / minimized repro) and the editable report with a rendered
preview. The session runs in an async worker that only posts messages; each gate stops
it until a key on the gate bar answers.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Log, Markdown, Static, TabbedContent, TabPane

from core.scrub import ScrubOptions, ScrubSession
from core.text import inert, one_line
from core.workflow import StepStatus

from ...widgets.diff import DiffPane
from ...widgets.footer import QuietFooter
from ...widgets.issue import IssueView
from ...widgets.markdown import FenceCachingMarkdown
from ...widgets.repro import CodeView
from ...widgets.scrub import (
    BisectTimeline,
    GateBar,
    StepList,
    candidates_text,
    runs_table,
    step_panel,
    verdict_line,
)
from .editors import ReportEditor, ReproEditor, code_editor
from .flow import ScrubFlow
from .keys import ScrubChecks, bindings

TABS = ("issue", "repro", "bisect", "diff", "report")
# Gates whose evidence lives in a tab: the tab is brought up when the gate opens.
GATE_TABS = {"safety": "repro", "different_error": "repro", "timeout": "repro", "judge_pass": "repro", "missing_packages": "repro",
             "trivial_fix": "diff", "accept_minimized": "diff", "duplicate": "issue", "close_stale": "issue",
             "recent_verification": "issue"}


class ScrubScreen(ScrubChecks, ScrubFlow, Screen):
    SCOPE = "scrub"
    BINDINGS = bindings("scrub")

    def __init__(self, workbench, number: int, *, options: ScrubOptions | None = None, env: str | None = None) -> None:
        super().__init__()
        self.workbench = workbench
        self.number = number
        self.options = options or ScrubOptions.from_config(workbench.config, env=env)
        self.session: ScrubSession | None = None
        self.running = False
        self.sending = False
        self.editing = False
        self.error: str | None = None
        self.selected: str | None = None  # None: follow the workflow
        self.notes: list[str] = []
        self._report_loaded: str | None = None
        self._diff_shown: str | None = None
        self._thread_shown = False
        self._code_shown: str | None = None
        self._run_shown: object = ()
        self._fix_shown: object = ()

    @property
    def busy(self) -> bool:
        """Running or sending (tests' settle helpers wait on it). Not ``loading``: that name is
        Textual's reactive, which covers the screen with a loading indicator."""
        return self.running or self.sending

    def clock(self):
        clock = getattr(self.app, "clock", None)
        return clock() if callable(clock) else None

    # Layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="scrub-title", markup=False)
        with Horizontal(id="scrub-body"):
            with VerticalScroll(id="scrub-side"):
                yield StepList(id="scrub-steps")
            with Vertical(id="scrub-main"):
                with VerticalScroll(id="scrub-panel-box"):
                    yield Static(id="scrub-panel", markup=False)
                yield GateBar(id="scrub-gate", markup=False)
                with TabbedContent(id="scrub-tabs", initial="tab-issue"):
                    with TabPane("1 Issue", id="tab-issue"):
                        yield IssueView(self.clock(), id="scrub-issue")
                    with TabPane("2 Repro", id="tab-repro"):
                        yield Static(id="scrub-verdict", markup=False)
                        yield CodeView(id="scrub-code")
                        yield code_editor(ReproEditor, "", "python", id="scrub-editor")
                        yield Static(id="scrub-runs", markup=False)
                        yield Log(id="scrub-log", max_lines=2000)
                    with TabPane("3 Bisect", id="tab-bisect"):
                        with VerticalScroll(id="scrub-bisect"):
                            yield BisectTimeline(id="scrub-timeline", markup=False)
                            yield Static(id="scrub-candidates", markup=False)
                    with TabPane("4 Diff", id="tab-diff"):
                        yield DiffPane(id="scrub-diff", language="python")
                    with TabPane("5 Report", id="tab-report"):
                        with Horizontal(id="scrub-report"):
                            yield code_editor(ReportEditor, "", "markdown", id="scrub-report-editor")
                            with VerticalScroll(id="scrub-preview-box"):
                                yield FenceCachingMarkdown("", id="scrub-preview", open_links=False)
        yield QuietFooter()

    def on_mount(self) -> None:
        self.query_one(GateBar).display = False
        self.query_one("#scrub-editor").display = False
        self.query_one(ReportEditor).soft_wrap = True
        self.query_one(BisectTimeline).clear()
        self.open_session()

    # Rendering ----------------------------------------------------------------------

    def focus_step(self) -> str | None:
        """The step the panel shows: the selection, else the gate's, the current or the stopped one."""
        s = self.session
        if s is None:
            return None
        if self.selected:
            return self.selected
        if s.gate is not None:
            return s.gate.step
        stop = s.wf.stopped_at
        if stop is not None:
            return stop.name
        return s.wf.current or "report"

    def locked(self) -> bool:
        s = self.session
        return bool(s and "thread" in s.data and s.thread().issue.locked)

    def refresh_view(self) -> None:
        s = self.session
        if s is None:
            return
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(f"Scrub #{self.number}", style="bold")
        thread = s.data.get("thread") or {}
        if thread.get("title"):
            title.append(" — " + one_line(thread["title"], max_chars=100))
        title.append(f"   env: {one_line(self.options.env.name, max_chars=40)}", style="dim")
        if self.running:
            title.append("   working…", style="bold yellow")
        if self.error:
            title.append("   error: " + one_line(self.error, max_chars=80), style="bold red")
        self.query_one("#scrub-title", Static).update(title)
        focus = self.focus_step()
        self.query_one(StepList).show(s.wf.steps, gate=s.gate, selected=focus)
        state = s.wf.step(focus) if focus else None
        panel = Text()
        if state is not None:
            panel = step_panel(state, s.data, gate=s.gate, plan=s.plan, sent=s.sent, locked=self.locked(),
                               stopped=s.wf.stopped_at is not None, finished=s.finished)
        if self.notes:
            panel.append("\n")
            for note in self.notes[-3:]:
                panel.append("\nnote: " + one_line(note, max_chars=200), style="dim italic")
        self.query_one("#scrub-panel", Static).update(panel)
        self.query_one(GateBar).show_gate(s.gate)
        self._refresh_repro()
        self._refresh_bisect()
        self._refresh_diff()
        self._refresh_report()
        self.refresh_bindings()

    async def show_thread(self) -> None:
        if self.session is not None and "thread" in self.session.data and not self._thread_shown:
            self._thread_shown = True
            await self.query_one(IssueView).show(self.session.thread(), self.clock())

    def _refresh_repro(self) -> None:
        s = self.session
        assert s is not None
        # Only what changed is re-rendered: every update restyles, and events come in bursts.
        if not self.editing and s.code is not None and s.code != self._code_shown:
            from core.safety.scanner import scan_python

            self._code_shown = s.code
            self.query_one(CodeView).show(s.code, scan_python(s.code).findings)
        run = s.data.get("run")
        key = None if run is None else (run.get("code_digest"), len(run.get("runs", [])))
        if key != self._run_shown:
            self._run_shown = key
            self.query_one("#scrub-verdict", Static).update(verdict_line(run["verdict"]) if run else
                                                           Text("Not run yet.", style="dim italic"))
            self.query_one("#scrub-runs", Static).update(runs_table(run) if run else "")

    def _refresh_bisect(self) -> None:
        s = self.session
        assert s is not None
        timeline = self.query_one(BisectTimeline)
        if not self.running and "bisect" in s.data and timeline.result is not s.data["bisect"]:
            timeline.load(s.data["bisect"], s.data.get("bisect_versions"))
        fix = s.data.get("fixing_pr")
        if fix is not self._fix_shown:
            self._fix_shown = fix
            self.query_one("#scrub-candidates", Static).update(candidates_text(fix))

    def _refresh_diff(self) -> None:
        s = self.session
        assert s is not None
        pane = self.query_one(DiffPane)
        gate = s.gate
        key = None
        if gate is not None and gate.id == "trivial_fix":
            key = "trivial:" + gate.detail.get("diff", "")
            if key != self._diff_shown:
                pane.show_patch_text(gate.detail.get("diff", ""), title="Trivial fix: remove the stale marker(s)")
        elif gate is not None and gate.id == "accept_minimized":
            key = "min:" + gate.detail.get("minimized", "")
            if key != self._diff_shown:
                pane.show_texts(s.code or "", gate.detail.get("minimized", ""), old_name="original", new_name="minimized",
                                title="Minimized repro")
        elif (s.data.get("trivial_fix") or {}).get("fixes"):
            diff = "".join(f["diff"] for f in s.data["trivial_fix"]["fixes"])
            key = "trivial:" + diff
            if key != self._diff_shown:
                pane.show_patch_text(diff, title="Trivial fix (" + ("applied" if s.data["trivial_fix"].get("applied")
                                                                     else "not applied") + ")")
        elif s.data.get("minimized_code"):
            key = "min:" + s.data["minimized_code"]
            if key != self._diff_shown:
                pane.show_texts(s.data.get("original_code") or "", s.data["minimized_code"], old_name="original",
                                new_name="minimized", title="Minimized repro (accepted)")
        if key is not None:
            self._diff_shown = key

    def _refresh_report(self) -> None:
        s = self.session
        assert s is not None
        report = s.data.get("report") or {}
        comment = report.get("comment")
        editor = self.query_one(ReportEditor)
        if comment is not None and comment != self._report_loaded:
            self._report_loaded = comment
            editor.load_text(comment)
            self.query_one("#scrub-preview", Markdown).update(inert(comment))
        editor.read_only = comment is None
        if comment is None:
            plan = s.plan
            text = "*No comment drafted.*"
            if plan is not None and not plan.empty:
                text += "\n\nThe plan: " + "; ".join(inert(line) for line in plan.describe())
            self.query_one("#scrub-preview", Markdown).update(text)

    # Tabs and selection -------------------------------------------------------------

    def action_show_tab(self, tab: str) -> None:
        if tab in TABS:
            self.query_one(TabbedContent).active = f"tab-{tab}"
            if tab == "repro":
                # A hidden Log cannot follow its output: catch up with the end once it is laid out.
                self.call_after_refresh(self.query_one("#scrub-log", Log).scroll_end, animate=False)

    def show_tab(self, tab: str) -> None:
        self.action_show_tab(tab)

    def on_step_list_selected(self, message: StepList.Selected) -> None:
        self.selected = message.step
        self.refresh_view()

    def focus_steps(self) -> None:
        self.query_one(StepList).focus()

    def has_gate(self) -> bool:
        return self.session is not None and self.session.gate is not None and not self.editing

    def action_focus_gate(self) -> None:
        if self.has_gate():
            self.query_one(GateBar).focus()

    def step_status(self, name: str) -> StepStatus | None:
        return self.session.wf.status(name) if self.session else None

    def action_back(self) -> None:
        self.app.pop_screen()
