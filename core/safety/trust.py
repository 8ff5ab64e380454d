"""Author trust and the gate in front of every repro run.

A repro runs without review only when the scan is clean *and* its author is a known
collaborator. Findings, a non-collaborator, or an unknown answer (the collaborator check
itself failed) all mean: show the code and the findings, and let the maintainer choose
run / edit / skip. That choice is a value the workflow records.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Iterable

from core.models import Trust, utcnow
from core.safety.rules import Finding
from core.safety.scanner import ScanReport

_TRUSTED_ASSOCIATIONS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})


@dataclass(frozen=True, slots=True)
class AuthorTrust:
    """``trust`` is the collaborator check's answer; ``association`` GitHub's hint."""

    login: str
    association: str
    trust: Trust

    @property
    def label(self) -> str:
        words = {Trust.COLLABORATOR: "collaborator", Trust.NOT_COLLABORATOR: "not a collaborator",
                 Trust.UNKNOWN: "unknown (collaborator check failed or not run)"}
        return f"@{self.login}: {words[self.trust]}; association {self.association or 'NONE'}"

    def as_json(self) -> dict:
        return {
            "login": self.login,
            "author_association": self.association,
            "collaborator": self.trust.value,
            "association_suggests_collaborator": self.association.upper() in _TRUSTED_ASSOCIATIONS,
            "label": self.label,
        }


def assess_trust(login: str, association: str, collaborator: Trust | None) -> AuthorTrust:
    """Combine the association with the collaborator check (None: the check was not run).

    Only the check decides: an association of MEMBER is shown, but without a successful
    check the trust stays UNKNOWN — never silently "collaborator", never "not collaborator".
    """
    return AuthorTrust(login, (association or "NONE").upper(), collaborator if collaborator is not None else Trust.UNKNOWN)


@dataclass(frozen=True, slots=True)
class GateDecision:
    must_review: bool
    reasons: tuple[str, ...]


def gate_decision(findings: ScanReport | Iterable[Finding], trust: AuthorTrust | Trust) -> GateDecision:
    """Must the maintainer review this repro before it runs, and why."""
    reasons: list[str] = []
    if isinstance(findings, ScanReport):
        if not findings.parsed:
            reasons.append(f"the code could not be parsed, so the scan is incomplete ({findings.syntax_error})")
        items = list(findings.findings)
    else:
        items = list(findings)
    if items:
        cats = sorted({f.category.value for f in items})
        reasons.append(f"{len(items)} security finding(s): {', '.join(cats)}")
    level = trust.trust if isinstance(trust, AuthorTrust) else trust
    who = f"@{trust.login}" if isinstance(trust, AuthorTrust) else "the author"
    if level is Trust.NOT_COLLABORATOR:
        reasons.append(f"{who} is not a collaborator")
    elif level is Trust.UNKNOWN:
        reasons.append(f"whether {who} is a collaborator is unknown")
    return GateDecision(bool(reasons), tuple(reasons))


class ReviewChoice(str, Enum):
    RUN = "run"
    EDIT = "edit"
    SKIP = "skip"


def code_digest(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """The maintainer's choice about one exact piece of code."""

    choice: ReviewChoice
    code_digest: str
    reasons: tuple[str, ...]
    decided_at: datetime

    def as_json(self) -> dict:
        return {"choice": self.choice.value, "code_digest": self.code_digest, "reasons": list(self.reasons),
                "decided_at": self.decided_at.isoformat()}


def record_choice(decision: GateDecision, choice: ReviewChoice | str, code: str, *, at: datetime | None = None) -> ReviewRecord:
    """Make the maintainer's choice a value (the workflow stores it in the session)."""
    return ReviewRecord(ReviewChoice(choice), code_digest(code), decision.reasons, at or utcnow())


def may_run(decision: GateDecision, code: str, record: ReviewRecord | None) -> bool:
    """True when nothing needs review, or the maintainer chose *run* for exactly this code.

    An edit changes the digest, so edited code goes through the scan and the gate again.
    """
    if not decision.must_review:
        return True
    return record is not None and record.choice is ReviewChoice.RUN and record.code_digest == code_digest(code)
