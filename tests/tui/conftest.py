"""TUI fixtures (helpers live in tui_support.py): a loopback server, a synced Workbench."""

from __future__ import annotations

import pytest

from core.loopback import LoopbackServer, LoopbackState
from tui_support import make_workbench, sync_all, tui_dataset


@pytest.fixture
def server():
    srv = LoopbackServer(LoopbackState.from_dataset(tui_dataset())).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
async def wb(server, tmp_path):
    workbench = make_workbench(server, tmp_path / "data")
    await sync_all(workbench)
    try:
        yield workbench
    finally:
        await workbench.aclose()


