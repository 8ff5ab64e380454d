"""``DiffPane``: a header (title, +N −M, file/hunk position), a file list when the patch has
several files, the :class:`DiffView`, and optional accept/reject keys that post
:class:`DiffPane.Accepted` / :class:`DiffPane.Rejected` for the screen to act on."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from core.text import one_line

from . import keys
from .model import Mode
from .patch import FileDiff, Patch, diff_texts, parse_patch
from .view import DiffView

_STATUS_MARK = {"added": "A", "deleted": "D", "renamed": "R", "copied": "C", "modified": "M"}


def stats_text(added: int, removed: int) -> Text:
    text = Text()
    text.append(f"+{added}", style="bold green")
    text.append(" ")
    text.append(f"−{removed}", style="bold red")
    return text


def file_option(file: FileDiff, added: int, removed: int) -> Text:
    """One row of the file list: status letter, name (inert), +/- counts."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(_STATUS_MARK.get(file.status, "M") + " ", style="bold")
    text.append(one_line(file.path, max_chars=200))
    if file.hunks:
        text.append(f" +{added}", style="green")
        text.append(f" −{removed}", style="red")
    return text


class DiffPane(keys.DiffRegistryChecks, Vertical):
    """Review a change: the diff, where you are in it, and (optionally) accept or reject it."""

    SCOPE = "diff_pane"
    BINDINGS = keys.bindings("diff_pane")

    DEFAULT_CSS = """
    DiffPane { height: 1fr; }
    DiffPane > #diff-header { height: 1; padding: 0 1; background: $panel; }
    DiffPane > #diff-body { height: 1fr; }
    DiffPane #diff-files { width: 32; height: 1fr; display: none; }
    DiffPane #diff-files.-visible { display: block; }
    DiffPane > #diff-hint { height: 1; padding: 0 1; color: $text-muted; }
    """

    class Accepted(Message):
        """The user accepted the change shown."""

        def __init__(self, pane: DiffPane) -> None:
            self.pane = pane
            super().__init__()

        @property
        def control(self) -> DiffPane:
            return self.pane

    class Rejected(Accepted):
        """The user rejected the change shown."""

    def __init__(
        self,
        patch: Patch | None = None,
        *,
        title: str = "",
        decisions: bool = False,
        language: str | None = None,
        mode: Mode = "unified",
        accept_label: str = "accept",
        reject_label: str = "reject",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.pane_title = title
        self.decisions = decisions
        self.accept_label = accept_label
        self.reject_label = reject_label
        self._initial = (patch or Patch(), language, mode)

    def compose(self) -> ComposeResult:
        patch, language, mode = self._initial
        yield Static(id="diff-header", markup=False)
        with Horizontal(id="diff-body"):
            yield OptionList(id="diff-files")
            yield DiffView(patch, language=language, mode=mode, id="diff-view")
        if self.decisions:
            yield Static(self._hint(), id="diff-hint", markup=False)

    def on_mount(self) -> None:
        self._fill_files()
        self._update_header()

    @property
    def view(self) -> DiffView:
        return self.query_one(DiffView)

    @property
    def patch(self) -> Patch:
        return self.view.patch

    # Showing things -----------------------------------------------------------------

    def show_patch(self, patch: Patch, *, title: str | None = None, language: str | None | Literal[False] = False) -> None:
        if title is not None:
            self.pane_title = title
        self.view.set_patch(patch, language=language)
        self._fill_files()
        self._update_header()

    def show_texts(
        self,
        old: str,
        new: str,
        *,
        old_name: str = "a",
        new_name: str = "b",
        title: str | None = None,
        language: str | None | Literal[False] = False,
    ) -> None:
        self.show_patch(diff_texts(old, new, old_name=old_name, new_name=new_name), title=title, language=language)

    def show_patch_text(self, text: str, *, title: str | None = None, language: str | None | Literal[False] = False) -> None:
        self.show_patch(parse_patch(text), title=title, language=language)

    def _fill_files(self) -> None:
        files = self.patch.files
        file_list = self.query_one("#diff-files", OptionList)
        file_list.clear_options()
        if len(files) > 1:
            file_list.add_options([Option(file_option(f, *self.view.file_stats(i)), id=str(i)) for i, f in enumerate(files)])
            file_list.highlighted = max(0, self.view.current_file)
        file_list.set_class(len(files) > 1, "-visible")

    def header_text(self) -> Text:
        """Title, +N −M, file and hunk position, layout — plain Text, never markup."""
        view = self.view
        patch = view.patch
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.pane_title:
            text.append(one_line(self.pane_title, max_chars=200), style="bold")
            text.append("  ")
        if patch.is_empty:
            text.append("no changes", style="italic")
            return text
        text.append_text(stats_text(*view.stats))
        if view.file_count > 1:
            text.append(f"  ·  file {view.current_file + 1}/{view.file_count}")
        if view.hunk_count:
            current = view.current_hunk + 1 if view.current_hunk >= 0 else "–"
            text.append(f"  ·  hunk {current}/{view.hunk_count}")
        text.append("  ·  " + ("side by side" if view.mode == "split" else "unified"), style="dim")
        return text

    def _hint(self) -> Text:
        text = Text()
        for action_id, label in (("diff_pane.accept", self.accept_label), ("diff_pane.reject", self.reject_label)):
            spec = next(a for a in keys.DIFF_ACTIONS if a.id == action_id)
            if text:
                text.append("   ")
            text.append(spec.keys.split(",")[0], style="bold")
            text.append(f" {label}")
        return text

    def _update_header(self) -> None:
        self.query_one("#diff-header", Static).update(self.header_text())

    # Events -------------------------------------------------------------------------

    def on_diff_view_position_changed(self, event: DiffView.PositionChanged) -> None:
        self._update_header()
        file_list = self.query_one("#diff-files", OptionList)
        if self.view.file_count > 1 and not file_list.has_focus:
            file_list.highlighted = max(0, self.view.current_file)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "diff-files" and event.option_list.has_focus and event.option.id is not None:
            event.stop()
            self.view.jump_to_file(int(event.option.id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "diff-files" and event.option.id is not None:
            event.stop()
            self.view.jump_to_file(int(event.option.id))
            self.view.focus()

    # Decisions ----------------------------------------------------------------------

    def can_decide(self) -> bool:
        return self.decisions

    def action_accept(self) -> None:
        if self.decisions:
            self.post_message(self.Accepted(self))

    def action_reject(self) -> None:
        if self.decisions:
            self.post_message(self.Rejected(self))
