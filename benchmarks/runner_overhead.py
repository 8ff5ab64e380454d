"""Runner overhead and output-flood benchmarks (issue 3, part 3).

    .venv/bin/python benchmarks/runner_overhead.py [--runs 30] [--lines 1000000]

1. Overhead: a trivial script run by the local runner (unsandboxed, then in bubblewrap)
   against a bare ``python file.py`` (subprocess.run), median of N. Targets: <= 50 ms
   unsandboxed, <= 150 ms sandboxed.
2. Flood: a script printing 1,000,000 lines, consumed from the event stream; throughput
   and this process's RSS growth (the runner must not buffer: lines flow to the consumer),
   then the same through ``collect`` (bounded tail + full log file).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.run import LocalRunner, OutputLine, RunSpec, collect, local_env, sandbox_status  # noqa: E402

PYTHON = sys.executable


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bare(script: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([PYTHON, str(script)], check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return times


async def through_runner(script: Path, runs: int, sandbox: str) -> list[float]:
    runner = LocalRunner()
    spec = RunSpec(script, env=local_env(PYTHON), sandbox=sandbox)  # type: ignore[arg-type]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = await collect(runner, spec, write_log=False)
        times.append(time.perf_counter() - t0)
        assert result.exit_code == 0, result.text()
    return times


async def flood_stream(script: Path) -> tuple[int, float, float]:
    gc.collect()
    base = peak = rss_mb()
    count = 0
    t0 = time.perf_counter()
    async for event in LocalRunner().run(RunSpec(script, env=local_env(PYTHON), sandbox="off", timeout_s=600)):
        if isinstance(event, OutputLine):
            count += 1
            if count % 50_000 == 0:
                peak = max(peak, rss_mb())
    return count, time.perf_counter() - t0, peak - base


async def flood_collect(script: Path, log_dir: Path) -> tuple[int, float, float, int]:
    gc.collect()
    base = peak = rss_mb()
    seen = 0

    def sample(event) -> None:
        nonlocal seen, peak
        seen += 1
        if seen % 50_000 == 0:
            peak = max(peak, rss_mb())

    t0 = time.perf_counter()
    result = await collect(LocalRunner(), RunSpec(script, env=local_env(PYTHON), sandbox="off", timeout_s=600),
                           log_dir=log_dir, on_event=sample)
    elapsed = time.perf_counter() - t0
    assert result.log_path is not None
    return result.line_count, elapsed, peak - base, result.log_path.stat().st_size


def ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:.1f} ms (min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        trivial = Path(tmp) / "trivial.py"
        trivial.write_text("pass\n")
        flood = Path(tmp) / "flood.py"
        flood.write_text(f"import sys\nw = sys.stdout.write\nfor i in range({args.lines}):\n    w('line %d of the flood\\n' % i)\n")

        print(f"python: {PYTHON}  runs: {args.runs}")
        bare(trivial, 3)
        await through_runner(trivial, 3, "off")
        base = bare(trivial, args.runs)
        plain = await through_runner(trivial, args.runs, "off")
        print(f"bare python file.py        : {ms(base)}")
        print(f"runner, unsandboxed        : {ms(plain)}  overhead {1000 * (statistics.median(plain) - statistics.median(base)):+.1f} ms (target <= 50)")
        status = sandbox_status()
        if status.usable:
            boxed = await through_runner(trivial, args.runs, "on")
            print(f"runner, bubblewrap sandbox : {ms(boxed)}  overhead {1000 * (statistics.median(boxed) - statistics.median(base)):+.1f} ms (target <= 150)")
        else:
            print(f"runner, bubblewrap sandbox : skipped: {status.reason}")

        t0 = time.perf_counter()
        subprocess.run([PYTHON, str(flood)], check=True, stdout=subprocess.DEVNULL)
        bare_flood = time.perf_counter() - t0
        count, elapsed, growth = await flood_stream(flood)
        print(f"flood, bare python > /dev/null : {bare_flood:.2f} s")
        print(f"flood, event stream            : {count:,} lines in {elapsed:.2f} s = {count / elapsed:,.0f} lines/s, RSS growth {growth:+.1f} MB")
        count, elapsed, growth, size = await flood_collect(flood, Path(tmp))
        print(f"flood, collect (tail + log)    : {count:,} lines in {elapsed:.2f} s = {count / elapsed:,.0f} lines/s, RSS growth {growth:+.1f} MB, log {size / 1e6:.1f} MB")


if __name__ == "__main__":
    asyncio.run(main())
