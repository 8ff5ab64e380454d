"""The rows a diff view draws, for the unified and the side-by-side layout.

A row is a few integers pointing into the patch (which file, which hunk, which lines).
Nothing is built per line up front: a layout is a list of blocks (file header, hunk
header, hunk body) found by bisection, per-hunk facts come from C-speed passes
(``accumulate``, a regex over the hunk's line kinds), and a row object exists only while
it is drawn — so a 20,000-line diff opens in milliseconds.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import accumulate, zip_longest
from typing import Literal, NamedTuple

from rich.cells import cell_len

from .highlight import MAX_LINE_CHARS
from .patch import FileDiff, Hunk, Patch

Mode = Literal["unified", "split"]

FILE, HUNK, LINE, PAIR, NOTE, BLANK = range(6)

# Runs of context, removed lines (with the added lines right after them), or added lines.
_RUN_RE = re.compile(r" +|-+\+*|\++")
NO_NEWLINE_NOTE = "\\ No newline at end of file"


class Row(NamedTuple):
    kind: int
    file: int
    hunk: int = -1  # index into DiffModel.hunks; -1 on file and blank rows
    a: int = -1  # LINE: the hunk line; PAIR: the old-side line (-1: none)
    b: int = -1  # PAIR: the new-side line (-1: none)
    note: str = ""


class HunkInfo:
    """Per-line facts of one hunk: line numbers, place on each side, the paired line."""

    __slots__ = ("_new_cum", "_old_cum", "_pairs", "file", "hunk", "kinds", "new_lines", "no_newline", "old_lines", "partner")

    def __init__(self, file: int, hunk: Hunk) -> None:
        self.file = file
        self.hunk = hunk
        lines = hunk.lines
        self.kinds = "".join([line.kind for line in lines])
        # Running counts of old-side / new-side lines: line i is number start + cum[i] - 1.
        self._old_cum = list(accumulate([k != "+" for k in self.kinds]))
        self._new_cum = list(accumulate([k != "-" for k in self.kinds]))
        self.old_lines = [line.text for line in lines if line.kind != "+"]
        self.new_lines = [line.text for line in lines if line.kind != "-"]
        self.no_newline = [i for i, line in enumerate(lines) if line.no_newline]
        self.partner: dict[int, int] = {}
        for match in _RUN_RE.finditer(self.kinds):
            text = match.group()
            if text[0] == "-" and text[-1] == "+":
                start, end = match.span()
                removed = text.count("-")
                for k in range(min(removed, end - start - removed)):
                    self.partner[start + k] = start + removed + k
                    self.partner[start + removed + k] = start + k
        self._pairs: list[tuple[int, int]] | None = None

    def old_no(self, i: int) -> int:
        return self.hunk.old_start + self._old_cum[i] - 1

    def new_no(self, i: int) -> int:
        return self.hunk.new_start + self._new_cum[i] - 1

    def old_pos(self, i: int) -> int:
        """Index of line ``i`` among the old side's lines (context and removed)."""
        return self._old_cum[i] - 1

    def new_pos(self, i: int) -> int:
        return self._new_cum[i] - 1

    def pairs(self) -> list[tuple[int, int]]:
        """Side-by-side rows: (old line, new line), -1 where a side has none."""
        if self._pairs is None:
            pairs: list[tuple[int, int]] = []
            for match in _RUN_RE.finditer(self.kinds):
                start, end = match.span()
                text = match.group()
                if text[0] == " ":
                    pairs.extend(zip(range(start, end), range(start, end)))
                else:
                    removed = text.count("-")
                    pairs.extend(zip_longest(range(start, start + removed), range(start + removed, end), fillvalue=-1))
            self._pairs = pairs
        return self._pairs

    def split_count(self) -> int:
        """How many side-by-side rows the hunk takes (without building them)."""
        if self._pairs is not None:
            return len(self._pairs)
        total = 0
        for match in _RUN_RE.finditer(self.kinds):
            text = match.group()
            if text[0] == " ":
                total += len(text)
            else:
                removed = text.count("-")
                total += max(removed, len(text) - removed)
        return total

    def unified_row(self, offset: int) -> tuple[int, bool]:
        """(line index, is the no-newline note after it) for body row ``offset``."""
        marks = self.no_newline
        if not marks:
            return offset, False
        # The k-th note sits on row marks[k] + k + 1.
        lo, hi = 0, len(marks)
        while lo < hi:
            mid = (lo + hi) // 2
            if marks[mid] + mid + 1 < offset:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(marks) and marks[lo] + lo + 1 == offset:
            return marks[lo], True
        return offset - lo, False


def file_note(file: FileDiff) -> str:
    """What to say for a file without hunks (binary, pure rename, mode change)."""
    if file.binary:
        return "Binary file differs"
    parts = []
    if file.status == "renamed":
        similarity = f" (similarity {file.similarity}%)" if file.similarity is not None else ""
        parts.append(f"Renamed without content changes{similarity}")
    elif file.status == "copied":
        parts.append("Copied without content changes")
    elif file.status == "added":
        parts.append("New empty file")
    elif file.status == "deleted":
        parts.append("Deleted empty file")
    if file.old_mode and file.new_mode and file.old_mode != file.new_mode:
        parts.append(f"mode {file.old_mode} → {file.new_mode}")
    return "; ".join(parts) or "No content changes"


