"""Pick the runner for an environment."""

from __future__ import annotations

from .conda import CondaRunner
from .environment import RunEnvironment
from .local import LocalRunner
from .result import Runner
from .ssh import SshRunner


def runner_for(env: RunEnvironment) -> Runner:
    """The runner that knows how to run in ``env``."""
    if env.kind == "conda":
        return CondaRunner()
    if env.kind == "ssh":
        return SshRunner()
    return LocalRunner()
