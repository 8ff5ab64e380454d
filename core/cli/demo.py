"""The embedded demo: the loopback GitHub server with the demo dataset, and a config
that points at it with a throwaway data dir. Used by ``--demo`` and ``serve-demo``."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from ..auth import Secret
from ..config import Config

DEMO_TOKEN = Secret("demo-token-not-a-secret")


@dataclass
class DemoEnvironment:
    server: object  # core.loopback.LoopbackServer
    config: Config
    token: Secret
    _tmp: tempfile.TemporaryDirectory | None

    def close(self) -> None:
        self.server.stop()  # type: ignore[attr-defined]
        if self._tmp is not None:
            self._tmp.cleanup()


def start_demo(base: Config, *, port: int = 0, data_dir: Path | None = None) -> DemoEnvironment:
    """Start the loopback server with the demo data; offline, nothing leaves the machine."""
    from ..demo.dataset import demo_dataset
    from ..loopback import LoopbackServer, LoopbackState

    data = demo_dataset()
    server = LoopbackServer(LoopbackState.from_dataset(data), port=port).start()
    tmp = None
    if data_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="triagedeck-demo-")
        data_dir = Path(tmp.name)
    config = replace(base, repo=data["repo"], api_url=server.url, data_dir=data_dir, sections=())
    return DemoEnvironment(server, config, DEMO_TOKEN, tmp)
