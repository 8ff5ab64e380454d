"""Deterministic synthetic issue datasets for benchmarks (no real issue text)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from typing import Any

_SUBJECTS = [
    "torch.compile", "DTensor", "FSDP2", "DDP", "torch.export", "autograd", "DataLoader", "MPS backend",
    "cuDNN conv", "torch.distributed.checkpoint", "Inductor", "nn.functional.interpolate", "SDPA",
    "torch.fx", "quantization", "ProcessGroupNCCL", "DeviceMesh", "torch.sparse", "CUDA graphs",
    "dynamo guards", "torch.linalg.svd", "AOTAutograd", "pipelining", "activation checkpointing",
]
_PROBLEMS = [
    "crashes with", "returns wrong results for", "is slow on", "hangs when given", "raises RuntimeError on",
    "leaks memory with", "segfaults on", "gives NaN gradients for", "recompiles every step for",
    "fails to trace", "silently ignores", "deadlocks with",
]
_OBJECTS = [
    "empty tensors", "bfloat16 inputs", "channels_last layouts", "dynamic shapes", "non-contiguous views",
    "complex dtypes", "very large batch sizes", "nested modules", "uneven shards", "zero-size dimensions",
    "int64 indices", "mixed devices", "a custom autograd.Function", "torch.no_grad()",
]
_LABELS = [
    ("triaged", "0e8a16"), ("needs reproduction", "fbca04"), ("module: dynamo", "c5def5"),
    ("module: inductor", "c5def5"), ("oncall: distributed", "d4c5f9"), ("module: fsdp", "c5def5"),
    ("module: ddp", "c5def5"), ("module: dtensor", "c5def5"), ("module: autograd", "c5def5"),
    ("module: cuda", "c5def5"), ("module: mps", "c5def5"), ("module: nn", "c5def5"),
    ("high priority", "b60205"), ("feature", "a2eeef"), ("actionable", "0e8a16"),
    ("module: performance", "c5def5"), ("module: crash", "b60205"), ("topic: fuzzer", "ededed"),
]
_LOGINS = [f"user{i:03d}" for i in range(400)]
_MAINTAINERS = ["demo-maintainer", "core-dev-a", "core-dev-b", "dist-oncall", "compile-oncall"]
_ASSOCS = ["NONE", "NONE", "NONE", "CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR", "MEMBER", "COLLABORATOR"]
_REPLIES = [
    "Thanks for the report. Could you share the output of `python -m torch.utils.collect_env`?",
    "I can reproduce this on main.",
    "This looks like a duplicate of an older issue; linking for reference.",
    "Marking as triaged; a fix is welcome.",
    "Still happens on the latest nightly.",
]


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def synthetic_dataset(n: int, *, seed: int = 0, repo: str = "pytorch/pytorch",
                      viewer: str = "demo-maintainer") -> dict[str, Any]:
    """``n`` plausible issues in the loopback dataset schema; same seed, same data."""
    rng = random.Random(seed)
    origin = datetime(2022, 1, 1, tzinfo=timezone.utc)
    span_s = 3 * 365 * 86400
    issues = []
    # Creation times grow with the number, like real issue numbers.
    offsets = sorted(rng.randrange(span_s) for _ in range(n))
    for i in range(n):
        number = 1000 + i
        created = origin + timedelta(seconds=offsets[i])
        updated = created + timedelta(seconds=rng.randrange(0, 60 * 86400))
        closed = rng.random() < 0.3
        subject, problem, obj = rng.choice(_SUBJECTS), rng.choice(_PROBLEMS), rng.choice(_OBJECTS)
        labels = sorted({name for name, _ in rng.sample(_LABELS, rng.choice((0, 1, 1, 2, 2, 3)))})
        comments = []
        at = created
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3, 5))):
            at += timedelta(seconds=rng.randrange(600, 5 * 86400))
            comments.append({
                "user": rng.choice(_MAINTAINERS + _LOGINS[:20]),
                "author_association": rng.choice(("MEMBER", "NONE", "CONTRIBUTOR")),
                "body": rng.choice(_REPLIES),
                "created_at": _iso(at),
            })
        updated = max(updated, at)
        body = (
            f"### 🐛 Describe the bug\n\n`{subject}` {problem} {obj}.\n\n"
            f"```python\nimport torch\nx = torch.randn({rng.randint(1, 64)}, {rng.randint(1, 64)})\n"
            f"print(x.sum())\n```\n\n### Versions\n\ntorch 2.{rng.randint(0, 9)}.{rng.randint(0, 2)}\n"
        )
        issues.append({
            "number": number,
            "title": f"{subject} {problem} {obj}",
            "body": body,
            "state": "closed" if closed else "open",
            "state_reason": rng.choice(("completed", "not_planned")) if closed else None,
            "user": rng.choice(_LOGINS),
            "author_association": rng.choice(_ASSOCS),
            "labels": labels,
            "assignees": [rng.choice(_MAINTAINERS)] if rng.random() < 0.1 else [],
            "locked": rng.random() < 0.01,
            "created_at": _iso(created),
            "updated_at": _iso(updated),
            "closed_at": _iso(updated) if closed else None,
            "is_pull_request": False,
            "comments": comments,
        })
    return {
        "repo": repo,
        "viewer": viewer,
        "collaborators": list(_MAINTAINERS),
        "labels": [{"name": name, "color": color, "description": None} for name, color in _LABELS],
        "issues": issues,
    }
