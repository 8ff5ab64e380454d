"""Textual's ``Markdown`` with code fences highlighted once per distinct code.

``MarkdownFence`` highlights its code when it is built and again on every style update,
which Textual sends to every widget of a screen each time the screen is resumed. A fence
without a language is guessed by trying every Pygments lexer (0.4 s cold, tens of ms per
block warm), so coming back to an issue re-paid it for each fence. The highlighted
``Content`` is immutable and depends only on (code, language, ANSI mode, dark theme):
it is cached, and a style update that yields the same object leaves the label alone.

Guessing also imports every Pygments lexer module the first time (about 0.2–0.4 s here):
:func:`lexer_warmup` lets the app import them a few at a time while it is idle.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections import OrderedDict
from collections.abc import Iterator
from typing import ClassVar

from textual.content import Content
from textual.widgets import Markdown
from textual.widgets._markdown import MarkdownFence

_CACHE_SIZE = 512
_highlighted: OrderedDict[tuple[str, str, bool, bool], Content] = OrderedDict()


class CachedFence(MarkdownFence):
    """A ``MarkdownFence`` whose highlighting is looked up before it is computed."""

    @classmethod
    def highlight(cls, code: str, language: str, ansi: bool = False, dark: bool = False) -> Content:
        key = (code, language or "", ansi, dark)
        content = _highlighted.get(key)
        if content is None:
            content = super().highlight(code, language, ansi=ansi, dark=dark)
            _highlighted[key] = content
            if len(_highlighted) > _CACHE_SIZE:
                _highlighted.popitem(last=False)
        else:
            _highlighted.move_to_end(key)
        return content

    def notify_style_update(self) -> None:
        content = self.highlight(self.code, self.lexer, ansi=self.app.native_ansi_color,
                                 dark=self.app.current_theme.dark)
        if content is not self._highlighted_code:
            self._highlighted_code = content
            self.set_content(content)
        super(MarkdownFence, self).notify_style_update()


class FenceCachingMarkdown(Markdown):
    """Drop-in ``Markdown`` (same blocks, same look) using :class:`CachedFence`."""

    BLOCKS: ClassVar = {**Markdown.BLOCKS, "fence": CachedFence, "code_block": CachedFence}


def lexer_warmup() -> Iterator[str]:
    """Import Pygments' lexer modules one per step (each a few ms), yielding each name."""
    from pygments.lexers._mapping import LEXERS

    for module in sorted({spec[0] for spec in LEXERS.values()}):
        if module not in sys.modules:
            with contextlib.suppress(Exception):  # a broken optional lexer only costs its guess later
                importlib.import_module(module)
            yield module
