"""Split an issue thread into typed regions: title, prose, code, traceback frames, error lines.

Light, self-contained extraction for the triage engine (fenced code via markdown-it,
Python and C++ traceback lines by line shape). Offsets always index the original
document text (title, body or one comment), so evidence can be highlighted in place.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

# Block structure only: fenced and indented code. Inline parsing is not needed (and costs
# more than everything else the engine does).
_MD = MarkdownIt("zero").enable(["fence", "code"]).disable(["inline", "text_join"])

_PREFIX = r"^[ \t>]*(?:\[(?:rank|RANK|default)?\s*\d*\]\s*:?\s*)?"
_PY_FRAME = re.compile(_PREFIX + r'File "([^"\n]+)", line \d+(?:, in [^\n]*)?$')
_CPP_FRAME = re.compile(_PREFIX + r"(?:frame #\d+:[^\n]*|Exception raised from [^\n]*)$")
_TB_HEADER = re.compile(_PREFIX + r"(?:Traceback \(most recent call last\):|The above exception was the direct cause|During handling of the above exception)")
_ERROR = re.compile(
    _PREFIX
    + r"(?:(?:[A-Za-z_][\w]*\.)*[A-Z]\w*(?:Error|Exception|Exit|Interrupt|Failure|Timeout)\b[^\n]*"
    r"|terminate called after throwing[^\n]*|\s*what\(\):[^\n]*|c10::\w+[^\n]*|Segmentation fault[^\n]*|Fatal Python error[^\n]*)$"
)


@dataclass(frozen=True, slots=True)
class Region:
    kind: str  # title / body / code / error / wrapper_error / root_frame / call_frame / comment
    source: str  # title / body / code block N / traceback frame / comment N
    start: int
    end: int


@dataclass(slots=True)
class Document:
    name: str  # title / body / comment N
    text: str
    regions: list[Region] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)

    def finish(self) -> None:
        self.regions.sort(key=lambda r: r.start)
        self._starts = [r.start for r in self.regions]

    def region_at(self, pos: int) -> Region | None:
        i = bisect_right(self._starts, pos) - 1
        if i >= 0:
            region = self.regions[i]
            if pos < region.end:
                return region
        return None


def _fence_opening(line: str) -> tuple[str, int] | None:
    """(marker, length) when ``line`` opens a fence (indent <= 3, 3+ markers, no backtick
    in a backtick fence's info string)."""
    body = line.lstrip(" ")
    if len(line) - len(body) > 3 or not body.startswith(("```", "~~~")):
        return None
    marker = body[0]
    size = len(body) - len(body.lstrip(marker))
    if marker == "`" and "`" in body[size:]:
        return None
    return marker, size


def _fast_blocks(text: str) -> list[tuple[str, int, int]] | None:
    """The (kind, start line, end line) blocks markdown-it ("zero" preset with fence and
    code enabled) finds, for the common shape of issue text: no tabs or carriage returns
    and no indented (4+ spaces) line outside fences. None: leave it to markdown-it."""
    if "\t" in text or "\r" in text:
        return None
    lines = text.split("\n")
    line_max = len(lines) - 1 if text.endswith("\n") else len(lines)
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < line_max:
        line = lines[i]
        body = line.lstrip(" ")
        if not body:
            i += 1
            continue
        if len(line) - len(body) >= 4:
            return None  # an indented code block or a lazy continuation: markdown-it decides
        opening = _fence_opening(line) if body[0] in "`~" else None
        if opening is None:
            i += 1  # a paragraph line; fences interrupt paragraphs, indented code does not
            continue
        marker, size = opening
        j = i + 1
        closed = False
        while j < line_max:
            cur = lines[j]
            rest = cur.lstrip(" ")
            if not rest and j == len(lines) - 1:
                break  # markdown-it stops at a blank last line without a newline
            if rest.startswith(marker) and len(cur) - len(rest) < 4:
                run = len(rest) - len(rest.lstrip(marker))
                if run >= size and not rest[run:].strip(" "):
                    closed = True
                    break
            j += 1
        end = j + 1 if closed else j
        out.append(("fence", i, end))
        i = end
    return out


def _code_line_ranges(text: str) -> list[tuple[int, int, int, int]]:
    """0-based line ranges of fenced/indented code: (block start, block end, content start,
    content end); the fence lines are the block lines outside the content."""
    if "```" not in text and "~~~" not in text and "\n    " not in text and "\n\t" not in text:
        return []
    out = []
    lines = text.split("\n")
    fast = _fast_blocks(text)
    blocks = fast if fast is not None else [
        (tok.type, tok.map[0], tok.map[1]) for tok in _MD.parse(text) if tok.type in ("fence", "code_block") and tok.map
    ]
    for kind, start, end in blocks:
        block = (start, end)
        if kind == "fence":
            start += 1
            # the closing fence is inside map unless the block ran to the end unclosed
            if end - 1 < len(lines) and end - 1 >= start and lines[end - 1].strip().startswith(("```", "~~~")):
                end -= 1
        out.append((*block, start, end))
    return out


def _md_code_line_ranges(text: str) -> list[tuple[int, int, int, int]]:
    """Reference (markdown-it only) version of :func:`_code_line_ranges`, for tests."""
    if "```" not in text and "~~~" not in text and "\n    " not in text and "\n\t" not in text:
        return []
    out = []
    lines = text.split("\n")
    for tok in _MD.parse(text):
        if tok.type in ("fence", "code_block") and tok.map:
            start, end = tok.map
            block = (start, end)
            if tok.type == "fence":
                start += 1
                # the closing fence is inside map unless the block ran to the end unclosed
                if end - 1 < len(lines) and end - 1 >= start and lines[end - 1].strip().startswith(("```", "~~~")):
                    end -= 1
            out.append((*block, start, end))
    return out


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of each line, newline excluded."""
    spans = []
    pos = 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def split_document(
    doc: Document,
    prose_kind: str,
    prose_source: str,
    block_counter: list[int],
    relevant_frame: re.Pattern[str],
    wrapper_error: re.Pattern[str] | None,
    transport_frame: re.Pattern[str] | None = None,
) -> None:
    """Fill ``doc.regions``. ``block_counter`` numbers code blocks across the whole thread."""
    text = doc.text
    spans = _lines(text)
    code_of_line: dict[int, str] = {}
    fence_lines: set[int] = set()
    for b_start, b_end, start, end in _code_line_ranges(text):
        block_counter[0] += 1
        label = f"code block {block_counter[0]}"
        fence_lines.update(range(b_start, start))
        fence_lines.update(range(end, b_end))
        for i in range(start, min(end, len(spans))):
            code_of_line[i] = label

    # First pass: classify lines; collect tracebacks as lists of frame line indexes.
    kinds: list[str | None] = [None] * len(spans)
    tracebacks: list[tuple[list[int], int | None]] = []
    frames: list[int] = []
    skip_next = False
    for i, (s, e) in enumerate(spans):
        line = text[s:e]
        if skip_next:
            skip_next = False
            if line.startswith((" ", "\t")) or line.lstrip().startswith("[rank") and "File \"" not in line:
                kinds[i] = "skip"
                continue
        if not line.strip() or i in fence_lines:
            kinds[i] = "blank"
            continue
        if "File \"" in line and _PY_FRAME.match(line):
            kinds[i] = "frame"
            frames.append(i)
            skip_next = True
            continue
        if ("frame #" in line or "Exception raised from" in line) and _CPP_FRAME.match(line):
            kinds[i] = "frame"
            frames.append(i)
            continue
        if "Traceback" in line or "above exception" in line:
            if _TB_HEADER.match(line):
                kinds[i] = "skip"
                continue
        if _ERROR.match(line):
            kinds[i] = "error"
            if frames:
                tracebacks.append((frames, i))
                frames = []
            else:
                tracebacks.append(([], i))
            continue
        kinds[i] = "code" if i in code_of_line else "prose"
    if frames:
        tracebacks.append((frames, None))

    frame_kind: dict[int, str] = {}
    error_kind: dict[int, str] = {}
    for frame_lines, err in tracebacks:
        wrapped = False
        if err is not None:
            es, ee = spans[err]
            wrapped = bool(wrapper_error and wrapper_error.search(text, es, ee))
            error_kind[err] = "wrapper_error" if wrapped else "error"
        root = None
        if not wrapped:
            # The deepest frame of a module is the root cause; transport frames (c10d)
            # only when no module frame is on the stack at all.
            for pattern in (relevant_frame, transport_frame):
                if pattern is None:
                    continue
                for idx in reversed(frame_lines):
                    s, e = spans[idx]
                    if pattern.search(text, s, e):
                        root = idx
                        break
                if root is not None:
                    break
        for idx in frame_lines:
            frame_kind[idx] = "root_frame" if idx == root else "call_frame"

    regions = doc.regions
    cur_kind = None
    cur_source = None
    cur_start = 0
    cur_end = 0

    def flush() -> None:
        if cur_kind is not None:
            regions.append(Region(cur_kind, cur_source or prose_source, cur_start, cur_end))

    for i, (s, e) in enumerate(spans):
        k = kinds[i]
        if k in ("skip", "blank"):
            continue
        block = code_of_line.get(i)
        if k == "frame":
            kind, source = frame_kind.get(i, "call_frame"), "traceback frame"
        elif k == "error":
            kind, source = error_kind.get(i, "error"), block or prose_source
        elif k == "code":
            kind, source = "code", block
        else:
            kind, source = prose_kind, prose_source
        mergeable = kind in ("code", prose_kind) and kind == cur_kind and source == cur_source
        if mergeable:
            cur_end = e
            continue
        flush()
        cur_kind, cur_source, cur_start, cur_end = kind, source, s, e
    flush()
    doc.finish()


def thread_documents(
    title: str,
    body: str,
    comments: list[tuple[int, str]],
    relevant_frame: re.Pattern[str],
    wrapper_error: re.Pattern[str] | None,
    transport_frame: re.Pattern[str] | None = None,
) -> list[Document]:
    """Documents of a thread: title, body, then each kept comment (1-based index N)."""
    docs = []
    t = Document("title", title)
    t.regions.append(Region("title", "title", 0, len(title)))
    t.finish()
    docs.append(t)
    counter = [0]
    b = Document("body", body)
    split_document(b, "body", "body", counter, relevant_frame, wrapper_error, transport_frame)
    docs.append(b)
    for index, text in comments:
        name = f"comment {index}"
        d = Document(name, text)
        split_document(d, "comment", name, counter, relevant_frame, wrapper_error, transport_frame)
        docs.append(d)
    return docs
