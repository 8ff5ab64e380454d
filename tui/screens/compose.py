"""Small modals that collect what a write plan needs: a comment, labels, a close reason.

Each returns its raw input (or None when cancelled); the issue screen turns it into a
``WritePlan`` and shows the confirmation dialog. Nothing here sends anything.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from core.gate.plan import AddLabels, RemoveLabel, WriteAction
from core.text import one_line

from .. import actions


def parse_label_input(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``"a, b, -c"`` → (("a", "b"), ("c",)): comma-separated adds, ``-name`` removes."""
    adds: list[str] = []
    removes: list[str] = []
    for part in text.split(","):
        name = part.strip()
        if name.startswith("-"):
            name = name[1:].strip()
            if name and name not in removes:
                removes.append(name)
        elif name and name not in adds:
            adds.append(name)
    return tuple(adds), tuple(removes)


def label_actions(text: str) -> tuple[WriteAction, ...]:
    adds, removes = parse_label_input(text)
    result: list[WriteAction] = []
    if adds:
        result.append(AddLabels(adds))
    result.extend(RemoveLabel(name) for name in removes)
    return tuple(result)


def key_hint(overrides, *action_ids: str) -> Text:
    """``ctrl+s review plan   esc cancel`` from the registry (with the user's keymap)."""
    text = Text(style="dim")
    for index, action_id in enumerate(action_ids):
        action = actions.BY_ID[action_id]
        if index:
            text.append("   ")
        text.append(actions.display_keys(action, overrides), style="bold")
        text.append(f" {action.description.lower()}")
    return text


class _Prompt(ModalScreen[str | None]):
    SCOPE = "compose"
    BINDINGS = actions.bindings("compose")

    def __init__(self, target: str) -> None:
        super().__init__()
        self.target = target

    def _title(self, what: str) -> Static:
        text = Text(f"{what} ", style="bold")
        text.append(one_line(self.target, max_chars=200))
        return Static(text, classes="prompt-title")

    def action_cancel(self) -> None:
        self.dismiss(None)


class CommentComposer(_Prompt):
    """A TextArea for the comment; ctrl+s goes on to the confirmation dialog."""

    def __init__(self, target: str, text: str = "") -> None:
        super().__init__(target)
        self.initial = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt"):
            yield self._title("Comment on")
            yield TextArea(self.initial, id="comment-text", soft_wrap=True, show_line_numbers=False)
            yield Static(key_hint(self.app.keymap_overrides, "compose.submit", "compose.cancel"), classes="prompt-hint")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_submit(self) -> None:
        body = self.query_one(TextArea).text
        if not body.strip():
            self.notify("The comment is empty.", severity="warning", markup=False)
            return
        self.dismiss(body)


class LabelsPrompt(_Prompt):
    """Comma-separated labels to add; ``-name`` removes one."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt"):
            yield self._title("Labels for")
            yield Input(placeholder="module: nn, triaged, -needs reproduction", id="labels-input")
            yield Static(Text("comma-separated; prefix a label with - to remove it", style="dim"))
            yield Static(key_hint(self.app.keymap_overrides, "compose.submit", "compose.cancel"), classes="prompt-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def action_submit(self) -> None:
        value = self.query_one(Input).value
        if not label_actions(value):
            self.notify("No labels given.", severity="warning", markup=False)
            return
        self.dismiss(value)


class CloseReasonPrompt(_Prompt):
    """Completed or not planned."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt"):
            yield self._title("Close")
            yield OptionList(
                Option("completed — the issue was resolved", id="completed"),
                Option("not planned — won't fix, duplicate, stale or invalid", id="not_planned"),
                id="close-reason",
            )
            yield Static(key_hint(self.app.keymap_overrides, "compose.cancel"), classes="prompt-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_submit(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)
