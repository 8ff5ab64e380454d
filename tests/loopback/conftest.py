"""Fixtures: a small hand-written dataset served by a fresh loopback server per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from githubkit import GitHub

from core.loopback import LoopbackServer, LoopbackState

OWNER, REPO = "pytorch", "pytorch"


def _comments(n: int) -> list[dict[str, Any]]:
    return [
        {"user": f"commenter{i % 7}", "author_association": "NONE", "body": f"comment number {i}",
         "created_at": f"2024-03-{1 + i // 24:02d}T{i % 24:02d}:00:00Z"}
        for i in range(n)
    ]


def make_dataset() -> dict[str, Any]:
    base = {"assignees": [], "locked": False, "closed_at": None, "state_reason": None, "comments": []}
    issues = [
        {**base, "number": 1, "title": "FSDP hangs with uneven shards", "body": "Repro: torch.distributed ...",
         "state": "open", "user": "alice", "author_association": "NONE",
         "labels": ["oncall: distributed", "module: fsdp"],
         "created_at": "2024-01-10T10:00:00Z", "updated_at": "2024-02-01T00:00:00Z",
         "comments": _comments(2)},
        {**base, "number": 2, "title": "DDP crash on NCCL init", "body": "undefined symbol ncclCommInit",
         "state": "open", "user": "bob", "author_association": "CONTRIBUTOR",
         "labels": ["oncall: distributed", "triaged"],
         "created_at": "2024-01-15T10:00:00Z", "updated_at": "2024-03-05T12:00:00Z"},
        {**base, "number": 3, "title": "Feature request: faster svd", "body": "It would be nice.",
         "state": "closed", "state_reason": "completed", "closed_at": "2024-02-20T00:00:00Z",
         "user": "carol", "author_association": "MEMBER", "labels": ["feature"],
         "created_at": "2023-12-01T00:00:00Z", "updated_at": "2024-02-20T00:00:00Z"},
        {**base, "number": 4, "title": "Locked heated thread", "body": "no comment", "state": "open",
         "user": "dave", "author_association": "NONE", "labels": [], "locked": True,
         "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-02T00:00:00Z"},
        {**base, "number": 5, "title": "Fix svd gradient", "body": "PR body", "state": "open",
         "user": "alice", "author_association": "COLLABORATOR", "labels": ["module: autograd"],
         "is_pull_request": True, "created_at": "2024-02-01T00:00:00Z", "updated_at": "2024-02-02T00:00:00Z"},
        {**base, "number": 6, "title": "Long discussion about compile", "body": "see comments",
         "state": "open", "user": "erin", "author_association": "NONE", "labels": ["module: dynamo"],
         "subscription": "IGNORED",
         "created_at": "2024-03-01T00:00:00Z", "updated_at": "2024-03-11T00:00:00Z",
         "comments": _comments(250)},
        {**base, "number": 7, "title": "[Fuzzer] crash in index_put", "body": "import torch\nprogram()",
         "state": "open", "user": "fuzzbot", "author_association": "NONE", "labels": ["topic: fuzzer"],
         "created_at": "2024-03-10T00:00:00Z", "updated_at": "2024-03-10T00:00:00Z"},
    ]
    return {
        "repo": f"{OWNER}/{REPO}",
        "viewer": "demo-maintainer",
        "collaborators": ["alice", "carol"],
        "labels": [
            {"name": "oncall: distributed", "color": "d4c5f9", "description": "Distributed oncall"},
            {"name": "module: fsdp", "color": "c5def5", "description": None},
            {"name": "triaged", "color": "0e8a16", "description": "Looked at"},
            {"name": "needs reproduction", "color": "fbca04", "description": None},
        ],
        "issues": issues,
        "deleted_issues": [99],
    }


@pytest.fixture
def state() -> LoopbackState:
    return LoopbackState.from_dataset(make_dataset())


@pytest.fixture
def server(state: LoopbackState) -> Iterator[LoopbackServer]:
    with LoopbackServer(state) as srv:
        yield srv


@pytest.fixture
async def gh(server: LoopbackServer) -> AsyncIterator[GitHub[Any]]:
    # One pooled HTTP client for the whole test (a fresh httpx client per call costs ~70 ms).
    async with GitHub("test-token", base_url=server.url, auto_retry=False) as client:
        yield client
