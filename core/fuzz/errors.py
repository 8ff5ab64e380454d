"""Errors of the fuzz workflow, each with a message meant for the maintainer."""

from __future__ import annotations

from ..errors import TriagedeckError


class FuzzError(TriagedeckError):
    """A fuzz-session operation could not be carried out (bad input, missing tool...)."""


class GateLocked(FuzzError):
    """A step was asked for before the proofs that open it exist."""

    def __init__(self, step: str, reason: str):
        self.step = step
        self.reason = reason
        super().__init__(f"step '{step}' is locked: {reason}")


class PushRefused(FuzzError):
    """The ghstack push was refused before anything ran (no confirmation, config missing...)."""
