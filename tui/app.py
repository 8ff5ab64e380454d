"""The Textual application: wires the workbench, the clock and the registry together.

Screens live in ``tui/screens``, widgets in ``tui/widgets/<feature>``; this module only
holds app-wide state (workbench, clock, last sync) and app-wide actions.
"""

from __future__ import annotations

import gc
import time
import webbrowser
from collections.abc import Iterator
from datetime import datetime
from typing import Callable

from textual import work
from textual.app import App

from core.models import utcnow

from . import actions
from .commands import RegistryCommands
from .paths import stylesheets
from .screens.help import HelpScreen
from .screens.queue import QueueScreen

WARMUP_DELAY_S = 0.5  # after the queue's first rows
WARMUP_SLICE_S = 0.004
WARMUP_PAUSE_S = 0.03


class TriagedeckApp(App):
    """``TriagedeckApp(workbench).run()``; ``clock`` and ``open_url`` are injectable for tests."""

    TITLE = "triagedeck"
    CSS_PATH = stylesheets()
    BINDINGS = actions.bindings("app")
    COMMANDS = App.COMMANDS | {RegistryCommands}

    def __init__(
        self,
        workbench,
        *,
        clock: Callable[[], datetime] | None = None,
        open_url: Callable[[str], object] | None = None,
    ) -> None:
        super().__init__()
        self.workbench = workbench
        self.clock: Callable[[], datetime] = utcnow if clock is None else clock
        self.url_opener = webbrowser.open if open_url is None else open_url
        self.last_sync: datetime | None = None
        self.busy: str | None = None
        self.keymap_overrides, self.keymap_problems = actions.validate_keymap(dict(workbench.config.keymap or {}))

    def get_default_screen(self) -> QueueScreen:
        return QueueScreen()

    def on_mount(self) -> None:
        # Everything alive now (Textual, the core, the styles) lives as long as the app: move
        # it out of the collector's reach. Otherwise each full collection walks it all, a
        # ~120 ms stall about once a second while a repro floods the output pane. Collect
        # first, so no garbage is frozen with it; after the first paint, not before it.
        self.call_after_refresh(self._freeze_heap)
        self.set_timer(WARMUP_DELAY_S, self._warm_up)
        if self.keymap_overrides:
            self.set_keymap(self.keymap_overrides)
        for problem in self.keymap_problems:
            self.notify(problem, title="Config", severity="warning", timeout=12, markup=False)

    @staticmethod
    def _freeze_heap() -> None:
        gc.collect()
        gc.freeze()

    def _warm_up(self, steps: Iterator[str] | None = None) -> None:
        """Import what opening the first issue would (the lexers that guess an untagged code
        fence's language), a few milliseconds at a time, so no keystroke waits on it."""
        if steps is None:
            # Imported on use: it imports the Markdown widget, which the queue does not need.
            from .widgets.markdown import lexer_warmup

            steps = lexer_warmup()
        deadline = time.perf_counter() + WARMUP_SLICE_S
        for _module in steps:
            if time.perf_counter() >= deadline:
                self.set_timer(WARMUP_PAUSE_S, lambda: self._warm_up(steps))
                return
        self._freeze_heap()  # what was imported lives as long as the app, like the start-up heap

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
        else:
            self.push_screen(HelpScreen())

    def open_in_browser(self, url: str) -> None:
        """Open ``url`` without blocking the UI (the opener can take seconds)."""
        self._open_url(url)

    @work(thread=True, group="browser")
    def _open_url(self, url: str) -> None:
        try:
            self.url_opener(url)
        except Exception as exc:  # a missing browser must not crash the app
            self.call_from_thread(self.notify, f"Could not open a browser: {exc}", severity="error", markup=False)
