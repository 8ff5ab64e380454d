"""Scrub credentials out of a child process environment."""

from __future__ import annotations

import re
from typing import Mapping

# Names (case-insensitive) that look like credentials. Kept as one regex so the ssh launcher
# can apply the very same rule on the remote side.
SCRUB_PATTERN = (
    r"(?i)^(?:"
    r".*TOKEN.*|.*SECRET.*|.*PASSWORD.*|.*PASSWD.*|.*CREDENTIAL.*|.*_KEY|.*APIKEY.*"
    r"|AWS_.*|SSH_AUTH_SOCK|SSH_AGENT_PID|GPG_AGENT_INFO|GIT_ASKPASS|SSH_ASKPASS"
    r")$"
)
_SCRUB_RE = re.compile(SCRUB_PATTERN)


def is_secret_name(name: str) -> bool:
    """True when an environment variable name looks like it holds a credential."""
    return bool(_SCRUB_RE.match(name))


def scrub_environment(
    env: Mapping[str, str],
    *,
    drop: tuple[str, ...] = (),
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Return ``env`` without credentials and without the names in ``drop``, then ``extra`` on top.

    ``extra`` is the caller's explicit choice, so it is not scrubbed.
    """
    out = {k: v for k, v in env.items() if not is_secret_name(k) and k not in drop}
    if extra:
        out.update(extra)
    return out
