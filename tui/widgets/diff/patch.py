"""Unified diffs as data: parse a patch (``git diff`` or plain ``diff -u``), diff two texts.

Pure Python (no Textual): the parser never raises on odd input — a patch pasted into an
issue is untrusted, so anything it does not understand is skipped, and hunks stop at the
line counts their ``@@`` header announced (a ``--- x`` line inside a hunk is a deletion,
not a new file).
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

LineKind = Literal[" ", "-", "+"]
FileStatus = Literal["modified", "added", "deleted", "renamed", "copied"]

# Counts are capped at 18 digits: int() of a 5,000-digit number raises in Python 3.11.
_HUNK_RE = re.compile(r"^@@ -(\d{1,18})(?:,(\d{1,18}))? \+(\d{1,18})(?:,(\d{1,18}))? @@(.*)$")
_GIT_HEADER_RE = re.compile(r"^diff --git (.*)$")
_SIMILARITY_RE = re.compile(r"^(?:similarity|dissimilarity) index (\d{1,3})%$")
_NO_NEWLINE = "\\ No newline at end of file"


@dataclass(frozen=True, slots=True)
class HunkLine:
    """One line of a hunk: ``kind`` is ``" "`` (context), ``"-"`` or ``"+"``; ``text`` has no newline."""

    kind: LineKind
    text: str
    no_newline: bool = False  # a "\ No newline at end of file" marker followed this line


@dataclass(frozen=True, slots=True)
class Hunk:
    old_start: int
    old_count: int
    new_start: int
    new_count: int
    section: str = ""  # the text after the closing "@@" (often the enclosing function)
    lines: tuple[HunkLine, ...] = ()

    @property
    def header(self) -> str:
        return f"@@ -{_range(self.old_start, self.old_count)} +{_range(self.new_start, self.new_count)} @@{self.section}"

    @property
    def additions(self) -> int:
        return sum(1 for line in self.lines if line.kind == "+")

    @property
    def deletions(self) -> int:
        return sum(1 for line in self.lines if line.kind == "-")


@dataclass(frozen=True, slots=True)
class FileDiff:
    """The changes to one file. A path is ``None`` on the side where the file does not exist."""

    old_path: str | None
    new_path: str | None
    status: FileStatus = "modified"
    hunks: tuple[Hunk, ...] = ()
    binary: bool = False
    similarity: int | None = None
    old_mode: str | None = None
    new_mode: str | None = None

    @property
    def path(self) -> str:
        """The name to show: the new path, else the old one."""
        return self.new_path or self.old_path or "(unnamed)"

    @property
    def additions(self) -> int:
        return sum(h.additions for h in self.hunks)

    @property
    def deletions(self) -> int:
        return sum(h.deletions for h in self.hunks)


@dataclass(frozen=True, slots=True)
class Patch:
    files: tuple[FileDiff, ...] = ()

    @property
    def additions(self) -> int:
        return sum(f.additions for f in self.files)

    @property
    def deletions(self) -> int:
        return sum(f.deletions for f in self.files)

    @property
    def hunk_count(self) -> int:
        return sum(len(f.hunks) for f in self.files)

    @property
    def is_empty(self) -> bool:
        """No file changed (a pure rename or mode change counts as a change)."""
        return not self.files


def _range(start: int, count: int) -> str:
    return str(start) if count == 1 else f"{start},{count}"


def split_lines(text: str) -> list[str]:
    """Lines with their ``\\n`` kept; only ``\\n`` separates lines (as in a patch)."""
    if not text:
        return []
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


# Parsing --------------------------------------------------------------------------------


def _unquote(path: str) -> str:
    """Git C-quotes paths with odd characters (``"a/tab\\there"``); undo that."""
    if len(path) >= 2 and path[0] == '"' and path[-1] == '"':
        body = path[1:-1]
        try:
            raw = body.encode("latin-1", "backslashreplace").decode("unicode_escape")
            return raw.encode("latin-1", "replace").decode("utf-8", "replace")
        except (UnicodeError, ValueError):
            return body
    return path


def _strip_prefix(path: str) -> str:
    if path.startswith(("a/", "b/")):
        return path[2:]
    return path


def _header_path(rest: str) -> str | None:
    """The path of a ``---``/``+++`` line (``None`` for ``/dev/null``), timestamp dropped."""
    rest = rest.split("\t", 1)[0].rstrip("\r")
    if rest.startswith('"'):
        rest = _unquote(rest)
    if rest == "/dev/null" or not rest:
        return None
    return _strip_prefix(rest)


def _git_paths(rest: str) -> tuple[str | None, str | None]:
    """Best guess at the two paths of ``diff --git a/x b/y`` (spaces make it ambiguous)."""
    rest = rest.rstrip("\r")
    if rest.startswith('"'):
        end = rest.find('"', 1)
        while end > 0 and rest[end - 1] == "\\":
            end = rest.find('"', end + 1)
        if end > 0:
            return _strip_prefix(_unquote(rest[: end + 1])), _strip_prefix(_unquote(rest[end + 1 :].strip()))
    # Unrenamed files have equal halves: "a/<p> b/<p>".
    if rest.startswith("a/") and len(rest) % 2 == 1:
        half = (len(rest) - 1) // 2
        left, right = rest[:half], rest[half + 1 :]
        if left[2:] == right[2:] and right.startswith("b/"):
            return left[2:], right[2:]
    index = rest.find(" b/")
    if index >= 0:
        return _strip_prefix(rest[:index]), _strip_prefix(rest[index + 1 :])
    return None, None


@dataclass(slots=True)
class _FileBuilder:
    old_path: str | None = None
    new_path: str | None = None
    git: bool = False
    status: str = "modified"
    binary: bool = False
    similarity: int | None = None
    old_mode: str | None = None
    new_mode: str | None = None
    saw_headers: bool = False  # "---"/"+++" seen (then /dev/null decides added/deleted)
    old_null: bool = False
    new_null: bool = False
    hunks: list[Hunk] = field(default_factory=list)

    def build(self) -> FileDiff:
        status = self.status
        old_path, new_path = self.old_path, self.new_path
        if self.saw_headers and self.old_null and not self.new_null:
            status = "added"
        elif self.saw_headers and self.new_null and not self.old_null:
            status = "deleted"
        if status == "added":
            old_path = None
        elif status == "deleted":
            new_path = None
        return FileDiff(
            old_path=old_path,
            new_path=new_path,
            status=status,  # type: ignore[arg-type]
            hunks=tuple(self.hunks),
            binary=self.binary,
            similarity=self.similarity,
            old_mode=self.old_mode,
            new_mode=self.new_mode,
        )

    @property
    def has_content(self) -> bool:
        return bool(
            self.hunks or self.git or self.binary or self.saw_headers or self.status != "modified"
        )


def _parse_hunk(lines: list[str], start: int, match: re.Match[str]) -> tuple[Hunk, int]:
    """Read the hunk whose header is ``lines[start]``; returns it and the next line index."""
    old_start = int(match.group(1))
    old_count = int(match.group(2)) if match.group(2) is not None else 1
    new_start = int(match.group(3))
    new_count = int(match.group(4)) if match.group(4) is not None else 1
    old_left, new_left = old_count, new_count
    body: list[HunkLine] = []
    i = start + 1
    n = len(lines)
    while i < n:
        line = lines[i]
        if line.startswith("\\"):
            # The marker belongs to the line just before it (either side).
            if body:
                body[-1] = HunkLine(body[-1].kind, body[-1].text, True)
            i += 1
            continue
        if old_left <= 0 and new_left <= 0:
            break
        head = line[:1]
        if head == " " or line == "" or line == "\r":
            if old_left <= 0 or new_left <= 0:
                break
            body.append(HunkLine(" ", line[1:]))
            old_left -= 1
            new_left -= 1
        elif head == "-":
            if old_left <= 0:
                break
            body.append(HunkLine("-", line[1:]))
            old_left -= 1
        elif head == "+":
            if new_left <= 0:
                break
            body.append(HunkLine("+", line[1:]))
            new_left -= 1
        else:
            break  # a truncated hunk: keep what was read
        i += 1
    hunk = Hunk(old_start, old_count, new_start, new_count, match.group(5).rstrip("\r"), tuple(body))
    return hunk, i


def parse_patch(text: str) -> Patch:
    """Parse a unified diff, one file or many (``git diff`` output included). Never raises."""
    if not text:
        return Patch()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    files: list[FileDiff] = []
    current: _FileBuilder | None = None

    def close() -> None:
        nonlocal current
        if current is not None and current.has_content:
            files.append(current.build())
        current = None

    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        git = _GIT_HEADER_RE.match(line)
        if git:
            close()
            old, new = _git_paths(git.group(1))
            current = _FileBuilder(old_path=old, new_path=new, git=True)
            i += 1
            continue
        if line.startswith("--- ") and i + 1 < n and lines[i + 1].startswith("+++ "):
            # A plain "diff -u" file starts here; in a git section it names the paths.
            if current is None or current.saw_headers or current.hunks:
                close()
                current = _FileBuilder()
            old = _header_path(line[4:])
            new = _header_path(lines[i + 1][4:])
            current.saw_headers = True
            current.old_null, current.new_null = old is None, new is None
            if old is not None:
                current.old_path = old
            if new is not None:
                current.new_path = new
            i += 2
            continue
        hunk_match = _HUNK_RE.match(line)
        if hunk_match:
            if current is None:
                current = _FileBuilder()
            hunk, i = _parse_hunk(lines, i, hunk_match)
            current.hunks.append(hunk)
            continue
        if current is not None and current.git and not current.hunks:
            _git_extended(current, line.rstrip("\r"))
        i += 1
    close()
    return Patch(tuple(files))


def _git_extended(current: _FileBuilder, line: str) -> None:
    """Git's extended header lines between ``diff --git`` and the first hunk."""
    if line.startswith("new file mode "):
        current.status = "added"
        current.new_mode = line[14:]
    elif line.startswith("deleted file mode "):
        current.status = "deleted"
        current.old_mode = line[18:]
    elif line.startswith("old mode "):
        current.old_mode = line[9:]
    elif line.startswith("new mode "):
        current.new_mode = line[9:]
    elif line.startswith("rename from "):
        current.status = "renamed"
        current.old_path = _unquote(line[12:])
    elif line.startswith("rename to "):
        current.status = "renamed"
        current.new_path = _unquote(line[10:])
    elif line.startswith("copy from "):
        current.status = "copied"
        current.old_path = _unquote(line[10:])
    elif line.startswith("copy to "):
        current.status = "copied"
        current.new_path = _unquote(line[8:])
    elif line.startswith("Binary files ") or line == "GIT binary patch":
        current.binary = True
    else:
        similarity = _SIMILARITY_RE.match(line)
        if similarity:
            current.similarity = int(similarity.group(1))


