"""Kill and resume at the UI level: a new app on the same store opens the session at the same step."""

from __future__ import annotations

import asyncio
from pathlib import Path

from core.fuzz import FuzzWorkflow
from core.store import Store
from fuzz.conftest import FAILING_SEED, make_config
from tui.screens.fuzz import FuzzSessionScreen, FuzzSessionsScreen

from .support import SIZE, FuzzHostApp, screen_text, wait_until


async def test_an_app_killed_mid_step_resumes_at_the_same_step(tmp_path: Path, checkout, tools):
    data = tmp_path / "data"
    store = Store(data / "triagedeck.sqlite3")
    workflow = FuzzWorkflow(store, data, config=make_config(tmp_path))
    app = FuzzHostApp(workflow, default_checkout=str(checkout), session_options={"poll_s": None})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *str(FAILING_SEED), "ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, FuzzSessionScreen), "the session screen")
        screen = app.screen
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.running is None, "step 0")
        assert screen.session.step == "repro"
        sid = screen.session.id
        # Step 1 starts; the app is killed while its first pytest run is going.
        await pilot.press("r")
        await wait_until(pilot, lambda: "pytest" in "\n".join(screen.query_one("#fuzz-log").lines), "pytest to start")
        worker = next(w for w in screen.workers if w.group == "fuzz-op")
    for _ in range(600):  # the worker kills the process tree when it is cancelled
        if worker.is_finished:
            break
        await asyncio.sleep(0.05)
    assert worker.is_finished
    store.close()

    store = Store(data / "triagedeck.sqlite3")
    workflow = FuzzWorkflow(store, data, config=make_config(tmp_path))
    app = FuzzHostApp(workflow, session_options={"poll_s": None})
    try:
        async with app.run_test(size=SIZE) as pilot:
            assert isinstance(app.screen, FuzzSessionsScreen)
            assert app.screen.selected_id() == sid
            await pilot.press("enter")
            screen = app.screen
            assert isinstance(screen, FuzzSessionScreen)
            assert screen.session.step == "repro" and screen.viewing == "repro"
            text = screen_text(screen)
            assert "✔ 0 get the failing fuzz program" in text and "IndexError" in text
            # Nothing was lost: the resumed step runs to its proof and writes one test.
            await pilot.press("r")
            await wait_until(pilot, lambda: screen.running is None, "step 1")
            assert screen.session.step == "fix", screen.last_result
        test_file = checkout / "test/test_torchfuzz_repros.py"
        assert test_file.read_text().count(f"def test_fuzzer_seed_{FAILING_SEED}(") == 1
    finally:
        store.close()
