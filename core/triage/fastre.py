"""Regex matching with a literal prefilter.

Python's ``re`` has no multi-literal scan: a big alternation is tried at every position.
Rule sets have hundreds of signals, so every pattern carries the literals one of which
must occur for it to match ("anchors", taken from its parse tree); it only runs when an
anchor occurs in the lower-cased text (a C-speed substring test). Patterns without an
anchor always run.
"""

from __future__ import annotations

import re
from typing import Iterator

from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser as _p  # type: ignore[attr-defined]

_REPEATS = tuple(x for x in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)) if x is not None)


def _runs(items) -> list[str]:
    """Required literal runs of a parsed sequence (plain groups are descended into)."""
    runs: list[str] = []
    cur: list[str] = []
    for op, arg in items:
        if op is _c.LITERAL:
            cur.append(chr(arg))
            continue
        if op is _c.SUBPATTERN:
            sub = list(arg[-1])
            if sub and all(o is _c.LITERAL for o, _ in sub):
                cur.extend(chr(a) for _, a in sub)
                continue
            runs.append("".join(cur))
            cur = []
            if not any(o is _c.BRANCH for o, _ in sub):
                runs.extend(_runs(sub))
            continue
        runs.append("".join(cur))
        cur = []
        if op in _REPEATS and arg[0] >= 1:
            runs.extend(_runs(list(arg[2])))
    runs.append("".join(cur))
    return [r for r in runs if r]


def _anchor(items) -> str | None:
    runs = [r.lower() for r in _runs(list(items)) if len(r.strip()) >= 2]
    return max(runs, key=len) if runs else None


def anchors(source: str, flags: int = 0) -> tuple[str, ...] | None:
    """Literals one of which every match contains (None: no such literal found)."""
    items = list(_p.parse(source, flags))
    # Unwrap a single group (e.g. a scoped-flag "(?i:...)") around the whole pattern.
    while len(items) == 1 and items[0][0] is _c.SUBPATTERN:
        items = list(items[0][1][-1])
    a = _anchor([it for it in items if it[0] is not _c.BRANCH])
    if a:
        return (a,)
    for op, arg in items:
        if op is _c.BRANCH:
            out = []
            for seq in arg[1]:
                b = _anchor(list(seq))
                if b is None:
                    return None
                out.append(b)
            return tuple(out)
    return None


class FastPattern:
    """A compiled pattern with its anchors."""

    __slots__ = ("regex", "anchors", "_one")

    def __init__(self, source: str, flags: int = 0, *, anchor_override: tuple[str, ...] | None = None):
        self.regex = re.compile(source, flags)
        self.anchors = anchor_override or anchors(source, flags)
        self._one = self.anchors[0] if self.anchors and len(self.anchors) == 1 else None

    def possible(self, lowered: str) -> bool:
        if self._one is not None:
            return self._one in lowered
        if self.anchors is None:
            return True
        for a in self.anchors:
            if a in lowered:
                return True
        return False

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.regex.finditer(text)
