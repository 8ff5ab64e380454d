"""Scrub-screen test support: the real app over the demo data on the loopback server, a
fixed clock, a fixed-name local interpreter (fast pure-Python runs), and a settle helper."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from textual.screen import Screen

from core.run import RunEnvironment, conda_env
from core.scrub import ScrubOptions
from tests.scrub.conftest import base_python
from tui.app import TriagedeckApp
from tui.screens.scrub import ScrubScreen

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
SIZE = (120, 40)
# A fixed name so the screen never shows this machine's interpreter path.
LOCAL = RunEnvironment("local", name="local (test python)", python=base_python())


def local_options(tmp: Path, **kw) -> ScrubOptions:
    kw.setdefault("env", LOCAL)
    kw.setdefault("sandbox", "off")
    kw.setdefault("timeout_s", 60)
    return ScrubOptions(repro_dir=tmp / "repros", now=NOW, **kw)


def conda_options(tmp: Path, exe: Path, checkout: Path | None, version: str = "2.9") -> ScrubOptions:
    runners = {"conda": {"executable": str(exe)}}
    return ScrubOptions(env=conda_env(f"pytorch-{version}", runners), sandbox="off", timeout_s=60,
                        repro_dir=tmp / "repros", checkout=checkout, extra={"runners": runners}, now=NOW)


class ScrubHost(TriagedeckApp):
    """The real app with a blank base screen and the scrub screen of one issue on top."""

    def __init__(self, wb, number: int, options: ScrubOptions) -> None:
        super().__init__(wb, clock=lambda: NOW, open_url=lambda url: True)
        self.animation_level = "none"
        self._number = number
        self._options = options

    def get_default_screen(self) -> Screen:
        return Screen()

    def on_mount(self) -> None:
        super().on_mount()
        self.push_screen(ScrubScreen(self.workbench, self._number, options=self._options))


async def settle(pilot) -> None:
    """Until the scrub screen's workers are done and it has repainted."""
    app = pilot.app
    for _ in range(3000):
        await app.workers.wait_for_complete()
        await pilot.pause()
        scrub = next((s for s in app.screen_stack if isinstance(s, ScrubScreen)), None)
        ready = scrub is not None and scrub.session is not None and not scrub.busy
        if ready and not any(w.is_running for w in app.workers):
            await pilot.pause()
            return
    raise AssertionError(f"{app.screen!r} never settled")


def scrub_screen(app) -> ScrubScreen:
    for screen in app.screen_stack:
        if isinstance(screen, ScrubScreen):
            return screen
    raise AssertionError("no scrub screen")


def statuses(screen: ScrubScreen) -> dict[str, str]:
    return {s.name: s.status.value for s in screen.session.wf.steps}


# -- The whole app over the demo data, from the queue (test_scrub_every_demo_issue.py) --------

DEMO_SECTION_QUERY = "repo:pytorch/pytorch is:issue is:open"


def demo_queue_config(tmp: Path) -> dict:
    """``Config`` keyword arguments: one "All open" section, this interpreter (torch where it
    is installed) as the ``local`` runner, and a ``[scrub]`` table: sandboxed where
    bubblewrap is usable (unsandboxed allowed elsewhere), repros saved under ``tmp``."""
    import sys

    from core.models import QueueSection

    return {
        "sections": (QueueSection("All open", DEMO_SECTION_QUERY),),
        "extra": {
            "runners": {"local": {"python": sys.executable}},
            "scrub": {"repro_dir": str(tmp / "repros"), "sandbox": "auto", "allow_unsandboxed": True, "timeout_s": 120},
        },
    }


def queue_app(wb) -> TriagedeckApp:
    """The real app, queue first, fixed clock, no browser."""
    app = TriagedeckApp(wb, clock=lambda: NOW, open_url=lambda url: True)
    app.animation_level = "none"
    return app


async def wait_until(pilot, predicate, timeout: float = 30.0) -> None:
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.02)


async def scrub_from_queue(pilot, number: int) -> ScrubScreen:
    """Queue → ``/`` + the number + Enter → Enter (the issue) → ``S`` (the scrub screen)."""
    from tui.screens.issue import IssueScreen
    from tui.screens.queue import QueueScreen

    queue = pilot.app.screen
    assert isinstance(queue, QueueScreen), queue
    await wait_until(pilot, lambda: len(queue.model.issues) > 0 and not queue._loading)
    await pilot.press("slash", *str(number), "enter")
    table = queue.table
    for _ in range(len(queue.model)):
        if table.current_issue is not None and table.current_issue.number == number:
            break
        await pilot.press("j")
    assert table.current_issue is not None and table.current_issue.number == number, f"#{number} not in the queue"
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, IssueScreen) and pilot.app.screen.thread is not None)
    await pilot.press("S")
    await settle(pilot)
    return scrub_screen(pilot.app)
