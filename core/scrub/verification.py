"""Recent verification (scrub seed, step 4): a comment from the last six months that says
the issue still reproduces, with the reported error (or a repro) in it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.issue.signature import matches
from core.models import ErrorSignature, IssueThread, utcnow

RECENT = timedelta(days=183)
_CONFIRMS = re.compile(
    r"\bstill\s+(?:reproduces|repros?|happens|fails|failing|occurs|see(?:ing)?|hit(?:ting)?|broken|an issue|present)\b"
    r"|\bcan\s+(?:still\s+)?(?:confirm|reproduce)\b|\bconfirmed\s+(?:on|with|in)\b|\breproduces\s+on\b",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"\b(?:can(?:no|')t|cannot|could(?:n't| not)|doesn't|does not|no longer)\s+(?:\w+\s+)?reproduce", re.I)
_CODE = re.compile(r"```(?:python|py)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RecentVerification:
    comment_index: int  # 0-based
    author: str
    created_at: datetime
    evidence: str
    error_matches: bool

    def to_json(self) -> dict:
        return {"comment": self.comment_index, "author": self.author, "created_at": self.created_at.isoformat(),
                "evidence": self.evidence, "error_matches": self.error_matches}


def recent_verification(thread: IssueThread, signature: ErrorSignature | None, *,
                        now: datetime | None = None) -> RecentVerification | None:
    """The newest comment from the last six months confirming the bug still reproduces with
    the reported error (or carrying a repro when no error signature is known)."""
    now = now or utcnow()
    for index in range(len(thread.comments) - 1, -1, -1):
        c = thread.comments[index]
        if now - c.created_at > RECENT:
            break  # comments are in time order: nothing older qualifies
        says = _CONFIRMS.search(c.body)
        if not says or _NEGATED.search(c.body):
            continue
        hit = matches(signature, c.body) if signature is not None and not signature.empty else None
        if hit is None and not (_CODE.search(c.body) and (signature is None or signature.empty)):
            continue
        line = next((ln.strip() for ln in c.body.splitlines() if says.group(0) in ln), says.group(0))
        return RecentVerification(index, c.author, c.created_at, line[:300], hit is not None)
    return None