_BODY = -1  # a layout block standing for a hunk's body rows


class Layout:
    """The rows of one layout: blocks found by bisection, body rows made on demand."""

    def __init__(self, model: DiffModel, mode: Mode) -> None:
        self.model = model
        self.mode = mode
        self.starts: list[int] = []
        self.blocks: list[tuple[int, int, int, str]] = []  # (kind or _BODY, file, hunk, note)
        self.file_rows: list[int] = []
        self.hunk_rows: list[int] = []
        row = 0

        def add(kind: int, file: int, hunk: int = -1, note: str = "", count: int = 1) -> None:
            nonlocal row
            self.starts.append(row)
            self.blocks.append((kind, file, hunk, note))
            row += count

        for f, file in enumerate(model.patch.files):
            if f:
                add(BLANK, f)
            self.file_rows.append(row)
            add(FILE, f)
            if not file.hunks:
                add(NOTE, f, note=file_note(file))
                continue
            for h in model.file_hunks[f]:
                self.hunk_rows.append(row)
                add(HUNK, f, h)
                info = model.info(h)
                count = len(info.kinds) + len(info.no_newline) if mode == "unified" else info.split_count()
                if count:
                    add(_BODY, f, h, count=count)
        self.total = row

    def __len__(self) -> int:
        return self.total

    def __bool__(self) -> bool:
        return self.total > 0

    def __getitem__(self, index: int) -> Row:
        if not 0 <= index < self.total:
            raise IndexError(index)
        block = bisect_right(self.starts, index) - 1
        kind, file, hunk, note = self.blocks[block]
        if kind != _BODY:
            return Row(kind, file, hunk, note=note)
        offset = index - self.starts[block]
        info = self.model.info(hunk)
        if self.mode == "unified":
            line, is_note = info.unified_row(offset)
            if is_note:
                return Row(NOTE, file, hunk, line, note=NO_NEWLINE_NOTE)
            return Row(LINE, file, hunk, line)
        a, b = info.pairs()[offset]
        return Row(PAIR, file, hunk, a, b)

    def body_start(self, hunk: int) -> int:
        """The first body row of ``hunk`` (its header row + 1)."""
        return self.hunk_rows[hunk] + 1

    def row_of_line(self, hunk: int, line: int) -> int:
        """The row showing hunk line ``line`` (side by side: the row holding it on either side)."""
        start = self.body_start(hunk)
        info = self.model.info(hunk)
        if self.mode == "unified":
            return start + line + bisect_left(info.no_newline, line)
        for offset, (a, b) in enumerate(info.pairs()):
            if max(a, b) >= line:
                return start + offset
        return start


class DiffModel:
    """A patch plus lazily built per-hunk facts and layouts."""

    def __init__(self, patch: Patch) -> None:
        self.patch = patch
        self.hunks: list[Hunk] = []
        self.hunk_file: list[int] = []
        self.file_hunks: list[range] = []  # file index -> its hunk indexes
        for f, file in enumerate(patch.files):
            first = len(self.hunks)
            self.hunks.extend(file.hunks)
            self.hunk_file.extend([f] * len(file.hunks))
            self.file_hunks.append(range(first, len(self.hunks)))
        self._layouts: dict[str, Layout] = {}
        self._infos: dict[int, HunkInfo] = {}
        self._max_text: int | None = None
        self._file_stats: list[tuple[int, int]] | None = None

    @property
    def is_empty(self) -> bool:
        return self.patch.is_empty

    def layout(self, mode: Mode) -> Layout:
        layout = self._layouts.get(mode)
        if layout is None:
            layout = Layout(self, mode)
            self._layouts[mode] = layout
        return layout

    def info(self, h: int) -> HunkInfo:
        info = self._infos.get(h)
        if info is None:
            info = HunkInfo(self.hunk_file[h], self.hunks[h])
            self._infos[h] = info
        return info

    def file_stats(self, f: int) -> tuple[int, int]:
        """(added, removed) lines of file ``f``."""
        if self._file_stats is None:
            stats = []
            for hunks in self.file_hunks:
                kinds = "".join(self.info(h).kinds for h in hunks)
                stats.append((kinds.count("+"), kinds.count("-")))
            self._file_stats = stats
        return self._file_stats[f]

    @property
    def stats(self) -> tuple[int, int]:
        """(added, removed) lines of the whole patch."""
        added = removed = 0
        for f in range(len(self.patch.files)):
            a, r = self.file_stats(f)
            added += a
            removed += r
        return added, removed

    def max_line_number(self) -> int:
        best = 0
        for hunk in self.hunks:
            best = max(best, hunk.old_start + hunk.old_count, hunk.new_start + hunk.new_count)
        return best

    def max_text_width(self) -> int:
        """The cells the widest line's text takes (tabs count as four, capped for display)."""
        if self._max_text is None:
            best = 0
            for hunk in self.hunks:
                for line in hunk.lines:
                    text = line.text
                    if len(text) <= best and text.isascii() and "\t" not in text:
                        continue
                    width = len(text) if text.isascii() else cell_len(text[: MAX_LINE_CHARS + 1])
                    if "\t" in text:
                        width += 3 * text.count("\t")
                    best = max(best, width)
            self._max_text = min(best, 2 * MAX_LINE_CHARS + 2)
        return self._max_text
