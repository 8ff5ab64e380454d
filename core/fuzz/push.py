"""The ghstack push as a plan and its confirmation: a push runs only with a
:class:`PushConfirmation` for the digest of exactly that plan (command, cwd, commits)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class PushPlan:
    """Exactly what the push will run: the command, where, and which commits it sends."""

    command: tuple[str, ...]
    cwd: str
    branch: str
    commits: tuple[str, ...]
    titles: tuple[str, ...]
    env: str = "local"  # "conda:NAME" runs the command inside that environment

    @property
    def digest(self) -> str:
        blob = json.dumps([list(self.command), self.cwd, self.branch, list(self.commits), self.env], sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def describe(self) -> list[str]:
        where = f" in conda env {self.env[6:]}" if self.env.startswith("conda:") else ""
        return [f"$ (cd {self.cwd} && {' '.join(self.command)}){where}", f"branch {self.branch}"] + [
            f"{sha[:12]} {title}" for sha, title in zip(self.commits, self.titles)
        ]

    def to_json(self) -> dict:
        return {
            "command": list(self.command),
            "cwd": self.cwd,
            "branch": self.branch,
            "commits": list(self.commits),
            "titles": list(self.titles),
            "env": self.env,
            "digest": self.digest,
        }


@dataclass(frozen=True, slots=True)
class PushConfirmation:
    """Proof that a person approved one exact push (dialog ``y`` or CLI ``--yes``)."""

    plan_digest: str
    via: Literal["dialog", "cli --yes"]

    @classmethod
    def for_plan(cls, plan: PushPlan, via: Literal["dialog", "cli --yes"]) -> "PushConfirmation":
        return cls(plan.digest, via)

