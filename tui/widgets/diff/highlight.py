"""Display text and syntax colours for diff lines, computed a block at a time.

Lines are made inert first (no escapes, no control characters, tabs expanded) and then
tokenised with Pygments, so the colours always describe exactly the characters shown.
Highlighting works on blocks of consecutive lines of one side of a hunk: a 20,000-line
diff costs only the blocks that scroll into view (a multi-line string that crosses a
block boundary may be coloured as code on the far side — a cosmetic trade-off).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import _TokenType
from pygments.util import ClassNotFound
from rich.style import Style
from rich.syntax import PygmentsSyntaxTheme

from core.text import inert

Span = tuple[str, Style | None]

MAX_LINE_CHARS = 2_000  # longer lines (minified junk, hostile input) are cut for display
BLOCK = 64  # lines tokenised together (a screenful)
EMPHASIS_MAX_CHARS = 600  # intra-line diffs of longer lines are not worth the time
EMPHASIS_MIN_RATIO = 0.3  # below this the two lines are unrelated: no emphasis


_GRAPHEME_GLUE = {0x200D: None, **{cp: None for cp in range(0xFE00, 0xFE10)}}


def display_text(raw: str) -> str:
    """What a diff line shows: inert, tabs expanded, carriage returns visible, length capped."""
    cut = len(raw) > MAX_LINE_CHARS
    if cut:
        raw = raw[:MAX_LINE_CHARS]
    if "\t" in raw:
        raw = raw.expandtabs(4)
    if "\r" in raw:
        raw = raw.replace("\r", "\u240d")  # ␍: a CRLF change must stay visible
    text = inert(raw).replace("\n", " ")
    if not text.isascii():
        # Joiners and variation selectors make a character's width depend on its neighbours;
        # a line cut into coloured pieces would then misalign the columns after it.
        text = text.translate(_GRAPHEME_GLUE)
    return text + " …" if cut else text


LexerKey = tuple[str, str]

# Loaded lexers, shared by every view. The first lexer of a language costs ~0.3 s (Pygments
# compiles its regexes), so views load a missing one in a worker and paint plain text meanwhile.
_LEXERS: dict[LexerKey, Lexer | None] = {}


def lexer_key(path: str | None, language: str | None = None) -> LexerKey | None:
    """Which lexer a file needs: an explicit language, else its file name; None for plain text."""
    if language:
        return ("language", language.lower()[:50])
    if not path:
        return None
    name = path.replace("\\", "/").rsplit("/", 1)[-1][-100:]
    return ("file", name) if name else None


def cached_lexer(key: LexerKey) -> tuple[bool, Lexer | None]:
    """(loaded, lexer) without loading anything."""
    if key in _LEXERS:
        return True, _LEXERS[key]
    return False, None


def load_lexer(key: LexerKey) -> Lexer | None:
    """Load (and remember) the lexer for ``key``; slow the first time per language."""
    if key in _LEXERS:
        return _LEXERS[key]
    kind, value = key
    try:
        if kind == "language":
            lexer = get_lexer_by_name(value, stripnl=False, ensurenl=False)
        else:
            lexer = get_lexer_for_filename(value, stripnl=False, ensurenl=False)
    except (ClassNotFound, ValueError, TypeError):
        lexer = None
    _LEXERS[key] = lexer
    return lexer


def lexer_for(path: str | None, language: str | None = None) -> Lexer | None:
    """A Pygments lexer by explicit language, else by the file's name; ``None`` for plain text."""
    key = lexer_key(path, language)
    return None if key is None else load_lexer(key)


class TokenStyles:
    """Token type → foreground style of a Pygments theme (its backgrounds are dropped)."""

    def __init__(self, theme: str = "monokai") -> None:
        self._theme = PygmentsSyntaxTheme(theme)
        self._cache: dict[_TokenType, Style | None] = {}

    def __call__(self, token_type: _TokenType) -> Style | None:
        style = self._cache.get(token_type, False)
        if style is False:
            full = self._theme.get_style_for_token(token_type)
            style = Style(color=full.color, bold=full.bold, italic=full.italic, underline=full.underline)
            style = None if not style else style
            self._cache[token_type] = style
        return style  # type: ignore[return-value]


def highlight_block(lines: Sequence[str], lexer: Lexer | None, styles: TokenStyles) -> list[list[Span]]:
    """Spans per display line; a line the lexer would alter falls back to plain text."""
    if lexer is None:
        return [[(line, None)] if line else [] for line in lines]
    code = "\n".join(lines) + "\n"
    out: list[list[Span]] = [[]]
    try:
        for token_type, value in lexer.get_tokens(code):
            style = styles(token_type)
            parts = value.split("\n")
            for index, part in enumerate(parts):
                if index:
                    out.append([])
                if part:
                    out[-1].append((part, style))
    except Exception:  # a lexer bug must not take the view down
        return [[(line, None)] if line else [] for line in lines]
    result: list[list[Span]] = []
    for index, line in enumerate(lines):
        spans = out[index] if index < len(out) else []
        if "".join(text for text, _ in spans) != line:
            spans = [(line, None)] if line else []
        result.append(spans)
    return result


def change_ranges(old: str, new: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character ranges that differ between a removed line and the added line paired with it."""
    if old == new or len(old) > EMPHASIS_MAX_CHARS or len(new) > EMPHASIS_MAX_CHARS:
        return [], []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    if matcher.quick_ratio() < EMPHASIS_MIN_RATIO or matcher.ratio() < EMPHASIS_MIN_RATIO:
        return [], []
    old_ranges: list[tuple[int, int]] = []
    new_ranges: list[tuple[int, int]] = []
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if a2 > a1:
            old_ranges.append((a1, a2))
        if b2 > b1:
            new_ranges.append((b1, b2))
    return old_ranges, new_ranges


def emphasize(spans: list[Span], ranges: Sequence[tuple[int, int]], extra: Style) -> list[Span]:
    """Split spans at range edges and add ``extra`` to the characters inside the ranges."""
    if not ranges:
        return spans
    out: list[Span] = []
    pos = 0
    r = 0
    for text, style in spans:
        start = pos
        end = pos + len(text)
        cursor = start
        while cursor < end:
            while r < len(ranges) and ranges[r][1] <= cursor:
                r += 1
            if r >= len(ranges) or ranges[r][0] >= end:
                out.append((text[cursor - start :], style))
                cursor = end
                break
            lo, hi = ranges[r]
            if cursor < lo:
                out.append((text[cursor - start : lo - start], style))
                cursor = lo
            stop = min(hi, end)
            out.append((text[cursor - start : stop - start], style + extra if style else extra))
            cursor = stop
        pos = end
    return out
