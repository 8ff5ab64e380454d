"""Run by .ci/run with the python of a fresh venv holding a non-editable ``pip install .``:
the installed app must start on the demo, show the queue, and quit cleanly.

Not a pytest module (it must not import the source tree): it runs from outside the repo.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path


def main() -> int:
    import core
    import tui

    for module in (core, tui):
        if "site-packages" not in module.__file__:
            print(f"FAIL: {module.__name__} imported from {module.__file__}, not the installed wheel")
            return 1
    styles = Path(tui.__file__).parent / "_styles"
    if not list(styles.glob("*.tcss")):
        print(f"FAIL: no stylesheets shipped in {styles}")
        return 1

    from core.config import Config
    from tui.app import TriagedeckApp
    from tui.entry import _prepare_demo

    env, wb = _prepare_demo(Config())
    first = wb.section_issues(wb.sections()[0].title)
    if not first:
        print("FAIL: the demo queue is empty")
        return 1

    async def run() -> str:
        app = TriagedeckApp(wb)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.5)
            svg = app.export_screenshot()
            await pilot.press("q")
        return svg

    try:
        svg = asyncio.run(run())
    finally:
        asyncio.run(wb.aclose())
        env.close()
    if str(first[0].number) not in svg:
        print(f"FAIL: issue #{first[0].number} is not on the first screen")
        return 1
    print(f"OK: installed triagedeck shows the demo queue ({len(first)} issues in '{wb.sections()[0].title}')")
    return 0


if __name__ == "__main__":
    sys.exit(main())
