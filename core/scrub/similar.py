"""Duplicate hints: explicit "duplicate of #N" references and a local BM25 ranking.

The ranking runs over the cached issues (title + error signature, the two things two
reports of one bug share) so it works offline; the GitHub search query is built here too.
Candidates are shown with their scores for the maintainer to confirm — never acted on.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

from core.issue.markdown import parse_thread
from core.issue.signature import reported_error
from core.models import ErrorSignature, Issue, IssueThread

_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+")
_STOP = frozenset(
    "a an and are as at be but by for from has have i in is it its of on or that the this to was were "
    "with when while not no if into after before my our we you your after does do".split()
)
_EXPLICIT = re.compile(
    r"\b(?:duplicate(?:s|d)?\s+(?:of|by)|dup(?:e|licate)?\s+of|same\s+(?:issue|bug)?\s*as|closing\s+in\s+favou?r\s+of)"
    r"\s+(?:https://github\.com/[\w.-]+/[\w.-]+/issues/|#)(\d+)",
    re.IGNORECASE,
)
_MAINTAINERS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})


def tokens(text: str) -> list[str]:
    """Lower-case word tokens without stop words (``torch.cat()`` → ``torch``, ``cat``)."""
    return [t for t in (m.group(0).lower() for m in _TOKEN.finditer(text or "")) if t not in _STOP and len(t) > 1]


def signature_text(signature: ErrorSignature | None) -> str:
    if signature is None or signature.empty:
        return ""
    return " ".join(p for p in (signature.exception_class, signature.message_substring) if p)


def document(issue: Issue, signature: ErrorSignature | None = None) -> str:
    """What is indexed for one issue: its title and its reported error signature."""
    if signature is None and issue.body:
        found = reported_error(parse_thread(IssueThread(issue)))
        signature = found.signature if found else None
    return f"{issue.title} {signature_text(signature)}"


@dataclass(frozen=True, slots=True)
class SimilarIssue:
    number: int
    title: str
    state: str
    score: float
    source: str  # "bm25" | "github" | "explicit"

    def to_json(self) -> dict:
        return {"number": self.number, "title": self.title, "state": self.state, "score": round(self.score, 3),
                "source": self.source}


class BM25:
    """Okapi BM25 over small documents (k1=1.2, b=0.75)."""

    def __init__(self, docs: Sequence[list[str]], *, k1: float = 1.2, b: float = 0.75):
        self.docs = [Counter(d) for d in docs]
        self.lengths = [len(d) for d in docs]
        self.avg = (sum(self.lengths) / len(docs)) if docs else 0.0
        self.k1, self.b = k1, b
        df: Counter[str] = Counter()
        for d in self.docs:
            df.update(d.keys())
        n = len(docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def score(self, query: Iterable[str], index: int) -> float:
        doc, length = self.docs[index], self.lengths[index]
        total = 0.0
        for term in set(query):
            tf = doc.get(term, 0)
            if not tf:
                continue
            norm = tf + self.k1 * (1 - self.b + self.b * length / (self.avg or 1))
            total += self.idf.get(term, 0.0) * tf * (self.k1 + 1) / norm
        return total


def rank_similar(thread: IssueThread, corpus: Iterable[Issue], *, top: int = 5,
                 signature: ErrorSignature | None = None) -> list[SimilarIssue]:
    """The cached issues most like ``thread`` (title + error signature), best first."""
    me = thread.issue
    if signature is None:
        found = reported_error(parse_thread(thread))
        signature = found.signature if found else None
    others = [i for i in corpus if i.number != me.number and i.repo == me.repo]
    if not others:
        return []
    index = BM25([tokens(document(i)) for i in others])
    query = tokens(f"{me.title} {signature_text(signature)}")
    scored = [(index.score(query, k), i) for k, i in enumerate(others)]
    scored = [(s, i) for s, i in scored if s > 0]
    scored.sort(key=lambda p: (-p[0], p[1].number))
    return [SimilarIssue(i.number, i.title, i.state, s, "bm25") for s, i in scored[:top]]


@dataclass(frozen=True, slots=True)
class ExplicitDuplicate:
    number: int
    author: str
    by_maintainer: bool
    where: str  # "body" or "comment N"


def explicit_duplicates(thread: IssueThread) -> list[ExplicitDuplicate]:
    """"Duplicate of #N" style references in the body and comments, oldest first."""
    posts = [("body", thread.issue.author, thread.issue.author_association, thread.issue.body or "")]
    posts += [(f"comment {k + 1}", c.author, c.author_association, c.body) for k, c in enumerate(thread.comments)]
    out: list[ExplicitDuplicate] = []
    for where, author, assoc, text in posts:
        for m in _EXPLICIT.finditer(text):
            number = int(m.group(1))
            if number != thread.issue.number:
                out.append(ExplicitDuplicate(number, author, assoc.upper() in _MAINTAINERS, where))
    return out


def search_query(repo: str, thread: IssueThread, signature: ErrorSignature | None) -> str | None:
    """A GitHub search for other issues with the same error message (None: nothing specific)."""
    sub = (signature.message_substring if signature else None) or ""
    sub = sub.replace('"', " ").strip()
    if len(sub) < 8:
        return None
    return f'repo:{repo} is:issue "{sub[:100]}"'
