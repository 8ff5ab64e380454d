"""Where a repro runs: the local interpreter, a conda env, or an ssh host."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Mapping

from core.errors import ConfigError

EnvKind = Literal["local", "conda", "ssh"]


@dataclass(frozen=True, slots=True)
class SshHost:
    """One ``[runners.ssh.NAME]`` table of the config."""

    name: str
    host: str
    port: int = 22
    user: str | None = None
    key_file: str | None = None
    python: str = "python3"
    # None means asyncssh's default (~/.ssh/known_hosts); "" disables host-key checking
    # (only sensible for a throwaway test host).
    known_hosts: str | None = None
    connect_timeout_s: float = 15.0


@dataclass(frozen=True, slots=True)
class RunEnvironment:
    """A target environment. ``key`` identifies it for caching (probe results)."""

    kind: EnvKind
    name: str
    python: str = "python"
    conda_env: str | None = None
    conda_exe: str = "conda"
    ssh: SshHost | None = None

    @property
    def key(self) -> str:
        if self.kind == "local":
            return f"local:{self.python}"
        if self.kind == "conda":
            return f"conda:{self.conda_env}"
        assert self.ssh is not None
        return f"ssh:{self.ssh.user or ''}@{self.ssh.host}:{self.ssh.port}:{self.ssh.python}"


def default_python() -> str:
    """The interpreter a bare ``python`` would run (the seed: "run python directly")."""
    return shutil.which("python") or shutil.which("python3") or sys.executable


def local_env(python: str | None = None) -> RunEnvironment:
    py = python or default_python()
    return RunEnvironment("local", name=f"local ({py})", python=py)


def conda_exe(runners: Mapping[str, Any] | None = None) -> str:
    """The conda executable: config ``[runners.conda] executable``, ``$CONDA_EXE``, or PATH."""
    configured = ((runners or {}).get("conda") or {}).get("executable")
    return configured or os.environ.get("CONDA_EXE") or shutil.which("conda") or "conda"


def conda_env(name: str, runners: Mapping[str, Any] | None = None) -> RunEnvironment:
    return RunEnvironment("conda", name=f"conda:{name}", python="python", conda_env=name, conda_exe=conda_exe(runners))


def ssh_host_from_config(name: str, table: Mapping[str, Any]) -> SshHost:
    """Validate one ``[runners.ssh.NAME]`` table; raises ConfigError naming the bad key."""
    known = {"host", "port", "user", "key_file", "python", "known_hosts", "connect_timeout_s"}
    for key in table:
        if key not in known:
            raise ConfigError(f"unknown key (known: {', '.join(sorted(known))})", key=f"runners.ssh.{name}.{key}")
    port = table.get("port", 22)
    if not isinstance(port, int) or not 0 < port < 65536:
        raise ConfigError("must be a port number", key=f"runners.ssh.{name}.port")
    for key in ("host", "user", "key_file", "python", "known_hosts"):
        if key in table and not isinstance(table[key], str):
            raise ConfigError("must be a string", key=f"runners.ssh.{name}.{key}")
    key_file = table.get("key_file")
    return SshHost(
        name=name,
        host=table.get("host", name),
        port=port,
        user=table.get("user"),
        key_file=os.path.expanduser(key_file) if key_file else None,
        python=table.get("python", "python3"),
        known_hosts=os.path.expanduser(table["known_hosts"]) if table.get("known_hosts") else table.get("known_hosts"),
        connect_timeout_s=float(table.get("connect_timeout_s", 15.0)),
    )


def parse_environment(text: str, runners: Mapping[str, Any] | None = None) -> RunEnvironment:
    """Parse ``local``, ``local:/path/python``, ``conda:NAME`` or ``ssh:HOST``.

    ``runners`` is the ``[runners]`` config table: ``local.python`` picks the default
    interpreter, ``ssh.HOST`` tables describe ssh hosts.
    """
    runners = runners or {}
    kind, _, rest = text.strip().partition(":")
    if kind == "local":
        python = rest or (runners.get("local") or {}).get("python")
        if python:
            python = os.path.expanduser(python)
            if not (Path(python).is_file() or shutil.which(python)):
                raise ConfigError(f"interpreter not found: {python}")
        return local_env(python)
    if kind == "conda":
        if not rest:
            raise ConfigError("expected conda:NAME")
        return conda_env(rest, runners)
    if kind == "ssh":
        hosts = runners.get("ssh") or {}
        if rest not in hosts:
            names = ", ".join(sorted(hosts)) or "none configured"
            raise ConfigError(f"unknown ssh host {rest!r} (add a [runners.ssh.{rest or 'NAME'}] table; known: {names})")
        host = ssh_host_from_config(rest, hosts[rest])
        return RunEnvironment("ssh", name=f"ssh:{rest}", python=host.python, ssh=host)
    raise ConfigError(f"unknown environment {text!r}: expected local, local:/path/python, conda:NAME or ssh:HOST")
