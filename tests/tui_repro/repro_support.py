"""A bare host app for the repro pane (no workbench, no other screens) and test threads."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from textual.app import App

from core.models import Comment, Issue, IssueThread, Trust
from core.run import RunEnvironment
from tui.paths import stylesheets
from tui.screens.repro import ReproScreen

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
# A fixed name so snapshots do not show this machine's interpreter path.
LOCAL = RunEnvironment("local", name="local (test python)", python=sys.executable)


def fence(code: str, lang: str = "python") -> str:
    return f"```{lang}\n{code.rstrip()}\n```"


def make_thread(body: str, *, number: int = 4242, title: str = "Repro pane test", author: str = "reporter",
                association: str = "NONE", comments: tuple[tuple[str, str], ...] = ()) -> IssueThread:
    issue = Issue(repo="pytorch/pytorch", number=number, title=title, state="open", body=body, author=author,
                  author_association=association, created_at=T0, updated_at=T0, comments_count=len(comments))
    cs = tuple(
        Comment(id=i + 1, author=who, author_association="NONE", body=text, created_at=T0, updated_at=T0)
        for i, (who, text) in enumerate(comments)
    )
    return IssueThread(issue, cs)


def trust_all(level: Trust = Trust.COLLABORATOR):
    async def check(login: str) -> Trust:
        return level

    return check


class Recorded(list):
    def __call__(self, item):
        self.append(item)


class ReproHost(App):
    """Pushes one ReproScreen; records the pane's public messages."""

    CSS_PATH = stylesheets()

    def __init__(self, screen_factory) -> None:
        super().__init__()
        self._factory = screen_factory
        self.reviews: list = []
        self.judged: list = []
        self.series: list = []

    def on_mount(self) -> None:
        self.push_screen(self._factory())

    def on_repro_screen_review_recorded(self, message: ReproScreen.ReviewRecorded) -> None:
        self.reviews.append(message)

    def on_repro_screen_run_judged(self, message: ReproScreen.RunJudged) -> None:
        self.judged.append(message)

    def on_repro_screen_series_judged(self, message: ReproScreen.SeriesJudged) -> None:
        self.series.append(message)


def pane(thread: IssueThread, tmp: Path, **kw) -> ReproScreen:
    """A pane with the deterministic test defaults (local env, no sandbox, no probe)."""
    kw.setdefault("environments", [LOCAL])
    kw.setdefault("sandbox", "off")
    kw.setdefault("probe", False)
    kw.setdefault("timeout_s", 60)
    kw.setdefault("log_dir", tmp / "logs")
    kw.setdefault("collaborator_check", trust_all())
    return ReproScreen(thread, **kw)


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def wait_for(pilot, predicate, timeout: float = 30.0) -> None:
    """Let the app run until ``predicate()`` holds (a real process is running meanwhile)."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.02)


# -- The whole app over the demo data, driven from the queue ---------------------------------
# (tests/tui_repro/test_every_demo_repro.py): a loopback GitHub with the demo dataset, one
# "All open" section, and the venv's interpreter as the configured local target (the one
# with torch, where it is installed).

DEMO_SECTION_QUERY = "repo:pytorch/pytorch is:issue is:open"


def demo_app_config() -> dict:
    """``Config`` keyword arguments for a demo workbench: one queue section, ``sys.executable``
    as the ``local`` runner (the repro pane's default target)."""
    from core.models import QueueSection

    return {
        "sections": (QueueSection("All open", DEMO_SECTION_QUERY),),
        "extra": {"runners": {"local": {"python": sys.executable}}},
    }


def demo_app(wb):
    """The real app (queue first) with a fixed clock and no browser."""
    from tui.app import TriagedeckApp

    app = TriagedeckApp(wb, clock=lambda: T0, open_url=lambda url: True)
    app.animation_level = "none"
    return app


async def open_from_queue(pilot, number: int):
    """From the queue: ``/``, the number, Enter (back to the table), Enter (open the issue).
    Returns the issue screen once its thread is loaded."""
    from tui.screens.issue import IssueScreen
    from tui.screens.queue import QueueScreen

    queue = pilot.app.screen
    assert isinstance(queue, QueueScreen), pilot.app.screen
    await wait_for(pilot, lambda: len(queue.model.issues) > 0 and not queue._loading)
    await pilot.press("slash", *str(number), "enter")
    await pilot.pause()
    table = queue.table
    for _ in range(len(queue.model)):
        if table.current_issue is not None and table.current_issue.number == number:
            break
        await pilot.press("j")
    assert table.current_issue is not None and table.current_issue.number == number, f"#{number} not in the queue"
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, IssueScreen))
    screen = pilot.app.screen
    await wait_for(pilot, lambda: not screen.loading and screen.thread is not None)
    return screen


async def back_to_queue(pilot) -> None:
    """Escape until the queue shows, then Escape once more to clear its filter."""
    from tui.screens.queue import QueueScreen

    for _ in range(4):
        if isinstance(pilot.app.screen, QueueScreen):
            break
        await pilot.press("escape")
        await pilot.pause()
    queue = pilot.app.screen
    assert isinstance(queue, QueueScreen), pilot.app.screen
    await pilot.press("escape")  # the table has focus: this clears the filter
    await wait_for(pilot, lambda: queue.query_one("#filter").value == "")
