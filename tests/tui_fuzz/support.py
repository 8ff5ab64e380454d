"""Test support: a host app for the fuzz screens, and waiting on the app without timing it."""

from __future__ import annotations

import io
import time
from typing import Any, Callable

from rich.console import Console
from textual.app import App

from core.fuzz import FuzzWorkflow
from tui.paths import styles_dir
from tui.screens.fuzz import FuzzSessionScreen, FuzzSessionsScreen

SIZE = (120, 40)


class FuzzHostApp(App):
    """The fuzz screens on their own (the lead wires them into ``TriagedeckApp``)."""

    CSS_PATH = [styles_dir() / "app.tcss", styles_dir() / "fuzz.tcss"]

    def __init__(
        self,
        workflow: FuzzWorkflow,
        *,
        session_id: str | None = None,
        session_options: dict[str, Any] | None = None,
        default_checkout: str | None = None,
    ) -> None:
        super().__init__()
        self.default_checkout = default_checkout
        self.workflow = workflow
        self.session_id = session_id
        self.session_options = dict(session_options or {})
        self.keymap_overrides: dict[str, str] = {}

    def get_default_screen(self):
        if self.session_id is not None:
            return FuzzSessionScreen(self.workflow.open(self.session_id), **self.session_options)
        return FuzzSessionsScreen(self.workflow, session_options=self.session_options, default_checkout=self.default_checkout)


async def wait_until(pilot, predicate: Callable[[], bool], what: str, limit_s: float = 90.0) -> None:
    """Let the app run until ``predicate()`` holds (the limit only stops a hung test)."""
    deadline = time.monotonic() + limit_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for: {what}")
        await pilot.pause(0.05)


def plain(renderable) -> str:
    console = Console(width=220, record=True, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.export_text()


def screen_text(screen, *selectors: str) -> str:
    """The plain text of Static widgets of ``screen`` (default: steps, panel, gate bar)."""
    return "\n".join(plain(screen.query_one(s).content) for s in selectors or ("#fuzz-steps", "#fuzz-panel", "#fuzz-gate"))
