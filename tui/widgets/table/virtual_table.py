"""A table that renders only the rows on screen (Textual's Line API).

DataTable builds every row up front (seconds for 20,000 rows). This widget knows only a
row *count* and asks ``row_cells(i)`` for the cells of row ``i`` when that row becomes
visible; rendered lines are cached per row and dropped when the width or the data change.
Row 0 of the view is a fixed header.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Hashable, Callable, Literal, Sequence

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual import events

from ... import actions

Cell = tuple[str, Style | None]
CellsFn = Callable[[int], Sequence[Cell]]


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """A column: fixed ``width``, or a ``flex`` share of what the fixed columns leave."""

    key: str
    label: str
    width: int = 0
    flex: float = 0.0
    min_width: int = 3
    max_width: int = 10_000
    justify: Literal["left", "right"] = "left"


def layout_columns(columns: Sequence[ColumnSpec], total: int, gap: int = 1) -> list[int]:
    """Column widths for a given total width (flex columns share the rest, floors respected)."""
    fixed = sum(c.width for c in columns if not c.flex)
    gaps = gap * max(0, len(columns) - 1)
    free = max(0, total - fixed - gaps)
    flex_total = sum(c.flex for c in columns if c.flex) or 1.0
    widths: list[int] = []
    for column in columns:
        if column.flex:
            share = int(free * column.flex / flex_total)
            widths.append(max(column.min_width, min(column.max_width, share)))
        else:
            widths.append(column.width)
    # Give rounding leftovers (or the room a max_width refused) to the first flex column.
    spare = total - gaps - sum(widths)
    for index, column in enumerate(columns):
        if column.flex and spare > 0:
            widths[index] += spare
            break
    return widths


def render_row(
    columns: Sequence[ColumnSpec],
    widths: Sequence[int],
    cells: Sequence[Cell],
    width: int,
    style: Style,
    console: Console | None = None,
) -> Strip:
    """One table line: each cell cut (with an ellipsis) or padded to its column width.

    Cells are (text, style) pairs; building a handful of Segments directly keeps a row at
    a few microseconds, which is what makes filtering 20,000 rows feel instant.
    """
    segments: list[Segment] = []
    for index, (column, cell_width) in enumerate(zip(columns, widths)):
        text, cell_style = cells[index] if index < len(cells) else ("", None)
        length = cell_len(text)
        if length > cell_width:
            text = set_cell_size(text, max(0, cell_width - 1)) + "…" if cell_width > 0 else ""
            length = cell_width
        pad = " " * (cell_width - length)
        text = pad + text if column.justify == "right" else text + pad
        if index:
            text = " " + text
        segments.append(Segment(text, style + cell_style if (style and cell_style) else (cell_style or style or None)))
    strip = Strip(segments).crop_extend(0, width, style or None)
    return strip

class VirtualTable(ScrollView, can_focus=True):
    """Rows on demand, own cursor and scrolling."""

    BINDINGS = actions.bindings("table")

    COMPONENT_CLASSES = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--cursor-blurred",
        "virtual-table--empty",
    }

    DEFAULT_CSS = """
    VirtualTable { overflow-x: hidden; }
    """

    cursor_row: reactive[int] = reactive(0, always_update=True, init=False)

    class RowHighlighted(Message):
        def __init__(self, table: "VirtualTable", row: int) -> None:
            self.table = table
            self.row = row
            super().__init__()

        @property
        def control(self) -> "VirtualTable":
            return self.table

    class RowSelected(RowHighlighted):
        pass

    def __init__(
        self,
        columns: Sequence[ColumnSpec],
        row_cells: CellsFn,
        *,
        row_count: int = 0,
        empty_text: str = "Nothing to show.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = tuple(columns)
        self._row_cells = row_cells
        self._row_count = row_count
        self.empty_text = empty_text
        self._cache: OrderedDict[tuple, Strip] = OrderedDict()
        self._cache_width = -1
        self._widths: list[int] = []
        self.virtual_size = Size(0, row_count + 1)

    # Data ---------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return self._row_count

    def row_identity(self, row: int) -> Hashable:
        """What a drawn row depends on besides width, cursor and focus. Subclasses whose
        rows move (filtering) return the item's identity, so its drawing is reused."""
        return row

    def set_rows(self, row_count: int, *, cursor: int = 0, keep_cache: bool = False) -> None:
        """Point the table at new data (new count). ``keep_cache``: the items themselves did
        not change (only which are shown, or their order), so drawn rows stay valid."""
        self._row_count = row_count
        if not keep_cache:
            self._cache.clear()
        self._set_virtual_height(row_count + 1)
        self.cursor_row = max(0, min(cursor, row_count - 1))
        self.refresh()

    def _set_virtual_height(self, height: int) -> None:
        size = Size(self.scrollable_content_region.width, height)
        if size == self.virtual_size:
            return
        view = self.scrollable_content_region.height
        scrollbar_stays = self.is_mounted and (self.virtual_size.height > view) == (height > view) and view > 0
        if not scrollbar_stays:
            self.virtual_size = size  # a relayout: the scrollbar appears or goes
            return
        # Same scrollbar, new range: skip the relayout of the whole screen (this runs on
        # every filter keystroke).
        self.set_reactive(VirtualTable.virtual_size, size)
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.window_virtual_size = height
        if self.scroll_y > self.max_scroll_y:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)

    def invalidate(self) -> None:
        """Forget rendered rows (their content changed) and repaint."""
        self._cache.clear()
        self.refresh()

    # Cursor and scrolling -----------------------------------------------------------

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, self._row_count - 1)) if self._row_count else 0

    def watch_cursor_row(self, row: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        if self._row_count:
            self.post_message(self.RowHighlighted(self, row))

    def _scroll_cursor_into_view(self) -> None:
        top = int(self.scroll_y)
        row = self.cursor_row
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row > top + self._page - 1:
            self.scroll_to(y=row - self._page + 1, animate=False, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self._row_count + 1)
        self._scroll_cursor_into_view()

    def on_focus(self) -> None:
        self._cache.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._cache.clear()
        self.refresh()

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_page_down(self) -> None:
        self.cursor_row += self._page

    def action_page_up(self) -> None:
        self.cursor_row -= self._page

    def action_first_row(self) -> None:
        self.cursor_row = 0

    def action_last_row(self) -> None:
        self.cursor_row = self._row_count - 1

    def action_select_row(self) -> None:
        if self._row_count:
            self.post_message(self.RowSelected(self, self.cursor_row))

    def on_click(self, event: events.Click) -> None:
        if event.y < 1:
            return
        row = int(self.scroll_y) + event.y - 1
        if 0 <= row < self._row_count:
            self.cursor_row = row
            if event.chain >= 2:
                self.action_select_row()

    # Rendering ----------------------------------------------------------------------

    def _layout(self, width: int) -> list[int]:
        if width != self._cache_width:
            self._cache.clear()
            self._cache_width = width
            self._widths = layout_columns(self.columns, width)
        return self._widths

    def _line(self, cells: Sequence[Cell], widths: list[int], width: int, style: Style) -> Strip:
        return render_row(self.columns, widths, cells, width, style)

    def render_header(self, widths: list[int], width: int) -> Strip:
        style = self.get_component_rich_style("virtual-table--header")
        return self._line([(c.label, None) for c in self.columns], widths, width, style)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        widths = self._layout(width)
        base = self.rich_style
        if y == 0:
            return self.render_header(widths, width)
        row = int(self.scroll_y) + y - 1
        if self._row_count == 0:
            if y == 1:
                style = self.get_component_rich_style("virtual-table--empty")
                return Strip([Segment(self.empty_text[:width], style)]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        if row >= self._row_count:
            return Strip.blank(width, base)
        is_cursor = row == self.cursor_row
        key = (self.row_identity(row), is_cursor, self.has_focus)
        strip = self._cache.get(key)
        if strip is None:
            style = Style()
            if is_cursor:
                name = "virtual-table--cursor" if self.has_focus else "virtual-table--cursor-blurred"
                style = self.get_component_rich_style(name)
            strip = self._line(self._row_cells(row), widths, width, style)
            self._cache[key] = strip
            if len(self._cache) > 2000:
                self._cache.popitem(last=False)
        return strip

    def rendered_row_text(self, row: int) -> str:
        """The plain text this table draws for ``row`` (for tests and accessibility)."""
        width = self.scrollable_content_region.width or 120
        strip = self._line(self._row_cells(row), layout_columns(self.columns, width), width, Style())
        return "".join(segment.text for segment in strip)
