"""Time to first paint of big diffs in DiffView (a script, not a test: timings are not asserted).

    .venv/bin/python tests/tui_diff/bench_first_paint.py

Cases: a 20,000-line patch that adds one new file (one huge hunk); a 20,000-line patch of
~1,000 hunks over a large Python file; two 20,000-line texts diffed in the widget. For each:
parse (or diff) time, then the time from mounting the view to its first painted frame
(headless, 120x40), then the time to paint after jumping to the last hunk.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from textual.app import App

from tui.paths import stylesheets
from tui.widgets.diff.patch import Patch, diff_texts, parse_patch
from tui.widgets.diff.view import DiffView


def python_source(n: int, *, variant: int = 0) -> str:
    lines = []
    for i in range(n // 4):
        lines.append(f"def f{i}(x, y=3):")
        value = i * 7 + (1 if variant and i % 5 == 0 else 0)
        lines.append(f'    """Doc {i}."""' if not (variant and i % 9 == 0) else f'    """Doc {i}, changed."""')
        lines.append(f"    return torch.relu(x) * {value} + y  # c{i}")
        lines.append("")
    return "\n".join(lines) + "\n"


def new_file_patch(n: int) -> str:
    body = python_source(n).splitlines()
    return "diff --git a/big.py b/big.py\nnew file mode 100644\n--- /dev/null\n+++ b/big.py\n" f"@@ -0,0 +1,{len(body)} @@\n" + "".join(
        f"+{line}\n" for line in body
    )


class Timed(DiffView):
    """Records when the last row of the viewport was first painted (wall and main-thread CPU)."""

    first_paint: float | None = None
    first_paint_cpu: float | None = None

    def render_line(self, y: int):
        strip = super().render_line(y)
        if Timed.first_paint is None and y == self.scrollable_content_region.height - 1:
            Timed.first_paint = time.perf_counter()
            Timed.first_paint_cpu = time.thread_time()
        return strip


async def _until_painted(pilot, start: float, start_cpu: float) -> tuple[float, float]:
    while Timed.first_paint is None:
        await pilot.pause(0)
    result = (Timed.first_paint - start, Timed.first_paint_cpu - start_cpu)
    Timed.first_paint = None
    return result


class Bench(App):
    CSS_PATH = stylesheets()

    def __init__(self, patch: Patch) -> None:
        super().__init__()
        self.patch = patch


async def measure(name: str, make_patch) -> None:
    t0 = time.perf_counter()
    patch = make_patch()
    t1 = time.perf_counter()
    lines = sum(len(h.lines) for f in patch.files for h in f.hunks)
    app = Bench(patch)
    async with app.run_test(size=(120, 40)) as pilot:
        Timed.first_paint = None
        start, cpu = time.perf_counter(), time.thread_time()
        view = Timed(patch, language="python")
        await app.mount(view)
        mounted = await _until_painted(pilot, start, cpu)
        await app.workers.wait_for_complete()  # the lexer, when it was not loaded yet
        await pilot.pause()
        Timed.first_paint = None
        start, cpu = time.perf_counter(), time.thread_time()
        view.jump_to_hunk(view.hunk_count - 1)
        view.scroll_end(animate=False, immediate=True)
        jumped = await _until_painted(pilot, start, cpu)
        start, cpu = time.perf_counter(), time.thread_time()
        view.action_toggle_view()
        toggled = await _until_painted(pilot, start, cpu)

    def ms(pair: tuple[float, float]) -> str:
        return f"{1000 * pair[0]:6.1f} ms ({1000 * pair[1]:5.1f} cpu)"

    print(
        f"{name:<32} {lines:>6} lines  parse/diff {1000 * (t1 - t0):6.1f} ms  "
        f"first paint {ms(mounted)}  jump to end {ms(jumped)}  split toggle {ms(toggled)}"
    )


async def main() -> None:
    big_patch = new_file_patch(20_000)
    old, new = python_source(20_000), python_source(20_000, variant=1)
    many_hunks = "diff --git a/m.py b/m.py\n" + "".join(
        _hunk_lines(p) for p in [diff_texts(old, new, old_name="m.py", new_name="m.py")]
    )
    await measure("baseline: a 2-line diff", lambda: diff_texts("a\n", "b\n", old_name="m.py", new_name="m.py"))
    await measure("new file, 20,000 added lines", lambda: parse_patch(big_patch))
    await measure("many hunks (parsed patch)", lambda: parse_patch(many_hunks))
    await measure("two 20,000-line texts (difflib)", lambda: diff_texts(old, new, old_name="m.py", new_name="m.py"))


def _hunk_lines(patch: Patch) -> str:
    from tui.widgets.diff.patch import format_patch

    return format_patch(patch)


if __name__ == "__main__":
    asyncio.run(main())
