"""Turn a byte stream into clean text lines (the runners' only output unit)."""

from __future__ import annotations

import time

from core.text import strip_ansi

from .events import OutputLine, Stream

# A line longer than this (no newline in sight) is cut and emitted in pieces, so one
# endless line cannot grow memory without bound.
MAX_LINE_BYTES = 1 << 20


def clean_line(raw: bytes) -> str:
    """Decode one line; drop ANSI escapes; a carriage-return progress bar keeps its last frame."""
    text = raw.decode("utf-8", errors="replace")
    if "\r" in text:
        frames = [f for f in text.split("\r") if f]
        text = frames[-1] if frames else ""
    if "\x1b" in text or "\x9b" in text:
        text = strip_ansi(text)
    return text


class LineSplitter:
    """Feed chunks of bytes, get complete ``OutputLine``s back."""

    __slots__ = ("stream", "max_line", "_buf")

    def __init__(self, stream: Stream, max_line: int = MAX_LINE_BYTES) -> None:
        self.stream = stream
        self.max_line = max_line
        self._buf = b""

    def feed(self, chunk: bytes) -> list[OutputLine]:
        data = self._buf + chunk if self._buf else chunk
        parts = data.split(b"\n")
        self._buf = parts.pop()
        while len(self._buf) > self.max_line:
            parts.append(self._buf[: self.max_line])
            self._buf = self._buf[self.max_line :]
        if not parts:
            return []
        now = time.time()
        stream = self.stream
        return [OutputLine(stream, clean_line(p), now) for p in parts]

    def flush(self) -> list[OutputLine]:
        """The unterminated last line, if any."""
        if not self._buf:
            return []
        rest, self._buf = self._buf, b""
        return [OutputLine(self.stream, clean_line(rest), time.time())]
