"""TUI test support: a real Workbench against the loopback GitHub server, a fixed clock.

The app under test gets ``clock=fixed`` (ages never drift in snapshots) and an
``open_url`` that records instead of starting a browser.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path

from core.auth import Secret
from core.config import Config
from core.github.ratelimit import RetryPolicy
from core.loopback import LoopbackServer, LoopbackState
from core.models import QueueSection
from core.workbench import Workbench
from tui.app import TriagedeckApp

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
REPO = "pytorch/pytorch"
SECTIONS = (
    QueueSection("Untriaged", f"repo:{REPO} is:issue is:open -label:triaged"),
    QueueSection("All open", f"repo:{REPO} is:issue is:open"),
)
HOSTILE_TITLE = "[bold red]pwned[/bold red] \x1b[31mred\x1b[0m [link=https://evil.example]click[/link]"

FAST_RETRY = dict(max_retries=2, base_delay_s=0.01, max_delay_s=0.05, max_secondary_wait_s=2)
FAST_GATE = dict(subscription_wait_s=2.0, subscription_poll_s=0.05, write_retries=1, retry_delay_s=0.01)


def iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


_TOPICS = [
    ("FSDP hangs when shards are uneven", ["oncall: distributed", "module: fsdp"], "alice"),
    ("torch.compile graph break on dict comprehension", ["module: dynamo"], "bob"),
    ("Linear layer gives NaN on bfloat16", ["module: nn"], "carol"),
    ("DTensor redistribute is slow for Shard(1)", ["oncall: distributed", "module: dtensor"], "dave"),
    ("Docs: typo in torch.optim.Adam", ["module: docs"], "erin"),
    ("Segfault in index_put with negative indices", ["module: crash"], "frank"),
    ("Feature: support complex32 in matmul", ["feature"], "grace"),
    ("CUDA OOM with batch size 1", [], "heidi"),
]


def tui_dataset(n: int = 24) -> dict:
    """A small repository: varied labels, a locked issue, a closed one, a hostile title."""
    issues = []
    for number in range(1, n + 1):
        title, labels, user = _TOPICS[number % len(_TOPICS)]
        issues.append(
            {
                "number": 1000 + number,
                "title": f"{title} ({number})",
                "body": f"Reported on torch 2.{number % 7}.\n\nSee https://github.com/pytorch/pytorch/issues/{900 + number} for context.",
                "state": "open",
                "state_reason": None,
                "user": user,
                "author_association": "CONTRIBUTOR" if number % 3 == 0 else "NONE",
                "labels": labels + (["triaged"] if number % 4 == 0 else []),
                "assignees": [],
                "locked": False,
                "created_at": iso(NOW - timedelta(days=3 * number, hours=number)),
                "updated_at": iso(NOW - timedelta(hours=5 * number)),
                "closed_at": None,
                "comments": [
                    {
                        "user": "helper%d" % (k % 3),
                        "author_association": "MEMBER" if k == 0 else "NONE",
                        "body": f"Comment {k} on {number}: can you share `torch.__version__`?",
                        "created_at": iso(NOW - timedelta(hours=5 * number - k - 1)),
                    }
                    for k in range(number % 4)
                ],
            }
        )
    issues[0].update(
        title="Crash in torch.linalg.svd on CPU",
        body="## Repro\n\n```python\nimport torch\ntorch.linalg.svd(torch.zeros(0, 3))\n```\n\n"
        "Traceback shows `RuntimeError`. Related: https://github.com/pytorch/pytorch/pull/12345.\n\n"
        "Text with [bold]markup[/bold] stays literal.",
    )
    issues[1].update(locked=True, title="Locked: heated discussion about defaults")
    issues[2].update(state="closed", state_reason="completed", closed_at=iso(NOW - timedelta(days=1)))
    issues[4].update(title=HOSTILE_TITLE, labels=["[link=https://evil.example]x[/link]", "module: nn"], user="mallory")
    return {
        "repo": REPO,
        "viewer": "demo-maintainer",
        "collaborators": ["demo-maintainer"],
        "labels": [
            {"name": name, "color": "ededed", "description": ""}
            for name in sorted({label for issue in issues for label in issue["labels"]} | {"triaged", "needs reproduction"})
        ],
        "issues": issues,
    }


def make_workbench(server: LoopbackServer, data_dir: Path, **config) -> Workbench:
    cfg = Config(repo=REPO, api_url=server.url, data_dir=data_dir, sections=SECTIONS, **config)
    return Workbench.open(
        cfg, token=Secret("test-token"), mode="demo", retry=RetryPolicy(**FAST_RETRY), gate_options=dict(FAST_GATE)
    )


async def sync_all(wb: Workbench) -> None:
    for section in wb.config.queue_sections:
        await wb.sync_section(section, full=True)


def synced_workbench(server: LoopbackServer, data_dir: Path, **config) -> Workbench:
    """A workbench whose store already holds every section (synced by a throwaway one).

    The sync runs in its own event loop; the returned workbench has not connected yet, so
    the app's loop (snapshot tests run the app in a fresh loop) owns its connections.
    """

    async def run() -> None:
        wb = make_workbench(server, data_dir, **config)
        try:
            await sync_all(wb)
        finally:
            await wb.aclose()

    asyncio.run(run())
    return make_workbench(server, data_dir, **config)


class Opened(list):
    """Records the URLs the app asked a browser to open."""

    def __call__(self, url: str) -> bool:
        self.append(url)
        return True


def make_app(wb, opened: Opened | None = None) -> TriagedeckApp:
    app = TriagedeckApp(wb, clock=lambda: NOW, open_url=opened if opened is not None else Opened())
    app.animation_level = "none"  # no tab-underline or scroll animations to wait for
    return app


def writes(server: LoopbackServer) -> list:
    """Write requests the server received (REST mutations and GraphQL mutations)."""
    out = []
    for r in server.requests:
        if r.method in ("POST", "PATCH", "PUT", "DELETE") and r.path != "/graphql":
            out.append(r)
        elif r.path == "/graphql" and isinstance(r.json_body, dict) and "mutation" in r.json_body.get("query", ""):
            out.append(r)
    return out


async def settle(pilot) -> None:
    """Wait until workers are done, the screen has nothing loading, and it has repainted."""
    app = pilot.app
    for _ in range(400):
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        busy = getattr(screen, "fetching", False) or getattr(screen, "busy", False) or getattr(screen, "sending", False) or getattr(screen, "_loading", None)
        if not busy and not any(worker.is_running for worker in app.workers):
            # No forced repaint here: a screenshot must show what the app itself painted
            # (a forced repaint once hid a screen that stayed blank in a real terminal).
            await pilot.pause()
            await pilot.pause()
            return
    raise AssertionError(f"{app.screen!r} never settled")