# Diffing two texts ----------------------------------------------------------------------


# Inputs up to this many lines (both sides) go to SequenceMatcher whole, exactly as
# difflib.unified_diff would; bigger ones are first cut at lines unique to both sides
# (SequenceMatcher alone took 22 s on two 20,000-line files with 1,000 edits).
_DIRECT_LIMIT = 4_000
_SLOW_PRODUCT = 25_000_000  # a region with no anchor larger than this is shown as replaced

Opcode = tuple[str, int, int, int, int]


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of ``pairs`` (sorted by i) whose j also increases (patience sorting)."""
    tails: list[int] = []  # tails[k]: smallest j ending an increasing run of length k + 1
    tail_index: list[int] = []
    back: list[int] = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        k = bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[k] = j
            tail_index[k] = index
        back[index] = tail_index[k - 1] if k else -1
    out: list[tuple[int, int]] = []
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        out.append(pairs[index])
        index = back[index]
    out.reverse()
    return out


def _matching_blocks(a: list[str], b: list[str]) -> list[tuple[int, int, int]]:
    """(i, j, size) runs of equal lines in ascending order, ending with (len(a), len(b), 0)."""
    if len(a) + len(b) <= _DIRECT_LIMIT:
        return [tuple(m) for m in difflib.SequenceMatcher(None, a, b).get_matching_blocks()]  # type: ignore[misc]
    blocks: list[tuple[int, int, int]] = []
    stack = [(0, len(a), 0, len(b))]
    while stack:
        alo, ahi, blo, bhi = stack.pop()
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            blocks.append((alo, blo, 1))
            alo += 1
            blo += 1
        while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
            ahi -= 1
            bhi -= 1
            blocks.append((ahi, bhi, 1))
        if alo >= ahi or blo >= bhi:
            continue
        if (ahi - alo) + (bhi - blo) <= _DIRECT_LIMIT:
            matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi])
            blocks.extend((alo + i, blo + j, n) for i, j, n in matcher.get_matching_blocks() if n)
            continue
        count_a: dict[str, int] = {}
        for line in a[alo:ahi]:
            count_a[line] = count_a.get(line, 0) + 1
        seen_b: dict[str, int] = {}
        for j in range(blo, bhi):
            line = b[j]
            if count_a.get(line) == 1:
                seen_b[line] = -1 if line in seen_b else j
        pairs = [(i, seen_b[a[i]]) for i in range(alo, ahi) if seen_b.get(a[i], -1) >= 0 and count_a[a[i]] == 1]
        anchors = _longest_increasing(pairs)
        if not anchors:
            if (ahi - alo) * (bhi - blo) <= _SLOW_PRODUCT:
                matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi])
                blocks.extend((alo + i, blo + j, n) for i, j, n in matcher.get_matching_blocks() if n)
            continue
        prev_i, prev_j = alo, blo
        for i, j in anchors:
            if prev_i < i or prev_j < j:
                stack.append((prev_i, i, prev_j, j))
            blocks.append((i, j, 1))
            prev_i, prev_j = i + 1, j + 1
        if prev_i < ahi or prev_j < bhi:
            stack.append((prev_i, ahi, prev_j, bhi))
    blocks.sort()
    merged: list[tuple[int, int, int]] = []
    for i, j, n in blocks:
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            pi, pj, pn = merged[-1]
            merged[-1] = (pi, pj, pn + n)
        else:
            merged.append((i, j, n))
    merged.append((len(a), len(b), 0))
    return merged


def _opcodes(blocks: list[tuple[int, int, int]]) -> list[Opcode]:
    ops: list[Opcode] = []
    i = j = 0
    for ai, bj, size in blocks:
        if i < ai and j < bj:
            ops.append(("replace", i, ai, j, bj))
        elif i < ai:
            ops.append(("delete", i, ai, j, bj))
        elif j < bj:
            ops.append(("insert", i, ai, j, bj))
        i, j = ai + size, bj + size
        if size:
            ops.append(("equal", ai, i, bj, j))
    return ops


def _grouped(ops: list[Opcode], context: int) -> list[list[Opcode]]:
    """Opcodes cut into hunks with ``context`` equal lines around each change."""
    if not ops or all(op[0] == "equal" for op in ops):
        return []
    ops = list(ops)
    tag, i1, i2, j1, j2 = ops[0]
    if tag == "equal":
        ops[0] = (tag, max(i1, i2 - context), i2, max(j1, j2 - context), j2)
    tag, i1, i2, j1, j2 = ops[-1]
    if tag == "equal":
        ops[-1] = (tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context))
    groups: list[list[Opcode]] = []
    group: list[Opcode] = []
    for tag, i1, i2, j1, j2 in ops:
        # A long equal run ends one hunk (its first lines) and starts the next (its last).
        if tag == "equal" and i2 - i1 > 2 * context:
            group.append((tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)))
            groups.append(group)
            group = []
            i1, j1 = max(i1, i2 - context), max(j1, j2 - context)
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        groups.append(group)
    return groups


def hunks_between(old: str, new: str, *, context: int = 3) -> tuple[Hunk, ...]:
    """The hunks between two texts (for inputs up to a few thousand lines, exactly the ones
    ``difflib.unified_diff`` prints), with no-newline markers."""
    a, b = split_lines(old), split_lines(new)
    hunks: list[Hunk] = []
    for group in _grouped(_opcodes(_matching_blocks(a, b)), context):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        body: list[HunkLine] = []
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                body.extend(_hunk_line(" ", s) for s in a[a1:a2])
                continue
            body.extend(_hunk_line("-", s) for s in a[a1:a2])
            body.extend(_hunk_line("+", s) for s in b[b1:b2])
        old_count, new_count = i2 - i1, j2 - j1
        # Unified diff convention: an empty range starts one line before.
        old_start = i1 + 1 if old_count else i1
        new_start = j1 + 1 if new_count else j1
        hunks.append(Hunk(old_start, old_count, new_start, new_count, "", tuple(body)))
    return tuple(hunks)


def _hunk_line(kind: LineKind, raw: str) -> HunkLine:
    if raw.endswith("\n"):
        return HunkLine(kind, raw[:-1])
    return HunkLine(kind, raw, True)


def diff_texts(old: str, new: str, *, old_name: str = "a", new_name: str = "b", context: int = 3) -> Patch:
    """A one-file patch between two texts; empty when they are equal."""
    if old == new:
        return Patch()
    status: FileStatus = "modified"
    if not old and new:
        status = "added"
    elif old and not new:
        status = "deleted"
    # Two texts routinely carry different names ("before"/"after"): that is not a rename.
    return Patch(
        (
            FileDiff(
                old_path=None if status == "added" else old_name,
                new_path=None if status == "deleted" else new_name,
                status=status,
                hunks=hunks_between(old, new, context=context),
            ),
        )
    )


def format_patch(patch: Patch | Iterable[FileDiff]) -> str:
    """Unified diff text for a patch (``---``/``+++`` headers, hunks, no-newline markers)."""
    files = patch.files if isinstance(patch, Patch) else tuple(patch)
    out: list[str] = []
    for file in files:
        old = f"a/{file.old_path}" if file.old_path is not None else "/dev/null"
        new = f"b/{file.new_path}" if file.new_path is not None else "/dev/null"
        out.append(f"--- {old}\n+++ {new}\n")
        for hunk in file.hunks:
            out.append(hunk.header + "\n")
            for line in hunk.lines:
                out.append(f"{line.kind}{line.text}\n")
                if line.no_newline:
                    out.append(_NO_NEWLINE + "\n")
    return "".join(out)
