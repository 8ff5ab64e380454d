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
from typing import AsyncIterator, Awaitable, Callable, Generic, Literal, Mapping, Sequence, TypeVar

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
class ProbeCancelled:
    """A running probe that no verdict can need any more: stopped, its process tree killed."""

    version: str
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


def release_key(version: str) -> tuple:
    """:func:`version_key` without trailing zero parts, so "2.9", "2.9.0" and "2.9.0+cpu"
    name the same release (and "2.9.1" does not)."""
    key = list(version_key(version))
    while key and key[-1] == (0, 0):
        key.pop()
    return tuple(key)


Known = Mapping[str, "Outcome | tuple[Outcome, str]"]


async def bisect(
    versions: Sequence[VersionEnv[E]],
    probe: Callable[[VersionEnv[E]], Awaitable[tuple[Outcome, str]]],
    *,
    direction: Direction = "fix",
    k: int = 2,
    known: Known | None = None,
) -> AsyncIterator[BisectEvent]:
    """Search ``versions`` for the flip; yields round starts, each probe result as it
    lands, then the :class:`BisectResult`.

    ``known`` holds verdicts already established, version → outcome or (outcome, why):
    the current version's run from step 5, the version the issue was reported on. They
    match a version environment of the same release ("2.9" = "2.9.0"), are never probed
    again, and appear in the timeline as round 0.

    Scheduling: a round's remaining probes are waited for only while they can still move
    the bracket. As soon as the verdicts in hand pin the flip to one gap (no probe still
    running inside it), probes outside it are cancelled and the next round starts, so a
    decisive fast probe (an env that fails at import, a quick pass) does not wait for a
    slow one whose answer no longer matters. With equal run times this changes nothing.
    """
    if k < 1:
        raise ValueError("k must be >= 1")
    ordered = sorted(versions, key=lambda v: version_key(v.version))
    after = Outcome.FIXED if direction == "fix" else Outcome.BUG
    before = Outcome.BUG if direction == "fix" else Outcome.FIXED
    outcomes: dict[int, Outcome] = {}
    timeline: list[ProbeResult] = []
    by_release = {release_key(v.version): i for i, v in enumerate(ordered)}
    for version, value in (known or {}).items():
        index = by_release.get(release_key(version))
        if index is None or index in outcomes:
            continue
        outcome, why = value if isinstance(value, tuple) else (value, "")
        outcomes[index] = outcome
        result = ProbeResult(ordered[index].version, outcome, f"known: {why}" if why else "known", 0)
        timeline.append(result)
        yield result
    rounds = 0
    probes = 0

    def interval() -> tuple[int, int]:
        """(lo, hi): lo = newest 'before' below hi; hi = oldest 'after' (len if none)."""
        afters = [i for i, o in outcomes.items() if o is after]
        hi = min(afters) if afters else len(ordered)
        befores = [i for i, o in outcomes.items() if o is before and i < hi]
        lo = max(befores) if befores else -1
        return lo, hi

    async def run_one(index: int) -> tuple[Outcome, str]:
        try:
            return await probe(ordered[index])
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a crashing probe is a broken env, not a verdict
            return Outcome.BROKEN, f"probe failed: {exc}"

    pending: dict[asyncio.Task, int] = {}
    try:
        while True:
            lo, hi = interval()
            inside = [t for t, i in pending.items() if lo < i < hi]
            if not inside:
                # The bracket is certain whatever the other running probes say: drop them
                # (cancelling kills their process trees) and start the next round now.
                for task in sorted((t for t in pending if not t.done()), key=lambda t: pending[t]):
                    task.cancel()
                    yield ProbeCancelled(ordered[pending.pop(task)].version, rounds)
                if pending:
                    await asyncio.gather(*pending, return_exceptions=True)
                # Unknown ends need no special case: with no 'before' seen, lo = -1 and the
                # oldest version is an ordinary candidate (likewise the newest with no 'after').
                busy = set(pending.values())
                interior = [i for i in range(lo + 1, hi) if i not in outcomes and i not in busy]
                chosen = pick_probes(interior, k)
                if chosen:
                    rounds += 1
                    yield RoundStarted(rounds, tuple(ordered[i].version for i in chosen))
                    for i in chosen:
                        pending[asyncio.ensure_future(run_one(i))] = i
            if not pending:
                break
            done, _ = await asyncio.wait(list(pending), return_when=asyncio.FIRST_COMPLETED)
            # Several may land together: record them all (oldest first, for a stable order)
            # before deciding what is still needed.
            for task in sorted(done, key=lambda t: pending[t]):
                index = pending.pop(task)
                if task.cancelled():
                    continue
                outcome, detail = task.result()
                probes += 1
                outcomes[index] = outcome
                result = ProbeResult(ordered[index].version, outcome, detail, rounds)
                timeline.append(result)
                yield result
    finally:
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)

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
