"""Write plans: what triagedeck intends to send to GitHub, as data.

Every GitHub write starts as a :class:`WritePlan`. A plan is shown to the maintainer
(confirmation dialog, or the CLI's plan printout) and only executes with a
:class:`Confirmation` made for exactly that plan.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Literal, Union

from ..models import CloseReason


@dataclass(frozen=True, slots=True)
class AddLabels:
    """Add labels in one batched call."""

    labels: tuple[str, ...]
    kind: Literal["add_labels"] = "add_labels"

    def describe(self) -> str:
        return "add labels: " + ", ".join(self.labels)


@dataclass(frozen=True, slots=True)
class RemoveLabel:
    """Remove one label (only the flows the seeds name: refreshing ``triaged``,
    removing ``needs reproduction``)."""

    label: str
    kind: Literal["remove_label"] = "remove_label"

    def describe(self) -> str:
        return f"remove label: {self.label}"


@dataclass(frozen=True, slots=True)
class PostComment:
    body: str
    kind: Literal["comment"] = "comment"

    def describe(self) -> str:
        lines = self.body.strip().splitlines()
        first = lines[0] if lines else ""
        return f"comment ({len(self.body)} chars): {first[:60]}"


@dataclass(frozen=True, slots=True)
class CloseIssue:
    reason: CloseReason
    kind: Literal["close"] = "close"

    def describe(self) -> str:
        return f"close as {self.reason.replace('_', ' ')}"


WriteAction = Union[AddLabels, RemoveLabel, PostComment, CloseIssue]


def action_payload(action: WriteAction) -> dict:
    if isinstance(action, AddLabels):
        return {"kind": action.kind, "labels": list(action.labels)}
    if isinstance(action, RemoveLabel):
        return {"kind": action.kind, "label": action.label}
    if isinstance(action, PostComment):
        return {"kind": action.kind, "body": action.body}
    return {"kind": action.kind, "reason": action.reason}


def action_from_payload(payload: dict) -> WriteAction:
    kind = payload.get("kind")
    if kind == "add_labels":
        return AddLabels(tuple(payload["labels"]))
    if kind == "remove_label":
        return RemoveLabel(payload["label"])
    if kind == "comment":
        return PostComment(payload["body"])
    if kind == "close":
        if payload["reason"] not in ("completed", "not_planned"):
            raise ValueError(f"unknown close reason {payload['reason']!r}")
        return CloseIssue(payload["reason"])
    raise ValueError(f"unknown write action {kind!r}")


def digest(payload: dict) -> str:
    """Short stable digest of a payload (what the audit log records instead of the text)."""
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class WritePlan:
    """An ordered list of writes to one issue, with the reason it was proposed."""

    repo: str
    number: int
    actions: tuple[WriteAction, ...]
    title: str = ""
    origin: str = "manual"  # which workflow built it: manual, scrub, triage, fuzz...
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        for action in self.actions:
            if isinstance(action, AddLabels) and not action.labels:
                raise ValueError("AddLabels needs at least one label")
            if isinstance(action, PostComment) and not action.body.strip():
                raise ValueError("a comment needs a body")

    @property
    def empty(self) -> bool:
        return not self.actions

    @property
    def closes(self) -> bool:
        return any(isinstance(a, CloseIssue) for a in self.actions)

    @property
    def labels_added(self) -> tuple[str, ...]:
        return tuple(label for a in self.actions if isinstance(a, AddLabels) for label in a.labels)

    @property
    def labels_removed(self) -> tuple[str, ...]:
        return tuple(a.label for a in self.actions if isinstance(a, RemoveLabel))

    @property
    def comments(self) -> tuple[str, ...]:
        return tuple(a.body for a in self.actions if isinstance(a, PostComment))

    @property
    def close_reason(self) -> CloseReason | None:
        return next((a.reason for a in self.actions if isinstance(a, CloseIssue)), None)

    @property
    def digest(self) -> str:
        return digest(self.to_json())

    def to_json(self) -> dict:
        return {
            "repo": self.repo,
            "number": self.number,
            "title": self.title,
            "origin": self.origin,
            "actions": [action_payload(a) for a in self.actions],
            "notes": list(self.notes),
        }

    @classmethod
    def from_json(cls, data: dict) -> "WritePlan":
        return cls(
            repo=data["repo"],
            number=int(data["number"]),
            actions=tuple(action_from_payload(a) for a in data.get("actions", [])),
            title=data.get("title", ""),
            origin=data.get("origin", "manual"),
            notes=tuple(data.get("notes", [])),
        )

    def describe(self) -> list[str]:
        return [a.describe() for a in self.actions]


@dataclass(frozen=True, slots=True)
class Confirmation:
    """Proof that a person approved one specific plan (dialog ``y`` or CLI ``--yes``)."""

    plan_digest: str
    via: Literal["dialog", "cli --yes"]

    @classmethod
    def for_plan(cls, plan: WritePlan, via: Literal["dialog", "cli --yes"]) -> "Confirmation":
        return cls(plan.digest, via)
