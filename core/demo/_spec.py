"""Authoring helpers for the demo issues: relative times and small record types.

Issue modules describe each issue with :func:`issue` and :func:`comment`; times are
written relative to "now" (``days_ago(12)``) and resolved when the dataset is built, so
ages in the demo always look right.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True, slots=True)
class Ago:
    """A point in time expressed as an offset before "now"."""

    delta: timedelta

    def at(self, now: datetime) -> datetime:
        return now - self.delta


def days_ago(days: float, hours: float = 0.0) -> Ago:
    return Ago(timedelta(days=days, hours=hours))


def hours_ago(hours: float) -> Ago:
    return Ago(timedelta(hours=hours))


def text(body: str) -> str:
    """Dedent a triple-quoted body and drop the leading newline of the literal."""
    return textwrap.dedent(body).strip("\n") + "\n"


@dataclass(frozen=True, slots=True)
class DemoComment:
    user: str
    association: str
    created: Ago
    body: str


@dataclass(frozen=True, slots=True)
class DemoIssue:
    number: int
    key: str
    title: str
    user: str
    association: str
    created: Ago
    updated: Ago
    body: str
    labels: tuple[str, ...] = ()
    comments: tuple[DemoComment, ...] = ()
    assignees: tuple[str, ...] = ()
    state: str = "open"
    state_reason: str | None = None
    closed: Ago | None = None
    locked: bool = False
    subscription: str | None = None
    expect: dict[str, Any] = field(default_factory=dict)


def comment(user: str, association: str, created: Ago, body: str) -> DemoComment:
    return DemoComment(user, association, created, text(body))


def issue(
    number: int,
    key: str,
    title: str,
    *,
    user: str,
    association: str = "NONE",
    created: Ago,
    updated: Ago | None = None,
    body: str,
    labels: list[str] | tuple[str, ...] = (),
    comments: list[DemoComment] | tuple[DemoComment, ...] = (),
    assignees: list[str] | tuple[str, ...] = (),
    state: str = "open",
    state_reason: str | None = None,
    closed: Ago | None = None,
    locked: bool = False,
    subscription: str | None = None,
    expect: dict[str, Any] | None = None,
    raw_body: bool = False,
) -> DemoIssue:
    """Describe one demo issue; ``updated`` defaults to the last comment (or creation)."""
    comments = tuple(comments)
    if updated is None:
        candidates = [created, *(c.created for c in comments)]
        if closed is not None:
            candidates.append(closed)
        updated = min(candidates, key=lambda a: a.delta)
    return DemoIssue(
        number=number,
        key=key,
        title=title,
        user=user,
        association=association,
        created=created,
        updated=updated,
        body=body if raw_body else text(body),
        labels=tuple(labels),
        comments=comments,
        assignees=tuple(assignees),
        state=state,
        state_reason=state_reason,
        closed=closed,
        locked=locked,
        subscription=subscription,
        expect=dict(expect or {}),
    )


def expect(**facts: Any) -> dict[str, Any]:
    """Expected facts about an issue; only the keys that apply are given."""
    return facts


def dist(
    outcome: str,
    sub_oncall: str | None = None,
    modules: list[str] | tuple[str, ...] = (),
    *,
    type_labels: list[str] | tuple[str, ...] = (),
    high_priority: bool = False,
    trap: str | None = None,
) -> dict[str, Any]:
    """Expected distributed-triage facts (see dataset.DEMO_EXPECTATIONS)."""
    return {
        "outcome": outcome,
        "sub_oncall": sub_oncall,
        "modules": list(modules),
        "type_labels": list(type_labels),
        "high_priority": high_priority,
        "trap": trap,
    }


def versions(
    torch: str = "2.13.0+cu128",
    *,
    python: str = "3.11.9 (main, Apr 19 2026, 16:48:06) [GCC 11.2.0] (64-bit runtime)",
    os: str = "Ubuntu 22.04.4 LTS (x86_64)",
    cuda: str | None = "12.8",
    gpus: str | None = "GPU 0: NVIDIA A100-SXM4-80GB",
    driver: str = "570.124.06",
    nccl: str | None = None,
    fenced: bool = False,
) -> str:
    """A "### Versions" section shaped like PyTorch's collect_env output (abridged)."""
    lines = [
        "Collecting environment information...",
        f"PyTorch version: {torch}",
        "Is debug build: False",
        f"CUDA used to build PyTorch: {cuda or 'None'}",
        "ROCM used to build PyTorch: N/A",
        "",
        f"OS: {os}",
        "GCC version: (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0",
        "Clang version: Could not collect",
        "CMake version: version 3.28.3",
        "Libc version: glibc-2.35",
        "",
        f"Python version: {python}",
        f"Is CUDA available: {'True' if cuda and gpus else 'False'}",
        f"CUDA runtime version: {cuda or 'No CUDA'}",
    ]
    if gpus:
        lines.append("GPU models and configuration:")
        lines.extend(gpus.split("\n"))
        lines.append(f"Nvidia driver version: {driver}")
    lines += [
        "",
        "Versions of relevant libraries:",
        "[pip3] numpy==2.2.6",
        f"[pip3] torch=={torch}",
    ]
    if nccl:
        lines.append(f"[pip3] nvidia-nccl-cu12=={nccl}")
    body = "\n".join(lines)
    if fenced:
        body = "```\n" + body + "\n```"
    return "\n### Versions\n\n" + body + "\n"
