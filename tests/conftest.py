"""Shared fixtures: a loopback GitHub server with a small hand-written repository, and a
Workbench pointed at it through githubkit's real HTTP stack."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from core.auth import Secret
from core.config import Config
from core.github.ratelimit import RetryPolicy
from core.loopback import LoopbackServer, LoopbackState
from core.workbench import Workbench

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


def iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def small_dataset() -> dict:
    """A tiny repository for GitHub-layer tests (the demo dataset is tested on its own)."""

    def issue(number, title, *, labels=(), locked=False, state="open", comments=(), subscription=None, days=1):
        entry = {
            "number": number,
            "title": title,
            "body": f"Body of {number}",
            "state": state,
            "state_reason": "completed" if state == "closed" else None,
            "user": "reporter",
            "author_association": "NONE",
            "labels": list(labels),
            "assignees": [],
            "locked": locked,
            "created_at": iso(NOW - timedelta(days=days + 10)),
            "updated_at": iso(NOW - timedelta(days=days)),
            "closed_at": iso(NOW - timedelta(days=days)) if state == "closed" else None,
            "comments": [
                {"user": user, "author_association": "NONE", "body": body, "created_at": iso(NOW - timedelta(hours=300 - i))}
                for i, (user, body) in enumerate(comments)
            ],
        }
        if subscription:
            entry["subscription"] = subscription
        return entry

    return {
        "repo": "pytorch/pytorch",
        "viewer": "demo-maintainer",
        "collaborators": ["demo-maintainer", "core-dev"],
        "labels": [
            {"name": n, "color": "ededed", "description": ""}
            for n in ("triaged", "needs reproduction", "feature", "oncall: distributed", "module: nn", "bug")
        ],
        "issues": [
            issue(1, "Linear layer crashes", labels=("module: nn",), comments=[("someone", "same here")]),
            issue(2, "Untriaged thing", days=2),
            issue(3, "Locked issue", locked=True, days=3),
            issue(4, "Closed issue", state="closed", labels=("triaged",), days=4),
            issue(5, "Already triaged", labels=("triaged",), days=5),
            issue(6, "Ignored by viewer", subscription="IGNORED", days=6),
            issue(7, "Viewer subscribed", subscription="SUBSCRIBED", days=7),
            issue(8, "Many comments", comments=[("u%d" % i, f"comment {i}") for i in range(250)], days=8),
            issue(9, "Distributed hang", labels=("oncall: distributed",), days=9),
        ],
    }


@pytest.fixture
def loopback():
    server = LoopbackServer(LoopbackState.from_dataset(small_dataset())).start()
    try:
        yield server
    finally:
        server.stop()


FAST_RETRY = dict(max_retries=3, base_delay_s=0.01, max_delay_s=0.05, max_secondary_wait_s=5)
FAST_GATE = dict(subscription_wait_s=3.0, subscription_poll_s=0.05, write_retries=2, retry_delay_s=0.01)


def make_workbench(server: LoopbackServer, data_dir: Path, **config) -> Workbench:
    cfg = Config(repo=server.state.repo, api_url=server.url, data_dir=data_dir, **config)
    return Workbench.open(
        cfg, token=Secret("test-token"), mode="demo", retry=RetryPolicy(**FAST_RETRY), gate_options=dict(FAST_GATE)
    )


@pytest.fixture
async def workbench(loopback, tmp_path):
    wb = make_workbench(loopback, tmp_path / "data")
    try:
        yield wb
    finally:
        await wb.aclose()


def writes(server: LoopbackServer):
    """The write requests the server received (REST mutations and GraphQL mutations)."""
    out = []
    for r in server.requests:
        if r.method in ("POST", "PATCH", "PUT", "DELETE") and r.path != "/graphql":
            out.append(r)
        elif r.path == "/graphql" and isinstance(r.json_body, dict) and "mutation" in r.json_body.get("query", ""):
            out.append(r)
    return out
