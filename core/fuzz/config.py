"""The ``[fuzz]`` configuration table, validated, and the runner it implies."""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Mapping

from ..errors import ConfigError
from ..run.environment import SshHost, ssh_host_from_config
from .errors import FuzzError
from .proc import CommandRunner, LocalRunner
from .testgen import DEFAULT_TEST_FILE, STYLES


@dataclass(frozen=True, slots=True)
class FuzzConfig:
    """How a fuzz session runs things. Stored in each session, so a resumed one runs the same way."""

    python: str = field(default_factory=lambda: sys.executable)
    env: str = "local"  # "local", "conda:NAME" or "ssh:HOST" (TorchFuzz on the host, the rest locally)
    remote_checkout: str = ""  # the PyTorch checkout on the ssh host (required for ssh:HOST)
    test_style: str = "repros"
    test_file: str = DEFAULT_TEST_FILE
    related: tuple[str, ...] = ()  # pytest selectors for the related tests; empty = the test file
    extra_env: Mapping[str, str] = field(default_factory=dict)
    fuzzer_timeout_s: float = 900.0
    test_timeout_s: float = 900.0
    lint_timeout_s: float = 600.0
    push_timeout_s: float = 300.0
    require_lint: bool = True
    lintrunner: str = "lintrunner"
    ghstack: str = "ghstack"
    ghstackrc: str = "~/.ghstackrc"
    branch_prefix: str = "fuzz/"
    worktree_links: tuple[str, ...] = ()
    # The app config's [runners.ssh.NAME] tables, copied in by from_app_config so a stored
    # (resumed) session still knows its host. Not a key to write under [fuzz].
    ssh_hosts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.test_style not in STYLES:
            raise FuzzError(f"[fuzz] test_style must be one of {', '.join(STYLES)}, not {self.test_style!r}")
        kind, _, name = self.env.partition(":")
        if not (self.env == "local" or (kind in ("conda", "ssh") and name)):
            raise FuzzError(f"[fuzz] env {self.env!r} is not supported (use 'local', 'conda:NAME' or 'ssh:HOST')")
        if kind == "ssh":
            if not self.remote_checkout:
                raise FuzzError(
                    f"[fuzz] env {self.env!r} runs TorchFuzz on that host: set [fuzz] remote_checkout to the "
                    "absolute path of the PyTorch checkout there (e.g. remote_checkout = \"/home/me/pytorch\")"
                )
            if not self.remote_checkout.startswith("/") or "\0" in self.remote_checkout:
                raise FuzzError(f"[fuzz] remote_checkout must be an absolute path on the host, not {self.remote_checkout!r}")
        if self.test_file.startswith("/") or ".." in self.test_file.split("/"):
            raise FuzzError("[fuzz] test_file must be a path inside the checkout")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> "FuzzConfig":
        """Build from the ``[fuzz]`` table (unknown keys and wrong types are errors)."""
        data = dict(data or {})
        known = {f.name: f for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                raise FuzzError(f"[fuzz] unknown key {key!r} (known: {', '.join(sorted(known))})")
            default = getattr(cls(), key)
            if isinstance(default, tuple):
                if isinstance(value, str):
                    value = (value,)
                if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                    raise FuzzError(f"[fuzz] {key} must be a list of strings")
                value = tuple(value)
            elif isinstance(default, bool):
                if not isinstance(value, bool):
                    raise FuzzError(f"[fuzz] {key} must be true or false")
            elif isinstance(default, float):
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                    raise FuzzError(f"[fuzz] {key} must be a positive number")
                value = float(value)
            elif isinstance(default, str):
                if not isinstance(value, str) or (not value and default):
                    raise FuzzError(f"[fuzz] {key} must be a non-empty string")
            elif key == "extra_env":
                if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
                    raise FuzzError("[fuzz] extra_env must be a table of strings")
                value = dict(value)
            elif key == "ssh_hosts":
                if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, Mapping) for k, v in value.items()):
                    raise FuzzError("ssh hosts must be [runners.ssh.NAME] tables")
                value = {k: dict(v) for k, v in value.items()}
            kwargs[key] = value
        return cls(**kwargs)

    @classmethod
    def from_app_config(cls, extra: Mapping[str, Any] | None) -> "FuzzConfig":
        """Build from the whole app config: its ``[fuzz]`` table plus the ``[runners.ssh.*]``
        host tables that ``env = "ssh:HOST"`` refers to (the same tables ``triagedeck run
        --env ssh:HOST`` uses)."""
        extra = extra or {}
        data = dict(extra.get("fuzz") or {})
        if "ssh_hosts" in data:
            raise FuzzError("[fuzz] ssh_hosts is not a [fuzz] key: describe hosts in [runners.ssh.NAME] tables")
        hosts = ((extra.get("runners") or {}).get("ssh")) or {}
        if hosts:
            data["ssh_hosts"] = hosts
        config = cls.from_mapping(data)
        if config.is_remote:
            config.ssh_host()  # an unknown host is a config error now, not at step 0
        return config

    def to_json(self) -> dict:
        data = asdict(self)
        data["related"] = list(self.related)
        data["worktree_links"] = list(self.worktree_links)
        data["extra_env"] = dict(self.extra_env)
        data["ssh_hosts"] = {k: dict(v) for k, v in self.ssh_hosts.items()}
        return data

    @property
    def is_remote(self) -> bool:
        """TorchFuzz runs on an ssh host (steps 1-5 still run in the local checkout)."""
        return self.env.startswith("ssh:")

    @property
    def local_env(self) -> str:
        """Where the test, fix, lint, commits and push run: ``env``, except that an ssh env
        runs them locally with ``python``."""
        return "local" if self.is_remote else self.env

    def ssh_host(self) -> SshHost:
        """The host of ``ssh:HOST``, from its ``[runners.ssh.HOST]`` table."""
        name = self.env[4:]
        if not self.is_remote:
            raise FuzzError(f"env {self.env!r} is not an ssh host")
        if name not in self.ssh_hosts:
            known = ", ".join(sorted(self.ssh_hosts)) or "none configured"
            raise FuzzError(f"unknown ssh host {name!r} (add a [runners.ssh.{name}] table to the config; known: {known})")
        try:
            return ssh_host_from_config(name, self.ssh_hosts[name])
        except ConfigError as exc:
            raise FuzzError(str(exc)) from None

    def fuzzer_runner(self) -> CommandRunner:
        """The runner for TorchFuzz itself (step 0, sweeps): the ssh host for ``ssh:HOST``."""
        if self.is_remote:
            from .remote import SshCommandRunner

            return SshCommandRunner(self.ssh_host())
        return self.runner()

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "FuzzConfig":
        return cls.from_mapping(data)

    def runner(self) -> CommandRunner:
        """The runner for the local steps (``conda:NAME`` runs through ``conda run -n NAME``;
        ``ssh:HOST`` runs them here, with ``python``)."""
        if self.env.startswith("conda:"):
            return LocalRunner(prefix=("conda", "run", "--no-capture-output", "-n", self.env[6:]))
        return LocalRunner()
