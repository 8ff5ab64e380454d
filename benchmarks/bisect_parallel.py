"""Version bisection: parallel k-ary search vs sequential binary search.

    python benchmarks/bisect_parallel.py [--versions 16] [--run-s 1.0] [--k 3]

Each fake version environment is a real child process that sleeps ``--run-s`` seconds
(the cost of one repro run) and then "reproduces" (exit 1) below the flip version or
"passes" (exit 0) from it on. Every flip position is tried; the table reports rounds and
wall time for k=1 (sequential binary search) and k=K (parallel probes per round).
Target (issue 4): <= 4 rounds and <= 50% of the sequential wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.bisect.search import BisectResult, Outcome, VersionEnv, bisect  # noqa: E402


async def fake_run(index: int, flip: int, run_s: float) -> Outcome:
    code = 0 if index >= flip else 1
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", f"import time; time.sleep({run_s}); raise SystemExit({code})"
    )
    return Outcome.FIXED if await proc.wait() == 0 else Outcome.BUG


async def one(n: int, flip: int, k: int, run_s: float) -> tuple[int, float]:
    versions = [VersionEnv(f"2.{i}", env=i) for i in range(n)]

    async def probe(v):
        return await fake_run(v.env, flip, run_s), ""

    start = time.perf_counter()
    result = None
    # As in the scrub flow: the current (newest) version was just run and passes.
    async for event in bisect(versions, probe, k=k, known={f"2.{n - 1}": Outcome.FIXED}):
        result = event
    assert isinstance(result, BisectResult) and result.first_after == f"2.{flip}", result
    return result.rounds, time.perf_counter() - start


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--versions", type=int, default=16)
    ap.add_argument("--run-s", type=float, default=1.0)
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--flips", type=int, nargs="*", help="flip positions to try (default: 1, n/4, n/2, 3n/4, n-1)")
    a = ap.parse_args()
    n = a.versions
    flips = a.flips or sorted({1, n // 4, n // 2, 3 * n // 4, n - 1})
    print(f"{n} versions, {a.run_s:.1f} s per run, flips at {flips}")
    print(f"{'search':<22}{'rounds (max)':>14}{'wall s (mean)':>15}{'wall s (max)':>14}")
    rows = {}
    for k in (1, a.k):
        results = [await one(n, f, k, a.run_s) for f in flips]
        rounds = max(r for r, _ in results)
        walls = [w for _, w in results]
        rows[k] = statistics.mean(walls)
        name = "sequential binary" if k == 1 else f"parallel k={k}"
        print(f"{name:<22}{rounds:>14}{statistics.mean(walls):>15.2f}{max(walls):>14.2f}")
    print(f"parallel / sequential wall time: {rows[a.k] / rows[1]:.0%}")


if __name__ == "__main__":
    asyncio.run(main())
