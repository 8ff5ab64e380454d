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
