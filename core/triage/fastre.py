"""Regex matching with a literal prefilter.

Python's ``re`` has no multi-literal scan: a big alternation is tried at every position.
Rule sets have hundreds of signals, so every pattern carries the literals one of which
must occur for it to match ("anchors", taken from its parse tree); it only runs when an
anchor occurs in the lower-cased text (a C-speed substring test). Patterns without an
anchor always run.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
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
    # A branch inside the sequence splits the literal runs around it (_runs does that).
    a = _anchor(items)
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


_NL = ord("\n")
_CROSSING_CATEGORIES = {
    _c.CATEGORY_SPACE, _c.CATEGORY_NOT_WORD, _c.CATEGORY_NOT_DIGIT, _c.CATEGORY_LINEBREAK,
    getattr(_c, "CATEGORY_UNI_SPACE", None), getattr(_c, "CATEGORY_UNI_NOT_WORD", None),
    getattr(_c, "CATEGORY_UNI_NOT_DIGIT", None), getattr(_c, "CATEGORY_UNI_LINEBREAK", None),
} - {None}


def _set_may_match_newline(items) -> bool:
    negate = any(op is _c.NEGATE for op, _ in items)
    newline_in = False
    for op, arg in items:
        if op is _c.NEGATE:
            continue
        if op is _c.LITERAL:
            newline_in = newline_in or arg == _NL
        elif op is _c.RANGE:
            newline_in = newline_in or arg[0] <= _NL <= arg[1]
        elif op is _c.CATEGORY:
            if arg in _CROSSING_CATEGORIES:
                newline_in = True
            elif negate:
                return True  # e.g. [^\S]: a negated category may well match "\n"
        else:
            return True  # unknown set item: be conservative
    return not newline_in if negate else newline_in


def _line_local(items, flags: int) -> bool:
    """True when no match (lookarounds included) can contain a newline or depend on the
    absolute string ends, so every match lies within one line."""
    for op, arg in items:
        if op is _c.LITERAL:
            if arg == _NL:
                return False
        elif op is _c.NOT_LITERAL:
            if arg != _NL:
                return False
        elif op is _c.ANY:
            if flags & re.DOTALL:
                return False
        elif op is _c.IN:
            if _set_may_match_newline(arg):
                return False
        elif op is _c.AT:
            if arg in (_c.AT_BEGINNING_STRING, _c.AT_END_STRING):
                return False
            if arg in (_c.AT_BEGINNING, _c.AT_END) and not flags & re.MULTILINE:
                return False
        elif op is _c.BRANCH:
            if not all(_line_local(list(seq), flags) for seq in arg[1]):
                return False
        elif op is _c.SUBPATTERN:
            add = arg[1] or 0
            if add & re.DOTALL or not _line_local(list(arg[-1]), flags | add):
                return False
        elif op in _REPEATS:
            if not _line_local(list(arg[2]), flags):
                return False
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            if not _line_local(list(arg[1]), flags):
                return False
        elif getattr(_c, "ATOMIC_GROUP", None) is not None and op is _c.ATOMIC_GROUP:
            if not _line_local(list(arg), flags):
                return False
        else:
            return False  # group references, conditionals, ...: be conservative
    return True


def line_local(source: str, flags: int = 0) -> bool:
    """Whether every match of the pattern lies within a single line (see :class:`Lines`)."""
    try:
        parsed = _p.parse(source, flags)
    except re.error:
        return False
    return _line_local(list(parsed), flags | parsed.state.flags)


_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)


def _leads(items) -> list[str] | None:
    """Literals one of which every match starts with (None: not known)."""
    i = 0
    while i < len(items) and items[i][0] in _ZERO_WIDTH:
        i += 1
    if i == len(items):
        return None
    op, arg = items[i]
    if op is _c.LITERAL:
        run = []
        while i < len(items) and items[i][0] is _c.LITERAL:
            run.append(chr(items[i][1]))
            i += 1
        return ["".join(run)]
    if op is _c.SUBPATTERN:
        return _leads(list(arg[-1]))
    if op is _c.BRANCH:
        out: list[str] = []
        for seq in arg[1]:
            sub = _leads(list(seq))
            if sub is None:
                return None
            out.extend(sub)
        return out
    return None


def leading_literals(source: str, flags: int = 0) -> tuple[str, ...] | None:
    """Lower-cased literals (2+ characters) one of which every match starts with."""
    try:
        found = _leads(list(_p.parse(source, flags)))
    except re.error:
        return None
    if not found or any(len(x) < 2 for x in found):
        return None
    return tuple(sorted({x.lower() for x in found}))


class Lines:
    """A text, its lower-cased copy and its line starts, shared by every pattern scanned
    over it (see :meth:`FastPattern.scan`)."""

    __slots__ = ("_starts", "aligned", "lowered", "text")

    def __init__(self, text: str, lowered: str | None = None):
        self.text = text
        self.lowered = text.lower() if lowered is None else lowered
        # str.lower() keeps offsets for all but a few characters; windows need them kept.
        self.aligned = len(self.lowered) == len(text)
        self._starts: list[int] | None = None

    def line_span(self, pos: int) -> tuple[int, int]:
        starts = self._starts
        if starts is None:
            text = self.text
            starts = [0]
            i = text.find("\n")
            while i != -1:
                starts.append(i + 1)
                i = text.find("\n", i + 1)
            self._starts = starts
        k = bisect_right(starts, pos) - 1
        end = starts[k + 1] - 1 if k + 1 < len(starts) else len(self.text)
        return starts[k], end


class FastPattern:
    """A compiled pattern with its anchors."""

    __slots__ = ("_one", "anchors", "leads", "line_local", "regex")

    def __init__(self, source: str, flags: int = 0, *, anchor_override: tuple[str, ...] | None = None):
        self.regex = re.compile(source, flags)
        self.anchors = anchor_override or anchors(source, flags)
        self._one = self.anchors[0] if self.anchors and len(self.anchors) == 1 else None
        self.line_local = line_local(source, flags)
        self.leads = leading_literals(source, flags)

    def scan(self, lines: Lines) -> Iterator[re.Match[str]]:
        """The matches ``regex.finditer(lines.text)`` gives, in order.

        A line-local pattern with anchors only runs over the lines that hold an anchor:
        no match can lie anywhere else, and (matches never crossing a line) each of those
        lines is scanned exactly as a scan of the whole text would scan it. Expensive
        patterns (case-insensitive ones get no literal-prefix search from ``re``) thus
        touch a few lines instead of the whole thread.
        """
        lowered = lines.lowered
        if self.leads is not None and lines.aligned:
            yield from self._scan_starts(lines)
            return
        if self.anchors is None or not self.line_local or not lines.aligned:
            if self.possible(lowered):
                yield from self.regex.finditer(lines.text)
            return
        spans: set[tuple[int, int]] = set()
        for a in self.anchors:
            i = lowered.find(a)
            while i != -1:
                span = lines.line_span(i)
                spans.add(span)
                i = lowered.find(a, span[1] + 1)
        if not spans:
            return
        finditer = self.regex.finditer
        text = lines.text
        for start, end in sorted(spans):
            yield from finditer(text, start, end)

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

    def _scan_starts(self, lines: Lines) -> Iterator[re.Match[str]]:
        # Every match starts with a lead: try the pattern only where one occurs, in order,
        # skipping starts inside the previous match, as a scan of the whole text would.
        lowered = lines.lowered
        starts: set[int] = set()
        for lead in self.leads:  # type: ignore[union-attr]
            i = lowered.find(lead)
            while i != -1:
                starts.add(i)
                i = lowered.find(lead, i + 1)
        if not starts:
            return
        match = self.regex.match
        text = lines.text
        cursor = 0
        for p in sorted(starts):
            if p < cursor:
                continue
            m = match(text, p)
            if m is not None:
                yield m
                cursor = m.end() if m.end() > p else p + 1
