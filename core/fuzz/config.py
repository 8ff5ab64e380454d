"""The ``[fuzz]`` configuration table, validated, and the runner it implies."""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Mapping

from .errors import FuzzError
from .proc import CommandRunner, LocalRunner
from .testgen import DEFAULT_TEST_FILE, STYLES


@dataclass(frozen=True, slots=True)
class FuzzConfig:
    """How a fuzz session runs things. Stored in each session, so a resumed one runs the same way."""

    python: str = field(default_factory=lambda: sys.executable)
    env: str = "local"  # "local" or "conda:NAME"
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

    def __post_init__(self) -> None:
        if self.test_style not in STYLES:
            raise FuzzError(f"[fuzz] test_style must be one of {', '.join(STYLES)}, not {self.test_style!r}")
        if not (self.env == "local" or (self.env.startswith("conda:") and len(self.env) > 6)):
            raise FuzzError(f"[fuzz] env {self.env!r} is not supported here (use 'local' or 'conda:NAME')")
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
                if not isinstance(value, str) or not value:
                    raise FuzzError(f"[fuzz] {key} must be a non-empty string")
            elif key == "extra_env":
                if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
                    raise FuzzError("[fuzz] extra_env must be a table of strings")
                value = dict(value)
            kwargs[key] = value
        return cls(**kwargs)

    def to_json(self) -> dict:
        data = asdict(self)
        data["related"] = list(self.related)
        data["worktree_links"] = list(self.worktree_links)
        data["extra_env"] = dict(self.extra_env)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "FuzzConfig":
        return cls.from_mapping(data)

    def runner(self) -> CommandRunner:
        """The runner for ``env`` (``conda:NAME`` runs through ``conda run -n NAME``)."""
        if self.env.startswith("conda:"):
            return LocalRunner(prefix=("conda", "run", "--no-capture-output", "-n", self.env[6:]))
        return LocalRunner()
