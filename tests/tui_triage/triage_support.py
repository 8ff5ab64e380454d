"""Triage-review test support: the demo data on the loopback server, a real Workbench, a
bare host app that pushes one TriageReviewScreen, and a settle helper."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from textual.app import App

from core.auth import Secret
from core.config import Config
from core.github.ratelimit import RetryPolicy
from core.loopback import LoopbackServer
from core.triage import build_plan, default_rules, propose
from core.workbench import Workbench
from tui.paths import stylesheets
from tui.screens.triage import TriageReviewScreen

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
REPO = "pytorch/pytorch"
RULES = default_rules()

FAST_RETRY = {"max_retries": 2, "base_delay_s": 0.01, "max_delay_s": 0.05, "max_secondary_wait_s": 2}
FAST_GATE = {"subscription_wait_s": 2.0, "subscription_poll_s": 0.05, "write_retries": 1, "retry_delay_s": 0.01}

# Demo issues by the outcome the engine proposes for them.
CLASSIFIED = 169896  # DDP 'Expected to have finished reduction': parallelisms + module: ddp
NOT_DISTRIBUTED = 170745  # CUDA OOM on one GPU: triage review + marker + the not_distributed comment
TWO_MODULES = 170671  # FSDP2 + DTensor: both module labels


def make_workbench(server: LoopbackServer, data_dir: Path) -> Workbench:
    cfg = Config(repo=REPO, api_url=server.url, data_dir=data_dir)
    return Workbench.open(cfg, token=Secret("test-token"), mode="demo", retry=RetryPolicy(**FAST_RETRY), gate_options=dict(FAST_GATE))


def writes(server: LoopbackServer) -> list:
    """Write requests the server received (REST mutations and GraphQL mutations)."""
    out = []
    for r in server.requests:
        if r.method in ("POST", "PATCH", "PUT", "DELETE") and r.path != "/graphql" or r.path == "/graphql" and isinstance(r.json_body, dict) and "mutation" in r.json_body.get("query", ""):
            out.append(r)
    return out


def issue_writes(server: LoopbackServer) -> list:
    """Writes to issues only (the gate's subscription save/restore mutation is left out)."""

    def bracket(r) -> bool:
        return r.path == "/graphql" and "updateSubscription" in str(r.json_body.get("query", ""))

    return [r for r in writes(server) if not bracket(r)]


def labels_sent(server: LoopbackServer, number: int) -> list[str]:
    out: list[str] = []
    for r in issue_writes(server):
        if r.method == "POST" and r.path.endswith(f"/issues/{number}/labels"):
            body = r.json_body
            out.extend(body["labels"] if isinstance(body, dict) else body)
    return out


def comments_sent(server: LoopbackServer, number: int) -> list[str]:
    return [r.json_body["body"] for r in issue_writes(server) if r.method == "POST" and r.path.endswith(f"/issues/{number}/comments")]


async def expected_plan(wb: Workbench, number: int, accepted=None, include_comment: bool = True):
    """What the core plans for the issue as it is on the server now."""
    thread = await wb.fetch_thread(number)
    proposal = propose(thread, RULES)
    return build_plan(proposal, thread, RULES, accepted_labels=accepted, include_comment=include_comment), proposal


class TriageHost(App):
    """Pushes one TriageReviewScreen (the lead wires the entry key from the queue)."""

    CSS_PATH = stylesheets()

    def __init__(self, wb: Workbench, **screen_kwargs) -> None:
        super().__init__()
        self.workbench = wb
        self.clock = lambda: NOW
        self.keymap_overrides: dict[str, str] = {}
        self.screen_kwargs = screen_kwargs
        self.animation_level = "none"

    def on_mount(self) -> None:
        self.push_screen(TriageReviewScreen(self.workbench, **self.screen_kwargs))


def review(app: App) -> TriageReviewScreen:
    for screen in reversed(app.screen_stack):
        if isinstance(screen, TriageReviewScreen):
            return screen
    raise AssertionError("no TriageReviewScreen on the stack")


async def settle(pilot) -> None:
    """Wait until the review screen has loaded/sent and the app has repainted."""
    app = pilot.app
    for _ in range(600):
        await app.workers.wait_for_complete()
        await pilot.pause()
        try:
            screen = review(app)
        except AssertionError:
            screen = None
        busy = screen is not None and (screen.fetching or screen.sending)
        if not busy and not any(worker.is_running for worker in app.workers):
            app.screen.refresh(layout=True)
            await pilot.pause()
            await pilot.pause()
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{app.screen!r} never settled")
