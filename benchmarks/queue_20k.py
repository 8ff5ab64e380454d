"""Queue with 20,000 cached issues: launch → first paint, filter keystroke → repaint, RSS.

    .venv/bin/python benchmarks/queue_20k.py [--issues 20000] [--runs 3]

The parent fills a throwaway store, then starts a fresh Python process per run (so the
launch figure includes interpreter start and imports) which runs the real app headless
at 120x40 and reports:

* ``shell``  — launch → first frame (status bar, tabs, empty table);
* ``rows``   — launch → first frame showing the section's rows;
* ``filter`` — per keystroke typed into the filter box, key event → the frame that shows
  the filtered rows (median and max over the typed characters and backspaces);
* ``rss``    — peak resident memory of the app process.

Targets (issue 2): first paint <= 1.0 s, filter keystroke <= 50 ms median, RSS <= 250 MB.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REPO = "pytorch/pytorch"
SECTION = "All open"
TYPED = "compile dtensor"

_WORDS = (
    "torch.compile graph break dynamo inductor FSDP DTensor DDP NCCL timeout hang crash segfault "
    "CUDA OOM bfloat16 NaN gradient autograd linalg svd matmul conv2d backward export onnx "
    "quantization mps rocm xpu DeviceMesh pipelining checkpoint DCP c10d elastic rpc sparse "
    "nested jagged vmap functorch distributions optimizer Adam scheduler dataloader worker"
).split()
_LABELS = (
    "oncall: distributed", "module: nn", "module: dynamo", "module: inductor", "triaged", "module: cuda",
    "module: autograd", "needs reproduction", "feature", "module: docs", "high priority", "module: fsdp",
)


def fill_store(data_dir: Path, count: int) -> None:
    from core.models import Issue
    from core.store import Store

    rng = random.Random(2)
    now = datetime(2026, 3, 1, tzinfo=timezone.utc)
    issues = []
    for number in range(1, count + 1):
        title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(4, 12)))
        labels = tuple(rng.sample(_LABELS, rng.randint(0, 3)))
        created = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365 * 4))
        issues.append(
            Issue(
                repo=REPO, number=number, title=title, state="open", author=f"user{rng.randint(1, 3000)}",
                author_association="NONE", created_at=created,
                updated_at=created + timedelta(minutes=rng.randint(0, 60 * 24 * 30)),
                labels=labels, comments_count=rng.randint(0, 40),
            )
        )
    store = Store(data_dir / "triagedeck.sqlite3")
    store.issues.upsert_issues(issues)
    store.issues.set_section_members(REPO, SECTION, range(1, count + 1), replace=True)
    store.close()


def child(data_dir: Path, launched: float) -> None:
    """Run the app headless and print one JSON line of measurements."""
    import asyncio
    import resource

    from core.config import Config
    from core.models import QueueSection
    from core.workbench import Workbench
    from textual import events
    from tui.app import TriagedeckApp
    from tui.widgets.queue import IssueTable

    frames: list[tuple[float, int, str]] = []  # (time, rows in table, filter text)

    class BenchApp(TriagedeckApp):
        def _display(self, screen, renderable) -> None:
            if renderable is not None:
                table = screen.query(IssueTable).first() if screen.is_mounted else None
                rows = table.row_count if table is not None else -1
                text = table.model.filter_text if table is not None else ""
                frames.append((time.time(), rows, text))
            super()._display(screen, renderable)

    config = Config(repo=REPO, data_dir=data_dir, sections=(QueueSection(SECTION, f"repo:{REPO} is:open"),))
    wb = Workbench.open(config, token=None, mode="offline")
    app = BenchApp(wb)
    app.animation_level = "none"

    async def run() -> dict:
        async with app.run_test(size=(120, 40)) as pilot:
            while not any(rows > 0 for _, rows, _ in frames):
                await asyncio.sleep(0.005)
            shell = frames[0][0] - launched
            rows_at = next(t for t, rows, _ in frames if rows > 0) - launched
            await pilot.press("slash")
            await pilot.pause()
            latencies = []
            keys = list(TYPED) + ["backspace"] * 8
            expected = ""
            for key in keys:
                expected = expected[:-1] if key == "backspace" else expected + key
                mark = len(frames)
                name = "space" if key == " " else key
                start = time.time()
                app._driver.send_message(events.Key(name, " " if key == " " else (None if key == "backspace" else key)))
                while not any(text == expected for _, _, text in frames[mark:]):
                    await asyncio.sleep(0.001)
                done = next(t for t, _, text in frames[mark:] if text == expected)
                latencies.append(done - start)
                await pilot.pause()
            table = app.screen.query_one(IssueTable)
            return {
                "issues": len(table.model.issues),
                "shell_s": round(shell, 3),
                "rows_s": round(rows_at, 3),
                "filter_median_ms": round(statistics.median(latencies) * 1000, 1),
                "filter_max_ms": round(max(latencies) * 1000, 1),
                "filter_rows_after": table.row_count,
            }

    result = asyncio.run(run())
    result["rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("DATA_DIR", "LAUNCHED"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), float(args.child[1]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        started = time.perf_counter()
        fill_store(data_dir, args.issues)
        print(f"filled a store with {args.issues:,} issues in {time.perf_counter() - started:.1f} s")
        results = []
        for _ in range(args.runs):
            launched = time.time()
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(data_dir), repr(launched)],
                capture_output=True, text=True, check=True, cwd=ROOT,
            )
            result = json.loads(out.stdout.strip().splitlines()[-1])
            results.append(result)
            print(json.dumps(result))
        print(
            "median of runs: "
            + ", ".join(
                f"{key}={statistics.median(r[key] for r in results)}"
                for key in ("shell_s", "rows_s", "filter_median_ms", "filter_max_ms", "rss_mb")
            )
        )


if __name__ == "__main__":
    main()
