"""The status bar: repo, mode, rate limit (with a countdown while waiting), last sync."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widget import Widget

from core.text import one_line

from ..queue.model import age


def _countdown(seconds: int) -> str:
    minutes, seconds = divmod(max(0, seconds), 60)
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


def status_text(workbench, now: datetime, *, last_sync: datetime | None, busy: str | None) -> Text:
    """Everything the bar shows, as a plain-text-safe Text."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f" {one_line(workbench.config.repo)} ", style="bold")
    mode = workbench.mode
    text.append(f" {mode} ", style="reverse" if mode != "online" else "")
    viewer = getattr(workbench, "viewer", None)
    if viewer:
        text.append(f"  @{one_line(viewer, max_chars=40)}")
    tracker = workbench.rate_limit
    waiting = getattr(tracker, "waiting_until", None)
    if waiting is not None:
        left = int((waiting - now).total_seconds())
        text.append(f"  rate limited: resumes in {_countdown(left)}", style="bold red")
    else:
        current = tracker.current
        if current.remaining is not None:
            limit = f"/{current.limit:,}" if current.limit else ""
            text.append(f"  API {current.remaining:,}{limit}")
        else:
            text.append("  API –")
    if busy:
        text.append(f"  {busy}", style="italic")
    if last_sync is not None:
        text.append(f"  synced {age(last_sync, now)} ago")
    else:
        text.append("  not synced this session")
    return text


class StatusBar(Widget):
    """Computes its line from the app's state at each paint; a 1 s timer repaints it."""

    DEFAULT_CSS = "StatusBar { height: 1; }"

    def on_mount(self) -> None:
        self.set_interval(1.0, self.refresh_status)

    def refresh_status(self) -> None:
        self.refresh()

    def render(self) -> Text:
        app = self.app
        return status_text(
            app.workbench, app.clock(), last_sync=getattr(app, "last_sync", None), busy=getattr(app, "busy", None)
        )
