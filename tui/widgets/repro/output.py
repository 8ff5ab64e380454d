"""Run output for the ``Log`` widget: one cheap check per line, inert text only."""

from __future__ import annotations

from core.text import inert

MAX_SHOWN_CHARS = 2000


def display_line(text: str) -> str:
    """A run's output line made safe for the terminal (core.run already stripped ANSI)."""
    if text.isascii() and text.isprintable():
        return text if len(text) <= MAX_SHOWN_CHARS else text[:MAX_SHOWN_CHARS] + " …"
    return inert(text, keep_newlines=False, max_chars=MAX_SHOWN_CHARS).replace("\n", " ")
