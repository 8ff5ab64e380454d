"""Parallel k-ary search for the version where a repro's verdict flips.

Versions are ordered oldest → newest. A *flip* is the first version whose outcome is
the "after" side: FIXED for a fix search, BUG for a regression search. Each round
probes up to ``k`` evenly spaced versions of the open interval at once (the seed: 2–3
probes per round, in parallel), so n versions take about log_(k+1)(n) rounds instead of
log2(n) sequential probes. Broken environments (import errors, different errors) are
marked and stepped around, never trusted.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass, field
from enum import Enum
from typing import AsyncIterator, Awaitable, Callable, Generic, Literal, Sequence, TypeVar

E = TypeVar("E")


class Outcome(str, Enum):
    BUG = "bug"  # the reported error reproduces
    FIXED = "fixed"  # runs cleanly
    BROKEN = "broken"  # environment broken or a different error: not evidence either way


Direction = Literal["fix", "regression"]


@dataclass(frozen=True, slots=True)
class VersionEnv(Generic[E]):
    """One PyTorch version and the environment that has it (conda env, interpreter, host)."""

    version: str
    env: E
    label: str = ""


@dataclass(frozen=True, slots=True)
class ProbeResult:
    version: str
    outcome: Outcome
    detail: str = ""
    round: int = 0


@dataclass(frozen=True, slots=True)
class RoundStarted:
    round: int
    versions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BisectResult:
    """``first_after`` is the first version on the "after" side (None if not found);
    ``last_before`` the newest version on the "before" side."""

    direction: Direction
    last_before: str | None
    first_after: str | None
    rounds: int
    probes: int
    timeline: tuple[ProbeResult, ...]
    broken: tuple[str, ...] = ()
    inconsistent: bool = False
    reason: str = ""

    @property
    def exact(self) -> bool:
        return self.first_after is not None and self.last_before is not None and not self.reason


BisectEvent = RoundStarted | ProbeResult | BisectResult


def version_key(version: str) -> tuple:
    """Sort key for "2.10.0", "2.6", "2.7.0a0+git..." (numeric parts first)."""
    head = version.split("+", 1)[0]
    parts: list[tuple[int, object]] = []
    for piece in head.replace("-", ".").split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        if digits and piece.startswith(digits):
            parts.append((0, int(digits)))
            rest = piece[len(digits):]
            if rest:
                parts.append((-1, rest))  # pre-releases ("0a0") sort before the release
        else:
            parts.append((-1, piece))
    return tuple(parts)


def pick_probes(candidates: Sequence[int], k: int) -> list[int]:
    """Up to ``k`` indices from ``candidates`` splitting it into k+1 near-equal parts."""
    n = len(candidates)
    if n == 0:
        return []
    if n <= k:
        return list(candidates)
    chosen = []
    for j in range(1, k + 1):
        pos = round(j * (n + 1) / (k + 1)) - 1
        pos = min(max(pos, 0), n - 1)
        if candidates[pos] not in chosen:
            chosen.append(candidates[pos])
    return chosen


def expected_rounds(n: int, k: int) -> int:
    """Rounds to locate a flip among ``n`` interior versions with ``k`` probes per round."""
    return 0 if n <= 0 else math.ceil(math.log(n + 1, k + 1) - 1e-9)


async def bisect(
    versions: Sequence[VersionEnv[E]],
    probe: Callable[[VersionEnv[E]], Awaitable[tuple[Outcome, str]]],
    *,
    direction: Direction = "fix",
    k: int = 2,
    known: dict[str, Outcome] | None = None,
) -> AsyncIterator[BisectEvent]:
    """Search ``versions`` for the flip; yields round starts, each probe result as it
    lands, then the :class:`BisectResult`.

    ``known`` holds verdicts already measured (e.g. the current version from step 5).
    """
    if k < 1:
        raise ValueError("k must be >= 1")
    ordered = sorted(versions, key=lambda v: version_key(v.version))
    after = Outcome.FIXED if direction == "fix" else Outcome.BUG
    before = Outcome.BUG if direction == "fix" else Outcome.FIXED
    outcomes: dict[int, Outcome] = {}
    for index, v in enumerate(ordered):
        if known and v.version in known:
            outcomes[index] = known[v.version]
    timeline: list[ProbeResult] = []
    rounds = 0
    probes = 0

    def interval() -> tuple[int, int]:
        """(lo, hi): lo = newest 'before' below hi; hi = oldest 'after' (len if none)."""
        afters = [i for i, o in outcomes.items() if o is after]
        hi = min(afters) if afters else len(ordered)
        befores = [i for i, o in outcomes.items() if o is before and i < hi]
        lo = max(befores) if befores else -1
        return lo, hi

    while True:
        lo, hi = interval()
        # Unknown ends need no special case: with no 'before' seen, lo = -1 and the
        # oldest version is an ordinary candidate (likewise the newest with no 'after').
        interior = [i for i in range(lo + 1, hi) if i not in outcomes]
        chosen = pick_probes(interior, k)
        if not chosen:
            break
        rounds += 1
        yield RoundStarted(rounds, tuple(ordered[i].version for i in chosen))

        async def run_one(index: int) -> tuple[int, Outcome, str]:
            try:
                outcome, detail = await probe(ordered[index])
            except Exception as exc:  # a crashing probe is a broken env, not a verdict
                outcome, detail = Outcome.BROKEN, f"probe failed: {exc}"
            return index, outcome, detail

        tasks = [asyncio.ensure_future(run_one(i)) for i in chosen]
        try:
            for next_done in asyncio.as_completed(tasks):
                index, outcome, detail = await next_done
                probes += 1
                outcomes[index] = outcome
                result = ProbeResult(ordered[index].version, outcome, detail, rounds)
                timeline.append(result)
                yield result
        finally:
            for task in tasks:
                task.cancel()

    lo, hi = interval()
    broken = tuple(ordered[i].version for i, o in sorted(outcomes.items()) if o is Outcome.BROKEN)
    inconsistent = any(o is before and i > hi for i, o in outcomes.items())
    reason = ""
    if hi >= len(ordered):
        reason = f"no version shows the {'fix' if direction == 'fix' else 'regression'}"
    elif lo < 0:
        reason = "already on the 'after' side at the oldest usable version"
    elif any(i not in outcomes or outcomes[i] is Outcome.BROKEN for i in range(lo + 1, hi)):
        reason = "broken environments between the bracketing versions: the flip is somewhere in that range"
    if inconsistent:
        reason = (reason + "; " if reason else "") + "verdicts are not monotone (flaky repro or a later regression)"
    yield BisectResult(
        direction=direction,
        last_before=ordered[lo].version if lo >= 0 else None,
        first_after=ordered[hi].version if hi < len(ordered) else None,
        rounds=rounds,
        probes=probes,
        timeline=tuple(sorted(timeline, key=lambda p: version_key(p.version))),
        broken=broken,
        inconsistent=inconsistent,
        reason=reason,
    )
