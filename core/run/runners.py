"""Pick the runner for an environment."""

from __future__ import annotations

from .conda import CondaRunner
from .environment import RunEnvironment
from .local import LocalRunner
from .result import Runner


def runner_for(env: RunEnvironment) -> Runner:
    """The runner that knows how to run in ``env``."""
    if env.kind == "conda":
        return CondaRunner()
    if env.kind == "ssh":
        from .ssh import SshRunner  # asyncssh costs ~0.25 s to import: only when a host is used

        return SshRunner()
    return LocalRunner()
