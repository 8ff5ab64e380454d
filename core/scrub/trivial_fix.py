"""Trivial fixes (scrub seed, step 7): stale expected-failure markers for a fixed issue.

In the PyTorch checkout, tests that name the issue (``#N``, ``issues/N``) and carry an
``expectedFailure`` / ``xfailIfTorchDynamo`` / ``skipIfTorchDynamo`` /
``@pytest.mark.xfail(reason="Issue #N")`` marker for it are found. When the bug no longer
reproduces the marker is stale and removing it is proposed as a diff; the file is only
changed by :func:`apply_fix`, after the maintainer approved.
"""

from __future__ import annotations

import asyncio
import difflib
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

_MARKER = re.compile(
    r"^\s*@(?:unittest\.)?(?:expectedFailure\w*|xfailIf\w+|skipIfTorchDynamo|skipIf\w*Dynamo\w*|"
    r"pytest\.mark\.xfail)\b"
)
_COMMENT = re.compile(r"^\s*#")
MAX_FILE_BYTES = 4_000_000


def _issue_rx(number: int) -> re.Pattern[str]:
    return re.compile(rf"(?:#|issues/|[Ii]ssue\s+)({number})\b")


@dataclass(frozen=True, slots=True)
class TestMention:
    path: str  # relative to the checkout
    line: int  # 1-based
    text: str


@dataclass(frozen=True, slots=True)
class TrivialFix:
    path: str
    removed_lines: tuple[int, ...]
    diff: str
    old_digest: str
    new_text: str

    def to_json(self) -> dict:
        return {"path": self.path, "removed_lines": list(self.removed_lines), "diff": self.diff,
                "old_digest": self.old_digest, "new_text": self.new_text}

    @classmethod
    def from_json(cls, data: dict) -> "TrivialFix":
        return cls(data["path"], tuple(data["removed_lines"]), data["diff"], data["old_digest"], data["new_text"])


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


async def _git_grep(checkout: Path, number: int) -> list[str] | None:
    try:
        proc = await asyncio.create_subprocess_exec(
            "git", "-C", str(checkout), "grep", "-l", "-I", "-E", rf"(#|issues/|[Ii]ssue )({number})([^0-9]|$)",
            "--", "*.py", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
            stdin=asyncio.subprocess.DEVNULL)
    except OSError:
        return None
    out, _ = await proc.communicate()
    if proc.returncode not in (0, 1):
        return None
    return [line for line in out.decode(errors="replace").splitlines() if line]


def _walk(checkout: Path, number: int) -> list[str]:
    rx = _issue_rx(number)
    hits = []
    for root, dirs, files in os.walk(checkout):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ("build", "third_party", "node_modules")]
        for name in files:
            if name.endswith(".py"):
                path = Path(root) / name
                try:
                    if path.stat().st_size <= MAX_FILE_BYTES and rx.search(path.read_text(encoding="utf-8", errors="replace")):
                        hits.append(str(path.relative_to(checkout)))
                except OSError:
                    continue
    return hits


async def find_mentions(checkout: Path, number: int) -> list[str]:
    """Python files in the checkout that name issue ``number`` (git grep, else a walk)."""
    files = await _git_grep(checkout, number)
    if files is None:
        files = await asyncio.to_thread(_walk, checkout, number)
    return sorted(files)


def _stale_lines(lines: list[str], rx: re.Pattern[str]) -> list[int]:
    """0-based lines to remove: a marker naming the issue, or a comment naming it directly
    above a marker (both go)."""
    drop: set[int] = set()
    for i, line in enumerate(lines):
        if not rx.search(line):
            continue
        if _MARKER.match(line):
            drop.add(i)
        elif _COMMENT.match(line):
            j = i + 1
            while j < len(lines) and _COMMENT.match(lines[j]):
                j += 1
            if j < len(lines) and _MARKER.match(lines[j]):
                drop.update(range(i, j + 1))
    return sorted(drop)


async def find_trivial_fixes(checkout: Path, number: int) -> tuple[list[TestMention], list[TrivialFix]]:
    """Tests naming the issue, and the marker removals proposed for them."""
    rx = _issue_rx(number)
    mentions: list[TestMention] = []
    fixes: list[TrivialFix] = []
    for rel in await find_mentions(checkout, number):
        path = checkout / rel
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        lines = text.splitlines(keepends=True)
        for i, line in enumerate(lines):
            if rx.search(line):
                mentions.append(TestMention(rel, i + 1, line.strip()[:200]))
        drop = _stale_lines(lines, rx)
        if not drop:
            continue
        new_lines = [ln for i, ln in enumerate(lines) if i not in set(drop)]
        new_text = "".join(new_lines)
        diff = "".join(difflib.unified_diff(lines, new_lines, f"a/{rel}", f"b/{rel}"))
        fixes.append(TrivialFix(rel, tuple(i + 1 for i in drop), diff, _digest(text), new_text))
    return mentions, fixes


class StaleFix(Exception):
    """The file changed since the fix was proposed."""


def apply_fix(checkout: Path, fix: TrivialFix) -> None:
    """Write the approved change; refuses when the file changed in the meantime."""
    path = checkout / fix.path
    if not path.resolve().is_relative_to(checkout.resolve()):
        raise StaleFix(f"{fix.path} is outside the checkout")
    current = path.read_text(encoding="utf-8")
    if _digest(current) != fix.old_digest:
        raise StaleFix(f"{fix.path} changed since the fix was proposed; look again")
    path.write_text(fix.new_text, encoding="utf-8")
