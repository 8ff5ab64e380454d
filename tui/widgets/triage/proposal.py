"""The proposal side of the review: outcome, one toggle per proposed label (confidence and
evidence lines), the comment preview and the engine's reasoning.

Everything shown comes from a ``TriageProposal``; the widgets hold only the reviewer's
toggles. Which labels are finally sent is decided by ``core.triage.build_plan``.
"""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Markdown, Static

from tui.widgets.replace import replace_children

from core.text import inert, one_line
from core.triage import Evidence, TriageProposal

MAX_EVIDENCE_LINES = 3

_OUTCOME_STYLE = {
    "already_classified": "bold green",
    "not_distributed": "bold magenta",
    "routed": "bold cyan",
    "classified": "bold green",
    "low_confidence": "bold yellow",
    "high_priority": "bold red",
    "needs_reproduction": "bold yellow",
}
_CONF_STYLE = {"high": "green", "medium": "yellow", "low": "red"}


def outcome_name(outcome: str) -> str:
    """``needs_reproduction`` → ``needs reproduction``."""
    return outcome.replace("_", " ")


def evidence_line(ev: Evidence) -> Text:
    text = Text("    ")
    text.append(one_line(ev.rule, max_chars=70), style="italic")
    text.append(f" @ {one_line(ev.source, max_chars=30)}", style="dim")
    if ev.text:
        text.append(": ")
        text.append(repr(one_line(ev.text, max_chars=60)), style="bold")
    return text


class LabelToggle(Static, can_focus=True):
    """One proposed label: ``[x] 2 module: fsdp  HIGH`` and the evidence lines under it."""

    class Selected(Message):
        """Focus moved here: the issue side brightens this label's evidence."""

        def __init__(self, toggle: LabelToggle) -> None:
            self.toggle = toggle
            super().__init__()

    def __init__(self, index: int, label: str, confidence: str, evidence: tuple[Evidence, ...], accepted: bool) -> None:
        super().__init__(classes="label-toggle")
        self.index = index
        self.label = label
        self.confidence = confidence
        self.evidence = evidence
        self.accepted = accepted

    def set_accepted(self, accepted: bool) -> None:
        self.accepted = accepted
        self.set_class(not accepted, "-rejected")
        self.update(self.render_text())

    def on_mount(self) -> None:
        self.set_accepted(self.accepted)

    def render_text(self) -> Text:
        text = Text()
        text.append("[x] " if self.accepted else "[ ] ", style="bold")
        text.append(f"{self.index} " if self.index <= 9 else "  ", style="dim")
        text.append(one_line(self.label, max_chars=60), style="bold" if self.accepted else "strike dim")
        text.append("  ")
        text.append(self.confidence.upper(), style=_CONF_STYLE.get(self.confidence, ""))
        shown = self.evidence[:MAX_EVIDENCE_LINES]
        for ev in shown:
            text.append("\n")
            text.append_text(evidence_line(ev))
        if len(self.evidence) > len(shown):
            text.append(f"\n    … {len(self.evidence) - len(shown)} more", style="dim")
        if not self.evidence:
            text.append("\n    (no evidence recorded)", style="dim")
        return text

    def on_focus(self) -> None:
        self.post_message(self.Selected(self))


class ProposalPanel(VerticalScroll):
    """Outcome, label toggles, comment preview, reasoning. :meth:`show` rebuilds it."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.toggles: list[LabelToggle] = []

    async def show(self, proposal: TriageProposal, accepted: dict[str, bool], comment_on: bool) -> None:
        outcome = Text("Outcome  ", style="bold")
        outcome.append(f" {outcome_name(proposal.outcome)} ", style="reverse " + _OUTCOME_STYLE.get(proposal.outcome, "bold"))
        outcome.append(f"  confidence {proposal.confidence.upper()}", style=_CONF_STYLE.get(proposal.confidence, ""))
        widgets: list = [Static(outcome, id="tr-outcome")]
        self.toggles = [
            LabelToggle(i, label, proposal.confidence_of(label), proposal.evidence_for(label), accepted.get(label, True))
            for i, label in enumerate(proposal.labels_to_add, start=1)
        ]
        widgets.append(Static(Text("Labels to add", style="bold"), classes="tr-heading"))
        if self.toggles:
            widgets.extend(self.toggles)
        else:
            widgets.append(Static(Text("none: nothing to add", style="dim italic"), classes="tr-none"))
        widgets.append(Static(Text("Comment", style="bold"), classes="tr-heading", id="tr-comment-heading"))
        if proposal.comment:
            note = Text(f"template {proposal.comment_template or '?'}: ", style="dim")
            note.append("will be posted" if comment_on else "left out (c to include)", style="bold" if comment_on else "dim")
            widgets.append(Static(note, id="tr-comment-note"))
            widgets.append(Markdown(inert(proposal.comment), open_links=False, id="tr-comment", classes="" if comment_on else "-off"))
        else:
            widgets.append(Static(Text("none", style="dim italic"), id="tr-comment-note"))
        widgets.append(Static(Text("Reasoning", style="bold"), classes="tr-heading"))
        reasons = Text()
        for i, line in enumerate(proposal.reasoning):
            if i:
                reasons.append("\n")
            reasons.append("· " + one_line(line, max_chars=400))
        widgets.append(Static(reasons or Text("none", style="dim"), id="tr-reasoning"))
        await replace_children(self, widgets)
        self.scroll_home(animate=False)

    def focused_toggle(self) -> LabelToggle | None:
        focused = self.screen.focused
        return focused if isinstance(focused, LabelToggle) else None
