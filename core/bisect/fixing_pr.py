"""Find the PR that fixed (or broke) a bug between two releases, in a local PyTorch checkout.

Candidates are commits between the release tags that bracket the flip which touch files
named in the traceback frames, or add/remove text of the error message (``git log -S``).
They are ranked by that evidence; ``(#NNNNN)`` in the subject gives the PR number. The
same search over the same tag range finds the culprit of a regression (``direction=
"regression"``): only the "subject says fix" credit is left out there, since a fix in
the range is no evidence of the commit that broke it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import git

_PR_RE = re.compile(r"\(#(\d+)\)")
_FRAME_RE = re.compile(r'File "([^"]+)", line \d+')
_WORD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{3,}")
_STOP = {
    "error", "expected", "found", "with", "that", "this", "from", "have", "were", "when", "must", "should",
    "tensor", "tensors", "input", "got", "not", "the", "and", "for", "but", "type", "value", "object",
}
SEP = "\x1f"


@dataclass(frozen=True, slots=True)
class FixCandidate:
    sha: str
    subject: str
    author: str
    date: str
    pr: int | None
    score: float
    evidence: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class FixSearch:
    base: str  # the "before" tag
    head: str  # the "after" tag
    candidates: tuple[FixCandidate, ...]
    files: tuple[str, ...]
    terms: tuple[str, ...]
    note: str = ""


def repo_paths_from_traceback(text: str) -> list[str]:
    """Frame paths made relative to the PyTorch tree (``.../site-packages/torch/x.py`` →
    ``torch/x.py``), deepest frame first, without duplicates."""
    found: list[str] = []
    for path in reversed(_FRAME_RE.findall(text)):
        norm = path.replace("\\", "/")
        marker = norm.rfind("/torch/")
        if marker < 0:
            if not norm.startswith("torch/"):
                continue
            rel = norm
        else:
            rel = norm[marker + 1 :]
        if rel not in found:
            found.append(rel)
    return found


def pickaxe_terms(message: str | None, *, max_terms: int = 3) -> list[str]:
    """Literal fragments of the error message worth searching with ``git log -S``."""
    if not message:
        return []
    message = message.strip().strip("'\"")
    terms = [message] if 8 <= len(message) <= 120 else []
    words = message.split()
    if len(words) > 4:
        terms.append(" ".join(words[:4]))
    if len(words) > 6:
        terms.append(" ".join(words[-4:]))
    out: list[str] = []
    for term in terms:
        if term not in out:
            out.append(term)
    return out[:max_terms]


def release_tag(repo: git.Repo, version: str, patterns: Iterable[str] = ("v{v}", "v{v}.0")) -> str | None:
    """The git tag of a release version ("2.6" → "v2.6.0" when that exists)."""
    tags = {t.name for t in repo.tags}
    base = version.split("+", 1)[0]
    for pattern in patterns:
        name = pattern.format(v=base)
        if name in tags:
            return name
    return None


def _log(repo: git.Repo, rev_range: str, *args: str) -> list[tuple[str, str, str, str]]:
    raw = repo.git.log(rev_range, f"--format=%H{SEP}%s{SEP}%an{SEP}%aI", *args)
    rows = []
    for line in raw.splitlines():
        parts = line.split(SEP)
        if len(parts) == 4:
            rows.append((parts[0], parts[1], parts[2], parts[3]))
    return rows


def find_fixing_commits(
    checkout: Path,
    before_version: str,
    after_version: str,
    *,
    traceback: str = "",
    message: str | None = None,
    limit: int = 5,
    tag_patterns: Iterable[str] = ("v{v}", "v{v}.0"),
    direction: str = "fix",
) -> FixSearch:
    """Rank the commits between the two releases that most likely flipped the verdict
    (``before_version`` is the last release on the old side: still failing for a fix,
    still working for a regression)."""
    repo = git.Repo(checkout)
    try:
        base = release_tag(repo, before_version, tag_patterns)
        head = release_tag(repo, after_version, tag_patterns)
        if not base or not head:
            missing = before_version if not base else after_version
            return FixSearch(base or "", head or "", (), (), (), note=f"no release tag for {missing} in {checkout}")
        rev_range = f"{base}..{head}"
        tree_files = [p for p in repo_paths_from_traceback(traceback) if (checkout / p).exists()]
        terms = pickaxe_terms(message)
        words = {w.lower() for w in _WORD_RE.findall(message or "") if w.lower() not in _STOP}

        scores: dict[str, float] = {}
        info: dict[str, tuple[str, str, str, str]] = {}
        evidence: dict[str, list[str]] = {}

        def credit(row, points: float, why: str) -> None:
            sha = row[0]
            info[sha] = row
            scores[sha] = scores.get(sha, 0.0) + points
            evidence.setdefault(sha, []).append(why)

        for depth, path in enumerate(tree_files[:8]):
            for row in _log(repo, rev_range, "--", path):
                # Deeper frames (closer to the raise) are stronger evidence.
                credit(row, 2.0 / (1 + 0.5 * depth), f"touches {path} (traceback frame)")
        for term in terms:
            for row in _log(repo, rev_range, "-S", term):
                credit(row, 3.0, f"adds/removes {term!r}")
        for sha, row in list(info.items()):
            subject_words = {w.lower() for w in _WORD_RE.findall(row[1])}
            overlap = words & subject_words
            if overlap:
                credit(row, 0.5 * len(overlap), "subject mentions " + ", ".join(sorted(overlap)))
            if direction == "fix" and re.search(r"\bfix", row[1], re.IGNORECASE):
                credit(row, 0.5, "subject says fix")
        ranked = sorted(scores, key=lambda sha: (-scores[sha], info[sha][3]))
        candidates = []
        for sha in ranked[:limit]:
            sha_, subject, author, date = info[sha]
            pr = _PR_RE.search(subject)
            candidates.append(
                FixCandidate(sha_, subject, author, date, int(pr.group(1)) if pr else None, round(scores[sha], 2), tuple(evidence[sha]))
            )
        note = "" if candidates else "no commit between the releases touches the traceback files or the error text"
        return FixSearch(base, head, tuple(candidates), tuple(tree_files), tuple(terms), note)
    finally:
        repo.close()
