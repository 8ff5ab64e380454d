"""Find the GitHub token: ``GITHUB_TOKEN``/``GH_TOKEN``, else ``gh auth token``.

The token is wrapped in :class:`Secret` so that a stray ``print``/``repr``/log line shows
``Secret(***)`` instead of the value. It is never stored in sqlite and the runners strip
it (and anything that looks like a secret) from child environments.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from typing import Mapping


@dataclass(frozen=True, slots=True)
class Secret:
    _value: str

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret(***)"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


@dataclass(frozen=True, slots=True)
class TokenSource:
    token: Secret | None
    origin: str  # "GITHUB_TOKEN", "GH_TOKEN", "gh auth token", "demo", "none"


def find_token(env: Mapping[str, str] | None = None, *, use_gh: bool = True, timeout: float = 5.0) -> TokenSource:
    """Return the first token found, and where it came from (never the value in messages)."""
    env = os.environ if env is None else env
    for name in ("GITHUB_TOKEN", "GH_TOKEN"):
        value = env.get(name, "").strip()
        if value:
            return TokenSource(Secret(value), name)
    gh = shutil.which("gh") if use_gh else None
    if gh:
        try:
            proc = subprocess.run(
                [gh, "auth", "token"],
                capture_output=True,
                text=True,
                timeout=timeout,
                stdin=subprocess.DEVNULL,
            )
        except (OSError, subprocess.TimeoutExpired):
            return TokenSource(None, "none")
        value = proc.stdout.strip()
        if proc.returncode == 0 and value:
            return TokenSource(Secret(value), "gh auth token")
    return TokenSource(None, "none")
