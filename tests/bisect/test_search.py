import asyncio

import pytest
from hypothesis import given, settings, strategies as st

from core.bisect.search import BisectResult, Outcome, ProbeResult, RoundStarted, VersionEnv, bisect, pick_probes, version_key


def envs(n):
    return [VersionEnv(f"2.{i}", env=i) for i in range(n)]


async def run(versions, outcome_of, **kw):
    calls = []

    async def probe(v):
        calls.append(v.version)
        await asyncio.sleep(0)
        return outcome_of(v.env), ""

    events = [e async for e in bisect(versions, probe, **kw)]
    result = events[-1]
    assert isinstance(result, BisectResult)
    return result, events, calls


async def test_finds_fix_version_with_parallel_rounds():
    flip = 9
    result, events, calls = await run(envs(16), lambda i: Outcome.FIXED if i >= flip else Outcome.BUG, k=3,
                                      known={"2.15": Outcome.FIXED})
    assert (result.last_before, result.first_after) == ("2.8", "2.9")
    assert result.exact
    assert result.rounds <= 4
    # each round probes at most k versions, in parallel
    for event in events:
        if isinstance(event, RoundStarted):
            assert len(event.versions) <= 3
    assert len(calls) == len(set(calls))  # never probes a version twice


async def test_regression_direction():
    result, _, _ = await run(envs(10), lambda i: Outcome.BUG if i >= 4 else Outcome.FIXED, direction="regression", k=2)
    assert (result.last_before, result.first_after) == ("2.3", "2.4")


async def test_broken_envs_are_stepped_around():
    def outcome(i):
        if i in (5, 6):
            return Outcome.BROKEN
        return Outcome.FIXED if i >= 6 else Outcome.BUG

    result, _, calls = await run(envs(12), outcome, k=2)
    assert result.first_after == "2.7" and result.last_before == "2.4"
    assert set(result.broken) <= {"2.5", "2.6"} and result.broken
    assert "broken" in result.reason


async def test_probe_exception_counts_as_broken():
    async def probe(v):
        if v.env == 3:
            raise RuntimeError("conda exploded")
        return (Outcome.FIXED if v.env >= 5 else Outcome.BUG), ""

    events = [e async for e in bisect(envs(8), probe, k=2)]
    results = {e.version: e for e in events if isinstance(e, ProbeResult)}
    if "2.3" in results:
        assert results["2.3"].outcome is Outcome.BROKEN and "conda exploded" in results["2.3"].detail
    assert events[-1].first_after == "2.5"


async def test_never_fixed_and_always_fixed():
    result, _, _ = await run(envs(6), lambda i: Outcome.BUG)
    assert result.first_after is None and "no version" in result.reason
    result, _, _ = await run(envs(6), lambda i: Outcome.FIXED)
    assert result.first_after == "2.0" and result.last_before is None


def test_version_ordering():
    versions = ["2.10.0", "2.9.1", "2.9", "1.13.1", "2.7.0a0+git123", "2.7.0"]
    assert sorted(versions, key=version_key) == ["1.13.1", "2.7.0a0+git123", "2.7.0", "2.9", "2.9.1", "2.10.0"]


def test_pick_probes_splits_evenly():
    cands = list(range(1, 15))
    for k in (1, 2, 3):
        picks = pick_probes(cands, k)
        assert len(picks) == k
        bounds = [0, *picks, 15]
        parts = [b - a - 1 for a, b in zip(bounds, bounds[1:])]
        assert max(parts) - min(parts) <= 1, (k, picks, parts)
    assert pick_probes([3, 4], 3) == [3, 4]


@pytest.mark.parametrize("n, k, max_rounds", [(16, 1, 5), (16, 2, 4), (16, 3, 3), (32, 3, 4), (8, 2, 3)])
async def test_round_counts(n, k, max_rounds):
    worst = 0
    for flip in range(1, n):
        result, _, _ = await run(envs(n), lambda i, f=flip: Outcome.FIXED if i >= f else Outcome.BUG, k=k,
                                 known={"2.0": Outcome.BUG, f"2.{n - 1}": Outcome.FIXED})
        assert result.first_after == f"2.{flip}"
        worst = max(worst, result.rounds)
    assert worst <= max_rounds


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 20), flip=st.integers(0, 20), k=st.integers(1, 4), broken=st.sets(st.integers(0, 19), max_size=4))
def test_result_brackets_flip(n, flip, k, broken):
    flip = min(flip, n)

    def outcome(i):
        if i in broken:
            return Outcome.BROKEN
        return Outcome.FIXED if i >= flip else Outcome.BUG

    result, _, _ = asyncio.run(run(envs(n), outcome, k=k))
    # Whatever it reports must be consistent with the ground truth.
    if result.first_after is not None:
        assert int(result.first_after.split(".")[1]) >= flip
    if result.last_before is not None:
        assert int(result.last_before.split(".")[1]) < flip
    if result.exact:
        assert result.first_after == f"2.{flip}"
