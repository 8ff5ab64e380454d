"""Step through the minimizer's accepted changes, then keep the minimized repro or the original.

Left: the steps (pass name, size after), headed by the whole original → minimized diff;
right: the :class:`DiffPane` for the selected entry. ``a`` dismisses with True (use the
minimized repro), ``x`` with False (keep the original), escape with None (decide later).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from core.text import one_line

from ..widgets.diff import keys
from ..widgets.diff.pane import DiffPane
from ..widgets.diff.patch import diff_texts, parse_patch
from ..widgets.footer import QuietFooter


class StepLike(Protocol):
    """What a step needs (``core.minimize.engine.MinimizeStep`` has it)."""

    pass_name: str
    diff: str
    size_after: object


WHOLE = "whole"


def size_label(size: object) -> str:
    """``42 lines · 310 nodes`` for the minimizer's ``Size``; a number is taken as lines."""
    lines = getattr(size, "lines", None)
    nodes = getattr(size, "nodes", None)
    if isinstance(lines, int) and isinstance(nodes, int):
        return f"{lines} lines · {nodes} nodes"
    if isinstance(size, int):
        return f"{size} lines"
    return one_line(str(size), max_chars=40)


def nonblank_lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip())


class MinimizeStepsScreen(keys.DiffRegistryChecks, Screen[bool | None]):
    SCOPE = "minimize_steps"
    BINDINGS = keys.bindings("minimize_steps")

    def __init__(
        self,
        steps: Sequence[StepLike],
        *,
        original: str,
        final: str,
        language: str | None = "python",
        title: str = "Minimized repro",
    ) -> None:
        super().__init__()
        self.steps = tuple(steps)
        self.original = original
        self.final = final
        self.language = language
        self.heading = title

    def compose(self) -> ComposeResult:
        yield Static(self._summary(), id="steps-title", markup=False)
        with Horizontal(id="steps-body"):
            with Vertical(id="steps-side"):
                yield Static(Text("Accepted steps", style="bold"), id="steps-label", markup=False)
                yield OptionList(*self._options(), id="steps")
            yield DiffPane(language=self.language, id="step-diff")
        yield QuietFooter()

    def _summary(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(one_line(self.heading, max_chars=120), style="bold")
        text.append(
            f"   {nonblank_lines(self.original)} → {nonblank_lines(self.final)} non-blank lines"
            f" in {len(self.steps)} step{'s' if len(self.steps) != 1 else ''}"
        )
        return text

    def _options(self) -> list[Option]:
        whole = Text()
        whole.append("Σ original → minimized", style="bold")
        whole.append(f"\n  {nonblank_lines(self.original)} → {nonblank_lines(self.final)} lines", style="dim")
        options = [Option(whole, id=WHOLE)]
        for index, step in enumerate(self.steps):
            label = Text()
            label.append(f"{index + 1:>2}. ")
            label.append(one_line(getattr(step, "pass_name", "?"), max_chars=60))
            label.append(f"\n    {size_label(getattr(step, 'size_after', ''))}", style="dim")
            options.append(Option(label, id=str(index)))
        return options

    def on_mount(self) -> None:
        step_list = self.query_one("#steps", OptionList)
        step_list.highlighted = 1 if self.steps else 0
        step_list.focus()
        self._show(step_list.highlighted)

    @property
    def pane(self) -> DiffPane:
        return self.query_one(DiffPane)

    @property
    def selected(self) -> int | None:
        """The selected step's index, or None for the whole original → minimized diff."""
        highlighted = self.query_one("#steps", OptionList).highlighted
        return None if not highlighted else highlighted - 1

    def _show(self, option_index: int | None) -> None:
        if not option_index:
            self.pane.show_patch(
                diff_texts(self.original, self.final, old_name="original", new_name="minimized"),
                title="Original → minimized",
            )
            return
        step = self.steps[option_index - 1]
        name = one_line(getattr(step, "pass_name", "?"), max_chars=60)
        self.pane.show_patch(
            parse_patch(getattr(step, "diff", "") or ""),
            title=f"Step {option_index}/{len(self.steps)}: {name} → {size_label(getattr(step, 'size_after', ''))}",
        )

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "steps":
            event.stop()
            self._show(event.option_index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "steps":
            event.stop()
            self.pane.view.focus()

    def _move(self, delta: int) -> None:
        step_list = self.query_one("#steps", OptionList)
        current = step_list.highlighted or 0
        step_list.highlighted = max(0, min(step_list.option_count - 1, current + delta))

    def action_next_step(self) -> None:
        self._move(1)

    def action_prev_step(self) -> None:
        self._move(-1)

    def action_show_whole(self) -> None:
        self.query_one("#steps", OptionList).highlighted = 0

    def action_accept(self) -> None:
        self.dismiss(True)

    def action_reject(self) -> None:
        self.dismiss(False)

    def action_back(self) -> None:
        self.dismiss(None)
