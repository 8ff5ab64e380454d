"""What the triage engine proposes: outcome, labels, comment, and the evidence behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Outcome = Literal[
    "already_classified",
    "not_distributed",
    "routed",
    "classified",
    "low_confidence",
    "high_priority",
    "needs_reproduction",
]
OUTCOMES: tuple[str, ...] = (
    "already_classified",
    "not_distributed",
    "routed",
    "classified",
    "low_confidence",
    "high_priority",
    "needs_reproduction",
)
# Outcomes where the classification is confident and complete: the only ones that may add `triaged`.
CONFIDENT_OUTCOMES = frozenset({"already_classified", "routed", "classified"})

Confidence = Literal["high", "medium", "low"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a label was proposed.

    ``source`` says what kind of place matched (``title``, ``body``, ``code block N``,
    ``traceback frame``, ``comment N``, ``labels``); ``document`` names the text that
    ``start``/``end`` index into (``title``, ``body``, ``comment N``, ``labels``), so a
    viewer can highlight ``document_text[start:end]``.
    """

    label: str
    rule: str
    source: str
    text: str
    start: int = 0
    end: int = 0
    document: str = "body"
    weight: float = 0.0

    def to_json(self) -> dict:
        return {
            "label": self.label,
            "rule": self.rule,
            "source": self.source,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "document": self.document,
        }


@dataclass(frozen=True, slots=True)
class TriageProposal:
    """The engine's proposal for one issue (pure data; nothing is sent from here)."""

    outcome: Outcome
    labels_to_add: tuple[str, ...]
    comment: str | None
    confidence: Confidence
    evidence: tuple[Evidence, ...] = ()
    reasoning: tuple[str, ...] = ()
    comment_template: str | None = None
    sub_oncall: str | None = None          # label of the sub-oncall (proposed or already present)
    modules: tuple[str, ...] = ()          # module labels the proposal stands on (proposed or present)
    label_confidence: tuple[tuple[str, Confidence], ...] = field(default_factory=tuple)
    trap: str | None = None                # name of the mislabel trap that fired (step 1)
    high_priority: str | None = None       # name of the high-priority criterion (step 5)

    def confidence_of(self, label: str) -> Confidence:
        for name, conf in self.label_confidence:
            if name == label:
                return conf
        return self.confidence

    def evidence_for(self, label: str) -> tuple[Evidence, ...]:
        return tuple(e for e in self.evidence if e.label == label)

    def to_json(self) -> dict:
        return {
            "outcome": self.outcome,
            "labels_to_add": list(self.labels_to_add),
            "comment": self.comment,
            "confidence": self.confidence,
            "evidence": [e.to_json() for e in self.evidence],
            "reasoning": list(self.reasoning),
            "comment_template": self.comment_template,
            "sub_oncall": self.sub_oncall,
            "modules": list(self.modules),
            "label_confidence": {label: conf for label, conf in self.label_confidence},
            "trap": self.trap,
            "high_priority": self.high_priority,
        }
