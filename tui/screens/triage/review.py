"""Review distributed-triage proposals issue by issue, or in batch over a queue section.

The screen renders what ``core.triage`` proposes and keeps only the reviewer's choices
(label toggles, comment on/off, skip). On ``a`` it asks the core for the write plan of
the accepted labels (``build_plan`` enforces every constraint: add-only, allow-list,
one sub-oncall, ``triaged`` only when justified, no duplicate comment), shows it in the
confirmation dialog, and only ``y`` there sends it through the workbench's write gate.
So accepting a proposal as it stands and moving on takes two keys: ``a`` then ``y``.

Undo (``u``) takes back the latest decision that has not been sent: a label or comment
toggle, or a skip (the skipped issue comes back with its toggles). A plan that was sent
is on GitHub; the screen says so instead of pretending to undo it (removing labels is
exactly what triage must never do).

Keys come from the app's action registry (scope ``triage`` in ``tui/actions.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Static

from core.errors import TriagedeckError
from core.gate.plan import Confirmation, WritePlan
from core.models import IssueThread, QueueSection
from core.text import one_line
from core.triage import Rules, TriageProposal, build_plan, propose, rules_from_config

from ... import actions
from ...widgets.footer import QuietFooter
from ...widgets.triage import (
    EvidenceThread,
    LabelToggle,
    ProposalPanel,
    Tally,
    TallyBar,
)
from ..confirm import ConfirmDialog
from ..issue import result_summary

DISTRIBUTED_SECTION_TITLE = "oncall: distributed without the marker"


def distributed_section(repo: str, rules: Rules) -> QueueSection:
    """The batch queue: open ``oncall: distributed`` issues without the marker label."""
    L = rules.labels
    return QueueSection(DISTRIBUTED_SECTION_TITLE, f'repo:{repo} is:issue is:open label:"{L.distributed}" -label:"{L.marker}"')


@dataclass(slots=True)
class _Item:
    thread: IssueThread
    proposal: TriageProposal
    accepted: dict[str, bool] = field(default_factory=dict)
    comment_on: bool = True
    status: str | None = None  # None / skipped / sent / failed

    @property
    def edited(self) -> bool:
        return not all(self.accepted.values()) or (bool(self.proposal.comment) and not self.comment_on)

    def accepted_labels(self) -> list[str]:
        return [label for label in self.proposal.labels_to_add if self.accepted.get(label, True)]


class TriageReviewScreen(Screen):
    """``TriageReviewScreen(workbench)``: batch over the distributed section;
    ``numbers=[...]``: those issues; ``section="Title"``: a configured queue section."""

    BINDINGS: ClassVar[list[Binding]] = actions.bindings("triage")

    def __init__(self, workbench, numbers: list[int] | None = None, section: str | None = None) -> None:
        super().__init__()
        self.workbench = workbench
        self.rules: Rules = rules_from_config(workbench.config)
        self.requested_numbers = list(numbers) if numbers is not None else None
        self.requested_section = section
        self.title_text = "Triage review"
        self.numbers: list[int] = []
        self.position = 0
        self.items: dict[int, _Item] = {}
        self.history: list[tuple] = []  # ("toggle", n, label, was) / ("comment", n, was) / ("skip", n, accepted, comment_on) / ("sent", n)
        self.tally = Tally()
        self.fetching = True
        self.sending = False
        self._spot = 0

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TallyBar(id="tr-tally")
        yield Static(id="tr-note")
        with Horizontal(id="tr-main"):
            yield EvidenceThread(self._now(), id="tr-issue")
            yield ProposalPanel(id="tr-proposal")
        yield QuietFooter()

    def _now(self):
        clock = getattr(self.app, "clock", None)
        if clock is not None:
            return clock()
        from core.models import utcnow

        return utcnow()

    def _note(self, text: str, style: str = "italic") -> None:
        self.query_one("#tr-note", Static).update(Text(text, style=style))

    def _show_tally(self) -> None:
        number = self.numbers[self.position] if self.position < len(self.numbers) else None
        self.query_one(TallyBar).show(self.title_text, self.position, len(self.numbers), number, self.tally)

    @property
    def current(self) -> _Item | None:
        if self.position < len(self.numbers):
            return self.items.get(self.numbers[self.position])
        return None

    # -- loading -----------------------------------------------------------------------

    def on_mount(self) -> None:
        self._show_tally()
        self.run_worker(self._load(), exclusive=True, group="triage-load")

    async def _load(self) -> None:
        self.fetching = True
        try:
            if self.requested_numbers is not None:
                self.numbers = list(dict.fromkeys(self.requested_numbers))
                self.title_text = "Triage review"
            else:
                section = self._section()
                self.title_text = section.title
                self._note(f"Syncing {section.title}…")
                try:
                    await self.workbench.sync_section(section)
                except TriagedeckError as exc:
                    self.notify(f"Sync failed, using the cache: {one_line(str(exc))}", severity="warning", markup=False)
                self.numbers = [issue.number for issue in self.workbench.section_issues(section.title)]
            await self._open()
        finally:
            self.fetching = False

    def _section(self) -> QueueSection:
        name = self.requested_section
        if name and name.lower() != DISTRIBUTED_SECTION_TITLE.lower():
            return self.workbench.section(name)
        return distributed_section(self.workbench.repo, self.rules)

    async def _thread(self, number: int) -> IssueThread:
        # The comment dedupe must see every comment already posted: the cached copy serves
        # only when it holds as many comments as the (just synced) issue row counts.
        cached = self.workbench.cached_thread(number)
        if cached is not None and cached.issue.body is not None and len(cached.comments) >= cached.issue.comments_count:
            return cached
        return await self.workbench.thread(number)

    async def _open(self) -> None:
        """Show the issue at ``self.position`` (or the end of the batch)."""
        self.fetching = True
        try:
            self._show_tally()
            item = self.current
            if self.position >= len(self.numbers):
                await self._show_done()
                return
            number = self.numbers[self.position]
            if item is None or item.status is not None:
                self._note(f"Loading #{number}…")
                try:
                    thread = await self._thread(number)
                except TriagedeckError as exc:
                    self._note(f"Could not load #{number}: {one_line(str(exc))} (s skips it)", "bold red")
                    return
                proposal = propose(thread, self.rules)
                keep = item if item is not None and item.status is None else None
                item = _Item(thread, proposal, {label: True for label in proposal.labels_to_add}, True)
                if keep is not None:
                    item.accepted.update({k: v for k, v in keep.accepted.items() if k in item.accepted})
                    item.comment_on = keep.comment_on
                self.items[number] = item
            await self._show_item(item)
        finally:
            self.fetching = False

    async def _show_item(self, item: _Item) -> None:
        self._spot = 0
        proposal = item.proposal
        await self.query_one(EvidenceThread).show(item.thread, proposal.evidence)
        await self.query_one(ProposalPanel).show(proposal, item.accepted, item.comment_on)
        self._note(self._hint(item))
        panel = self.query_one(ProposalPanel)
        if panel.toggles:
            panel.toggles[0].focus()
        else:
            panel.focus()

    def _hint(self, item: _Item) -> str:
        if not item.proposal.labels_to_add and not item.proposal.comment:
            return "Nothing to add for this issue: s moves on."
        return "a accepts (then y sends) · space/1-9 toggle · c comment · s skip · u undo · e jump to evidence"

    async def _show_done(self) -> None:
        await self.query_one(EvidenceThread).clear()
        panel = self.query_one(ProposalPanel)
        await panel.remove_children()
        t = self.tally
        summary = Text("Batch done", style="bold")
        summary.append(
            f"\n\n{len(self.numbers)} issue(s): accepted {t.accepted}, edited {t.edited}, skipped {t.skipped}; "
            f"sent {t.sent}, failed {t.failed}.\n\nu takes back the last skip · escape goes back."
        )
        await panel.mount(Static(summary, id="tr-done"))
        self._note("")
        self._show_tally()

    # -- toggles -----------------------------------------------------------------------

    def _toggle(self, toggle: LabelToggle) -> None:
        item = self.current
        if item is None or self.sending:
            return
        was = item.accepted.get(toggle.label, True)
        item.accepted[toggle.label] = not was
        self.history.append(("toggle", self.numbers[self.position], toggle.label, was))
        toggle.set_accepted(not was)

    def action_toggle_focused(self) -> None:
        toggle = self.query_one(ProposalPanel).focused_toggle()
        if toggle is not None:
            self._toggle(toggle)

    def action_toggle_number(self, n: int) -> None:
        toggles = self.query_one(ProposalPanel).toggles
        if not self.fetching and 1 <= n <= len(toggles):
            toggles[n - 1].focus()
            self._toggle(toggles[n - 1])

    def action_toggle_comment(self) -> None:
        item = self.current
        if item is None or not item.proposal.comment or self.sending:
            return
        self.history.append(("comment", self.numbers[self.position], item.comment_on))
        item.comment_on = not item.comment_on
        self._repaint_comment(item)

    def _repaint_comment(self, item: _Item) -> None:
        panel = self.query_one(ProposalPanel)
        for widget in panel.query("#tr-comment"):
            widget.set_class(not item.comment_on, "-off")
        note = Text(f"template {item.proposal.comment_template or '?'}: ", style="dim")
        note.append("will be posted" if item.comment_on else "left out (c to include)", style="bold" if item.comment_on else "dim")
        for widget in panel.query("#tr-comment-note"):
            widget.update(note)

    def on_label_toggle_selected(self, message: LabelToggle.Selected) -> None:
        self._spot = 0
        self.query_one(EvidenceThread).select(message.toggle.evidence)

    def _move_focus(self, step: int) -> None:
        panel = self.query_one(ProposalPanel)
        if not panel.toggles:
            return
        current = panel.focused_toggle()
        index = panel.toggles.index(current) if current in panel.toggles else -1
        panel.toggles[(index + step) % len(panel.toggles)].focus()

    def action_focus_next_label(self) -> None:
        self._move_focus(1)

    def action_focus_prev_label(self) -> None:
        self._move_focus(-1)

    def action_jump(self) -> None:
        """Scroll the issue to the focused label's next evidence spot."""
        toggle = self.query_one(ProposalPanel).focused_toggle()
        if toggle is None:
            return
        target = self.query_one(EvidenceThread).select(toggle.evidence, self._spot)
        self._spot += 1
        if target is None:
            self.notify("This label's evidence is not a spot in the text (it comes from the labels or the outcome).", markup=False)

    # -- decisions ---------------------------------------------------------------------

    def plan_for(self, item: _Item) -> WritePlan:
        """The core's plan for the reviewer's choices (the screen never builds plans)."""
        return build_plan(item.proposal, item.thread, self.rules, accepted_labels=item.accepted_labels(), include_comment=item.comment_on)

    def action_accept(self) -> None:
        item = self.current
        if item is None or self.fetching or self.sending:
            return
        plan = self.plan_for(item)
        if plan.empty:
            self.notify("Nothing to send for this issue (s skips it).", markup=False)
            return
        number = self.numbers[self.position]

        def decided(confirmed: bool | None) -> None:
            if confirmed:
                self.sending = True
                self.run_worker(self._send(number, item, plan), exclusive=True, group="triage-send")
            else:
                self.notify("Cancelled: nothing was sent.", markup=False)

        self.app.push_screen(ConfirmDialog(plan), decided)

    async def _send(self, number: int, item: _Item, plan: WritePlan) -> None:
        self.sending = True
        self._note(f"Sending #{number}…")
        try:
            try:
                result = await self.workbench.execute(plan, Confirmation.for_plan(plan, "dialog"))
            except TriagedeckError as exc:
                self.tally.failed += 1
                item.status = None
                self._note(f"Not sent: {one_line(str(exc))}", "bold red")
                self.notify(one_line(str(exc)), title="Not sent", severity="error", markup=False)
                self._show_tally()
                return
            text, severity = result_summary(result)
            self.notify(text, title=f"#{number}", severity=severity, markup=False)
            if not result.ok:
                self.tally.failed += 1
                self._note(f"#{number}: {one_line(text)} — a to retry, s to skip", "bold red")
                self._show_tally()
                return
            self.tally.sent += 1
            if item.edited:
                self.tally.edited += 1
            else:
                self.tally.accepted += 1
            item.status = "sent"
            self.history.append(("sent", number))
            self.position += 1
            await self._open()
        finally:
            self.sending = False

    def action_skip(self) -> None:
        if self.fetching or self.sending or self.position >= len(self.numbers):
            return
        number = self.numbers[self.position]
        item = self.items.get(number)
        if item is not None:
            item.status = "skipped"
            self.history.append(("skip", number, dict(item.accepted), item.comment_on))
        else:
            self.history.append(("skip", number, {}, True))
        self.tally.skipped += 1
        self.position += 1
        self.run_worker(self._open(), exclusive=True, group="triage-load")

    def action_undo(self) -> None:
        if self.fetching or self.sending:
            return
        if not self.history:
            self.notify("Nothing to undo.", markup=False)
            return
        entry = self.history[-1]
        kind, number = entry[0], entry[1]
        if kind == "sent":
            self.notify(
                f"#{number} was already sent to GitHub: sent writes can't be undone here "
                "(triage never removes labels). Fix it on the issue screen if needed.",
                severity="warning",
                markup=False,
            )
            return
        self.history.pop()
        if kind == "skip":
            _, _, accepted, comment_on = entry
            self.tally.skipped -= 1
            self.position = self.numbers.index(number)
            item = self.items.get(number)
            if item is not None:
                item.status = None
                item.accepted.update(accepted)
                item.comment_on = comment_on
            self.notify(f"Back to #{number} (skip undone).", markup=False)
            self.run_worker(self._open(), exclusive=True, group="triage-load")
            return
        item = self.items.get(number)
        if item is None or self.position >= len(self.numbers) or self.numbers[self.position] != number:
            return
        if kind == "toggle":
            label, was = entry[2], entry[3]
            item.accepted[label] = was
            for toggle in self.query_one(ProposalPanel).toggles:
                if toggle.label == label:
                    toggle.set_accepted(was)
                    toggle.focus()
        elif kind == "comment":
            item.comment_on = entry[2]
            self._repaint_comment(item)

    def action_back(self) -> None:
        self.app.pop_screen()
