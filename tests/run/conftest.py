from __future__ import annotations

import pytest

from core.run.probe import clear_probe_cache

from .helpers import SubprocessSSHServer


@pytest.fixture(autouse=True)
def _fresh_probe_cache():
    clear_probe_cache()
    yield
    clear_probe_cache()


@pytest.fixture
async def ssh_server(tmp_path):
    server = SubprocessSSHServer(tmp_path)
    try:
        await server.start()
    except OSError as exc:  # pragma: no cover - only where loopback sockets are forbidden
        pytest.skip(f"cannot start an SSH server on 127.0.0.1: {exc}")
    yield server
    server.close()
