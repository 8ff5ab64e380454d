"""Fixtures: the demo dataset on a loopback GitHub server and a workbench on it (the scrub
tests' own fixtures, reused)."""

from __future__ import annotations

import pytest

from tests.conftest import make_workbench
from tests.scrub.conftest import _fresh_probes, demo_server  # noqa: F401 - fixtures reused


@pytest.fixture
async def demo_wb(demo_server, tmp_path):  # noqa: F811
    wb = make_workbench(demo_server, tmp_path / "data")
    try:
        yield wb
    finally:
        await wb.aclose()
