"""``DiffView``: a unified or side-by-side diff drawn with Textual's Line API.

Only the rows in the viewport are rendered (``render_line``), so opening a 20,000-line
diff costs one pass over the patch to lay out rows; text is made inert, highlighted and
coloured a block at a time as it scrolls into view. Gutters (line numbers, +/- signs) stay
put while the code scrolls horizontally.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from typing import ClassVar, Literal

from pygments.lexer import Lexer
from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from core.text import one_line

from . import keys
from .highlight import (
    BLOCK,
    LexerKey,
    Span,
    TokenStyles,
    cached_lexer,
    change_ranges,
    display_text,
    emphasize,
    highlight_block,
    lexer_key,
    load_lexer,
)
from .model import FILE, HUNK, LINE, NOTE, PAIR, DiffModel, Layout, Mode, Row
from .patch import Patch, diff_texts, parse_patch

Side = Literal["old", "new"]

_STATUS_TAG = {"added": "new file", "deleted": "deleted", "renamed": "renamed", "copied": "copied"}


class DiffView(keys.DiffRegistryChecks, ScrollView, can_focus=True):
    """A patch (one file or many) as a scrollable, highlighted diff with hunk navigation."""

    SCOPE = "diff"
    BINDINGS = keys.bindings("diff")

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "diff-view--context",
        "diff-view--added",
        "diff-view--removed",
        "diff-view--added-emphasis",
        "diff-view--removed-emphasis",
        "diff-view--line-number",
        "diff-view--file",
        "diff-view--hunk",
        "diff-view--hunk-current",
        "diff-view--note",
        "diff-view--filler",
        "diff-view--separator",
        "diff-view--empty",
    }

    DEFAULT_CSS = """
    DiffView { height: 1fr; scrollbar-size-vertical: 1; scrollbar-size-horizontal: 1; }
    DiffView > .diff-view--context { color: $foreground; }
    DiffView > .diff-view--added { background: $success-muted 60%; color: $foreground; }
    DiffView > .diff-view--removed { background: $error-muted 60%; color: $foreground; }
    DiffView > .diff-view--added-emphasis { background: $success 45%; text-style: bold; }
    DiffView > .diff-view--removed-emphasis { background: $error 45%; text-style: bold; }
    DiffView > .diff-view--line-number { color: $text-muted; }
    DiffView > .diff-view--file { background: $boost; color: $text-accent; text-style: bold; }
    DiffView > .diff-view--hunk { color: $text-primary; background: $primary-muted 30%; }
    DiffView > .diff-view--hunk-current { color: $text-warning; background: $warning-muted; text-style: bold; }
    DiffView > .diff-view--note { color: $text-muted; text-style: italic; }
    DiffView > .diff-view--filler { color: $panel-lighten-2; }
    DiffView > .diff-view--separator { color: $panel-lighten-2; }
    DiffView > .diff-view--empty { color: $text-muted; text-style: italic; }
    """

    mode: reactive[Mode] = reactive("unified", init=False)

    class PositionChanged(Message):
        """The current file or hunk, or the layout, changed."""

        def __init__(self, view: DiffView) -> None:
            self.view = view
            super().__init__()

        @property
        def control(self) -> DiffView:
            return self.view

    def __init__(
        self,
        patch: Patch | None = None,
        *,
        mode: Mode = "unified",
        language: str | None = None,
        empty_text: str = "No changes.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.empty_text = empty_text
        self._language = language
        self._model = DiffModel(patch or Patch())
        self._hunk = -1
        self._file = 0
        self._strips: OrderedDict[tuple, Strip] = OrderedDict()
        self._blocks: dict[tuple[int, str, int], list[list[Span]]] = {}
        self._clean: dict[tuple[int, str, int], list[str]] = {}
        self._ranges: dict[tuple[int, int], tuple[list[tuple[int, int]], list[tuple[int, int]]]] = {}
        self._lexers: dict[int, Lexer | None] = {}
        self._loading: set[LexerKey] = set()
        self._palette: dict[str, Style] | None = None
        self._tokens: TokenStyles | None = None
        self._last_position: tuple | None = None
        self.set_reactive(DiffView.mode, mode)
        self._update_virtual_size()

    # Data ---------------------------------------------------------------------------

    @property
    def patch(self) -> Patch:
        return self._model.patch

    def set_patch(self, patch: Patch, *, language: str | None | Literal[False] = False) -> None:
        """Show another patch (``language`` overrides highlighting; False keeps the current one)."""
        if language is not False:
            self._language = language
        self._model = DiffModel(patch)
        self._hunk = -1
        self._file = 0
        self._forget()
        self._update_virtual_size()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._sync_hunk()
        self.refresh()

    def set_texts(self, old: str, new: str, *, old_name: str = "a", new_name: str = "b", language: str | None | Literal[False] = False) -> None:
        """Show the difference between two texts."""
        self.set_patch(diff_texts(old, new, old_name=old_name, new_name=new_name), language=language)

    def set_patch_text(self, text: str, *, language: str | None | Literal[False] = False) -> None:
        """Show a unified diff given as text (``git diff`` output, a pasted patch)."""
        self.set_patch(parse_patch(text), language=language)

    def _forget(self) -> None:
        self._strips.clear()
        self._blocks.clear()
        self._clean.clear()
        self._ranges.clear()
        self._lexers.clear()

    # Layout -------------------------------------------------------------------------

    @property
    def rows(self) -> Layout:
        """The rows of the current layout (indexable, built lazily)."""
        return self._model.layout(self.mode)

    @property
    def file_rows(self) -> list[int]:
        return self._model.layout(self.mode).file_rows

    @property
    def hunk_rows(self) -> list[int]:
        return self._model.layout(self.mode).hunk_rows

    @property
    def stats(self) -> tuple[int, int]:
        """(added, removed) lines of the patch shown."""
        return self._model.stats

    def file_stats(self, index: int) -> tuple[int, int]:
        """(added, removed) lines of file ``index``."""
        return self._model.file_stats(index)

    @property
    def hunk_count(self) -> int:
        return len(self._model.hunks)

    @property
    def file_count(self) -> int:
        return len(self._model.patch.files)

    @property
    def current_hunk(self) -> int:
        """Index of the current hunk (-1 when there is none)."""
        return self._hunk

    @property
    def current_file(self) -> int:
        """Index of the file the current hunk (or the top row) belongs to; -1 when empty."""
        if not self.file_count:
            return -1
        if self._hunk >= 0:
            return self._model.hunk_file[self._hunk]
        return max(0, min(self._file, self.file_count - 1))

    def _gutter(self) -> int:
        return max(1, min(12, len(str(self._model.max_line_number()))))

    def _text_width(self, width: int) -> int:
        g = self._gutter()
        if self.mode == "unified":
            return max(1, width - (2 * g + 2) - 2)
        half = (width - 1) // 2
        return max(1, half - (g + 1) - 2)

    def _update_virtual_size(self) -> None:
        width = self.scrollable_content_region.width if self.is_mounted else 0
        extra = max(0, self._model.max_text_width() - self._text_width(width)) if width else 0
        size = Size(width + extra, len(self.rows))
        if size != self.virtual_size:
            self.virtual_size = size

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._strips.clear()
        self._sync_hunk()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._palette = None
        self._tokens = None
        self._strips.clear()
        self._blocks.clear()

    # Navigation ---------------------------------------------------------------------

    def watch_mode(self, old: Mode, new: Mode) -> None:
        anchor = self._anchor(old)
        self._strips.clear()
        self._update_virtual_size()
        if anchor is not None:
            self.scroll_to(y=self._row_for_anchor(anchor), animate=False, immediate=True)
        self._sync_hunk()
        self.refresh()
        self._post_position(force=True)

    def _anchor(self, mode: Mode) -> tuple[int, int, int] | None:
        """(file, hunk, line) of the top row in ``mode``'s layout."""
        rows = self._model.layout(mode)
        if not rows:
            return None
        row = rows[min(int(self.scroll_y), len(rows) - 1)]
        line = row.a if row.a >= 0 else row.b
        return row.file, row.hunk, line

    def _row_for_anchor(self, anchor: tuple[int, int, int]) -> int:
        file, hunk, line = anchor
        if hunk < 0:
            return self.file_rows[file] if file < len(self.file_rows) else 0
        if line < 0:
            return self.hunk_rows[hunk]
        return self.rows.row_of_line(hunk, line)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._sync_hunk()

    def _sync_hunk(self) -> None:
        """Keep the current hunk (or hunkless file) while its header is on screen; otherwise
        take the hunk at the top of the view (or the first one below it in the same file)."""
        rows = self.rows
        previous = self._hunk
        if rows:
            hunk_rows, file_rows = self.hunk_rows, self.file_rows
            top = min(int(self.scroll_y), len(rows) - 1)
            bottom = top + max(1, self.scrollable_content_region.height)
            if 0 <= self._hunk < len(hunk_rows) and top <= hunk_rows[self._hunk] < bottom:
                self._file = self._model.hunk_file[self._hunk]
            elif (
                self._hunk < 0
                and 0 <= self._file < len(file_rows)
                and not self._model.file_hunks[self._file]
                and top <= file_rows[self._file] < bottom
            ):
                pass  # a hunkless file (rename, binary) the user jumped to
            else:
                top_file = rows[top].file
                index = bisect_right(hunk_rows, top) - 1
                if not (index >= 0 and self._model.hunk_file[index] == top_file):
                    hunks = self._model.file_hunks[top_file]
                    index = hunks[0] if hunks and hunk_rows[hunks[0]] < bottom else -1
                self._hunk = index
                self._file = top_file
        else:
            self._hunk, self._file = -1, 0
        if self._hunk != previous:
            self._strips.clear()
            self.refresh()
        self._post_position()

    def _post_position(self, *, force: bool = False) -> None:
        position = (self.mode, self._hunk, self.current_file)
        if force or position != self._last_position:
            self._last_position = position
            self.post_message(self.PositionChanged(self))

    def jump_to_hunk(self, index: int) -> None:
        """Make hunk ``index`` current and scroll its header to the top."""
        hunk_rows = self.hunk_rows
        if not hunk_rows:
            return
        index = max(0, min(index, len(hunk_rows) - 1))
        if index != self._hunk:
            self._strips.clear()
        self._hunk = index
        self._file = self._model.hunk_file[index]
        self.scroll_to(y=hunk_rows[index], animate=False, immediate=True)
        self.refresh()
        self._post_position()

    def jump_to_file(self, index: int) -> None:
        """Scroll file ``index``'s header to the top; its first hunk (if any) becomes current."""
        file_rows = self.file_rows
        if not file_rows:
            return
        index = max(0, min(index, len(file_rows) - 1))
        hunks = self._model.file_hunks[index]
        self._hunk = hunks[0] if hunks else -1
        self._file = index
        self._strips.clear()
        self.scroll_to(y=file_rows[index], animate=False, immediate=True)
        self.refresh()
        self._post_position()

    def has_files(self) -> bool:
        return self.file_count > 1

    def action_toggle_view(self) -> None:
        self.mode = "split" if self.mode == "unified" else "unified"

    def action_next_hunk(self) -> None:
        if self._hunk >= 0:
            self.jump_to_hunk(self._hunk + 1)
        elif self.hunk_rows:
            # On a file without hunks: the first hunk after its header.
            here = self.file_rows[self.current_file]
            self.jump_to_hunk(min(bisect_right(self.hunk_rows, here), len(self.hunk_rows) - 1))

    def action_prev_hunk(self) -> None:
        if self._hunk >= 0:
            self.jump_to_hunk(self._hunk - 1)
        elif self.hunk_rows:
            here = self.file_rows[self.current_file]
            self.jump_to_hunk(max(bisect_right(self.hunk_rows, here) - 1, 0))

    def action_next_file(self) -> None:
        self.jump_to_file(self.current_file + 1)

    def action_prev_file(self) -> None:
        file = self.current_file
        # From inside a file, "previous" first returns to that file's own header.
        top = int(self.scroll_y)
        if 0 <= file < len(self.file_rows) and self.file_rows[file] < top:
            self.jump_to_file(file)
        else:
            self.jump_to_file(file - 1)

    # Styles -------------------------------------------------------------------------

    def _styles(self) -> dict[str, Style]:
        if self._palette is None:
            get = self.get_component_rich_style
            palette = {name.removeprefix("diff-view--"): get(name) for name in self.COMPONENT_CLASSES}
            for name in ("added-emphasis", "removed-emphasis", "line-number"):
                palette[name + "/partial"] = get("diff-view--" + name, partial=True)
            palette["base"] = self.rich_style
            self._palette = palette
        return self._palette

    def _token_styles(self) -> TokenStyles:
        if self._tokens is None:
            theme = getattr(self.app, "current_theme", None)
            dark = getattr(theme, "dark", True)
            self._tokens = TokenStyles("monokai" if dark else "default")
        return self._tokens

    def _lexer(self, file: int) -> Lexer | None:
        if file in self._lexers:
            return self._lexers[file]
        f = self._model.patch.files[file]
        key = lexer_key(f.new_path or f.old_path, self._language)
        if key is None:
            self._lexers[file] = None
            return None
        loaded, lexer = cached_lexer(key)
        if loaded:
            self._lexers[file] = lexer
            return lexer
        # Paint plain text now; colours follow when the lexer is ready.
        if key not in self._loading:
            self._loading.add(key)
            self._load_lexer(key)
        return None

    @work(thread=True, group="diff-lexer")
    def _load_lexer(self, key: LexerKey) -> None:
        load_lexer(key)
        self.app.call_from_thread(self._lexer_loaded, key)

    def _lexer_loaded(self, key: LexerKey) -> None:
        self._loading.discard(key)
        self._lexers.clear()
        self._blocks.clear()
        self._clean.clear()
        self._strips.clear()
        self.refresh()

    # Text of one line -----------------------------------------------------------------

    def _block(self, hunk: int, side: Side, pos: int) -> tuple[list[str], list[list[Span]], int]:
        block = pos // BLOCK
        key = (hunk, side, block)
        spans = self._blocks.get(key)
        if spans is None:
            info = self._model.info(hunk)
            source = info.old_lines if side == "old" else info.new_lines
            clean = [display_text(t) for t in source[block * BLOCK : (block + 1) * BLOCK]]
            spans = highlight_block(clean, self._lexer(info.file), self._token_styles())
            self._blocks[key] = spans
            self._clean[key] = clean
        return self._clean[key], spans, pos - block * BLOCK

    def _line_spans(self, hunk: int, index: int, side: Side) -> list[Span]:
        info = self._model.info(hunk)
        pos = info.old_pos(index) if side == "old" else info.new_pos(index)
        _clean, spans, offset = self._block(hunk, side, pos)
        result = spans[offset]
        partner = info.partner.get(index, -1)
        if partner >= 0:
            ranges = self._change_ranges(hunk, index, partner, side)
            if ranges:
                styles = self._styles()
                extra = styles["removed-emphasis/partial" if side == "old" else "added-emphasis/partial"]
                result = emphasize(result, ranges, extra)
        return result

    def _change_ranges(self, hunk: int, index: int, partner: int, side: Side) -> list[tuple[int, int]]:
        old_i, new_i = (index, partner) if side == "old" else (partner, index)
        key = (hunk, old_i)
        ranges = self._ranges.get(key)
        if ranges is None:
            info = self._model.info(hunk)
            ranges = change_ranges(display_text(info.hunk.lines[old_i].text), display_text(info.hunk.lines[new_i].text))
            self._ranges[key] = ranges
        return ranges[0] if side == "old" else ranges[1]

    # Rendering ----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        styles = self._styles()
        rows = self.rows
        index = int(self.scroll_y) + y
        if not rows:
            if y == 0:
                return Strip([Segment(" " + self.empty_text, styles["empty"])]).crop_extend(0, width, styles["base"])
            return Strip.blank(width, styles["base"])
        if index >= len(rows):
            return Strip.blank(width, styles["base"])
        row = rows[index]
        scroll_x = int(self.scroll_x)
        key = (index, width, scroll_x, row.kind == HUNK and row.hunk == self._hunk)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_row(row, width, scroll_x, styles)
            self._strips[key] = strip
            if len(self._strips) > 1500:
                self._strips.popitem(last=False)
        return strip

    def _render_row(self, row: Row, width: int, scroll_x: int, styles: dict[str, Style]) -> Strip:
        kind = row.kind
        if kind == LINE:
            return self._unified_line(row, width, scroll_x, styles)
        if kind == PAIR:
            return self._split_line(row, width, scroll_x, styles)
        if kind == HUNK:
            style = styles["hunk-current"] if row.hunk == self._hunk else styles["hunk"]
            hunk = self._model.hunks[row.hunk]
            marker = "▶ " if row.hunk == self._hunk else "  "
            text = marker + one_line(hunk.header, max_chars=width + 10)
            return Strip([Segment(text, style)]).crop_extend(0, width, style)
        if kind == FILE:
            return self._file_header(row.file, width, styles)
        if kind == NOTE:
            style = styles["note"]
            indent = " " * (2 * self._gutter() + 4) if row.hunk >= 0 and self.mode == "unified" else "  "
            # Notes can quote the patch (file modes): inert like everything else from it.
            return Strip([Segment(indent + one_line(row.note, max_chars=width), style)]).crop_extend(0, width, styles["base"])
        return Strip.blank(width, styles["base"])

    def _file_header(self, file: int, width: int, styles: dict[str, Style]) -> Strip:
        f = self._model.patch.files[file]
        style = styles["file"]
        if f.status in ("renamed", "copied") and f.old_path and f.new_path:
            name = f"{one_line(f.old_path, max_chars=200)} → {one_line(f.new_path, max_chars=200)}"
        else:
            name = one_line(f.path, max_chars=300)
        parts = [Segment(f" {name}", style)]
        tag = _STATUS_TAG.get(f.status)
        if tag:
            parts.append(Segment(f"  [{tag}]", style))
        if f.hunks:
            parts.append(Segment("  ", style))
            added, removed = self._model.file_stats(file)
            parts.append(Segment(f"+{added}", style + Style(color="green")))
            parts.append(Segment(" ", style))
            parts.append(Segment(f"−{removed}", style + Style(color="red")))
        if self.file_count > 1:
            parts.append(Segment(f"  ({file + 1}/{self.file_count})", style))
        return Strip(parts).crop_extend(0, width, style)

    def _numbers(self, number: int, show: bool) -> str:
        g = self._gutter()
        return f"{number:>{g}} " if show else " " * (g + 1)

    def _code(self, spans: list[Span], base: Style, scroll_x: int, text_width: int) -> Strip:
        segments = [Segment(text, base + style if style else base) for text, style in spans]
        return Strip(segments).crop_extend(scroll_x, scroll_x + text_width, base)

    def _unified_line(self, row: Row, width: int, scroll_x: int, styles: dict[str, Style]) -> Strip:
        info = self._model.info(row.hunk)
        line = info.hunk.lines[row.a]
        kind = line.kind
        base = styles["added"] if kind == "+" else styles["removed"] if kind == "-" else styles["context"]
        number_style = base + styles["line-number/partial"]
        side: Side = "old" if kind == "-" else "new"
        gutter = [
            Segment(self._numbers(info.old_no(row.a), kind != "+"), number_style),
            Segment(self._numbers(info.new_no(row.a), kind != "-"), number_style),
            Segment(f"{kind} ", base),
        ]
        text_width = self._text_width(width)
        code = self._code(self._line_spans(row.hunk, row.a, side), base, scroll_x, text_width)
        return Strip.join([Strip(gutter), code]).crop_extend(0, width, base)

    def _half(self, row: Row, index: int, side: Side, half: int, scroll_x: int, styles: dict[str, Style]) -> Strip:
        g = self._gutter()
        if index < 0:
            filler = styles["filler"]
            return Strip([Segment("╱" * half, filler)])
        info = self._model.info(row.hunk)
        line = info.hunk.lines[index]
        kind = line.kind
        base = styles["added"] if kind == "+" else styles["removed"] if kind == "-" else styles["context"]
        number = info.old_no(index) if side == "old" else info.new_no(index)
        gutter = [Segment(self._numbers(number, True), base + styles["line-number/partial"]), Segment(f"{kind} ", base)]
        text_width = max(1, half - (g + 1) - 2)
        spans = self._line_spans(row.hunk, index, side)
        if line.no_newline:
            spans = [*spans, ("  ⊘ no newline at end", styles["note"])]  # the marker rides along on its side
        code = self._code(spans, base, scroll_x, text_width)
        return Strip.join([Strip(gutter), code]).crop_extend(0, half, base)

    def _split_line(self, row: Row, width: int, scroll_x: int, styles: dict[str, Style]) -> Strip:
        left_width = (width - 1) // 2
        right_width = width - 1 - left_width
        left = self._half(row, row.a, "old", left_width, scroll_x, styles)
        right = self._half(row, row.b, "new", right_width, scroll_x, styles)
        return Strip.join([left, Strip([Segment("│", styles["separator"])]), right])

    # Introspection (tests, accessibility) -------------------------------------------

    def row_strip(self, index: int, width: int | None = None) -> Strip:
        """The line row ``index`` of the current layout draws (at the view's width by default)."""
        rows = self.rows
        width = width or self.scrollable_content_region.width or 120
        if not 0 <= index < len(rows):
            return Strip.blank(width)
        return self._render_row(rows[index], width, int(self.scroll_x), self._styles())

    def row_text(self, index: int) -> str:
        """The plain text row ``index`` of the current layout draws at the current width."""
        return "".join(segment.text for segment in self.row_strip(index)).rstrip()

    def visible_text(self) -> list[str]:
        """The plain text of the rows now on screen."""
        top = int(self.scroll_y)
        height = self.scrollable_content_region.height
        if not self.rows:
            return [self.empty_text]
        return [self.row_text(i) for i in range(top, min(len(self.rows), top + height))]
