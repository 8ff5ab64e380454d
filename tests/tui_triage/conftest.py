"""Fixtures: the demo data on a loopback GitHub server and a Workbench pointed at it."""

from __future__ import annotations

import pytest
from triage_support import make_workbench

from core.demo import demo_dataset
from core.loopback import LoopbackServer, LoopbackState


def start(dataset: dict) -> LoopbackServer:
    return LoopbackServer(LoopbackState.from_dataset(dataset)).start()


@pytest.fixture
def server():
    srv = start(demo_dataset())
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
async def wb(server, tmp_path):
    workbench = make_workbench(server, tmp_path / "data")
    try:
        yield workbench
    finally:
        await workbench.aclose()
