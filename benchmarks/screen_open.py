"""Opening screens on the embedded demo: queue, filter keystroke, issue, repro pane, scrub.

    .venv/bin/python benchmarks/screen_open.py [--reps 5] [--profile DIR]

``--profile DIR`` (needs ``pip install pyinstrument``; not a dependency) profiles each
measured step separately (key → painted frame, over all repetitions) and writes
``DIR/<step>.txt`` and ``.html``; the profiler slows the app, so its figures are not
comparable with an unprofiled run.

Runs the real app (``triagedeck --demo``: the loopback GitHub with the demo dataset, the
default queue sections) headless at 140x42 and measures, per repetition on a different
repro-bearing issue:

* ``queue``      — app start → the first frame that shows the queue's rows (once);
* ``filter``     — each key typed into the filter box (``/`` then the issue's digits) → the
  frame that shows the filtered rows;
* ``issue_header`` — Enter on the row → the first frame of the issue screen with its header
  (title, state, labels: from the queue's copy, before the body is fetched);
* ``issue``      — Enter on the row → the first frame in which the issue screen shows its
  body (the body widget is laid out on screen, with its content mounted). The demo's
  queue sync stores no bodies, so a first visit includes fetching the thread from the
  loopback GitHub server (in this process);
* ``repro``      — ``p`` → the first frame in which the repro pane shows the chosen code
  (the thread is analysed and the code view is on screen);
* ``scrub``      — ``S`` → the first frame in which the scrub screen shows its step list;
* ``back_*``     — Escape → the first frame of the screen below;
* ``issue_again`` — Enter on the same row once more → the body painted (from the cache).

"Painted" is judged inside ``App._display`` (the compositor has just rendered the frame),
so a pushed-but-empty screen does not count. Between steps the app is left to settle (the
scrub session's worker finishes or stops at a gate) so one step's background work does not
load the next. Times are key event → frame, in ms; the first repetition is cold (modules
imported on first use), medians are over all repetitions.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZE = (140, 42)


def _on_screen(widget) -> bool:
    try:
        return widget.is_mounted and widget.region.height > 0
    except Exception:  # noqa: BLE001 - a widget between mount and layout
        return False


def _is(screen, name: str) -> bool:
    # By class name: a predicate must not import the screen's module (that cost belongs to
    # the key that opens the screen, and is paid there).
    return any(cls.__name__ == name for cls in type(screen).__mro__)


def issue_header_painted(screen) -> bool:
    if not _is(screen, "IssueScreen") or not screen.is_mounted:
        return False
    header = next(iter(screen.query(".issue-header")), None)
    return header is not None and _on_screen(header)


def issue_painted(screen) -> bool:
    if not _is(screen, "IssueScreen") or screen.thread is None or not screen.is_mounted:
        return False
    body = next(iter(screen.query(".issue-body")), None)
    if body is None or not _on_screen(body):
        return False
    children = list(body.children)
    return not children or any(_on_screen(child) for child in children)


def repro_painted(screen) -> bool:
    if not _is(screen, "ReproScreen") or not screen.is_mounted:
        return False
    if screen.analysis is None and screen.analysis_error is None:
        return False
    return _on_screen(screen.query_one("#repro-code-body"))


def scrub_painted(screen) -> bool:
    if not _is(screen, "ScrubScreen") or screen.session is None or not screen.is_mounted:
        return False
    steps = screen.query_one("#scrub-steps")
    return bool(steps._names) and _on_screen(steps)


def queue_painted(screen) -> bool:
    return _is(screen, "QueueScreen") and screen.is_mounted and screen.table.row_count > 0


def pick_issues(numbers_in_queue: list[int], count: int) -> list[int]:
    """Repro-bearing demo issues that the first queue section lists (python repros first)."""
    from core.demo import DEMO_EXPECTATIONS

    bearing = [n for n in numbers_in_queue if (DEMO_EXPECTATIONS.get(n) or {}).get("repro_author")]
    return (bearing or numbers_in_queue)[:count]


async def measure(args, data_dir: Path) -> dict:
    from textual import events

    from core.config import Config
    from tui.app import TriagedeckApp
    from tui.entry import _prepare_demo

    base = Config(data_dir=data_dir, extra={"scrub": {"repro_dir": str(data_dir / "repros")}})
    env, wb = await asyncio.to_thread(_prepare_demo, base)

    frames: list[tuple[float, bool, str, bool]] = []  # (time, predicate held, filter text, early predicate held)
    state = {"predicate": None, "early": None}

    class BenchApp(TriagedeckApp):
        def _display(self, screen, renderable) -> None:
            if renderable is not None:
                predicate = state["predicate"]
                ok = bool(predicate(screen)) if predicate is not None else False
                text = ""
                if queue_painted(screen):
                    text = screen.model.filter_text
                early = state["early"]
                frames.append((time.perf_counter(), ok, text, bool(early(screen)) if early is not None else False))
            super()._display(screen, renderable)

    app = BenchApp(wb, open_url=lambda url: True)
    app.animation_level = "none"
    results: dict[str, list[float]] = {k: [] for k in ("filter", "issue_header", "issue", "repro", "back_repro",
                                                       "scrub", "back_scrub", "back_queue", "issue_again")}
    profilers: dict = {}

    def profiled(name: str):
        if not args.profile:
            return None
        from pyinstrument import Profiler

        return profilers.setdefault(name, Profiler(interval=0.001, async_mode="disabled"))

    async def wait_frame(mark: int, ok, timeout: float = 60.0) -> float:
        deadline = time.perf_counter() + timeout
        while True:
            hit = next((f for f in frames[mark:] if ok(f)), None)
            if hit is not None:
                return hit[0]
            if time.perf_counter() > deadline:
                raise RuntimeError(f"no frame satisfied the condition (screen {app.screen!r})")
            await asyncio.sleep(0.001)

    async def press(key: str, predicate, name: str, early=None, early_name: str = "") -> None:
        state["predicate"] = predicate
        state["early"] = early
        profiler = profiled(name)
        if profiler is not None:
            profiler.start()
        mark = len(frames)
        start = time.perf_counter()
        char = key if len(key) == 1 else None
        app._driver.send_message(events.Key(key, char))
        done = await wait_frame(mark, lambda f: f[1])
        if profiler is not None:
            profiler.stop()
        state["predicate"] = state["early"] = None
        results[name].append((done - start) * 1000)
        if early is not None:
            first = next(f[0] for f in frames[mark:] if f[3] or f[1])
            results[early_name].append((first - start) * 1000)

    async def settle(pilot) -> None:
        for _ in range(600):
            await app.workers.wait_for_complete()
            await pilot.pause(0.02)
            if not any(w.is_running for w in app.workers):
                return

    try:
        state["predicate"] = queue_painted
        started = time.perf_counter()
        async with app.run_test(size=SIZE) as pilot:
            queue_ms = (await wait_frame(0, lambda f: f[1])) * 1000 - started * 1000
            queue = app.screen
            while queue._loading:
                await pilot.pause(0.01)
            await settle(pilot)
            numbers = pick_issues([i.number for i in queue.model.issues], args.reps)
            for number in numbers:
                await pilot.press("slash")
                await pilot.pause()
                typed = ""
                for digit in str(number):
                    typed += digit
                    profiler = profiled("filter")
                    if profiler is not None:
                        profiler.start()
                    mark = len(frames)
                    start = time.perf_counter()
                    app._driver.send_message(events.Key(digit, digit))
                    done = await wait_frame(mark, lambda f, t=typed: f[2] == t)
                    if profiler is not None:
                        profiler.stop()
                    results["filter"].append((done - start) * 1000)
                    await pilot.pause()
                await pilot.press("enter")  # back to the table, cursor on the match
                await pilot.pause()
                assert queue.table.current_issue is not None and queue.table.current_issue.number == number
                await press("enter", issue_painted, "issue", issue_header_painted, "issue_header")
                await settle(pilot)
                await press("p", repro_painted, "repro")
                await settle(pilot)
                await press("escape", issue_painted, "back_repro")
                await settle(pilot)
                await press("S", scrub_painted, "scrub")
                await settle(pilot)
                await press("escape", issue_painted, "back_scrub")
                await settle(pilot)
                await press("escape", queue_painted, "back_queue")
                await settle(pilot)
                await press("enter", issue_painted, "issue_again")  # the body is cached now
                await settle(pilot)
                await press("escape", queue_painted, "back_queue")
                await pilot.press("escape")  # clear the filter
                await pilot.pause()
                await settle(pilot)
    finally:
        await wb.aclose()
        env.close()
    if profilers:
        from pyinstrument.renderers import ConsoleRenderer

        folder = Path(args.profile)
        folder.mkdir(parents=True, exist_ok=True)
        for name, profiler in profilers.items():
            (folder / f"{name}.html").write_text(profiler.output_html())
            (folder / f"{name}.txt").write_text(profiler.output_text(unicode=True, color=False, show_all=True))
            session = profiler.last_session
            (folder / f"{name}.flat.txt").write_text(
                ConsoleRenderer(flat=True, flat_time="total", show_all=True).render(session))
    out: dict = {"issues": numbers, "queue_first_paint_ms": round(queue_ms, 1)}
    for key, values in results.items():
        if values:
            cold = values[0] if key != "filter" else statistics.median(values[: len(str(numbers[0]))])
            out[key] = {"median_ms": round(statistics.median(values), 1), "max_ms": round(max(values), 1),
                        "cold_ms": round(cold, 1)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="issues visited (one repetition each)")
    parser.add_argument("--profile", metavar="DIR", help="profile each step with pyinstrument (not a dependency)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="screen-open-") as tmp:
        result = asyncio.run(measure(args, Path(tmp)))
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result, indent=1))
    print("medians (ms): " + ", ".join(f"{k}={v['median_ms']}" for k, v in result.items() if isinstance(v, dict)))


if __name__ == "__main__":
    main()
