"""Help: every action of the registry, grouped by screen, with the keys in effect."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from .. import actions
from ..widgets.footer import QuietFooter


def help_text(overrides) -> Text:
    """The whole help page (keys reflect the user's keymap)."""
    text = Text()
    for scope, title in actions.SCOPES.items():
        rows = [a for a in actions.ACTIONS if a.scope == scope]
        if not rows:
            continue
        if text:
            text.append("\n\n")
        text.append(title, style="bold underline")
        for action in rows:
            text.append("\n")
            text.append(f"  {actions.display_keys(action, overrides):<22}", style="bold")
            text.append(f"{action.description:<22}")
            text.append(action.id, style="dim")
    text.append("\n\nOverride keys in the config file's [keymap] table: action id = \"key[,key]\".", style="dim")
    return text


class HelpScreen(Screen):
    SCOPE = "help"
    BINDINGS = actions.bindings("help")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text("triagedeck — keys", style="bold"), id="help-title")
            yield Static(help_text(self.app.keymap_overrides), id="help-body")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.query_one("#help").focus()

    def action_close(self) -> None:
        self.app.pop_screen()
