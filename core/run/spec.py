"""What to run: a ``RunSpec``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Mapping

from core.text import safe_filename

from .environment import RunEnvironment, local_env
from .launch import PYTHON, RunLauncher

SandboxMode = Literal["auto", "on", "off"]
DEFAULT_TIMEOUT_S = 120.0


@dataclass(frozen=True, slots=True)
class SeedOptions:
    """Stabilisers for flaky repros (seed step 5): ``PYTHONHASHSEED`` and a fixed RNG seed.

    With ``seed`` set, the script runs through a tiny wrapper that seeds ``random``, and
    ``numpy``/``torch`` when importable, then runs the file with ``runpy``.
    """

    hash_seed: int | None = None
    seed: int | None = None

    @property
    def active(self) -> bool:
        return self.hash_seed is not None or self.seed is not None


@dataclass(frozen=True, slots=True)
class RunSpec:
    """A script (a path, or its source text) plus how and where to run it.

    ``launcher`` says how the script starts (``python FILE`` or under torchrun), always with
    the target environment's interpreter. ``allow_unsandboxed`` lets ``sandbox="auto"`` fall back to an unsandboxed run when
    bubblewrap is unusable; without it that case raises :class:`SandboxUnavailable`.
    """

    script: Path | str
    args: tuple[str, ...] = ()
    env: RunEnvironment = field(default_factory=local_env)
    timeout_s: float | None = DEFAULT_TIMEOUT_S
    sandbox: SandboxMode = "auto"
    allow_unsandboxed: bool = False
    extra_env: Mapping[str, str] = field(default_factory=dict)
    seed: SeedOptions = field(default_factory=SeedOptions)
    # Name of the file in the scratch dir when ``script`` is source text.
    script_name: str = "repro.py"
    launcher: RunLauncher = PYTHON

    def source(self) -> str:
        """The script's source text."""
        if isinstance(self.script, Path):
            return self.script.read_text(encoding="utf-8", errors="replace")
        return self.script

    def file_name(self) -> str:
        name = self.script.name if isinstance(self.script, Path) else self.script_name
        name = safe_filename(name, default="repro.py")
        return name if name.endswith(".py") else name + ".py"
