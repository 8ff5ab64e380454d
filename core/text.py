"""Make untrusted text inert for a terminal.

Issue titles, bodies, logins and label names come from strangers. Before any of it is
shown, control characters and ANSI/OSC escape sequences are removed, so it can neither
restyle the terminal nor move the cursor. (Rich markup is avoided by never passing such
text through a markup parser: renderers use ``rich.text.Text`` objects, not strings.)
"""

from __future__ import annotations

import re
import unicodedata

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other two-byte ESC sequences, and C1 CSI.
_ANSI_RE = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]        # CSI
  | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?  # OSC, terminated by BEL or ST (or cut off)
  | \x1b[PX^_][^\x1b]*(?:\x1b\\)?  # DCS/SOS/PM/APC strings
  | \x1b[@-Z\\-_]                  # other 7-bit C1 escapes
  | \x9b[0-?]*[ -/]*[@-~]          # 8-bit CSI
    """,
    re.VERBOSE,
)

# Bidi overrides/isolates can visually reorder a line (the "Trojan Source" trick); RTL
# letters themselves are fine and kept.
_BIDI_CONTROLS = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}


def strip_ansi(text: str) -> str:
    """Remove ANSI/OSC escape sequences."""
    return _ANSI_RE.sub("", text)


def _clean_char(ch: str, keep_newlines: bool) -> str:
    if ch == "\n":
        return "\n" if keep_newlines else " "
    if ch == "\t":
        return "    " if keep_newlines else " "
    if ch in _BIDI_CONTROLS:
        return ""
    cat = unicodedata.category(ch)
    if cat == "Cc":
        # A control char is shown as its Unicode "control picture" where one exists.
        code = ord(ch)
        return chr(0x2400 + code) if code < 0x20 else "\ufffd"
    if cat in ("Cs", "Co", "Cn"):
        return "\ufffd"
    return ch


def inert(text: str | None, *, keep_newlines: bool = True, max_chars: int | None = None) -> str:
    """Return ``text`` safe to place in a terminal cell: no escapes, no control chars.

    ``\\r\\n`` and lone ``\\r`` become newlines. With ``max_chars``, text beyond it is cut and
    a marker says how much was dropped.
    """
    if not text:
        return ""
    suffix = ""
    if max_chars is not None and len(text) > max_chars:
        suffix = f"\n… [{len(text) - max_chars:,} more characters not shown]"
        text = text[:max_chars]
    text = strip_ansi(text.replace("\r\n", "\n").replace("\r", "\n"))
    if text.isascii() and text.isprintable():
        return text + suffix
    return "".join(_clean_char(ch, keep_newlines) for ch in text) + suffix


def one_line(text: str | None, *, max_chars: int = 300) -> str:
    """Inert text folded onto one line (titles, labels, logins in table cells)."""
    return inert(text, keep_newlines=False, max_chars=max_chars).replace("\n", " ")


_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(text: str, *, default: str = "file", max_len: int = 80) -> str:
    """Turn untrusted text into a harmless single path component."""
    name = _UNSAFE_FILENAME.sub("_", text).strip("._")[:max_len]
    return name or default
