"""The conda runner (the seed's bisection recipe) and conda env discovery.

``conda run -n NAME --no-capture-output python FILE``, from a scratch dir under /tmp,
with ``PYTHONPATH`` cleared so a local source tree cannot shadow the env's torch.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Mapping

from .environment import conda_exe
from .local import RunnerError, SubprocessRunner
from .seeding import python_argv
from .spec import RunSpec


class CondaRunner(SubprocessRunner):
    drop_env = ("PYTHONPATH", "PYTHONHOME")

    def command(self, spec: RunSpec, script: str, wrapper: str | None) -> list[str]:
        if not spec.env.conda_env:
            raise RunnerError("a conda run needs an environment name")
        exe = shutil.which(spec.env.conda_exe) or spec.env.conda_exe
        prefix = [exe, "run", "-n", spec.env.conda_env, "--no-capture-output", "python"]
        return python_argv(prefix, script, spec.args, spec.seed.seed, wrapper, spec.launcher)

    def via_wrapper(self, sandboxed: bool) -> bool:
        return True


@dataclass(frozen=True, slots=True)
class CondaEnv:
    name: str
    path: str


def parse_env_list(payload: str | Mapping[str, Any]) -> list[CondaEnv]:
    """Parse ``conda env list --json``: named envs live under an ``envs/`` folder; the
    root prefix is ``base``. Envs without a name (created with ``-p``) are named by path."""
    data = json.loads(payload) if isinstance(payload, str) else payload
    paths = [p for p in data.get("envs", []) if isinstance(p, str)]
    root = data.get("root_prefix") or data.get("conda_prefix")
    envs: list[CondaEnv] = []
    for index, path in enumerate(paths):
        pure = PurePath(path)
        if pure.parent.name == "envs":
            name = pure.name
        elif path == root or (root is None and index == 0):
            name = "base"
        else:
            name = path
        envs.append(CondaEnv(name, path))
    return envs


async def discover_conda_envs(runners: Mapping[str, Any] | None = None, timeout_s: float = 30.0) -> list[CondaEnv]:
    """The conda envs on this machine (empty when conda is not installed)."""
    exe = conda_exe(runners)
    if not (shutil.which(exe) or os.path.isfile(exe)):
        return []
    proc = await asyncio.create_subprocess_exec(
        exe, "env", "list", "--json", stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout_s)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise RunnerError("`conda env list --json` did not answer in time") from None
    if proc.returncode != 0:
        raise RunnerError(f"`conda env list --json` failed with exit status {proc.returncode}")
    try:
        return parse_env_list(out.decode("utf-8", errors="replace"))
    except (ValueError, AttributeError) as exc:
        raise RunnerError(f"`conda env list --json` printed something that is not its JSON: {exc}") from None


def pytorch_version_envs(envs: list[CondaEnv]) -> list[CondaEnv]:
    """The ``pytorch-<version>`` envs the seed's bisection uses, oldest first."""

    def key(env: CondaEnv) -> tuple[int, ...]:
        parts = env.name.removeprefix("pytorch-").split(".")
        return tuple(int(p) if p.isdigit() else -1 for p in parts)

    return sorted((e for e in envs if e.name.startswith("pytorch-")), key=key)
