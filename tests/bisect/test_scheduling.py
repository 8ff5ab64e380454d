"""The search's scheduling and its use of known verdicts: the next round starts as soon as
the verdicts in hand make it certain (moot probes are cancelled), probes that can still move
the bracket are waited for, and known verdicts are never probed."""

from __future__ import annotations

import asyncio

import pytest

from core.bisect.search import BisectResult, Outcome, ProbeCancelled, ProbeResult, RoundStarted, VersionEnv, bisect, release_key


def envs(n):
    return [VersionEnv(f"2.{i}", env=i) for i in range(n)]


async def collect(gen):
    # A guard against a hang (the old scheduling would wait forever below), not a timing assertion.
    async def drain():
        return [e async for e in gen]

    return await asyncio.wait_for(drain(), 60)


async def test_a_decisive_verdict_starts_the_next_round_and_cancels_the_moot_probe():
    cancelled = []
    never = asyncio.Event()

    async def probe(v):
        if v.env == 5:
            try:
                await never.wait()  # a slow run whose answer no longer matters once 2.2 passes
            except asyncio.CancelledError:
                cancelled.append(v.version)
                raise
        return (Outcome.FIXED if v.env >= 2 else Outcome.BUG), ""

    events = await collect(bisect(envs(8), probe, k=2))
    rounds = [e for e in events if isinstance(e, RoundStarted)]
    assert rounds[0].versions == ("2.2", "2.5")
    assert rounds[1].versions == ("2.0", "2.1")
    result = events[-1]
    assert isinstance(result, BisectResult) and (result.last_before, result.first_after) == ("2.1", "2.2")
    assert cancelled == ["2.5"] and "2.5" not in {p.version for p in result.timeline}
    assert result.probes == 3  # the cancelled run gave no verdict
    # the stream says so, before the next round starts, so a live timeline stops showing it as running
    stopped = [i for i, e in enumerate(events) if isinstance(e, ProbeCancelled)]
    assert [events[i].version for i in stopped] == ["2.5"] and stopped[0] < events.index(rounds[1])


async def test_a_probe_that_can_still_move_the_bracket_is_waited_for():
    slow_done = asyncio.Event()
    order = []

    async def probe(v):
        if v.env == 5:
            await asyncio.sleep(0)
            for _ in range(20):  # lands well after 2.2
                await asyncio.sleep(0)
            slow_done.set()
        order.append(v.version)
        return (Outcome.FIXED if v.env >= 6 else Outcome.BUG), ""

    events = await collect(bisect(envs(8), probe, k=2))
    second = next(i for i, e in enumerate(events) if isinstance(e, RoundStarted) and e.round == 2)
    landed = [e.version for e in events[:second] if isinstance(e, ProbeResult)]
    assert landed == ["2.2", "2.5"]  # round 2 waited for 2.5: it was inside the bracket
    assert events[-1].first_after == "2.6" and events[-1].exact


async def test_known_verdicts_match_by_release_and_are_not_probed():
    probed = []

    async def probe(v):
        probed.append(v.version)
        return (Outcome.FIXED if v.env >= 6 else Outcome.BUG), ""

    known = {"2.0.0+cpu": (Outcome.BUG, "reported in the issue"), "2.9.0": (Outcome.FIXED, "the run in step 5"),
             "3.1": Outcome.FIXED}
    events = await collect(bisect(envs(10), probe, k=2, known=known))
    result = events[-1]
    assert (result.last_before, result.first_after) == ("2.5", "2.6")
    assert "2.0" not in probed and "2.9" not in probed
    entries = {p.version: p for p in result.timeline}
    assert entries["2.0"].round == 0 and entries["2.0"].detail == "known: reported in the issue"
    assert entries["2.9"].round == 0 and entries["2.9"].outcome is Outcome.FIXED
    assert result.probes == len(probed)
    # the known verdicts come first in the stream, so a live timeline shows them at once
    assert [e.version for e in events[:2]] == ["2.0", "2.9"]


def test_release_key_names_the_same_release():
    assert release_key("2.9") == release_key("2.9.0") == release_key("2.9.0+cu128")
    assert release_key("2.9") != release_key("2.9.1")
    assert release_key("2.10") != release_key("2.1")
    assert release_key("2.7.0a0+git1") != release_key("2.7.0")


@pytest.mark.parametrize("n, k, rounds, max_probes", [(16, 3, 2, 6), (16, 1, 4, 4), (16, 2, 3, 6), (10, 2, 3, 6), (9, 2, 2, 4)])
async def test_rounds_and_probes_with_the_current_version_known(n, k, rounds, max_probes):
    """The benchmark's setting: the newest version (the current run) is known to pass."""
    for flip in range(n):
        async def probe(v, flip=flip):
            await asyncio.sleep(0)
            return (Outcome.FIXED if v.env >= flip else Outcome.BUG), ""

        events = await collect(bisect(envs(n), probe, k=k, known={f"2.{n - 1}": Outcome.FIXED}))
        result = events[-1]
        assert result.first_after == f"2.{flip}"
        assert result.rounds <= rounds and result.probes <= max_probes, (flip, result.rounds, result.probes)
